import { expect } from 'chai';
import { copyFileSync, readdirSync } from 'fs';
import * as path from 'path';
import { ErrorCode, SamsaError } from '../../lib/protocol/errors';
import { LogConfig } from '../../lib/storage/log-config';
import { LogManager, formatBytes } from '../../lib/storage/log-manager';
import { PartitionLog } from '../../lib/storage/partition-log';
import { buildBatch, listBatches, tempDir, testConfig } from './batch-builder';
import { waitUntil } from '../helpers/wait';

const T0 = 1_700_000_000_000;
const VALUE_BYTES = 100;
const BATCH_SIZE = buildBatch({ valueBytes: VALUE_BYTES }).length;
/** Exactly three batches fit a segment, so segment k holds offsets [3k, 3k+2]. */
const SEGMENT_BYTES = BATCH_SIZE * 3;

async function expectOutOfRange(promise: Promise<unknown>): Promise<void> {
  try {
    await promise;
  } catch (err) {
    expect(err).to.be.instanceOf(SamsaError);
    expect((err as SamsaError).code).to.equal(ErrorCode.OFFSET_OUT_OF_RANGE.code);
    return;
  }
  throw new Error('expected OFFSET_OUT_OF_RANGE');
}

describe('storage/retention', () => {
  let dir: string;
  let cleanup: () => void;
  const opened: PartitionLog[] = [];
  beforeEach(() => ({ dir, cleanup } = tempDir()));
  afterEach(async () => {
    for (const log of opened.splice(0)) await log.close();
    cleanup();
  });

  function retentionConfig(overrides: Partial<LogConfig> = {}): LogConfig {
    return testConfig({ segmentBytes: SEGMENT_BYTES, fileDeleteDelayMs: 0, ...overrides });
  }

  async function open(overrides: Partial<LogConfig> = {}, logDir = dir): Promise<PartitionLog> {
    const log = await PartitionLog.open(logDir, 'orders', 0, retentionConfig(overrides));
    opened.push(log);
    return log;
  }

  /**
   * Appends `n` one-record batches; the batch at offset i has timestamp T0 + i * 1000. With a
   * (one-byte) key, for compacted topics, the value is a byte shorter so batches keep their size.
   */
  async function appendTimed(log: PartitionLog, n: number, key?: string): Promise<void> {
    for (let i = 0; i < n; i++) {
      const offset = log.logEndOffset;
      const valueBytes = VALUE_BYTES - (key?.length ?? 0);
      await log.append(buildBatch({ valueBytes, firstTimestamp: T0 + offset * 1000, key }), { leaderEpoch: 0 });
    }
  }

  const files = (): string[] => readdirSync(dir).sort();

  it('deletes the segments whose newest record is older than retention.ms and keeps newer ones', async () => {
    const log = await open({ retentionMs: 10_000 });
    await appendTimed(log, 9);
    expect(log.segmentCount).to.equal(3);
    // Newest records: segment 0 at T0+2s, segment 1 at T0+5s, segment 2 at T0+8s.
    const result = await log.deleteRetentionExpiredSegments(T0 + 15_500);
    expect(result).to.deep.equal({ segmentsDeleted: 2, bytesDeleted: 6 * BATCH_SIZE, reasons: ['retention.ms'], logStartOffset: 6 });
    expect(log.logStartOffset).to.equal(6);
    expect(log.segmentCount).to.equal(1);
    expect(log.size).to.equal(3 * BATCH_SIZE);
    // Exactly retention.ms old is not yet expired.
    expect((await log.deleteRetentionExpiredSegments(T0 + 18_000)).segmentsDeleted).to.equal(0);
  });

  it('deletes the oldest segments while the rest stays at least retention.bytes', async () => {
    const log = await open({ retentionBytes: 4 * BATCH_SIZE });
    await appendTimed(log, 9);
    const result = await log.deleteRetentionExpiredSegments(T0);
    expect(result).to.deep.equal({ segmentsDeleted: 1, bytesDeleted: 3 * BATCH_SIZE, reasons: ['retention.bytes'], logStartOffset: 3 });
    expect(log.size).to.equal(6 * BATCH_SIZE);

    log.updateConfig(retentionConfig({ retentionBytes: 3 * BATCH_SIZE + 1 }));
    expect((await log.deleteRetentionExpiredSegments(T0)).segmentsDeleted).to.equal(0);
    log.updateConfig(retentionConfig({ retentionBytes: 3 * BATCH_SIZE }));
    expect((await log.deleteRetentionExpiredSegments(T0)).logStartOffset).to.equal(6);
  });

  it('applies retention.ms before retention.bytes and reports both', async () => {
    const log = await open({ retentionMs: 10_000, retentionBytes: 4 * BATCH_SIZE });
    await appendTimed(log, 12);
    // Time expires only segment 0; of the 9 batches left, size then removes segment 1 (6 >= 4), not segment 2 (3 < 4).
    const result = await log.deleteRetentionExpiredSegments(T0 + 12_500);
    expect(result).to.deep.equal({ segmentsDeleted: 2, bytesDeleted: 6 * BATCH_SIZE, reasons: ['retention.ms', 'retention.bytes'], logStartOffset: 6 });
  });

  it('rolls an expired active segment and deletes it, so a quiet topic still expires', async () => {
    const log = await open({ retentionMs: 1000 });
    await appendTimed(log, 2);
    expect(log.segmentCount).to.equal(1);
    const result = await log.deleteRetentionExpiredSegments(T0 + 60_000);
    expect(result).to.include({ segmentsDeleted: 1, bytesDeleted: 2 * BATCH_SIZE, logStartOffset: 2 });
    expect(log.segmentCount).to.equal(1);
    expect(log.logStartOffset).to.equal(2);
    expect(log.logEndOffset).to.equal(2);
    expect(log.size).to.equal(0);
    expect((await log.read(2, 1 << 20)).records.length).to.equal(0);
    await expectOutOfRange(log.read(1, 1 << 20));
    // An empty active segment has nothing to expire: the next run leaves it alone.
    expect((await log.deleteRetentionExpiredSegments(T0 + 120_000)).segmentsDeleted).to.equal(0);
    expect((await log.append(buildBatch(), { leaderEpoch: 0 })).baseOffset).to.equal(2);
  });

  it('keeps everything with -1, without retention settings, and for compacted topics', async () => {
    const settings: Array<Partial<LogConfig>> = [
      { retentionMs: -1, retentionBytes: -1 },
      {},
      { retentionMs: 0, retentionBytes: 0, cleanupPolicy: 'compact' },
    ];
    for (const [i, overrides] of settings.entries()) {
      const log = await open(overrides, path.join(dir, `log-${i}`));
      await appendTimed(log, 7, overrides.cleanupPolicy === 'compact' ? 'k' : undefined);
      const result = await log.deleteRetentionExpiredSegments(T0 + 365 * 24 * 3600 * 1000);
      expect(result).to.deep.equal({ segmentsDeleted: 0, bytesDeleted: 0, reasons: [], logStartOffset: 0 });
      expect(log.segmentCount).to.equal(3);
    }
  });

  it('applies retention to compacted topics whose cleanup.policy also lists delete', async () => {
    const log = await open({ retentionMs: 10_000, cleanupPolicy: 'compact,delete' });
    await appendTimed(log, 9, 'k');
    const result = await log.deleteRetentionExpiredSegments(T0 + 15_500);
    expect(result.segmentsDeleted).to.equal(2);
    expect(log.logStartOffset).to.equal(6);
  });

  it('refuses retention settings that are not integers >= -1', async () => {
    for (const bad of [{ retentionMs: -2 }, { retentionBytes: 1.5 }, { fileDeleteDelayMs: -1 }]) {
      let error: unknown;
      try {
        await open(bad);
      } catch (err) {
        error = err;
      }
      expect(error).to.be.instanceOf(SamsaError);
      expect((error as SamsaError).code).to.equal(ErrorCode.INVALID_CONFIG.code);
    }
  });

  it('never deletes a segment holding offsets at or past the high watermark', async () => {
    const log = await open({ retentionMs: 1000 });
    await appendTimed(log, 9);
    const result = await log.deleteRetentionExpiredSegments(T0 + 60_000, { highWatermark: 5 });
    expect(result).to.include({ segmentsDeleted: 1, logStartOffset: 3 });
    expect((await log.deleteRetentionExpiredSegments(T0 + 60_000, { highWatermark: 6 })).logStartOffset).to.equal(6);
  });

  it('answers reads below the new log start with OFFSET_OUT_OF_RANGE and still serves the rest', async () => {
    const log = await open({ retentionMs: 10_000 });
    await appendTimed(log, 9);
    await log.deleteRetentionExpiredSegments(T0 + 15_500);
    await expectOutOfRange(log.read(0, 1 << 20));
    await expectOutOfRange(log.read(5, 1 << 20));
    const { records, logStartOffset, logEndOffset } = await log.read(6, 1 << 20);
    expect(listBatches(records).map((b) => b.baseOffset)).to.deep.equal([6, 7, 8]);
    expect([logStartOffset, logEndOffset]).to.deep.equal([6, 9]);
    expect(await log.offsetForTimestamp(T0)).to.equal(6);
  });

  it('keeps offsets increasing for appends after a deletion', async () => {
    const log = await open({ retentionMs: 10_000 });
    await appendTimed(log, 9);
    await log.deleteRetentionExpiredSegments(T0 + 15_500);
    const next = await log.append(buildBatch({ records: 2 }), { leaderEpoch: 0 });
    expect(next).to.include({ baseOffset: 9, lastOffset: 10 });
    expect(log.logEndOffset).to.equal(11);
    expect(listBatches((await log.read(9, 1 << 20)).records).map((b) => b.baseOffset)).to.deep.equal([9]);
  });

  it('renames deleted files to .deleted and removes them after file.delete.delay.ms', async () => {
    const log = await open({ retentionMs: 10_000, fileDeleteDelayMs: 50 });
    await appendTimed(log, 9);
    await log.flush();
    await log.deleteRetentionExpiredSegments(T0 + 15_500);
    expect(files().filter((f) => f.endsWith('.deleted'))).to.deep.equal([
      '00000000000000000000.index.deleted', '00000000000000000000.log.deleted', '00000000000000000000.timeindex.deleted', '00000000000000000000.txnindex.deleted',
      '00000000000000000003.index.deleted', '00000000000000000003.log.deleted', '00000000000000000003.timeindex.deleted', '00000000000000000003.txnindex.deleted',
    ]);
    expect(files().filter((f) => f.endsWith('.log'))).to.deep.equal(['00000000000000000006.log']);
    await waitUntil('.deleted files to go', () => !files().some((f) => f.endsWith('.deleted')), 2000);
    // A flush after the rename must not bring a deleted segment's index back under its live name.
    await log.flush();
    expect(files().filter((f) => f.startsWith('0000000000000000000') && !f.startsWith('00000000000000000006'))).to.deep.equal([]);
  });

  it('keeps the log start offset when the log is reopened, cleanly or after a crash', async () => {
    const log = await open({ retentionMs: 10_000, fileDeleteDelayMs: 60_000 });
    await appendTimed(log, 9);
    await log.deleteRetentionExpiredSegments(T0 + 15_500);
    // Files a crash would leave behind mid-delete: the next load must remove, not load, them.
    copyFileSync(path.join(dir, '00000000000000000006.log'), path.join(dir, '00000000000000000001.log.deleted'));
    await log.close();
    opened.splice(opened.indexOf(log), 1);
    expect(files().some((f) => f.endsWith('.deleted'))).to.equal(true);

    const clean = await open({ retentionMs: 10_000 });
    expect([clean.logStartOffset, clean.logEndOffset]).to.deep.equal([6, 9]);
    expect(files().some((f) => f.endsWith('.deleted'))).to.equal(false);
    await clean.close();
    opened.splice(opened.indexOf(clean), 1);

    const crashed = await PartitionLog.open(dir, 'orders', 0, retentionConfig(), { recover: true, recoveryPoint: 0 });
    opened.push(crashed);
    expect([crashed.logStartOffset, crashed.logEndOffset]).to.deep.equal([6, 9]);
    await expectOutOfRange(crashed.read(3, 1 << 20));
  });

  it('lets a read that already picked a deleted segment finish with its data', async () => {
    const log = await open({ retentionMs: 10_000, fileDeleteDelayMs: 200 });
    await appendTimed(log, 9);
    const before = log.read(0, 1 << 20);
    const deleted = log.deleteRetentionExpiredSegments(T0 + 15_500);
    const early = await before;
    expect(listBatches(early.records)[0].baseOffset).to.equal(0);
    await deleted;
    await expectOutOfRange(log.read(0, 1 << 20));
  });

  it('survives reads and appends racing with deletions', async () => {
    const log = await open({ retentionBytes: 6 * BATCH_SIZE, fileDeleteDelayMs: 0 });
    await appendTimed(log, 9);
    const unexpected: unknown[] = [];
    const answered = { records: 0, outOfRange: 0 };
    let done = false;
    // Readers keep fetching offsets anywhere in [0, end), deleted ones included, while segments go.
    const reader = async (seed: number): Promise<void> => {
      for (let i = seed; !done; i += 7) {
        const offset = i % log.logEndOffset;
        try {
          const first = listBatches((await log.read(offset, 1 << 20)).records)[0];
          if (first.baseOffset > offset || first.baseOffset + first.lastOffsetDelta < offset) throw new Error(`read ${offset} got batch ${first.baseOffset}`);
          answered.records++;
        } catch (err) {
          if (err instanceof SamsaError && err.code === ErrorCode.OFFSET_OUT_OF_RANGE.code) answered.outOfRange++;
          else unexpected.push(err);
        }
        // An out-of-range answer settles without I/O; yield so the writer and timers get their turn.
        await new Promise((r) => setImmediate(r));
      }
    };
    const readers = [0, 1, 2, 3].map(reader);
    const appends: Array<Promise<number>> = [];
    for (let round = 0; round < 30; round++) {
      appends.push(log.append(buildBatch({ valueBytes: VALUE_BYTES, firstTimestamp: T0 }), { leaderEpoch: 0 }).then((r) => r.baseOffset));
      await log.deleteRetentionExpiredSegments(T0).catch((err) => unexpected.push(err));
      await new Promise((r) => setTimeout(r, 1));
    }
    done = true;
    await Promise.all(readers);
    expect(unexpected).to.deep.equal([]);
    expect(answered.records).to.be.greaterThan(0);
    expect(answered.outOfRange).to.be.greaterThan(0);
    expect(await Promise.all(appends)).to.deep.equal(Array.from({ length: 30 }, (_, i) => 9 + i));
    expect(log.logEndOffset).to.equal(39);
    expect(log.size).to.be.at.least(6 * BATCH_SIZE);
    expect(log.logStartOffset).to.be.greaterThan(27);
    expect(listBatches((await log.read(log.logStartOffset, 1 << 20)).records)[0].baseOffset).to.equal(log.logStartOffset);
  });
});

