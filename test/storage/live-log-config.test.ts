import { expect } from 'chai';
import { ErrorCode, SamsaError } from '../../lib/protocol/errors';
import { LogConfig, maxSegmentMs } from '../../lib/storage/log-config';
import { LogManager } from '../../lib/storage/log-manager';
import { PartitionLog } from '../../lib/storage/partition-log';
import { tempDir, testConfig } from './batch-builder';
import { waitUntil } from '../helpers/wait';
import { KV, T0, allBatches, appendEach, keyedBatch, readAll } from './compaction-helpers';

const ONE = keyedBatch([['k0', 'v000']]).length;
const sameKey = (n: number): KV[] => Array.from({ length: n }, (_, i) => ['k', `v${String(i).padStart(3, '0')}`]);
const distinct = (n: number): KV[] => Array.from({ length: n }, (_, i) => [`k${i}`, `v${String(i).padStart(3, '0')}`]);

describe('storage: live config changes (PartitionLog.updateConfig)', () => {
  let root: string;
  let cleanup: () => void;
  let manager: LogManager;
  beforeEach(async () => {
    ({ dir: root, cleanup } = tempDir());
    manager = new LogManager({
      logDirs: [root], brokerId: 1, defaultConfig: testConfig({ segmentBytes: ONE }),
      recoveryPointCheckpointIntervalMs: 0, retentionCheckIntervalMs: 0, highWatermarkCheckpointIntervalMs: 0, cleanerEnable: false,
    });
    await manager.startup();
  });
  afterEach(async () => {
    await manager.shutdown();
    cleanup();
  });

  async function filled(topic: string, config: Partial<LogConfig>, records: KV[]): Promise<PartitionLog> {
    const log = await manager.getOrCreateLog(topic, 0, testConfig({ segmentBytes: ONE, ...config }));
    await appendEach(log, records);
    return log;
  }
  const change = (log: PartitionLog, changes: Partial<LogConfig>): void => log.updateConfig({ ...log.config, ...changes });

  it('switches delete -> compact -> delete: the cleaner takes the log, then leaves it, and retention follows', async () => {
    const log = await filled('t', { cleanupPolicy: 'delete' }, sameKey(4));
    expect(await manager.runCleaner()).to.equal(null);
    change(log, { cleanupPolicy: 'compact' });
    expect(await manager.runCleaner()).to.include({ topic: 't', endOffset: 3 });
    expect((await readAll(log)).map((r) => r.offset)).to.deep.equal([2, 3]);
    await appendEach(log, sameKey(3));
    // Compacted logs are not subject to retention.ms ...
    // (Cleaned-out segments are empty and age by their file's mtime, hence a clock past now.)
    change(log, { retentionMs: 1 });
    const later = Date.now() + 60_000;
    await manager.runRetention(later);
    expect(log.logStartOffset).to.equal(0);
    // ... until the policy is delete again, when the cleaner drops the log.
    change(log, { cleanupPolicy: 'delete' });
    expect(await manager.runCleaner()).to.equal(null);
    await manager.runRetention(later);
    expect(log.logStartOffset).to.equal(7);
  });

  it('lets a new retention.ms delete old segments on the next retention pass', async () => {
    const log = await filled('r', { retentionMs: -1 }, distinct(5));
    await manager.runRetention(T0 + 60_000);
    expect(log.logStartOffset).to.equal(0);
    change(log, { retentionMs: 30_000 });
    await manager.runRetention(T0 + 60_000);
    // Every segment expired, the active one too: it is rolled and goes, as in Kafka.
    expect(log.logStartOffset).to.equal(5);
  });

  it('applies a smaller segment.bytes from the next append, and max.message.bytes to the next produce', async () => {
    const log = await filled('s', { segmentBytes: 10 * ONE }, distinct(2));
    expect(log.segmentsView()).to.have.length(1);
    change(log, { segmentBytes: ONE });
    await appendEach(log, distinct(1));
    expect(log.segmentsView()).to.have.length(2);
    change(log, { maxMessageBytes: ONE - 1 });
    const refused = await log.append(keyedBatch([['k9', 'v999']]), { leaderEpoch: 0 }).catch((e: unknown) => e);
    expect(refused).to.be.instanceOf(SamsaError).with.property('code', ErrorCode.MESSAGE_TOO_LARGE.code);
  });

  it('arms the flush timer with a new flush.ms for data already waiting', async () => {
    const log = await filled('f', { segmentBytes: 1 << 20 }, distinct(3));
    expect(log.recoveryPoint).to.equal(0);
    change(log, { flushIntervalMs: 10 });
    await waitUntil('the timed flush', () => log.recoveryPoint === 3, 2000, 5);
  });

  it('holds back segments younger than min.compaction.lag.ms', async () => {
    const log = await manager.getOrCreateLog('m', 0, testConfig({ segmentBytes: ONE, cleanupPolicy: 'compact', minCompactionLagMs: 10_000, minCleanableDirtyRatio: 0.1 }));
    // Record i is stamped T0 + i seconds, one per segment.
    for (const [i, record] of sameKey(4).entries()) await log.append(keyedBatch([record], { now: T0 + i * 1000 }), { leaderEpoch: 0 });
    // At T0 + 5 s every dirty segment is too young.
    expect(await manager.runCleaner(T0 + 5_000)).to.equal(null);
    // At T0 + 11 s the first two segments are old enough, the third (T0 + 2 s) is not.
    expect(await manager.runCleaner(T0 + 11_000)).to.include({ topic: 'm', firstDirtyOffset: 0, endOffset: 2 });
    change(log, { minCompactionLagMs: 0 });
    expect(await manager.runCleaner(T0 + 11_000)).to.include({ topic: 'm', endOffset: 3 });
  });

  it('cleans a log below its dirty ratio once its dirty records are older than max.compaction.lag.ms', async () => {
    const log = await filled('x', { cleanupPolicy: 'compact', minCleanableDirtyRatio: 0.9 }, sameKey(6));
    log.setCleanerCheckpoint(4);
    // Dirty ratio 1/5 is below 0.9, and no max lag is set: nothing to do.
    expect(await manager.runCleaner(T0 + 60_000)).to.equal(null);
    change(log, { maxCompactionLagMs: 120_000 });
    expect(await manager.runCleaner(T0 + 60_000)).to.equal(null);
    change(log, { maxCompactionLagMs: 30_000 });
    expect(await manager.runCleaner(T0 + 60_000)).to.include({ topic: 'x', firstDirtyOffset: 4, endOffset: 5 });
  });

  it('rolls the active segment of a compacted log by max.compaction.lag.ms when shorter than segment.ms', async () => {
    const base = testConfig({ segmentMs: 3_600_000, cleanupPolicy: 'compact', maxCompactionLagMs: 1_000 });
    expect(maxSegmentMs(base)).to.equal(1_000);
    expect(maxSegmentMs({ ...base, cleanupPolicy: 'delete' })).to.equal(3_600_000);
    let now = T0;
    const { dir, cleanup: done } = tempDir();
    const log = await PartitionLog.open(dir, 'c', 0, base, { clock: () => now });
    try {
      await appendEach(log, sameKey(1));
      now += 500;
      await appendEach(log, sameKey(1));
      expect(log.segmentsView()).to.have.length(1);
      now += 1_000;
      await appendEach(log, sameKey(1));
      expect(log.segmentsView()).to.have.length(2);
    } finally {
      await log.close();
      done();
    }
  });

  it('stores leader batches in the topic compression.type, keeping offsets, timestamps and producer fields', async () => {
    const log = await manager.getOrCreateLog('z', 0, testConfig());
    const produced = { producerId: 7, producerEpoch: 0, baseSequence: 0 };
    await log.append(keyedBatch([['a', '1'], ['b', '2']], { compression: 'lz4', ...produced }), { leaderEpoch: 0 });
    change(log, { compressionType: 'gzip' });
    await log.append(keyedBatch([['c', '3'], ['d', '4']], { compression: 'lz4', producerId: 7, producerEpoch: 0, baseSequence: 2 }), { leaderEpoch: 0 });
    await log.append(keyedBatch([['e', '5']], { compression: 'gzip', producerId: 7, producerEpoch: 0, baseSequence: 4 }), { leaderEpoch: 0 });
    change(log, { compressionType: 'uncompressed' });
    await log.append(keyedBatch([['f', '6']], { compression: 'zstd' }), { leaderEpoch: 0 });
    change(log, { compressionType: 'producer' });
    await log.append(keyedBatch([['g', '7']], { compression: 'snappy' }), { leaderEpoch: 0 });
    const batches = await allBatches(log);
    expect(batches.map((b) => b.compression)).to.deep.equal(['lz4', 'gzip', 'gzip', 'none', 'snappy']);
    expect(batches[1]).to.include({ baseOffset: 2, lastOffset: 3, producerId: 7, baseSequence: 2 });
    expect((await readAll(log)).map((r) => [r.offset, r.key, r.value, r.timestamp])).to.deep.equal([
      [0, 'a', '1', T0], [1, 'b', '2', T0 + 1], [2, 'c', '3', T0], [3, 'd', '4', T0 + 1], [4, 'e', '5', T0], [5, 'f', '6', T0], [6, 'g', '7', T0],
    ]);
    // A retry of the recompressed batch is still recognised as a duplicate.
    const retry = await log.append(keyedBatch([['c', '3'], ['d', '4']], { compression: 'lz4', producerId: 7, producerEpoch: 0, baseSequence: 2 }), { leaderEpoch: 0 });
    expect(retry).to.include({ duplicate: true, baseOffset: 2 });
  });

  it('refuses CreateTime records further than message.timestamp.difference.max.ms from the clock (leaders only)', async () => {
    const now = T0 + 10_000;
    const { dir, cleanup: done } = tempDir();
    const log = await PartitionLog.open(dir, 'ts', 0, testConfig(), { clock: () => now });
    try {
      // Off by default.
      await log.append(keyedBatch([['a', '1']]), { leaderEpoch: 0 });
      log.updateConfig({ ...log.config, messageTimestampDifferenceMaxMs: 5_000 });
      const refused = await log.append(keyedBatch([['a', '2']]), { leaderEpoch: 0 }).catch((e: unknown) => e);
      expect(refused).to.be.instanceOf(SamsaError).with.property('code', ErrorCode.INVALID_TIMESTAMP.code);
      expect((refused as Error).message).to.contain(`Timestamp ${T0} of message with offset 0 is out of range. The timestamp should be within [${now - 5_000}, ${now + 5_000}]`);
      expect(log.logEndOffset).to.equal(1);
      await log.append(keyedBatch([['a', '3']], { now: now - 4_000 }), { leaderEpoch: 0 });
      // A follower copies what its leader accepted.
      const copied = keyedBatch([['a', '4']]);
      copied.writeBigInt64BE(2n, 0);
      await log.append(copied, { assignOffsets: false, leaderEpoch: 0 });
      // LogAppendTime topics stamp the broker's clock, so the producer's timestamp is not checked.
      log.updateConfig({ ...log.config, messageTimestampType: 'LogAppendTime' });
      await log.append(keyedBatch([['a', '5']]), { leaderEpoch: 0 });
      expect(log.logEndOffset).to.equal(4);
    } finally {
      await log.close();
      done();
    }
  });
});
