import { expect } from 'chai';
import { readdirSync, statSync } from 'fs';
import { LogSegment, SegmentConfig, segmentFileName } from '../../lib/storage/log-segment';
import { BatchHeaderView } from '../../lib/storage/segment-scan';
import { AssertionError } from '../../lib/util/assert';
import { buildBatch, listBatches, tempDir } from './batch-builder';

async function expectRejection(promise: Promise<unknown>, type: new (...args: never[]) => Error, message: RegExp): Promise<void> {
  let caught: unknown;
  try {
    await promise;
  } catch (err) {
    caught = err;
  }
  expect(caught).to.be.instanceOf(type);
  expect((caught as Error).message).to.match(message);
}

const config: SegmentConfig = { segmentBytes: 1 << 20, segmentMs: 1e9, indexIntervalBytes: 150, indexSizeMaxBytes: 1024 };

describe('storage/log-segment', () => {
  let dir: string;
  let cleanup: () => void;
  let segment: LogSegment;
  beforeEach(async () => {
    ({ dir, cleanup } = tempDir());
    segment = await LogSegment.create(dir, 1000, config);
  });
  afterEach(async () => {
    await segment.close();
    cleanup();
  });

  /** Appends batches of `records` records at consecutive offsets from the segment's next offset. */
  async function append(count: number, records = 2): Promise<Buffer[]> {
    const written: Buffer[] = [];
    for (let i = 0; i < count; i++) {
      const buf = buildBatch({ baseOffset: segment.nextOffset, records, valueBytes: 40, firstTimestamp: 5000 + i * 10 });
      const [info] = listBatches(buf);
      const meta: Omit<BatchHeaderView, 'position'> = {
        baseOffset: info.baseOffset, lastOffset: info.baseOffset + info.lastOffsetDelta, maxTimestamp: info.maxTimestamp,
        sizeInBytes: info.sizeInBytes, recordCount: info.recordCount,
      };
      const position = segment.reserve(meta, config.indexIntervalBytes, 0);
      await segment.write([buf], position);
      written.push(buf);
    }
    return written;
  }

  it('names its files by the 20-digit zero-padded base offset', async () => {
    expect(segmentFileName(1000, '.log')).to.equal('00000000000000001000.log');
    await segment.flush();
    expect(readdirSync(dir).sort()).to.deep.equal(['00000000000000001000.index', '00000000000000001000.log', '00000000000000001000.timeindex', '00000000000000001000.txnindex']);
  });

  it('reads whole batches from the one containing the start offset', async () => {
    const written = await append(10);
    expect(segment.offsetIndex.entries).to.be.greaterThan(2);
    const data = await segment.read(1005, 1 << 20);
    expect(data).to.not.equal(null);
    expect(data!.equals(Buffer.concat(written.slice(2)))).to.equal(true);
  });

  it('stops at maxPosition and returns null past its last batch', async () => {
    const written = await append(4);
    const data = await segment.read(1000, 1 << 20, { maxPosition: written[0].length * 2 + 5 });
    expect(listBatches(data!).map((b) => b.baseOffset)).to.deep.equal([1000, 1002]);
    expect(await segment.read(1008, 1 << 20)).to.equal(null);
  });

  it('translates an offset to the position of its batch', async () => {
    const written = await append(6);
    const found = await segment.translateOffset(1007);
    expect(found).to.include({ baseOffset: 1006, lastOffset: 1007, position: written[0].length * 3 });
    expect(await segment.translateOffset(2000)).to.equal(null);
  });

  it('tracks the largest timestamp and finds offsets by time', async () => {
    await append(8);
    expect(segment.largestTimestamp).to.equal(5071);
    expect(await segment.findOffsetByTimestamp(5031)).to.equal(1006);
    expect(await segment.findOffsetByTimestamp(5072)).to.equal(null);
  });

  it('truncates to the batch holding an offset and trims its indexes', async () => {
    const written = await append(10);
    const removed = await segment.truncateTo(1011);
    expect(removed).to.equal(written[0].length * 5);
    expect(segment.size).to.equal(written[0].length * 5);
    expect(segment.nextOffset).to.equal(1010);
    expect(segment.offsetIndex.lastEntry().position).to.be.lessThan(segment.size);
    await segment.flush();
    expect(statSync(segment.logPath).size).to.equal(segment.size);
    await append(1);
    expect(listBatches((await segment.read(1010, 1 << 20))!).map((b) => b.baseOffset)).to.deep.equal([1010]);
  });

  it('treats a batch whose offsets go backwards as a bug', async () => {
    await append(2);
    const nextOffset = segment.nextOffset;
    const reserved = segment.reservedSize;
    expect(() => segment.reserve({ baseOffset: 1001, lastOffset: 1001, maxTimestamp: 0, sizeInBytes: 80, recordCount: 1 }, 150, 0))
      .to.throw(AssertionError, /does not follow/);
    expect(() => segment.reserve({ baseOffset: nextOffset, lastOffset: nextOffset - 1, maxTimestamp: 0, sizeInBytes: 80, recordCount: 1 }, 150, 0))
      .to.throw(AssertionError, /does not follow/);
    expect(segment.nextOffset).to.equal(nextOffset);
    expect(segment.reservedSize).to.equal(reserved);
  });

  it('treats a write anywhere but the committed end as a bug', async () => {
    const [first] = await append(1);
    await expectRejection(segment.write([first], 0), AssertionError, /committed size is/);
    expect(segment.size).to.equal(first.length);
  });

  it('finishes the write in flight before it closes the file the write goes through', async () => {
    const buf = buildBatch({ baseOffset: 1000, records: 3, valueBytes: 40, firstTimestamp: 5000 });
    const [info] = listBatches(buf);
    const position = segment.reserve({
      baseOffset: 1000, lastOffset: 1000 + info.lastOffsetDelta, maxTimestamp: info.maxTimestamp, sizeInBytes: info.sizeInBytes, recordCount: info.recordCount,
    }, config.indexIntervalBytes, 0);
    const writing = segment.write([buf], position);
    await segment.close();
    await writing;
    expect(statSync(`${dir}/${segmentFileName(1000, '.log')}`).size).to.equal(buf.length);
  });

  it('reloads its state from the files', async () => {
    await append(10);
    await segment.close();
    segment = await LogSegment.open(dir, 1000, config, true);
    expect(segment.recoveryReason).to.equal(null);
    expect(segment.nextOffset).to.equal(1020);
    expect(segment.largestTimestamp).to.equal(5091);
    expect(listBatches((await segment.read(1013, 1 << 20))!)[0].baseOffset).to.equal(1012);
  });
});
