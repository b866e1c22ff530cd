import { expect } from 'chai';
import { existsSync, readFileSync, writeFileSync } from 'fs';
import * as path from 'path';
import { HIGH_WATERMARK_CHECKPOINT_FILE, LogManager, LogManagerConfig } from '../../lib/storage/log-manager';
import { formatCheckpoint, parseCheckpoint } from '../../lib/storage/offset-checkpoint';
import { buildBatch, tempDir, testConfig } from './batch-builder';
import { waitUntil } from '../helpers/wait';

describe('storage/log-manager high watermark checkpoint', () => {
  let dir: string;
  let cleanup: () => void;
  const managers: LogManager[] = [];
  /** What the (replica manager's) hook answers, by `topic-partition`. */
  let highWatermarks: Map<string, number>;
  beforeEach(() => {
    ({ dir, cleanup } = tempDir());
    highWatermarks = new Map();
  });
  afterEach(async () => {
    for (const m of managers.splice(0)) await m.shutdown();
    cleanup();
  });

  async function start(overrides: Partial<LogManagerConfig> = {}): Promise<LogManager> {
    const manager = new LogManager({
      logDirs: [dir], brokerId: 1, defaultConfig: testConfig(), recoveryPointCheckpointIntervalMs: 0, retentionCheckIntervalMs: 0,
      highWatermarkCheckpointIntervalMs: 0, highWatermarkOf: (t, p) => highWatermarks.get(`${t}-${p}`), ...overrides,
    });
    await manager.startup();
    managers.push(manager);
    return manager;
  }

  async function stop(manager: LogManager): Promise<void> {
    await manager.shutdown();
    managers.splice(managers.indexOf(manager), 1);
  }

  const checkpointFile = (): string => path.join(dir, HIGH_WATERMARK_CHECKPOINT_FILE);
  const readEntries = (): string[] => parseCheckpoint(readFileSync(checkpointFile(), 'utf8')).map((e) => `${e.topic}-${e.partition}=${e.offset}`).sort();

  async function createWithRecords(manager: LogManager, topic: string, partition: number, records: number): Promise<void> {
    const log = await manager.getOrCreateLog(topic, partition);
    if (records > 0) await log.append(buildBatch({ records }), { leaderEpoch: 0 });
  }

  it('writes the high watermarks at shutdown and hands them back, clamped to the log end, after a restart', async () => {
    const manager = await start();
    await createWithRecords(manager, 'orders', 0, 10);
    await createWithRecords(manager, 'orders', 1, 4);
    await createWithRecords(manager, 'audit', 0, 3);
    highWatermarks.set('orders-0', 7).set('orders-1', 4);
    await stop(manager);
    // audit-0 has no high watermark yet (its hook answers nothing), so it is not in the file.
    expect(readEntries()).to.deep.equal(['orders-0=7', 'orders-1=4']);

    // Pretend the last checkpoint saw a high watermark beyond what survived on disk.
    writeFileSync(checkpointFile(), formatCheckpoint([{ topic: 'orders', partition: 0, offset: 7 }, { topic: 'orders', partition: 1, offset: 9 }, { topic: 'gone', partition: 0, offset: 5 }]));
    highWatermarks.clear();
    const again = await start();
    expect(again.checkpointedHighWatermark('orders', 0)).to.equal(7);
    expect(again.checkpointedHighWatermark('orders', 1)).to.equal(4);
    expect(again.checkpointedHighWatermark('audit', 0)).to.equal(undefined);
    expect(again.checkpointedHighWatermark('gone', 0)).to.equal(undefined);
  });

  it('keeps a partition\'s checkpointed value until its hook answers, and forgets deleted logs', async () => {
    const manager = await start();
    await createWithRecords(manager, 'orders', 0, 5);
    await createWithRecords(manager, 'orders', 1, 5);
    highWatermarks.set('orders-0', 5).set('orders-1', 3);
    await stop(manager);

    highWatermarks.clear();
    const again = await start();
    highWatermarks.set('orders-1', 5);
    await again.checkpointHighWatermarks();
    expect(readEntries()).to.deep.equal(['orders-0=5', 'orders-1=5']);
    await again.deleteLog('orders', 0);
    expect(again.checkpointedHighWatermark('orders', 0)).to.equal(undefined);
    await again.checkpointHighWatermarks();
    expect(readEntries()).to.deep.equal(['orders-1=5']);
  });

  it('rewrites the checkpoint on its interval', async () => {
    const manager = await start({ highWatermarkCheckpointIntervalMs: 20 });
    await createWithRecords(manager, 'orders', 0, 6);
    highWatermarks.set('orders-0', 6);
    await waitUntil('the periodic checkpoint', () => existsSync(checkpointFile()) && readEntries().includes('orders-0=6'), 5000);
    expect(readEntries()).to.deep.equal(['orders-0=6']);
  });
});
