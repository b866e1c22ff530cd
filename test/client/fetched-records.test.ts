import { expect } from 'chai';
import * as fc from 'fast-check';
import { FetchedRecords } from '../../lib/client/fetched-records';
import { CorruptRecordError } from '../../lib/protocol/errors';
import { CRC_OFFSET, RECORD_COUNT_OFFSET, RECORDS_OFFSET, computeBatchCrc, stampBatch } from '../../lib/record/batch-header';
import { COMPRESSION_TYPES } from '../../lib/record/compression';
import { encodeEndTxnMarkerBatch } from '../../lib/record/control-record';
import { ConsumedRecord, ProducerRecordData } from '../../lib/record/record';
import { decodeRecordBatches, encodeRecordBatch } from '../../lib/record/record-batch';
import { RecordView } from '../../lib/record/record-view';

/** Everything a lazy read yields, in the eager decoder's shape (views materialized). */
function readAll(fetched: FetchedRecords): ConsumedRecord[] {
  const view = new RecordView();
  const out: ConsumedRecord[] = [];
  while (fetched.next(view)) {
    out.push({
      offset: view.offset, timestamp: view.timestamp, timestampType: view.timestampType,
      key: view.key(), value: view.value(), headers: view.headers(), leaderEpoch: view.leaderEpoch,
    });
  }
  return out;
}

/** The eager decoder's records of the non-control batches, at or after `fetchOffset`. */
function eager(buf: Buffer, fetchOffset: number): ConsumedRecord[] {
  return decodeRecordBatches(buf).batches.filter((b) => !b.isControl).flatMap((b) => b.records).filter((r) => r.offset >= fetchOffset);
}

function stamped(records: ProducerRecordData[], base: number, options: Parameters<typeof encodeRecordBatch>[1] = {}): Buffer {
  const buf = encodeRecordBatch(records, options);
  stampBatch(buf, 0, base, 7);
  return buf;
}

const bytesArb = fc.option(fc.uint8Array({ maxLength: 40 }).map((a) => Buffer.from(a)), { nil: null });
const recordArb: fc.Arbitrary<ProducerRecordData> = fc.record({
  key: bytesArb,
  value: fc.option(fc.uint8Array({ maxLength: 200 }).map((a) => Buffer.from(a)), { nil: null }),
  headers: fc.option(fc.array(fc.record({ key: fc.fullUnicodeString({ maxLength: 8 }), value: bytesArb }), { maxLength: 3 }), { nil: undefined }),
  timestamp: fc.option(fc.integer({ min: 0, max: 2 ** 45 }), { nil: undefined }),
}, { requiredKeys: ['key', 'value'] });

function fixCrc(buf: Buffer): Buffer {
  buf.writeUInt32BE(computeBatchCrc(buf, 0, buf.length), CRC_OFFSET);
  return buf;
}

function batchWithRecords(recordBytes: string, recordCount: number): Buffer {
  const base = encodeRecordBatch([{ key: null, value: null, timestamp: 0 }]);
  const buf = Buffer.concat([base.subarray(0, RECORDS_OFFSET), Buffer.from(recordBytes.replace(/\s+/g, ''), 'hex')]);
  buf.writeInt32BE(buf.length - 12, 8);
  buf.writeInt32BE(recordCount, RECORD_COUNT_OFFSET);
  return fixCrc(buf);
}

