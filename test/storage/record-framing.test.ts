import { expect } from 'chai';
import { ErrorCode, SamsaError } from '../../lib/protocol/errors';
import { encodeRecordBatch } from '../../lib/record/record-batch';
import { ATTRIBUTES_OFFSET, BATCH_LENGTH_OFFSET, RECORD_COUNT_OFFSET } from '../../lib/record/batch-header';
import { checkRecordFraming, checkUncompressedFraming } from '../../lib/storage/record-framing';

function batch(values: string[]): Buffer {
  return encodeRecordBatch(values.map((v, i) => ({ key: i % 2 === 0 ? Buffer.from(`k${i}`) : null, value: Buffer.from(v), headers: [] })), { now: 1000 });
}

function framingError(fn: () => void): SamsaError {
  try {
    fn();
  } catch (err) {
    expect(err).to.be.instanceOf(SamsaError);
    expect((err as SamsaError).code).to.equal(ErrorCode.INVALID_RECORD.code);
    return err as SamsaError;
  }
  throw new Error('expected INVALID_RECORD');
}

describe('storage/record-framing', () => {
  it('accepts a batch whose records fill it exactly, including large records with multi-byte lengths', () => {
    const b = batch(['a', 'x'.repeat(300), 'y'.repeat(20000), '']);
    checkRecordFraming(b, 0, b.length, 4);
    // Two batches back to back: positions are honoured.
    const two = Buffer.concat([b, batch(['z'])]);
    checkUncompressedFraming(two, [{ position: 0, sizeInBytes: b.length, recordCount: 4 }, { position: b.length, sizeInBytes: two.length - b.length, recordCount: 1 }]);
  });

  it('refuses a record count that does not match the records', () => {
    const b = batch(['a', 'b', 'c']);
    expect(framingError(() => checkRecordFraming(b, 0, b.length, 2)).message).to.match(/records still remaining/);
    expect(framingError(() => checkRecordFraming(b, 0, b.length, 4)).message).to.match(/premature EOF/);
  });

  it('refuses a record length that runs past the batch, is negative or too small for a record', () => {
    const b = batch(['abc']);
    const longer = Buffer.from(b);
    longer[61] = 0x7e; // zig-zag 63: more than the batch holds
    expect(framingError(() => checkRecordFraming(longer, 0, longer.length, 1)).message).to.match(/premature EOF/);
    const negative = Buffer.from(b);
    negative[61] = 0x01; // zig-zag -1
    expect(framingError(() => checkRecordFraming(negative, 0, negative.length, 1)).message).to.match(/Invalid record size -1/);
    const endless = Buffer.concat([b.subarray(0, 61), Buffer.alloc(6, 0xff)]);
    expect(framingError(() => checkRecordFraming(endless, 0, endless.length, 1)).message).to.match(/more than 5 bytes/);
  });

  it('skips compressed batches (their records are decoded where they are recompressed)', () => {
    const b = batch(['a']);
    b.writeInt16BE(b.readInt16BE(ATTRIBUTES_OFFSET) | 1, ATTRIBUTES_OFFSET);
    b.writeInt32BE(7, RECORD_COUNT_OFFSET);
    checkUncompressedFraming(b, [{ position: 0, sizeInBytes: b.readInt32BE(BATCH_LENGTH_OFFSET) + 12, recordCount: 7 }]);
  });
});