describe('storage/log-manager retention', () => {
  let root: string;
  let cleanup: () => void;
  let manager: LogManager | null = null;
  beforeEach(() => ({ dir: root, cleanup } = tempDir()));
  afterEach(async () => {
    await manager?.shutdown();
    manager = null;
    cleanup();
  });

  async function start(retentionCheckIntervalMs: number, now: () => number): Promise<LogManager> {
    manager = new LogManager({
      logDirs: [root],
      brokerId: 1,
      defaultConfig: testConfig({ segmentBytes: SEGMENT_BYTES, retentionMs: 10_000, fileDeleteDelayMs: 0 }),
      recoveryPointCheckpointIntervalMs: 0,
      retentionCheckIntervalMs,
      clock: now,
    });
    await manager.startup();
    return manager;
  }

  async function fill(log: PartitionLog, n: number): Promise<void> {
    for (let i = 0; i < n; i++) await log.append(buildBatch({ valueBytes: VALUE_BYTES, firstTimestamp: T0 + i * 1000 }), { leaderEpoch: 0 });
  }

  it('runs retention over every log on its interval', async () => {
    let now = T0;
    const logs = await start(10, () => now);
    const orders = await logs.getOrCreateLog('orders', 0);
    const forever = await logs.getOrCreateLog('audit', 0, testConfig({ segmentBytes: SEGMENT_BYTES, retentionMs: -1 }));
    await fill(orders, 9);
    await fill(forever, 9);
    now = T0 + 15_500;
    await waitUntil('the periodic retention run', () => orders.logStartOffset === 6, 2000);
    expect(forever.logStartOffset).to.equal(0);
  });

  it('logs one line per log that lost segments and reports it from runRetention', async () => {
    const logs = await start(0, () => T0);
    const lines: string[] = [];
    const logger = (logs as unknown as { logger: { info: (msg: string) => unknown } }).logger;
    logger.info = (msg: string) => lines.push(msg);
    const orders = await logs.getOrCreateLog('orders', 0);
    await logs.getOrCreateLog('idle', 0);
    await fill(orders, 9);
    const outcomes = await logs.runRetention(T0 + 15_500);
    expect(outcomes).to.deep.equal([
      { topic: 'orders', partition: 0, segmentsDeleted: 2, bytesDeleted: 6 * BATCH_SIZE, reasons: ['retention.ms'], logStartOffset: 6 },
    ]);
    expect(lines.filter((l) => l.startsWith('Deleted'))).to.deep.equal([
      `Deleted 2 segment(s) (${formatBytes(6 * BATCH_SIZE)}) of orders-0 by retention.ms; log start offset now 6`,
    ]);
    expect(await logs.runRetention(T0 + 15_500)).to.deep.equal([]);
  });

  it('never overlaps two runs and keeps the start offset across a restart', async () => {
    const logs = await start(0, () => T0);
    await fill(await logs.getOrCreateLog('orders', 0), 9);
    const [first, second] = await Promise.all([logs.runRetention(T0 + 15_500), logs.runRetention(T0 + 15_500)]);
    expect(first.map((o) => o.logStartOffset)).to.deep.equal([6]);
    expect(second).to.deep.equal([]);
    await logs.shutdown();
    const again = await start(0, () => T0);
    expect(again.getLog('orders', 0)!.logStartOffset).to.equal(6);
    expect(again.getLog('orders', 0)!.logEndOffset).to.equal(9);
  });

  it('formats sizes for log lines', () => {
    expect(formatBytes(512)).to.equal('512 B');
    expect(formatBytes(1536)).to.equal('1.5 KB');
    expect(formatBytes(1.2 * 1024 * 1024)).to.equal('1.2 MB');
  });
});