describe('client/fetched-records', () => {
  for (const compression of COMPRESSION_TYPES) {
    it(`reads the same records as the eager decoder (${compression}, headers, null keys and values, LogAppendTime)`, () => {
      fc.assert(fc.property(
        fc.array(fc.array(recordArb, { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 4 }), fc.boolean(), fc.nat(30),
        (batches, logAppend, skip) => {
          let base = 100;
          const parts = batches.map((records) => {
            const buf = stamped(records, base, { compression, now: 5000, timestampType: logAppend ? 'LogAppendTime' : 'CreateTime' });
            base += records.length;
            return buf;
          });
          // A control batch in the middle is skipped like the eager path's filter skips it.
          parts.splice(1, 0, stamped([{ key: Buffer.from([0, 0, 0, 1]), value: null }], base, { control: true }));
          const buf = Buffer.concat(parts);
          const fetchOffset = 100 + (skip % (base - 100));
          const fetched = new FetchedRecords(buf, fetchOffset);
          const expected = eager(buf, fetchOffset);
          expect(fetched.remaining).to.equal(expected.length);
          expect(readAll(fetched)).to.deep.equal(expected);
          expect(fetched.remaining).to.equal(0);
          expect(fetched.nextOffset).to.equal(base + 1);
        },
      ), { numRuns: 40 });
    });
  }

  it('reads two-byte varints (lengths and offset deltas past 63) as the eager decoder does', () => {
    fc.assert(fc.property(
      fc.array(fc.nat(300), { minLength: 60, maxLength: 300 }), fc.integer({ min: 0, max: 20000 }),
      (sizes, timestampStep) => {
        const records = sizes.map((size, i) => ({ key: i % 3 === 0 ? null : Buffer.alloc(size % 90, 1), value: Buffer.alloc(size, 2), timestamp: 1000 + i * timestampStep }));
        const buf = stamped(records, 40);
        const fetched = new FetchedRecords(buf, 40);
        expect(readAll(fetched)).to.deep.equal(eager(buf, 40));
      },
    ), { numRuns: 20 });
  });

  it('fails a record whose two-byte varint is cut off by the record end, with the eager decoder\'s error', () => {
    // bodySize 6: a header count whose second byte is past the record, a two-byte key length (64) running
    // past it, an offset delta whose bytes all say "more".
    for (const bytes of ['0c 00 00 00 01 01 80', '0c 00 00 00 80 01 00', '0c 00 00 80 80 80 80']) {
      const buf = batchWithRecords(bytes, 1);
      let message = '';
      try {
        decodeRecordBatches(buf);
      } catch (err) {
        message = (err as Error).message;
      }
      expect(message, bytes).to.not.equal('');
      expect(() => readAll(new FetchedRecords(buf, 0)), bytes).to.throw(CorruptRecordError, message);
    }
  });

  it('gives sizes and positions without building Buffers, and views (not copies) when asked', () => {
    const buf = stamped([{ key: null, value: Buffer.from('abc') }, { key: Buffer.from('k'), value: null, headers: [{ key: 'h', value: Buffer.from('x') }] }], 0);
    const fetched = new FetchedRecords(buf, 0);
    const view = new RecordView();
    expect(fetched.next(view)).to.equal(true);
    expect([view.keySize, view.valueSize, view.headerCount]).to.deep.equal([-1, 3, 0]);
    expect(view.key()).to.equal(null);
    expect(view.value()!.buffer).to.equal(buf.buffer);
    expect(view.headers()).to.deep.equal([]);
    expect(fetched.next(view)).to.equal(true);
    expect([view.keySize, view.valueSize, view.headerCount]).to.deep.equal([1, -1, 1]);
    expect(view.headers()).to.deep.equal([{ key: 'h', value: Buffer.from('x') }]);
    expect(fetched.next(view)).to.equal(false);
  });

  it('counts only the records at or after the fetch offset of a batch that straddles it', () => {
    const fetched = new FetchedRecords(stamped([1, 2, 3, 4, 5].map((i) => ({ key: null, value: Buffer.from([i]) })), 10), 13);
    expect(fetched.remaining).to.equal(2);
    expect(readAll(fetched).map((r) => r.offset)).to.deep.equal([13, 14]);
  });

  it('drops the batches of aborted transactions (read_committed)', () => {
    const txn = stamped([{ key: null, value: Buffer.from('aborted') }], 0, { producerId: 9, producerEpoch: 0, baseSequence: 0, transactional: true });
    const abort = encodeEndTxnMarkerBatch({ producerId: 9, producerEpoch: 0, committed: false, coordinatorEpoch: 0, timestamp: 1 });
    stampBatch(abort, 0, 1, 0);
    const plain = stamped([{ key: null, value: Buffer.from('plain') }], 2);
    const buf = Buffer.concat([txn, abort, plain]);
    expect(readAll(new FetchedRecords(buf, 0, [{ producerId: 9, firstOffset: 0 }])).map((r) => r.value!.toString())).to.deep.equal(['plain']);
    expect(readAll(new FetchedRecords(buf, 0, null)).map((r) => r.value!.toString())).to.deep.equal(['aborted', 'plain']);
  });

  it('refuses a batch with a bad CRC on arrival, before any record is read', () => {
    const buf = stamped([{ key: null, value: Buffer.from('abc') }], 0);
    buf[buf.length - 1] ^= 1;
    expect(() => new FetchedRecords(buf, 0)).to.throw(CorruptRecordError, /CRC mismatch/);
  });

  it('fails a corrupt record the way the eager decoder does, when it is reached', () => {
    const cases: Array<[string, number, RegExp]> = [
      ['16 00 00 00 01 0a 6161616161 00   16 00 00 02 01 0a 6262626262 00', 3, /recordCount 3 but holds only 2 records/],
      ['0c 00 00 00 01 01 00   0c 00 00 02 01 01 00', 1, /7 bytes after its 1 declared records/],
      ['10 00 00 00 01 01 00', 1, /declares 8 bytes but 6 remain/],
      ['0e 00 00 00 01 01 00 00', 1, /declares 7 bytes but its fields take 6/],
      ['0c 00 00 00 06 01 00', 1, /record key length 3 .* runs past the record/],
      ['0c 00 00 00 01 01 0a', 1, /header count 5/],
      ['10 00 00 00 01 01 02 01 01', 1, /header key .* is null/],
    ];
    for (const [bytes, count, message] of cases) {
      const buf = batchWithRecords(bytes, count);
      expect(() => decodeRecordBatches(buf), bytes).to.throw(CorruptRecordError, message);
      expect(() => readAll(new FetchedRecords(buf, 0)), bytes).to.throw(CorruptRecordError, message);
    }
  });

  it('keeps a trailing partial batch out and says how many bytes it had', () => {
    const first = stamped([{ key: null, value: Buffer.from('a') }], 0);
    const second = stamped([{ key: null, value: Buffer.from('b') }], 1);
    const fetched = new FetchedRecords(Buffer.concat([first, second.subarray(0, 20)]), 0);
    expect(fetched.nextOffset).to.equal(1);
    expect(fetched.partialBytes).to.equal(20);
    expect(readAll(fetched)).to.have.length(1);
  });
});
