import { expect } from 'chai';
import { readdirSync } from 'fs';
import { ErrorCode, SamsaError } from '../../lib/protocol/errors';
import { CRC_OFFSET, TIMESTAMP_TYPE_MASK, ATTRIBUTES_OFFSET, validateBatch } from '../../lib/record/batch-header';
import { LogConfig } from '../../lib/storage/log-config';
import { PartitionLog } from '../../lib/storage/partition-log';
import { AssertionError } from '../../lib/util/assert';
import { buildBatch, listBatches, tempDir, testConfig } from './batch-builder';

async function expectSamsaError(promise: Promise<unknown>, code: number): Promise<SamsaError> {
  try {
    await promise;
  } catch (err) {
    expect(err).to.be.instanceOf(SamsaError);
    expect((err as SamsaError).code).to.equal(code);
    return err as SamsaError;
  }
  throw new Error(`expected SamsaError with code ${code}`);
}

describe('storage/partition-log', () => {
  let dir: string;
  let cleanup: () => void;
  const opened: PartitionLog[] = [];
  beforeEach(() => ({ dir, cleanup } = tempDir()));
  afterEach(async () => {
    for (const log of opened.splice(0)) await log.close();
    cleanup();
  });

  async function open(config: Partial<LogConfig> = {}, clock?: () => number): Promise<PartitionLog> {
    const log = await PartitionLog.open(dir, 'orders', 0, testConfig(config), { clock });
    opened.push(log);
    return log;
  }

  /** Appends `n` batches of `records` records each and returns their base offsets. */
  async function appendMany(log: PartitionLog, n: number, records = 1, valueBytes = 10): Promise<number[]> {
    const bases: number[] = [];
    for (let i = 0; i < n; i++) {
      const result = await log.append(buildBatch({ records, valueBytes, fill: i % 256 }), { leaderEpoch: 3 });
      bases.push(result.baseOffset);
    }
    return bases;
  }

  describe('append', () => {
    it('assigns consecutive offsets and stamps the leader epoch', async () => {
      const log = await open();
      const first = await log.append(buildBatch({ records: 3 }), { leaderEpoch: 7 });
      const second = await log.append(Buffer.concat([buildBatch({ records: 2 }), buildBatch({ records: 1 })]), { leaderEpoch: 7 });
      expect(first).to.include({ baseOffset: 0, lastOffset: 2, recordCount: 3, logAppendTime: -1 });
      expect(second).to.include({ baseOffset: 3, lastOffset: 5, recordCount: 3 });
      expect(log.logEndOffset).to.equal(6);
      const { records } = await log.read(0, 1 << 20);
      const batches = listBatches(records);
      expect(batches.map((b) => b.baseOffset)).to.deep.equal([0, 3, 5]);
      expect(batches.every((b) => b.partitionLeaderEpoch === 7)).to.equal(true);
      for (const b of batches) validateBatch(records, b.position);
    });

    it('returns an empty result for an empty buffer', async () => {
      const log = await open();
      const result = await log.append(Buffer.alloc(0), { leaderEpoch: 0 });
      expect(result).to.include({ baseOffset: -1, recordCount: 0 });
      expect(log.logEndOffset).to.equal(0);
    });

    it('rejects a request with a corrupt batch and appends nothing of it', async () => {
      const log = await open();
      await appendMany(log, 2);
      const bad = buildBatch({ records: 2 });
      bad[bad.length - 1] ^= 0xff;
      const request = Buffer.concat([buildBatch(), bad, buildBatch()]);
      const err = await expectSamsaError(log.append(request, { leaderEpoch: 0 }), ErrorCode.CORRUPT_MESSAGE.code);
      expect(err.message).to.match(/CRC/);
      expect(log.logEndOffset).to.equal(2);
      const next = await log.append(buildBatch(), { leaderEpoch: 0 });
      expect(next.baseOffset).to.equal(2);
    });

    it('rejects trailing bytes after the last batch', async () => {
      const log = await open();
      await expectSamsaError(log.append(Buffer.concat([buildBatch(), Buffer.alloc(5)]), { leaderEpoch: 0 }), ErrorCode.CORRUPT_MESSAGE.code);
      expect(log.logEndOffset).to.equal(0);
    });

    it('rejects a batch over maxMessageBytes with MESSAGE_TOO_LARGE', async () => {
      const log = await open({ maxMessageBytes: 500 });
      await expectSamsaError(log.append(buildBatch({ valueBytes: 600 }), { leaderEpoch: 0 }), ErrorCode.MESSAGE_TOO_LARGE.code);
      expect(log.logEndOffset).to.equal(0);
    });

    it('rejects a batch over segmentBytes with RECORD_LIST_TOO_LARGE', async () => {
      const log = await open({ segmentBytes: 400 });
      await expectSamsaError(log.append(buildBatch({ valueBytes: 600 }), { leaderEpoch: 0 }), ErrorCode.RECORD_LIST_TOO_LARGE.code);
    });

    it('keeps order and offsets across many concurrent appends', async () => {
      const log = await open({ segmentBytes: 8 * 1024 });
      const pending: Array<Promise<{ baseOffset: number }>> = [];
      for (let i = 0; i < 300; i++) {
        pending.push(log.append(buildBatch({ records: 1 + (i % 3), fill: i % 256 }), { leaderEpoch: 1 }));
      }
      const results = await Promise.all(pending);
      let expected = 0;
      results.forEach((r, i) => {
        expect(r.baseOffset).to.equal(expected);
        expected += 1 + (i % 3);
      });
      expect(log.logEndOffset).to.equal(expected);
      expect(log.segmentCount).to.be.greaterThan(1);
      const fills: number[] = [];
      let offset = 0;
      while (offset < log.logEndOffset) {
        const { records } = await log.read(offset, 4096);
        for (const b of listBatches(records)) {
          fills.push(records[b.position + b.sizeInBytes - 2]);
          offset = b.baseOffset + b.lastOffsetDelta + 1;
        }
      }
      expect(fills).to.deep.equal(results.map((_, i) => i % 256));
    });

    it('lets a follower append the leader\'s offsets as long as they increase', async () => {
      const log = await open();
      await log.append(buildBatch({ baseOffset: 0, records: 2, partitionLeaderEpoch: 4 }), { leaderEpoch: 9, assignOffsets: false });
      await log.append(buildBatch({ baseOffset: 5, records: 1, partitionLeaderEpoch: 4 }), { leaderEpoch: 9, assignOffsets: false });
      expect(log.logEndOffset).to.equal(6);
      const batches = listBatches((await log.read(0, 1 << 20)).records);
      expect(batches.map((b) => [b.baseOffset, b.partitionLeaderEpoch])).to.deep.equal([[0, 4], [5, 4]]);
      await expectSamsaError(log.append(buildBatch({ baseOffset: 5 }), { leaderEpoch: 9, assignOffsets: false }), ErrorCode.UNKNOWN_SERVER_ERROR.code);
      expect(log.logEndOffset).to.equal(6);
    });

    it('stamps the broker time into batches of LogAppendTime topics', async () => {
      const log = await open({ messageTimestampType: 'LogAppendTime' }, () => 1_700_000_000_123);
      const result = await log.append(buildBatch({ records: 2, firstTimestamp: 5 }), { leaderEpoch: 0 });
      expect(result.logAppendTime).to.equal(1_700_000_000_123);
      const { records } = await log.read(0, 1 << 20);
      const [batch] = listBatches(records);
      expect(batch.maxTimestamp).to.equal(1_700_000_000_123);
      expect(batch.attributes & TIMESTAMP_TYPE_MASK).to.equal(TIMESTAMP_TYPE_MASK);
      expect(records.readUInt32BE(CRC_OFFSET)).to.equal(validateBatch(records, 0) && records.readUInt32BE(CRC_OFFSET));
      expect(records.readInt16BE(ATTRIBUTES_OFFSET) & 0x07).to.equal(0);
    });
  });

  describe('segment roll', () => {
    it('rolls when the segment would exceed segmentBytes', async () => {
      const log = await open({ segmentBytes: 1000 });
      const size = buildBatch({ valueBytes: 100 }).length;
      await appendMany(log, 30, 1, 100);
      const perSegment = Math.floor(1000 / size);
      expect(log.segmentCount).to.equal(Math.ceil(30 / perSegment));
      const logs = readdirSync(dir).filter((n) => n.endsWith('.log')).sort();
      expect(logs[0]).to.equal('00000000000000000000.log');
      expect(logs[1]).to.equal(`${String(perSegment).padStart(20, '0')}.log`);
      for (let offset = 0; offset < 30; offset++) {
        const [batch] = listBatches((await log.read(offset, 1)).records);
        expect(batch.baseOffset).to.equal(offset);
      }
    });

    it('rolls when the relative offset would overflow int32', async () => {
      const log = await open();
      await log.append(buildBatch({ baseOffset: 0 }), { leaderEpoch: 0, assignOffsets: false });
      const far = 2 ** 31 + 10;
      await log.append(buildBatch({ baseOffset: far }), { leaderEpoch: 0, assignOffsets: false });
      expect(log.segmentCount).to.equal(2);
      expect(readdirSync(dir)).to.include(`${String(far).padStart(20, '0')}.log`);
      expect(log.logEndOffset).to.equal(far + 1);
      const [batch] = listBatches((await log.read(1, 1 << 20)).records);
      expect(batch.baseOffset).to.equal(far);
    });

    it('rolls when an index is full', async () => {
      const log = await open({ indexIntervalBytes: 0, indexSizeMaxBytes: 24 });
      // Same timestamps: the time index stays at one entry and the offset index (3 entries) fills
      // after 4 batches, since the first batch of a segment needs no entry.
      await appendMany(log, 10);
      expect(log.segmentCount).to.equal(3);
      // Rising timestamps: the time index (2 entries) fills first, after 3 batches.
      const rising = await PartitionLog.open(`${dir}/rising`, 'orders', 1, testConfig({ indexIntervalBytes: 0, indexSizeMaxBytes: 24 }));
      opened.push(rising);
      for (let i = 0; i < 10; i++) await rising.append(buildBatch({ firstTimestamp: 1000 + i }), { leaderEpoch: 0 });
      expect(rising.segmentCount).to.equal(4);
    });

    it('rolls a segment older than segmentMs', async () => {
      let now = 1_000_000;
      const log = await open({ segmentMs: 60_000 }, () => now);
      await appendMany(log, 3);
      now += 30_000;
      await appendMany(log, 1);
      expect(log.segmentCount).to.equal(1);
      now += 31_000;
      await appendMany(log, 1);
      expect(log.segmentCount).to.equal(2);
    });
  });

  describe('read', () => {
    it('returns the whole batch when the fetch offset is in its middle', async () => {
      const log = await open();
      await log.append(buildBatch({ records: 5 }), { leaderEpoch: 0 });
      await log.append(buildBatch({ records: 5 }), { leaderEpoch: 0 });
      const { records } = await log.read(7, 1 << 20);
      expect(listBatches(records).map((b) => b.baseOffset)).to.deep.equal([5]);
      expect(listBatches((await log.read(4, 1 << 20)).records).map((b) => b.baseOffset)).to.deep.equal([0, 5]);
    });

    it('honours maxBytes and never returns a partial batch', async () => {
      const log = await open({ indexIntervalBytes: 100 });
      await appendMany(log, 20, 1, 50);
      const size = buildBatch({ valueBytes: 50 }).length;
      const { records } = await log.read(3, size * 4 + size / 2);
      expect(records.length).to.equal(size * 4);
      expect(listBatches(records).map((b) => b.baseOffset)).to.deep.equal([3, 4, 5, 6]);
    });

    it('returns one batch larger than maxBytes unless minOneBatch is false', async () => {
      const log = await open();
      await appendMany(log, 2, 1, 500);
      expect(listBatches((await log.read(0, 10)).records)).to.have.length(1);
      expect((await log.read(0, 10, { minOneBatch: false })).records.length).to.equal(0);
    });

    it('stops before maxOffset', async () => {
      const log = await open();
      await appendMany(log, 10, 2);
      const { records, logEndOffset } = await log.read(0, 1 << 20, { maxOffset: 6 });
      expect(logEndOffset).to.equal(20);
      expect(listBatches(records).map((b) => b.baseOffset)).to.deep.equal([0, 2, 4]);
      expect((await log.read(6, 1 << 20, { maxOffset: 6 })).records.length).to.equal(0);
    });

    it('returns empty records at the log end offset', async () => {
      const log = await open();
      await appendMany(log, 3);
      const result = await log.read(3, 1 << 20);
      expect(result.records.length).to.equal(0);
      expect(result).to.include({ logStartOffset: 0, logEndOffset: 3 });
    });

    it('throws OFFSET_OUT_OF_RANGE past the end or before the start', async () => {
      const log = await open();
      await appendMany(log, 3);
      await expectSamsaError(log.read(4, 100), ErrorCode.OFFSET_OUT_OF_RANGE.code);
      await expectSamsaError(log.read(-1, 100), ErrorCode.OFFSET_OUT_OF_RANGE.code);
      await log.truncateFullyAndStartAt(50);
      await expectSamsaError(log.read(10, 100), ErrorCode.OFFSET_OUT_OF_RANGE.code);
      expect(log.logStartOffset).to.equal(50);
    });

    it('restarts fully at the base offset of a segment it already has, keeping the new segment\'s files', async () => {
      const log = await open({ segmentBytes: 200 });
      await appendMany(log, 10);
      await log.truncateFullyAndStartAt(0);
      expect(readdirSync(dir).filter((f) => f.endsWith('.log'))).to.deep.equal(['00000000000000000000.log']);
      await appendMany(log, 2);
      expect(log.logEndOffset).to.equal(2);
      expect(listBatches((await log.read(0, 10000)).records).map((b) => b.baseOffset)).to.deep.equal([0, 1]);
    });

    it('finds batches through the sparse index across many segments', async () => {
      const log = await open({ segmentBytes: 4096, indexIntervalBytes: 300 });
      await appendMany(log, 200, 3);
      for (const offset of [0, 1, 2, 100, 301, 450, 599]) {
        const [batch] = listBatches((await log.read(offset, 1)).records);
        expect(batch.baseOffset).to.equal(offset - (offset % 3));
      }
    });
  });

  describe('concurrency', () => {
    it('never shows readers a batch before its bytes are written', async () => {
      const log = await open({ segmentBytes: 16 * 1024, indexIntervalBytes: 512 });
      const appends: Array<Promise<unknown>> = [];
      let done = false;
      const reader = (async () => {
        let offset = 0;
        let reads = 0;
        while (!done || offset < log.logEndOffset) {
          const { records, logEndOffset } = await log.read(offset, 2048);
          const batches = listBatches(records);
          let covered = 0;
          for (const b of batches) {
            validateBatch(records, b.position);
            expect(b.baseOffset).to.equal(offset);
            offset = b.baseOffset + b.lastOffsetDelta + 1;
            covered += b.sizeInBytes;
          }
          expect(covered).to.equal(records.length);
          expect(offset).to.be.at.most(logEndOffset);
          reads++;
          if (batches.length === 0) await new Promise((r) => setImmediate(r));
        }
        return { offset, reads };
      })();
      for (let i = 0; i < 400; i++) {
        appends.push(log.append(buildBatch({ records: 2, valueBytes: 30 + (i % 50) }), { leaderEpoch: 0 }));
        if (i % 25 === 0) await new Promise((r) => setImmediate(r));
      }
      await Promise.all(appends);
      done = true;
      const { offset, reads } = await reader;
      expect(offset).to.equal(800);
      expect(reads).to.be.greaterThan(10);
    });

    it('lets reads that race with a truncation finish or fail cleanly', async () => {
      const log = await open({ segmentBytes: 2000 });
      await appendMany(log, 60, 1, 60);
      const reads = Array.from({ length: 40 }, (_, i) => log.read(i, 1 << 20).then(
        (r) => listBatches(r.records).length,
        (err) => {
          expect(err).to.be.instanceOf(SamsaError);
          expect((err as SamsaError).code).to.equal(ErrorCode.OFFSET_OUT_OF_RANGE.code);
          return -1;
        }));
      await log.truncateTo(5);
      const outcomes = await Promise.all(reads);
      expect(outcomes.every((n) => n === -1 || n >= 0)).to.equal(true);
      expect(log.logEndOffset).to.equal(5);
      expect(log.segmentCount).to.equal(1);
    });
  });

  describe('truncateTo', () => {
    it('removes the batch holding the offset and every later segment', async () => {
      const log = await open({ segmentBytes: 1000 });
      await appendMany(log, 30, 2, 50);
      const segmentsBefore = log.segmentCount;
      await log.truncateTo(13);
      expect(log.logEndOffset).to.equal(12);
      expect(log.segmentCount).to.be.lessThan(segmentsBefore);
      const next = await log.append(buildBatch(), { leaderEpoch: 0 });
      expect(next.baseOffset).to.equal(12);
      const tail = listBatches((await log.read(10, 1 << 20)).records);
      expect(tail.map((b) => b.baseOffset)).to.deep.equal([10, 12]);
    });

    it('is a no-op at or past the end', async () => {
      const log = await open();
      await appendMany(log, 3);
      await log.truncateTo(3);
      await log.truncateTo(100);
      expect(log.logEndOffset).to.equal(3);
    });
  });

  describe('offsetForTimestamp', () => {
    it('returns the first batch whose timestamp reaches the target', async () => {
      const log = await open({ indexIntervalBytes: 100, segmentBytes: 2000 });
      for (let i = 0; i < 40; i++) await log.append(buildBatch({ firstTimestamp: 1000 + i * 10, valueBytes: 40 }), { leaderEpoch: 0 });
      expect(await log.offsetForTimestamp(0)).to.equal(0);
      expect(await log.offsetForTimestamp(1000)).to.equal(0);
      expect(await log.offsetForTimestamp(1001)).to.equal(1);
      expect(await log.offsetForTimestamp(1250)).to.equal(25);
      expect(await log.offsetForTimestamp(1390)).to.equal(39);
      expect(await log.offsetForTimestamp(1391)).to.equal(null);
    });
  });

  describe('flush and reopen', () => {
    it('advances the recovery point on flush and after flushIntervalMessages', async () => {
      const log = await open({ flushIntervalMessages: 5 });
      await appendMany(log, 3);
      const before = log.recoveryPoint;
      await appendMany(log, 2);
      expect(before).to.equal(0);
      expect(log.recoveryPoint).to.equal(5);
      await appendMany(log, 1);
      await log.flush();
      expect(log.recoveryPoint).to.equal(6);
    });

    it('tells the flush observer how long each flush took, and nothing while no flush runs', async () => {
      const flushes: number[] = [];
      const log = await PartitionLog.open(dir, 'orders', 0, testConfig({ flushIntervalMessages: 2 }), { flushObserver: { logFlushed: (s) => flushes.push(s) } });
      opened.push(log);
      await appendMany(log, 1);
      expect(flushes).to.have.length(0);
      await appendMany(log, 1);
      expect(flushes).to.have.length(1);
      await log.flush();
      expect(flushes).to.have.length(2);
      for (const s of flushes) expect(s).to.be.within(0, 5);
    });

    it('flushes after flushIntervalMs', async () => {
      const log = await open({ flushIntervalMs: 20 });
      await appendMany(log, 2);
      const deadline = Date.now() + 2000;
      while (log.recoveryPoint < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
      expect(log.recoveryPoint).to.equal(2);
    });

    it('reopens with the same offsets and data', async () => {
      const log = await open({ segmentBytes: 1000 });
      await appendMany(log, 25, 1, 60);
      const before = (await log.read(0, 1 << 20)).records;
      await log.close();
      opened.pop();
      const reopened = await open({ segmentBytes: 1000 });
      expect(reopened.logEndOffset).to.equal(25);
      expect(reopened.segmentCount).to.equal(log.segmentCount);
      expect((await reopened.read(0, 1 << 20)).records.equals(before)).to.equal(true);
      expect((await reopened.append(buildBatch(), { leaderEpoch: 0 })).baseOffset).to.equal(25);
    });

    it('rejects appends after close', async () => {
      const log = await open();
      await log.close();
      await expectSamsaError(log.append(buildBatch(), { leaderEpoch: 0 }), ErrorCode.KAFKA_STORAGE_ERROR.code);
    });
  });

  describe('bounds and invariants', () => {
    async function openBounded(maxQueuedAppendBytes: number): Promise<PartitionLog> {
      const log = await PartitionLog.open(dir, 'orders', 0, testConfig(), { maxQueuedAppendBytes });
      opened.push(log);
      return log;
    }

    it('answers a retriable REQUEST_TIMED_OUT at once when the write queue is full, without losing earlier appends or an offset', async () => {
      const size = buildBatch({ fill: 0 }).length;
      const log = await openBounded(3 * size);
      const accepted = [0, 1, 2].map((i) => log.append(buildBatch({ fill: i }), { leaderEpoch: 1 }));
      expect(log.queuedAppendBytes).to.equal(3 * size);
      const refused = await expectSamsaError(log.append(buildBatch({ fill: 3 }), { leaderEpoch: 1 }), ErrorCode.REQUEST_TIMED_OUT.code);
      expect(refused.retriable).to.equal(true);
      expect((await Promise.all(accepted)).map((r) => r.baseOffset)).to.deep.equal([0, 1, 2]);
      expect(log.queuedAppendBytes).to.equal(0);
      // The refused append took no offset: the next one continues right after the accepted ones.
      expect((await log.append(buildBatch({ fill: 4 }), { leaderEpoch: 1 })).baseOffset).to.equal(3);
      const { records } = await log.read(0, 1 << 20);
      expect(listBatches(records).map((b) => b.baseOffset)).to.deep.equal([0, 1, 2, 3]);
    });

    it('takes an append larger than the bound when nothing else is queued', async () => {
      const log = await openBounded(100);
      const batch = buildBatch({ records: 20 });
      expect(batch.length).to.be.greaterThan(100);
      expect((await log.append(batch, { leaderEpoch: 1 })).lastOffset).to.equal(19);
    });

    it('reports a broken invariant in the write path as a bug, not a disk error, and then refuses appends', async () => {
      const log = await open();
      await appendMany(log, 1);
      const active = log.segmentsView()[0];
      active.reserve = () => {
        throw new AssertionError('injected');
      };
      let first: unknown;
      try {
        await log.append(buildBatch(), { leaderEpoch: 3 });
      } catch (err) {
        first = err;
      }
      expect(first).to.be.instanceOf(AssertionError);
      expect(first).not.to.be.instanceOf(SamsaError);
      let next: unknown;
      try {
        await log.append(buildBatch(), { leaderEpoch: 3 });
      } catch (err) {
        next = err;
      }
      expect(next).to.equal(first);
      expect(log.logEndOffset).to.equal(1);
    });

    it('still reports a failed file write as KAFKA_STORAGE_ERROR', async () => {
      const log = await open();
      await appendMany(log, 1);
      log.segmentsView()[0].write = () => Promise.reject(Object.assign(new Error('EIO: i/o error, write'), { code: 'EIO' }));
      const err = await expectSamsaError(log.append(buildBatch(), { leaderEpoch: 3 }), ErrorCode.KAFKA_STORAGE_ERROR.code);
      expect(err.message).to.match(/EIO/);
      await expectSamsaError(log.append(buildBatch(), { leaderEpoch: 3 }), ErrorCode.KAFKA_STORAGE_ERROR.code);
    });
  });
});
