import { expect } from 'chai';
import { appendFileSync, readFileSync, readdirSync, statSync, truncateSync, writeFileSync } from 'fs';
import * as path from 'path';
import { BATCH_HEADER_SIZE } from '../../lib/record/batch-header';
import { PartitionLog } from '../../lib/storage/partition-log';
import { buildBatch, listBatches, tempDir, testConfig } from './batch-builder';

describe('storage/recovery', () => {
  let dir: string;
  let cleanup: () => void;
  const opened: PartitionLog[] = [];
  const config = testConfig({ segmentBytes: 2000, indexIntervalBytes: 200 });
  beforeEach(() => ({ dir, cleanup } = tempDir()));
  afterEach(async () => {
    for (const log of opened.splice(0)) await log.close();
    cleanup();
  });

  async function open(recover: boolean, recoveryPoint = 0): Promise<PartitionLog> {
    const log = await PartitionLog.open(dir, 'events', 2, config, { recover, recoveryPoint });
    opened.push(log);
    return log;
  }

  /** Writes `n` batches of 2 records each, closes the log, returns the segment file names. */
  async function writeAndClose(n: number): Promise<string[]> {
    const log = await PartitionLog.open(dir, 'events', 2, config);
    for (let i = 0; i < n; i++) await log.append(buildBatch({ records: 2, valueBytes: 60, firstTimestamp: 1000 + i }), { leaderEpoch: 1 });
    await log.close();
    return readdirSync(dir).filter((f) => f.endsWith('.log')).sort();
  }

  async function readAll(log: PartitionLog): Promise<number[]> {
    const offsets: number[] = [];
    let offset = log.logStartOffset;
    while (offset < log.logEndOffset) {
      const batches = listBatches((await log.read(offset, 1 << 20)).records);
      for (const b of batches) offsets.push(b.baseOffset);
      offset = batches[batches.length - 1].baseOffset + batches[batches.length - 1].lastOffsetDelta + 1;
    }
    return offsets;
  }

  it('truncates a torn tail to the last whole batch and rebuilds the indexes', async () => {
    const segments = await writeAndClose(30);
    const last = path.join(dir, segments[segments.length - 1]);
    const indexFile = last.replace(/\.log$/, '.index');
    const timeIndexFile = last.replace(/\.log$/, '.timeindex');
    const indexBefore = readFileSync(indexFile);
    const timeIndexBefore = readFileSync(timeIndexFile);
    expect(indexBefore.length).to.be.greaterThan(0);
    const sizeBefore = statSync(last).size;
    const half = buildBatch({ records: 2, valueBytes: 60 });
    appendFileSync(last, half.subarray(0, Math.floor(half.length / 2)));
    writeFileSync(indexFile, Buffer.alloc(0));
    writeFileSync(timeIndexFile, Buffer.alloc(0));

    const log = await open(true);
    expect(log.logEndOffset).to.equal(60);
    expect(statSync(last).size).to.equal(sizeBefore);
    expect(readFileSync(indexFile).equals(indexBefore)).to.equal(true);
    expect(readFileSync(timeIndexFile).equals(timeIndexBefore)).to.equal(true);
    expect(await readAll(log)).to.deep.equal(Array.from({ length: 30 }, (_, i) => i * 2));
    expect((await log.append(buildBatch(), { leaderEpoch: 1 })).baseOffset).to.equal(60);
    // Batch i holds timestamps 1000+i and 1001+i.
    expect(await log.offsetForTimestamp(1029)).to.equal(56);
    expect(await log.offsetForTimestamp(1030)).to.equal(58);
  });

  it('truncates at a flipped byte in the middle of the last segment', async () => {
    const segments = await writeAndClose(30);
    const lastName = segments[segments.length - 1];
    const last = path.join(dir, lastName);
    const base = Number(lastName.slice(0, 20));
    const batchSize = buildBatch({ records: 2, valueBytes: 60 }).length;
    const batchesInLast = statSync(last).size / batchSize;
    expect(batchesInLast).to.be.greaterThan(2);
    const victim = Math.floor(batchesInLast / 2);
    const bytes = readFileSync(last);
    bytes[victim * batchSize + BATCH_HEADER_SIZE + 10] ^= 0x5a;
    writeFileSync(last, bytes);

    const log = await open(true);
    expect(log.logEndOffset).to.equal(base + victim * 2);
    expect(log.segmentCount).to.equal(segments.length);
    expect(statSync(last).size).to.equal(victim * batchSize);
    expect((await log.append(buildBatch(), { leaderEpoch: 1 })).baseOffset).to.equal(base + victim * 2);
  });

  it('deletes the segments after one that had to be truncated', async () => {
    const segments = await writeAndClose(30);
    expect(segments.length).to.be.greaterThan(2);
    const first = path.join(dir, segments[0]);
    const bytes = readFileSync(first);
    const batchSize = buildBatch({ records: 2, valueBytes: 60 }).length;
    bytes[batchSize * 3 + BATCH_HEADER_SIZE] ^= 0xff;
    writeFileSync(first, bytes);

    const log = await open(true);
    expect(log.segmentCount).to.equal(1);
    expect(log.logEndOffset).to.equal(6);
    expect(readdirSync(dir).filter((f) => f.endsWith('.log'))).to.deep.equal([segments[0]]);
  });

  it('only rescans segments from the recovery point on', async () => {
    const segments = await writeAndClose(30);
    const bytes = readFileSync(path.join(dir, segments[0]));
    bytes[BATCH_HEADER_SIZE + 5] ^= 0xff;
    writeFileSync(path.join(dir, segments[0]), bytes);
    const lastBase = Number(segments[segments.length - 1].slice(0, 20));

    const log = await open(true, lastBase);
    expect(log.logEndOffset).to.equal(60);
    expect(log.segmentCount).to.equal(segments.length);
  });

  it('skips recovery after a clean shutdown', async () => {
    const segments = await writeAndClose(30);
    const last = path.join(dir, segments[segments.length - 1]);
    const bytes = readFileSync(last);
    bytes[bytes.length - 5] ^= 0xff;
    writeFileSync(last, bytes);

    const log = await open(false);
    // The CRC damage goes unnoticed: without recovery only headers are read.
    expect(log.logEndOffset).to.equal(60);
  });

  it('rebuilds an index that fails its sanity check even after a clean shutdown', async () => {
    const segments = await writeAndClose(30);
    const indexFile = path.join(dir, segments[0].replace(/\.log$/, '.index'));
    const good = readFileSync(indexFile);
    truncateSync(indexFile, good.length - 3);

    const log = await open(false);
    expect(log.logEndOffset).to.equal(60);
    expect(await readAll(log)).to.have.length(30);
    await log.close();
    expect(readFileSync(indexFile).equals(good)).to.equal(true);
  });

  it('recovers a segment whose tail holds an absurd batch length', async () => {
    const segments = await writeAndClose(5);
    const last = path.join(dir, segments[segments.length - 1]);
    const garbage = Buffer.alloc(BATCH_HEADER_SIZE, 0);
    garbage.writeInt32BE(0x7ffffff0, 8);
    appendFileSync(last, garbage);
    const log = await open(true);
    expect(log.logEndOffset).to.equal(10);
    expect(await readAll(log)).to.deep.equal([0, 2, 4, 6, 8]);
  });
});
