import { expect } from 'chai';
import * as fc from 'fast-check';
import { CorruptRecordError, SamsaError } from '../../lib/protocol/errors';
import {
  CRC_OFFSET, RECORD_COUNT_OFFSET, RECORDS_OFFSET, computeBatchCrc, setMaxTimestamp, validateBatch,
} from '../../lib/record/batch-header';
import { COMPRESSION_TYPES, CompressionType } from '../../lib/record/compression';
import { ProducerRecordData } from '../../lib/record/record';
import { decodeRecordBatch, decodeRecordBatches, encodeRecordBatch } from '../../lib/record/record-batch';

/** Rewrites the CRC so that a deliberately damaged batch reaches the record decoder. */
function fixCrc(buf: Buffer): Buffer {
  buf.writeUInt32BE(computeBatchCrc(buf, 0, buf.length), CRC_OFFSET);
  return buf;
}

/** Builds an uncompressed batch around hand-written record bytes. */
function batchWithRecords(recordBytes: string, recordCount: number): Buffer {
  const base = encodeRecordBatch([{ key: null, value: null, timestamp: 0 }]);
  const records = Buffer.from(recordBytes.replace(/\s+/g, ''), 'hex');
  const buf = Buffer.concat([base.subarray(0, RECORDS_OFFSET), records]);
  buf.writeInt32BE(buf.length - 12, 8);
  buf.writeInt32BE(recordCount, RECORD_COUNT_OFFSET);
  return fixCrc(buf);
}

const bytesArb = fc.option(fc.uint8Array({ maxLength: 64 }).map((a) => Buffer.from(a)), { nil: null });
const recordArb: fc.Arbitrary<ProducerRecordData> = fc.record({
  key: bytesArb,
  value: fc.option(fc.uint8Array({ maxLength: 300 }).map((a) => Buffer.from(a)), { nil: null }),
  headers: fc.option(fc.array(fc.record({ key: fc.fullUnicodeString({ maxLength: 8 }), value: bytesArb }), { maxLength: 3 }), { nil: undefined }),
  timestamp: fc.option(fc.integer({ min: 0, max: 2 ** 45 }), { nil: undefined }),
}, { requiredKeys: ['key', 'value'] });

function expectSameRecords(records: ProducerRecordData[], compression: CompressionType, now: number): void {
  const encoded = encodeRecordBatch(records, { compression, now, baseOffset: 1000 });
  const batch = decodeRecordBatch(encoded);
  expect(batch.compression).to.equal(compression);
  expect(batch.recordCount).to.equal(records.length);
  expect(batch.sizeInBytes).to.equal(encoded.length);
  const timestamps = records.map((r) => r.timestamp ?? now);
  expect(batch.firstTimestamp).to.equal(timestamps[0]);
  expect(batch.maxTimestamp).to.equal(Math.max(...timestamps));
  batch.records.forEach((decoded, i) => {
    const original = records[i];
    expect(decoded.offset).to.equal(1000 + i);
    expect(decoded.timestamp).to.equal(timestamps[i]);
    expect(decoded.key).to.deep.equal(original.key);
    expect(decoded.value).to.deep.equal(original.value);
    expect(decoded.headers).to.deep.equal(original.headers ?? []);
  });
}

