import { expect } from 'chai';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'fs';
import * as path from 'path';
import {
  LEADER_EPOCH_CHECKPOINT_FILE, LeaderEpochCache, formatEpochCheckpoint, parseEpochCheckpoint,
} from '../../lib/storage/leader-epoch-cache';
import { LogConfig } from '../../lib/storage/log-config';
import { PartitionLog } from '../../lib/storage/partition-log';
import { buildBatch, tempDir, testConfig } from './batch-builder';

describe('storage/leader-epoch-cache', () => {
  let dir: string;
  let cleanup: () => void;
  const opened: PartitionLog[] = [];
  const caches: LeaderEpochCache[] = [];
  beforeEach(() => ({ dir, cleanup } = tempDir()));
  afterEach(async () => {
    for (const log of opened.splice(0)) await log.close();
    // Changes persist in the background: let them land before the directory goes.
    for (const cache of caches.splice(0)) await cache.close();
    cleanup();
  });

  const file = (): string => path.join(dir, LEADER_EPOCH_CHECKPOINT_FILE);

  function cacheOf(entries: Array<[number, number]>): LeaderEpochCache {
    const cache = new LeaderEpochCache(file(), entries.map(([epoch, startOffset]) => ({ epoch, startOffset })));
    caches.push(cache);
    return cache;
  }

  async function open(config: Partial<LogConfig> = {}, clock?: () => number): Promise<PartitionLog> {
    const log = await PartitionLog.open(dir, 'orders', 0, testConfig(config), { clock });
    opened.push(log);
    return log;
  }

  async function reopen(log: PartitionLog, config: Partial<LogConfig> = {}): Promise<PartitionLog> {
    await log.close();
    opened.splice(opened.indexOf(log), 1);
    return open(config);
  }

  describe('in memory', () => {
    it('assigns only epochs above the latest, and reports -1 when empty', () => {
      const cache = cacheOf([]);
      expect(cache.latestEpoch).to.equal(-1);
      cache.assign(2, 0);
      cache.assign(2, 10);
      cache.assign(1, 20);
      cache.assign(4, 30);
      expect(cache.entries()).to.deep.equal([{ epoch: 2, startOffset: 0 }, { epoch: 4, startOffset: 30 }]);
      expect(cache.latestEpoch).to.equal(4);
    });

    it('drops entries a new epoch contradicts instead of letting start offsets go backwards', () => {
      const cache = cacheOf([[0, 0], [1, 10], [2, 20]]);
      cache.assign(3, 15);
      expect(cache.entries()).to.deep.equal([{ epoch: 0, startOffset: 0 }, { epoch: 1, startOffset: 10 }, { epoch: 3, startOffset: 15 }]);
      cache.assign(4, 15);
      expect(cache.entries().map((e) => e.epoch)).to.deep.equal([0, 1, 4]);
    });

    it('answers endOffsetFor like Kafka: latest -> log end, older -> next start, unknown -> -1', () => {
      const cache = cacheOf([[1, 0], [3, 10], [6, 25]]);
      expect(cache.endOffsetFor(6, 40)).to.deep.equal({ leaderEpoch: 6, endOffset: 40 });
      expect(cache.endOffsetFor(3, 40)).to.deep.equal({ leaderEpoch: 3, endOffset: 25 });
      // An epoch this replica never led answers with the largest one below it.
      expect(cache.endOffsetFor(2, 40)).to.deep.equal({ leaderEpoch: 1, endOffset: 10 });
      expect(cache.endOffsetFor(5, 40)).to.deep.equal({ leaderEpoch: 3, endOffset: 25 });
      expect(cache.endOffsetFor(0, 40)).to.deep.equal({ leaderEpoch: -1, endOffset: -1 });
      expect(cache.endOffsetFor(7, 40)).to.deep.equal({ leaderEpoch: -1, endOffset: -1 });
      expect(cache.endOffsetFor(-1, 40)).to.deep.equal({ leaderEpoch: -1, endOffset: -1 });
      expect(cacheOf([]).endOffsetFor(0, 0)).to.deep.equal({ leaderEpoch: -1, endOffset: -1 });
    });

    it('truncates from the end, dropping epochs that start at or after the offset', () => {
      const cache = cacheOf([[1, 0], [3, 10], [6, 25]]);
      cache.truncateFromEnd(26);
      expect(cache.entries()).to.have.length(3);
      cache.truncateFromEnd(25);
      expect(cache.entries().map((e) => e.epoch)).to.deep.equal([1, 3]);
      cache.truncateFromEnd(0);
      expect(cache.entries()).to.deep.equal([]);
    });

    it('truncates from the start by clamping the epoch holding the new start and dropping older ones', () => {
      const cache = cacheOf([[1, 0], [3, 10], [6, 25]]);
      cache.truncateFromStart(12);
      expect(cache.entries()).to.deep.equal([{ epoch: 3, startOffset: 12 }, { epoch: 6, startOffset: 25 }]);
      cache.truncateFromStart(25);
      expect(cache.entries()).to.deep.equal([{ epoch: 6, startOffset: 25 }]);
      cache.truncateFromStart(30);
      expect(cache.entries()).to.deep.equal([{ epoch: 6, startOffset: 30 }]);
      cache.clear();
      expect(cache.latestEpoch).to.equal(-1);
    });
  });

  describe('checkpoint file', () => {
    it('writes Kafka\'s text format and reads it back', async () => {
      const cache = cacheOf([]);
      cache.assign(0, 0);
      cache.assign(5, 120);
      expect(cache.isDirty).to.equal(true);
      await cache.flush();
      expect(cache.isDirty).to.equal(false);
      expect(readFileSync(file(), 'utf8')).to.equal('0\n2\n0 0\n5 120\n');
      const { cache: loaded, status } = await LeaderEpochCache.load(file());
      expect(status).to.equal('ok');
      expect(loaded.entries()).to.deep.equal(cache.entries());
    });

    it('reports a missing file and a malformed one as an empty cache', async () => {
      expect((await LeaderEpochCache.load(file())).status).to.equal('missing');
      for (const text of ['1\n0\n', '0\n2\n0 0\n', '0\n2\n3 10\n2 20\n', '0\n1\nx 1\n']) {
        writeFileSync(file(), text);
        const { cache, status } = await LeaderEpochCache.load(file());
        expect(status, JSON.stringify(text)).to.equal('corrupt');
        expect(cache.entries()).to.deep.equal([]);
      }
      expect(parseEpochCheckpoint(formatEpochCheckpoint([{ epoch: 2, startOffset: 7 }]))).to.deep.equal([{ epoch: 2, startOffset: 7 }]);
    });
  });

  describe('in a partition log', () => {
    it('records the leader epoch at the first offset of each new epoch on the leader path', async () => {
      const log = await open();
      await log.append(buildBatch({ records: 3 }), { leaderEpoch: 0 });
      await log.append(buildBatch({ records: 2 }), { leaderEpoch: 0 });
      await log.append(buildBatch({ records: 1 }), { leaderEpoch: 2 });
      expect(log.leaderEpochs.entries()).to.deep.equal([{ epoch: 0, startOffset: 0 }, { epoch: 2, startOffset: 5 }]);
      // The checkpoint was written before the first batch of the epoch.
      expect(readFileSync(file(), 'utf8')).to.equal('0\n2\n0 0\n2 5\n');
      expect(log.endOffsetForEpoch(0)).to.deep.equal({ leaderEpoch: 0, endOffset: 5 });
      expect(log.endOffsetForEpoch(2)).to.deep.equal({ leaderEpoch: 2, endOffset: 6 });
      expect(log.endOffsetForEpoch(1)).to.deep.equal({ leaderEpoch: 0, endOffset: 5 });
    });

    it('records the epochs stamped in the leader\'s batches on the follower path', async () => {
      const log = await open();
      const batches = Buffer.concat([
        buildBatch({ baseOffset: 0, records: 2, partitionLeaderEpoch: 1 }),
        buildBatch({ baseOffset: 2, records: 2, partitionLeaderEpoch: 1 }),
        buildBatch({ baseOffset: 4, records: 1, partitionLeaderEpoch: 4 }),
      ]);
      await log.append(batches, { leaderEpoch: 9, assignOffsets: false });
      expect(log.leaderEpochs.entries()).to.deep.equal([{ epoch: 1, startOffset: 0 }, { epoch: 4, startOffset: 4 }]);
    });

    it('drops truncated epochs at once, so appends queued behind a truncation keep theirs', async () => {
      const log = await open();
      await log.append(buildBatch({ records: 5 }), { leaderEpoch: 1 });
      await log.append(buildBatch({ records: 5 }), { leaderEpoch: 2 });
      const truncated = log.truncateTo(5);
      const appended = log.append(buildBatch({ baseOffset: 5, records: 2, partitionLeaderEpoch: 3 }), { leaderEpoch: 3, assignOffsets: false });
      await Promise.all([truncated, appended]);
      expect(log.leaderEpochs.entries()).to.deep.equal([{ epoch: 1, startOffset: 0 }, { epoch: 3, startOffset: 5 }]);
      expect(log.logEndOffset).to.equal(7);
    });

    it('clears the cache when the log restarts elsewhere, and the next append starts it again', async () => {
      const log = await open();
      await log.append(buildBatch({ records: 3 }), { leaderEpoch: 1 });
      await log.truncateFullyAndStartAt(100);
      expect(log.leaderEpochs.entries()).to.deep.equal([]);
      await log.append(buildBatch({ baseOffset: 100, partitionLeaderEpoch: 2 }), { leaderEpoch: 2, assignOffsets: false });
      expect(log.leaderEpochs.entries()).to.deep.equal([{ epoch: 2, startOffset: 100 }]);
    });

    it('moves the first epoch\'s start when retention moves the log start', async () => {
      const batchSize = buildBatch({ valueBytes: 100 }).length;
      const log = await open({ segmentBytes: batchSize * 3, retentionBytes: batchSize * 3 });
      for (let i = 0; i < 7; i++) await log.append(buildBatch({ valueBytes: 100 }), { leaderEpoch: i < 4 ? 0 : 1 });
      await log.deleteRetentionExpiredSegments(Date.now());
      expect(log.logStartOffset).to.equal(3);
      expect(log.leaderEpochs.entries()).to.deep.equal([{ epoch: 0, startOffset: 3 }, { epoch: 1, startOffset: 4 }]);
    });

    it('drops entries at or past the log end when it reopens', async () => {
      const log = await open();
      await log.append(buildBatch({ records: 4 }), { leaderEpoch: 1 });
      // A new leader records its epoch at the log end before it appends anything.
      log.leaderEpochs.assign(2, log.logEndOffset);
      const reopened = await reopen(log);
      expect(reopened.leaderEpochs.entries()).to.deep.equal([{ epoch: 1, startOffset: 0 }]);
    });

    it('rebuilds a missing or unreadable checkpoint from the batch headers', async () => {
      const log = await open({ segmentBytes: 400 });
      for (let i = 0; i < 6; i++) await log.append(buildBatch({ records: 2, valueBytes: 60 }), { leaderEpoch: [0, 0, 3, 3, 3, 7][i] });
      expect(log.segmentCount).to.be.greaterThan(2);
      const expected = [{ epoch: 0, startOffset: 0 }, { epoch: 3, startOffset: 4 }, { epoch: 7, startOffset: 10 }];
      expect(log.leaderEpochs.entries()).to.deep.equal(expected);
      await log.close();
      opened.splice(opened.indexOf(log), 1);
      rmSync(file());
      const rebuilt = await open({ segmentBytes: 400 });
      expect(rebuilt.leaderEpochs.entries()).to.deep.equal(expected);
      await rebuilt.close();
      opened.splice(opened.indexOf(rebuilt), 1);
      expect(existsSync(file())).to.equal(true);
      writeFileSync(file(), 'garbage');
      expect((await open({ segmentBytes: 400 })).leaderEpochs.entries()).to.deep.equal(expected);
    });
  });
});
