import { expect } from 'chai';
import { readdirSync } from 'fs';
import * as path from 'path';
import { ErrorCode, SamsaError } from '../../lib/protocol/errors';
import { LogManager } from '../../lib/storage/log-manager';
import { LOG_START_OFFSET_CHECKPOINT_FILE, readLogStartOffsets, restoreLogStartOffset } from '../../lib/storage/log-start-checkpoint';
import { PartitionLog } from '../../lib/storage/partition-log';
import { getLogger } from '../../lib/util/logger';
import { recordAtTimestamp } from '../../lib/broker/timestamp-lookup';
import { buildBatch, tempDir, testConfig } from './batch-builder';

const T0 = 1_600_000_000_000;

describe('storage/log-start-offset (DeleteRecords)', () => {
  let dir: string;
  let cleanup: () => void;
  const opened: PartitionLog[] = [];
  beforeEach(() => ({ dir, cleanup } = tempDir()));
  afterEach(async () => {
    for (const log of opened.splice(0)) await log.close();
    cleanup();
  });

  async function open(logStartOffset?: number): Promise<PartitionLog> {
    // ~100-byte batches in 300-byte segments: a few batches per segment.
    const log = await PartitionLog.open(dir, 'orders', 0, testConfig({ segmentBytes: 300 }));
    opened.push(log);
    await restoreLogStartOffset(log, logStartOffset, getLogger('test'));
    return log;
  }

  /** `n` batches of 5 records, record i of the log stamped T0 + i. */
  async function fill(log: PartitionLog, n: number): Promise<void> {
    for (let i = 0; i < n; i++) await log.append(buildBatch({ records: 5, valueBytes: 4, firstTimestamp: T0 + i * 5 }), { leaderEpoch: 1 });
  }

  const segmentFiles = (): string[] => readdirSync(dir).filter((f) => f.endsWith('.log')).sort();

  it('moves the start into a segment, deletes the whole segments below it and keeps the partial one', async () => {
    const log = await open();
    await fill(log, 12);
    const before = segmentFiles().length;
    expect(before).to.be.greaterThan(3);
    expect(await log.advanceLogStartOffset(27)).to.equal(true);
    expect(log.logStartOffset).to.equal(27);
    const bases = segmentFiles().map((f) => Number(path.basename(f, '.log')));
    expect(bases.length).to.be.lessThan(before);
    expect(bases[0]).to.be.at.most(27);
    expect(bases[1]).to.be.greaterThan(27);
    // The batch holding 27 comes back whole; below the start is out of range.
    const read = await log.read(27, 1000);
    expect(read.logStartOffset).to.equal(27);
    expect(read.records.readBigInt64BE(0)).to.equal(25n);
    try {
      await log.read(26, 1000);
      expect.fail('read below the log start');
    } catch (err) {
      expect((err as SamsaError).code).to.equal(ErrorCode.OFFSET_OUT_OF_RANGE.code);
    }
  });

  it('never moves back, and refuses a start past the log end', async () => {
    const log = await open();
    await fill(log, 2);
    expect(await log.advanceLogStartOffset(6)).to.equal(true);
    expect(await log.advanceLogStartOffset(3)).to.equal(false);
    expect(log.logStartOffset).to.equal(6);
    try {
      await log.advanceLogStartOffset(11);
      expect.fail('start past the end');
    } catch (err) {
      expect((err as SamsaError).code).to.equal(ErrorCode.OFFSET_OUT_OF_RANGE.code);
    }
    // Up to the end is allowed: the log is then empty for readers.
    expect(await log.advanceLogStartOffset(10)).to.equal(true);
    expect((await log.read(10, 1000)).records.length).to.equal(0);
  });

  it('answers timestamp lookups with the first record at or after the start', async () => {
    const log = await open();
    await fill(log, 4);
    await log.advanceLogStartOffset(7);
    // Record 2 (T0+2) is deleted: the first record at or after T0+2 that remains is 7.
    expect(await recordAtTimestamp(log, T0 + 2, log.logEndOffset)).to.deep.equal({ offset: 7, timestamp: T0 + 7 });
    expect(await recordAtTimestamp(log, T0 + 8, log.logEndOffset)).to.deep.equal({ offset: 8, timestamp: T0 + 8 });
    expect(await recordAtTimestamp(log, T0 + 13, 12)).to.equal(null);
  });

  it('restores a checkpointed start on open, and restarts an emptied log at it', async () => {
    let log = await open();
    await fill(log, 3);
    await log.close();
    opened.length = 0;
    log = await open(12);
    expect(log.logStartOffset).to.equal(12);
    expect(log.logEndOffset).to.equal(15);
    await log.close();
    opened.length = 0;
    log = await open(40);
    expect(log.logStartOffset).to.equal(40);
    expect(log.logEndOffset).to.equal(40);
  });

  it('LogManager writes log-start-offset-checkpoint at shutdown and applies it at startup', async () => {
    const settings = { logDirs: [dir], brokerId: 1, defaultConfig: testConfig({ segmentBytes: 300 }), recoveryPointCheckpointIntervalMs: 0, retentionCheckIntervalMs: 0, cleanerEnable: false };
    const first = new LogManager(settings);
    await first.startup();
    const a = await first.getOrCreateLog('a', 0);
    await fill(a, 3);
    await a.advanceLogStartOffset(9);
    const b = await first.getOrCreateLog('b', 0);
    await fill(b, 1);
    await first.shutdown();
    const saved = await readLogStartOffsets(dir, getLogger('test'));
    // Only logs whose start lies inside their first segment are written, as in Kafka.
    expect([...saved]).to.deep.equal([['a-0', 9]]);
    expect(readdirSync(dir)).to.include(LOG_START_OFFSET_CHECKPOINT_FILE);
    const second = new LogManager(settings);
    await second.startup();
    try {
      expect(second.getLog('a', 0)?.logStartOffset).to.equal(9);
      expect(second.getLog('b', 0)?.logStartOffset).to.equal(0);
    } finally {
      await second.shutdown();
    }
  });
});
