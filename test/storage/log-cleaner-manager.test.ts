import { expect } from 'chai';
import { readFileSync } from 'fs';
import * as path from 'path';
import { LogConfig } from '../../lib/storage/log-config';
import { CLEANER_CHECKPOINT_FILE, LogManager, LogManagerConfig } from '../../lib/storage/log-manager';
import { logToClean } from '../../lib/storage/log-to-clean';
import { PartitionLog } from '../../lib/storage/partition-log';
import { tempDir, testConfig } from './batch-builder';
import { KV, appendEach, keyedBatch, readAll } from './compaction-helpers';
import { waitUntil } from '../helpers/wait';

const ONE = keyedBatch([['k0', 'v000']]).length;
const distinct = (n: number): KV[] => Array.from({ length: n }, (_, i) => [`k${i}`, `v${String(i).padStart(3, '0')}`]);

describe('storage/log-to-clean', () => {
  let dir: string;
  let cleanup: () => void;
  let log: PartitionLog;
  beforeEach(async () => {
    ({ dir, cleanup } = tempDir());
    log = await PartitionLog.open(dir, 'orders', 0, testConfig({ cleanupPolicy: 'compact', segmentBytes: ONE }));
    await appendEach(log, distinct(6));
  });
  afterEach(async () => {
    await log.close();
    cleanup();
  });

  it('counts the clean head and the dirty tail up to the active segment by whole segments', () => {
    const range = logToClean(log.segmentsView(), 6, 2, 6);
    expect(range).to.deep.equal({ firstDirtyOffset: 2, firstUncleanableOffset: 5, cleanBytes: 2 * ONE, dirtyBytes: 3 * ONE, dirtyRatio: 0.6 });
  });

  it('starts at the log start without a checkpoint or with one outside the log', () => {
    for (const checkpoint of [undefined, 7, -1]) {
      expect(logToClean(log.segmentsView(), 6, checkpoint, 6)).to.include({ firstDirtyOffset: 0, cleanBytes: 0, dirtyRatio: 1 });
    }
  });

  it('stops before the first segment holding offsets at or past the high watermark', () => {
    expect(logToClean(log.segmentsView(), 6, 0, 3)).to.include({ firstUncleanableOffset: 3, dirtyBytes: 3 * ONE });
    expect(logToClean(log.segmentsView(), 6, 0, 0)).to.include({ firstUncleanableOffset: 0, dirtyBytes: 0, dirtyRatio: 0 });
  });
});

