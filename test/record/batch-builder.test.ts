import { expect } from 'chai';
import * as fc from 'fast-check';
import { BatchBuilder, BuildBatchOptions } from '../../lib/record/batch-builder';
import { ProducerRecordData } from '../../lib/record/record';
import { decodeRecordBatch, encodeRecordBatch } from '../../lib/record/record-batch';

const PLAIN: BuildBatchOptions = { compression: 'none', producerId: -1, producerEpoch: -1, baseSequence: -1, transactional: false };

function build(records: ProducerRecordData[], options: BuildBatchOptions, bufferBytes = 64): Buffer {
  const builder = new BatchBuilder(Buffer.alloc(bufferBytes, 0xee));
  for (const r of records) builder.append(r, r.timestamp as number);
  return builder.build(options);
}

const bytes = fc.option(fc.uint8Array({ maxLength: 300 }).map((a) => Buffer.from(a)), { nil: null });
const recordArb = fc.record({
  key: bytes,
  value: bytes,
  headers: fc.option(fc.array(fc.record({ key: fc.string({ maxLength: 20 }), value: bytes }), { maxLength: 3 }), { nil: undefined }),
  // Far-apart timestamps give multi-byte and negative deltas; the second range puts deltas on
  // both sides of the int32 bounds, where the builder switches from varint to varlong writing.
  timestamp: fc.oneof(fc.integer({ min: 0, max: 2 ** 45 }), fc.integer({ min: 2 ** 40 - 2 ** 31 - 3, max: 2 ** 40 + 2 ** 31 + 3 }),
    fc.constantFrom(2 ** 40, 2 ** 40 + 2 ** 31 - 1, 2 ** 40 + 2 ** 31, 2 ** 40 - 2 ** 31, 2 ** 40 - 2 ** 31 - 1)),
});

describe('record/batch-builder', () => {
  it('writes the same bytes as encodeRecordBatch for any records and header fields', () => {
    fc.assert(fc.property(
      fc.array(recordArb, { minLength: 1, maxLength: 20 }),
      fc.record({ producerId: fc.integer({ min: -1, max: 2 ** 40 }), producerEpoch: fc.integer({ min: -1, max: 0x7fff }),
        baseSequence: fc.integer({ min: -1, max: 0x7fffffff }), transactional: fc.boolean() }),
      (records, fields) => {
        const options = { ...fields, compression: 'none' as const };
        expect(build(records, options).equals(encodeRecordBatch(records, options))).to.equal(true);
      },
    ), { numRuns: 200 });
  });

  it('matches the encoder for each compression codec (the same records decode back)', () => {
    const records: ProducerRecordData[] = Array.from({ length: 50 }, (_, i) => ({
      key: i % 3 === 0 ? null : Buffer.from(`key-${i}`), value: Buffer.from(`value-${i}-`.repeat(5)), timestamp: 1_700_000_000_000 + i,
    }));
    for (const compression of ['gzip', 'snappy', 'lz4', 'zstd'] as const) {
      const options = { ...PLAIN, compression };
      const built = build(records, options);
      const reference = decodeRecordBatch(encodeRecordBatch(records, options));
      const decoded = decodeRecordBatch(built);
      expect(decoded.compression).to.equal(compression);
      expect(decoded.records.map((r) => [r.key, r.value, r.timestamp])).to.deep.equal(reference.records.map((r) => [r.key, r.value, r.timestamp]));
      expect({ ...decoded, records: [], crc: 0, sizeInBytes: 0 }).to.deep.equal({ ...reference, records: [], crc: 0, sizeInBytes: 0 });
    }
  });

  it('rewrites only the header when built again with other producer fields', () => {
    const records = [{ key: null, value: Buffer.from('a'), timestamp: 5 }, { key: null, value: Buffer.from('b'), timestamp: 9 }];
    const builder = new BatchBuilder(Buffer.alloc(128));
    for (const r of records) builder.append(r, r.timestamp);
    builder.build(PLAIN);
    const again = builder.build({ ...PLAIN, producerId: 7, producerEpoch: 1, baseSequence: 40 });
    expect(again.equals(encodeRecordBatch(records, { producerId: 7, producerEpoch: 1, baseSequence: 40 }))).to.equal(true);
  });

  it('grows past a too-small buffer and leaves the batch unchanged when a record is refused', () => {
    const builder = new BatchBuilder(Buffer.alloc(61));
    const big = { key: null, value: Buffer.alloc(1000, 1), timestamp: 1 };
    builder.append(big, 1);
    expect(() => builder.append({ key: null, value: null, headers: [{ key: 3 as unknown as string, value: null }], timestamp: 1 }, 1))
      .to.throw(/header keys must be strings/);
    expect(() => builder.append(big, 1.5)).to.throw(/not an integer/);
    expect(builder.recordCount).to.equal(1);
    expect(builder.build(PLAIN).equals(encodeRecordBatch([big]))).to.equal(true);
  });

  it('refuses to build an empty batch', () => {
    expect(() => new BatchBuilder(Buffer.alloc(100)).build(PLAIN)).to.throw(RangeError);
  });
});
