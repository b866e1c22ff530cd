import { expect } from 'chai';
import { readFileSync, writeFileSync } from 'fs';
import * as path from 'path';
import { IndexCorruptError } from '../../lib/storage/index-file';
import { TransactionIndex, TXN_INDEX_ENTRY_SIZE } from '../../lib/storage/transaction-index';
import { offsetAfterBatches } from '../../lib/storage/txn-reads';
import { buildBatch, tempDir } from './batch-builder';

describe('storage/transaction-index', () => {
  let dir: string;
  let cleanup: () => void;
  beforeEach(() => ({ dir, cleanup } = tempDir()));
  afterEach(() => cleanup());

  const file = (): string => path.join(dir, '00000000000000000100.txnindex');

  it("writes Kafka's 34-byte entries: version, producerId, firstOffset, lastOffset, lastStableOffset", async () => {
    const index = new TransactionIndex(file(), 100);
    index.append({ producerId: 7, firstOffset: 100, lastOffset: 105, lastStableOffset: 106 });
    await index.flush(true);
    const expected = '0000' + '0000000000000007' + '0000000000000064' + '0000000000000069' + '000000000000006a';
    expect(readFileSync(file()).toString('hex')).to.equal(expected);
    expect(TXN_INDEX_ENTRY_SIZE).to.equal(34);
    const loaded = await TransactionIndex.load(file(), 100);
    expect(loaded.allEntries()).to.deep.equal([{ producerId: 7, firstOffset: 100, lastOffset: 105, lastStableOffset: 106 }]);
  });

  it('collects the entries overlapping a fetch and says when no later segment can add one', () => {
    const index = new TransactionIndex(file(), 100);
    index.append({ producerId: 1, firstOffset: 90, lastOffset: 101, lastStableOffset: 95 });
    index.append({ producerId: 2, firstOffset: 95, lastOffset: 110, lastStableOffset: 111 });
    index.append({ producerId: 3, firstOffset: 120, lastOffset: 130, lastStableOffset: 131 });
    // lastOffset >= fetchOffset and firstOffset < upperBound (Kafka's collectAbortedTxns).
    expect(index.collect(102, 120)).to.deep.equal({ found: [index.entry(1)], complete: true });
    expect(index.collect(100, 96).found.map((t) => t.producerId)).to.deep.equal([1, 2]);
    // No entry's LSO reaches 200: a transaction open below it may end in a later segment.
    expect(index.collect(100, 200)).to.deep.include({ complete: false });
    expect(index.collect(131, 200).found).to.deep.equal([]);
  });

  it('drops the entries whose marker a truncation removed', () => {
    const index = new TransactionIndex(file(), 100);
    index.append({ producerId: 1, firstOffset: 100, lastOffset: 101, lastStableOffset: 102 });
    index.append({ producerId: 2, firstOffset: 100, lastOffset: 105, lastStableOffset: 106 });
    index.truncateTo(105);
    expect(index.allEntries().map((t) => t.producerId)).to.deep.equal([1]);
    index.truncateTo(0);
    expect(index.entries).to.equal(0);
  });

  it('refuses a file that is missing, torn, of another version or out of order', async () => {
    const check = async (what: string): Promise<void> => {
      try {
        await TransactionIndex.load(file(), 100);
      } catch (err) {
        expect(err, what).to.be.instanceOf(IndexCorruptError);
        return;
      }
      throw new Error(`${what} was accepted`);
    };
    await check('a missing file');
    const index = new TransactionIndex(file(), 100);
    index.append({ producerId: 1, firstOffset: 100, lastOffset: 101, lastStableOffset: 102 });
    index.append({ producerId: 2, firstOffset: 100, lastOffset: 103, lastStableOffset: 104 });
    await index.flush(true);
    const good = readFileSync(file());
    writeFileSync(file(), good.subarray(0, 50));
    await check('a torn file');
    const otherVersion = Buffer.from(good);
    otherVersion.writeInt16BE(1, 34);
    writeFileSync(file(), otherVersion);
    await check('version 1');
    writeFileSync(file(), Buffer.concat([good.subarray(34), good.subarray(0, 34)]));
    await check('markers out of order');
    const backwards = Buffer.from(good);
    backwards.writeBigInt64BE(500n, 10);
    writeFileSync(file(), backwards);
    await check('firstOffset after lastOffset');
    expect(() => TransactionIndex.parse(file(), good.subarray(0, 33))).to.throw(IndexCorruptError);
  });

  it('finds the offset after the last whole batch of a read', () => {
    const records = Buffer.concat([buildBatch({ baseOffset: 10, records: 3 }), buildBatch({ baseOffset: 13, records: 2 })]);
    expect(offsetAfterBatches(records)).to.equal(15);
    expect(offsetAfterBatches(records.subarray(0, records.length - 5))).to.equal(13);
    expect(offsetAfterBatches(Buffer.alloc(0))).to.equal(-1);
  });
});