describe('record/record-batch', () => {
  for (const compression of COMPRESSION_TYPES) {
    it(`round-trips random records with ${compression} compression`, () => {
      fc.assert(fc.property(fc.array(recordArb, { minLength: 1, maxLength: 20 }), fc.integer({ min: 0, max: 2 ** 42 }), (records, now) => {
        expectSameRecords(records, compression, now);
      }), { numRuns: 60 });
    });
  }

  it('round-trips a compressed batch larger than one snappy or lz4 block', () => {
    const records = Array.from({ length: 2000 }, (_, i) => ({ key: Buffer.from(`key-${i}`), value: Buffer.alloc(100, i & 0xff) }));
    for (const compression of COMPRESSION_TYPES) expectSameRecords(records, compression, 1);
  });

  it('gives records without a timestamp the time `now`', () => {
    const batch = decodeRecordBatch(encodeRecordBatch([{ key: null, value: null }, { key: null, value: null, timestamp: 7 }], { now: 50 }));
    expect(batch.records.map((r) => r.timestamp)).to.deep.equal([50, 7]);
    expect([batch.firstTimestamp, batch.maxTimestamp]).to.deep.equal([50, 50]);
  });

  it('stamps every record of a LogAppendTime batch with the batch max timestamp', () => {
    const buf = encodeRecordBatch([{ key: null, value: null, timestamp: 1 }, { key: null, value: null, timestamp: 2 }], { timestampType: 'LogAppendTime', now: 99 });
    const batch = decodeRecordBatch(buf);
    expect(batch.timestampType).to.equal('LogAppendTime');
    expect(batch.records.map((r) => [r.timestamp, r.timestampType])).to.deep.equal([[99, 'LogAppendTime'], [99, 'LogAppendTime']]);
  });

  it('reports the append time after a broker switches a batch to LogAppendTime', () => {
    const buf = encodeRecordBatch([{ key: null, value: null, timestamp: 1 }, { key: null, value: null, timestamp: 2 }]);
    setMaxTimestamp(buf, 0, 'LogAppendTime', 5000);
    validateBatch(buf, 0);
    expect(decodeRecordBatch(buf).records.map((r) => r.timestamp)).to.deep.equal([5000, 5000]);
    setMaxTimestamp(buf, 0, 'CreateTime', 2);
    expect(decodeRecordBatch(buf).records.map((r) => r.timestamp)).to.deep.equal([1, 2]);
  });

  it('sets the control flag when asked', () => {
    const batch = decodeRecordBatch(encodeRecordBatch([{ key: Buffer.from([0, 0, 0, 1]), value: null }], { control: true, transactional: true }));
    expect(batch).to.include({ isControl: true, isTransactional: true, attributes: 0x30 });
  });

  it('rejects empty batches, bad timestamps, null header keys and out-of-range header fields', () => {
    expect(() => encodeRecordBatch([])).to.throw(RangeError, /at least one record/);
    expect(() => encodeRecordBatch([{ key: null, value: null, timestamp: 1.5 }])).to.throw(SamsaError, /INVALID_TIMESTAMP/);
    expect(() => encodeRecordBatch([{ key: null, value: null, headers: [{ key: null as unknown as string, value: null }] }]))
      .to.throw(SamsaError, /header keys must be strings/);
    expect(() => encodeRecordBatch([{ key: null, value: null }], { producerEpoch: 40000 })).to.throw(RangeError, /producerEpoch/);
    expect(() => encodeRecordBatch([{ key: null, value: null }], { baseOffset: 2 ** 53 })).to.throw(RangeError, /baseOffset/);
  });

  describe('corrupt input', () => {
    const good = encodeRecordBatch([{ key: Buffer.from('a'), value: Buffer.from('bb'), headers: [{ key: 'h', value: null }] }], { now: 1 });

    it('detects any flipped byte after the magic through the CRC', () => {
      for (let i = CRC_OFFSET; i < good.length; i++) {
        const bad = Buffer.from(good);
        bad[i] ^= 0x01;
        expect(() => decodeRecordBatch(bad), `byte ${i}`).to.throw(CorruptRecordError, /CRC mismatch/);
      }
    });

    it('rejects a batch whose timestamps lie outside the safe integer range, even with a valid CRC', () => {
      for (const at of [27, 35]) {
        const bad = Buffer.from(good);
        bad.writeBigInt64BE(288232172388204300n, at);
        expect(() => validateBatch(fixCrc(bad), 0), `offset ${at}`).to.throw(CorruptRecordError, /Timestamp at position \d+ is outside the safe integer range/);
      }
      const early = Buffer.from(good);
      early.writeBigInt64BE(-(2n ** 60n), 35);
      expect(() => validateBatch(fixCrc(early), 0)).to.throw(CorruptRecordError, /maxTimestamp/);
    });

    it('rejects a batch cut short', () => {
      expect(() => decodeRecordBatch(good.subarray(0, good.length - 1))).to.throw(CorruptRecordError, /declares/);
      expect(() => decodeRecordBatch(good.subarray(0, 30))).to.throw(CorruptRecordError, /truncated/);
    });

    it('rejects a record count above the records present', () => {
      const bad = batchWithRecords('16 00 00 00 01 0a 6161616161 00   16 00 00 02 01 0a 6262626262 00', 3);
      expect(() => decodeRecordBatch(bad)).to.throw(CorruptRecordError, /recordCount 3 but holds only 2 records/);
    });

    it('rejects a record count below the records present', () => {
      const bad = batchWithRecords('0c 00 00 00 01 01 00   0c 00 00 02 01 01 00', 1);
      expect(() => decodeRecordBatch(bad)).to.throw(CorruptRecordError, /7 bytes after its 1 declared records/);
    });

    it('rejects a hostile record count before allocating for it', () => {
      const bad = batchWithRecords('0c 00 00 00 01 01 00', 0x7fffffff);
      expect(() => decodeRecordBatch(bad)).to.throw(CorruptRecordError, /recordCount 2147483647 but has only 7 bytes/);
    });

    it('rejects a record length that runs past the batch', () => {
      const bad = batchWithRecords('10 00 00 00 01 01 00', 1);
      expect(() => decodeRecordBatch(bad)).to.throw(CorruptRecordError, /declares 8 bytes but 6 remain/);
    });

    it('rejects a record whose length disagrees with its fields', () => {
      const bad = batchWithRecords('0e 00 00 00 01 01 00 00', 1);
      expect(() => decodeRecordBatch(bad)).to.throw(CorruptRecordError, /declares 7 bytes but its fields take 6/);
    });

    it('rejects a key or value that runs past its record', () => {
      expect(() => decodeRecordBatch(batchWithRecords('0c 00 00 00 06 01 00', 1))).to.throw(CorruptRecordError, /record key length 3 .* runs past the record/);
      expect(() => decodeRecordBatch(batchWithRecords('0c 00 00 00 01 04 00', 1))).to.throw(CorruptRecordError, /record value length 2/);
      expect(() => decodeRecordBatch(batchWithRecords('0c 00 00 00 03 01 00', 1))).to.throw(CorruptRecordError, /record key length -2 .* is negative/);
    });

    it('rejects bad header counts and null header keys', () => {
      expect(() => decodeRecordBatch(batchWithRecords('0c 00 00 00 01 01 0a', 1))).to.throw(CorruptRecordError, /header count 5/);
      expect(() => decodeRecordBatch(batchWithRecords('10 00 00 00 01 01 02 01 01', 1))).to.throw(CorruptRecordError, /header key .* is null/);
    });

    it('reports garbage inside a compressed batch as corruption', () => {
      const compressed = encodeRecordBatch([{ key: null, value: Buffer.alloc(100, 1) }], { compression: 'lz4' });
      compressed[RECORDS_OFFSET + 8] ^= 0xff;
      expect(() => decodeRecordBatch(fixCrc(compressed))).to.throw(CorruptRecordError);
    });

    for (const compression of COMPRESSION_TYPES) {
      it(`throws only CorruptRecordError when ${compression} record bytes are damaged behind a valid CRC`, () => {
        const sample = encodeRecordBatch([
          { key: Buffer.from('key'), value: Buffer.from('value'), headers: [{ key: 'hk', value: Buffer.from('hv') }] },
          { key: null, value: Buffer.from('second') },
        ], { now: 1_700_000_000_000, compression });
        fc.assert(fc.property(fc.integer({ min: RECORDS_OFFSET, max: sample.length - 1 }), fc.integer({ min: 1, max: 255 }), (at, mask) => {
          const bad = Buffer.from(sample);
          bad[at] ^= mask;
          try {
            decodeRecordBatch(fixCrc(bad));
          } catch (err) {
            expect(err).to.be.instanceOf(CorruptRecordError);
          }
        }), { numRuns: compression === 'none' ? 500 : 150 });
      });
    }

    it('throws only CorruptRecordError on arbitrary bytes', () => {
      fc.assert(fc.property(fc.uint8Array({ maxLength: 120 }), (bytes) => {
        try {
          decodeRecordBatches(Buffer.from(bytes));
        } catch (err) {
          expect(err).to.be.instanceOf(CorruptRecordError);
        }
      }), { numRuns: 500 });
    });
  });

  describe('decodeRecordBatches', () => {
    const first = encodeRecordBatch([{ key: null, value: Buffer.from('one') }], { baseOffset: 0, now: 1 });
    const second = encodeRecordBatch([{ key: null, value: Buffer.from('two') }, { key: null, value: Buffer.from('three') }], { baseOffset: 1, now: 1, compression: 'gzip' });
    const both = Buffer.concat([first, second]);

    it('decodes every batch of a record set', () => {
      const { batches, partialBytes } = decodeRecordBatches(both);
      expect(partialBytes).to.equal(0);
      expect(batches.flatMap((b) => b.records.map((r) => [r.offset, r.value?.toString()]))).to.deep.equal([[0, 'one'], [1, 'two'], [2, 'three']]);
    });

    it('skips and counts a trailing partial batch, at any cut point', () => {
      for (let cut = 1; cut < second.length; cut++) {
        const { batches, partialBytes } = decodeRecordBatches(both.subarray(0, first.length + cut));
        expect(batches, `cut ${cut}`).to.have.length(1);
        expect(partialBytes).to.equal(cut);
      }
    });

    it('returns nothing for an empty buffer', () => {
      expect(decodeRecordBatches(Buffer.alloc(0))).to.deep.equal({ batches: [], partialBytes: 0 });
    });

    it('rejects a batch length below the header size instead of waiting for more bytes', () => {
      const bad = Buffer.from(both);
      bad.writeInt32BE(10, first.length + 8);
      expect(() => decodeRecordBatches(bad)).to.throw(CorruptRecordError, /below the 49-byte minimum/);
    });

    it('rejects a complete batch that fails its CRC', () => {
      const bad = Buffer.from(both);
      bad[bad.length - 1] ^= 0xff;
      expect(() => decodeRecordBatches(bad)).to.throw(CorruptRecordError, /CRC mismatch/);
    });
  });
});