describe('storage/log-cleaner-manager', () => {
  let root: string;
  let cleanup: () => void;
  const managers: LogManager[] = [];
  beforeEach(() => ({ dir: root, cleanup } = tempDir()));
  afterEach(async () => {
    for (const m of managers.splice(0)) await m.shutdown();
    cleanup();
  });

  async function start(overrides: Partial<LogManagerConfig> = {}): Promise<LogManager> {
    const manager = new LogManager({
      logDirs: [root], brokerId: 1, defaultConfig: testConfig({ segmentBytes: ONE }),
      recoveryPointCheckpointIntervalMs: 0, retentionCheckIntervalMs: 0, highWatermarkCheckpointIntervalMs: 0, cleanerEnable: false,
      ...overrides,
    });
    await manager.startup();
    managers.push(manager);
    return manager;
  }

  async function stop(manager: LogManager): Promise<void> {
    await manager.shutdown();
    managers.splice(managers.indexOf(manager), 1);
  }

  async function filledLog(manager: LogManager, topic: string, config: Partial<LogConfig>, records: KV[]): Promise<PartitionLog> {
    const log = await manager.getOrCreateLog(topic, 0, testConfig({ segmentBytes: ONE, ...config }));
    await appendEach(log, records);
    return log;
  }

  it('cleans the compacted log with the highest dirty ratio over its min.cleanable.dirty.ratio, one per pass', async () => {
    const passes: Array<[number, number]> = [];
    const manager = await start({ observer: { logFlushed: () => undefined, cleanerPassed: (cleaned, reclaimed) => passes.push([cleaned, reclaimed]) } });
    const compact = { cleanupPolicy: 'compact' as const };
    const a = await filledLog(manager, 'a', compact, distinct(7));
    const e = await filledLog(manager, 'e', compact, distinct(7));
    await filledLog(manager, 'deleted-by-retention', {}, distinct(7));
    await filledLog(manager, 'one-segment', compact, distinct(1));
    // Dirty ratios: a 2/6 (clean up to 4), e 4/6 (clean up to 2).
    a.setCleanerCheckpoint(4);
    e.setCleanerCheckpoint(2);
    const first = await manager.runCleaner();
    expect(first).to.include({ topic: 'e', partition: 0, firstDirtyOffset: 2, endOffset: 6 });
    expect(first?.dirtyRatio).to.be.closeTo(4 / 6, 1e-9);
    expect(e.cleanerCheckpoint).to.equal(6);
    // a is below the default threshold of 0.5 ...
    expect(await manager.runCleaner()).to.equal(null);
    // ... until its own setting is lower.
    a.updateConfig({ ...a.config, minCleanableDirtyRatio: 0.25 });
    expect(await manager.runCleaner()).to.include({ topic: 'a', endOffset: 6 });
    expect(await manager.runCleaner()).to.equal(null);
    // One observation per pass that cleaned something; distinct keys leave nothing to reclaim.
    expect(passes).to.have.length(2);
    for (const [cleaned, reclaimed] of passes) {
      expect(cleaned).to.be.greaterThan(0);
      expect(reclaimed).to.be.within(0, cleaned);
    }
    const lines = readFileSync(path.join(root, CLEANER_CHECKPOINT_FILE), 'utf8').split('\n');
    expect(lines.slice(0, 2)).to.deep.equal(['0', '2']);
    expect(lines.slice(2, 4).sort()).to.deep.equal(['a 0 6', 'e 0 6']);
  });

  it('leaves a log alone while its high watermark is unknown', async () => {
    const known = new Set<string>();
    let manager: LogManager | null = null;
    manager = await start({ highWatermarkOf: (topic, partition) => (known.has(topic) ? manager?.getLog(topic, partition)?.logEndOffset : undefined) });
    await filledLog(manager, 'c', { cleanupPolicy: 'compact' }, distinct(3));
    expect(await manager.runCleaner()).to.equal(null);
    known.add('c');
    expect(await manager.runCleaner()).to.include({ topic: 'c', endOffset: 2 });
  });

  it('reads the cleaner checkpoint back at startup and continues from it', async () => {
    const first = await start();
    const log = await filledLog(first, 'c', { cleanupPolicy: 'compact' }, [['k0', 'v000'], ['k0', 'v001'], ['k1', 'v002']]);
    expect(await first.runCleaner()).to.include({ endOffset: 2 });
    expect(log.cleanerCheckpoint).to.equal(2);
    await stop(first);
    const second = await start({ configFor: () => testConfig({ segmentBytes: ONE, cleanupPolicy: 'compact' }) });
    const reopened = second.getLog('c', 0) as PartitionLog;
    expect(reopened.cleanerCheckpoint).to.equal(2);
    expect((await readAll(reopened)).map((r) => r.offset)).to.deep.equal([1, 2]);
    // The next pass maps only what came after the checkpoint, and that supersedes k0 at offset 1.
    await appendEach(reopened, [['k0', 'v003'], ['k2', 'v004']]);
    expect(await second.runCleaner()).to.include({ firstDirtyOffset: 2, endOffset: 4 });
    expect((await readAll(reopened)).map((r) => r.offset)).to.deep.equal([2, 3, 4]);
  });

  it('rewrites the checkpoint file after a truncation pulls a log back and after a log is deleted', async () => {
    const manager = await start();
    const log = await filledLog(manager, 'c', { cleanupPolicy: 'compact' }, [['k0', 'v000'], ['k0', 'v001'], ['k1', 'v002']]);
    const file = path.join(root, CLEANER_CHECKPOINT_FILE);
    await manager.runCleaner();
    expect(readFileSync(file, 'utf8')).to.equal('0\n1\nc 0 2\n');
    await log.truncateTo(1);
    // The next cleaner tick writes the lower value even when there is nothing to clean.
    expect(await manager.runCleaner()).to.equal(null);
    expect(readFileSync(file, 'utf8')).to.equal('0\n1\nc 0 1\n');
    await manager.deleteLog('c', 0);
    expect(readFileSync(file, 'utf8')).to.equal('0\n0\n');
  });

  it('cleans in the background every log.cleaner.backoff.ms when enabled', async () => {
    const manager = await start({ cleanerEnable: true, cleanerBackoffMs: 20 });
    const log = await filledLog(manager, 'c', { cleanupPolicy: 'compact' }, [['k0', 'v000'], ['k0', 'v001'], ['k1', 'v002']]);
    await waitUntil('the background cleaner', () => log.cleanerCheckpoint === 2, 5000);
    expect((await readAll(log)).map((r) => r.offset)).to.deep.equal([1, 2]);
  });
});
