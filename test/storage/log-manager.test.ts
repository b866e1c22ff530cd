import { expect } from 'chai';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'fs';
import * as path from 'path';
import { LogManager, parseLogDirName } from '../../lib/storage/log-manager';
import { InconsistentBrokerMetadataError } from '../../lib/storage/meta-properties';
import { formatCheckpoint, parseCheckpoint } from '../../lib/storage/offset-checkpoint';
import { buildBatch, tempDir, testConfig } from './batch-builder';
import { waitUntil } from '../helpers/wait';

describe('storage/log-manager', () => {
  let root: string;
  let cleanup: () => void;
  let dirs: string[];
  const managers: LogManager[] = [];
  beforeEach(() => {
    ({ dir: root, cleanup } = tempDir());
    dirs = [path.join(root, 'a'), path.join(root, 'b')];
  });
  afterEach(async () => {
    for (const m of managers.splice(0)) await m.shutdown();
    cleanup();
  });

  async function start(brokerId = 1, logDirs = dirs): Promise<LogManager> {
    const manager = new LogManager({ logDirs, brokerId, defaultConfig: testConfig({ segmentBytes: 1000 }), recoveryPointCheckpointIntervalMs: 0 });
    await manager.startup();
    managers.push(manager);
    return manager;
  }

  async function stop(manager: LogManager): Promise<void> {
    await manager.shutdown();
    managers.splice(managers.indexOf(manager), 1);
  }

  it('splits partition directory names at the last dash', () => {
    expect(parseLogDirName('my-topic.v2-13')).to.deep.equal({ topic: 'my-topic.v2', partition: 13 });
    expect(parseLogDirName('orders-0')).to.deep.equal({ topic: 'orders', partition: 0 });
    expect(parseLogDirName('orders-0.abc-delete')).to.equal(null);
    expect(parseLogDirName('lost+found')).to.equal(null);
  });

  it('writes meta.properties on first start and refuses another broker.id', async () => {
    const first = await start(1);
    await stop(first);
    expect(readFileSync(path.join(dirs[0], 'meta.properties'), 'utf8')).to.match(/^version=0$/m).and.match(/^broker\.id=1$/m);
    let error: unknown;
    try {
      await start(2);
    } catch (err) {
      error = err;
    }
    expect(error).to.be.instanceOf(InconsistentBrokerMetadataError);
    expect((error as Error).message).to.match(/broker\.id 2 doesn't match stored broker\.id 1/);
  });

  it('creates logs in the directory with the fewest partitions', async () => {
    const manager = await start();
    const created = await Promise.all([0, 1, 2, 3].map((p) => manager.getOrCreateLog('t', p)));
    const inA = created.filter((log) => log.dir.startsWith(dirs[0] + path.sep)).length;
    expect(inA).to.equal(2);
    expect(await manager.getOrCreateLog('t', 0)).to.equal(created[0]);
    expect(manager.allLogs()).to.have.length(4);
  });

  it('finds every partition again after a clean restart, without recovery', async () => {
    const manager = await start();
    const names: Array<[string, number]> = [['orders', 0], ['my-topic.v2', 3], ['a-b-c', 10]];
    for (const [topic, p] of names) {
      const log = await manager.getOrCreateLog(topic, p);
      for (let i = 0; i < 15; i++) await log.append(buildBatch({ valueBytes: 100 }), { leaderEpoch: 0 });
    }
    await stop(manager);
    for (const dir of dirs) {
      expect(existsSync(path.join(dir, '.samsa_cleanshutdown'))).to.equal(true);
      const checkpoint = parseCheckpoint(readFileSync(path.join(dir, 'recovery-point-offset-checkpoint'), 'utf8'));
      for (const entry of checkpoint) expect(entry.offset).to.equal(15);
    }

    const again = await start();
    for (const dir of dirs) expect(existsSync(path.join(dir, '.samsa_cleanshutdown'))).to.equal(false);
    expect(again.allLogs().map((l) => `${l.topic}/${l.partition}`).sort()).to.deep.equal(['a-b-c/10', 'my-topic.v2/3', 'orders/0']);
    for (const [topic, p] of names) {
      const log = again.getLog(topic, p)!;
      expect(log.logEndOffset).to.equal(15);
      expect(log.segmentCount).to.be.greaterThan(1);
    }
  });

  it('recovers only when the clean-shutdown marker is missing', async () => {
    const manager = await start(1, [dirs[0]]);
    const log = await manager.getOrCreateLog('orders', 0);
    const batchSize = buildBatch({ valueBytes: 100 }).length;
    for (let i = 0; i < 5; i++) await log.append(buildBatch({ valueBytes: 100 }), { leaderEpoch: 0 });
    await stop(manager);
    // Damage the records of batch 3: headers stay plausible, only a CRC check can tell.
    const logFile = path.join(dirs[0], 'orders-0', '00000000000000000000.log');
    const bytes = readFileSync(logFile);
    bytes[batchSize * 3 + 70] ^= 0xff;
    writeFileSync(logFile, bytes);

    const clean = await start(1, [dirs[0]]);
    expect(clean.getLog('orders', 0)!.logEndOffset).to.equal(5);
    await stop(clean);

    rmSync(path.join(dirs[0], '.samsa_cleanshutdown'));
    writeFileSync(path.join(dirs[0], 'recovery-point-offset-checkpoint'), formatCheckpoint([{ topic: 'orders', partition: 0, offset: 0 }]));
    const crashed = await start(1, [dirs[0]]);
    const reloaded = crashed.getLog('orders', 0)!;
    expect(reloaded.logEndOffset).to.equal(3);
    expect((await reloaded.append(buildBatch(), { leaderEpoch: 0 })).baseOffset).to.equal(3);
  });

  it('deletes a log by renaming its directory and removing it in the background', async () => {
    const manager = await start(1, [dirs[0]]);
    const log = await manager.getOrCreateLog('doomed', 1);
    await log.append(buildBatch(), { leaderEpoch: 0 });
    await manager.deleteLog('doomed', 1);
    expect(manager.getLog('doomed', 1)).to.equal(undefined);
    expect(existsSync(path.join(dirs[0], 'doomed-1'))).to.equal(false);
    await waitUntil('the renamed log directory to be removed', () => !readdirSync(dirs[0]).some((n) => n.endsWith('-delete')), 2000);
    expect(readdirSync(dirs[0]).filter((n) => n.startsWith('doomed'))).to.deep.equal([]);
  });

  it('removes leftover -delete directories at startup', async () => {
    mkdirSync(path.join(dirs[0], 'old-0.0123456789abcdef-delete'), { recursive: true });
    const manager = await start(1, [dirs[0]]);
    await stop(manager);
    expect(readdirSync(dirs[0]).filter((n) => n.endsWith('-delete'))).to.deep.equal([]);
    expect(manager.allLogs()).to.have.length(0);
  });

  it('writes checkpoints in Kafka\'s format and rejects malformed ones', () => {
    const text = formatCheckpoint([{ topic: 'a.b-c', partition: 2, offset: 42 }, { topic: 'x', partition: 0, offset: 0 }]);
    expect(text).to.equal('0\n2\na.b-c 2 42\nx 0 0\n');
    expect(parseCheckpoint(text)).to.deep.equal([{ topic: 'a.b-c', partition: 2, offset: 42 }, { topic: 'x', partition: 0, offset: 0 }]);
    expect(() => parseCheckpoint('1\n0\n')).to.throw(/version/);
    expect(() => parseCheckpoint('0\n2\nx 0 1\n')).to.throw(/expected 2 entries/);
    expect(() => parseCheckpoint('0\n1\nx zero 1\n')).to.throw(/bad entry/);
  });
});
