import { expect } from 'chai';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'fs';
import * as path from 'path';
import { ErrorCode, SamsaError } from '../../lib/protocol/errors';
import { isLogDirFailure, nextLogDir } from '../../lib/storage/log-dirs';
import { LogManager, RECOVERY_POINT_CHECKPOINT_FILE } from '../../lib/storage/log-manager';
import { describeLogDirs } from '../../lib/broker/handlers/log-dirs';
import { buildBatch, tempDir, testConfig } from './batch-builder';

function errno(code: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: simulated`), { code });
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error('expected a rejection');
}

describe('storage/log-dirs', () => {
  describe('nextLogDir (Kafka\'s LogManager.nextLogDirs)', () => {
    it('picks the directory with the fewest partitions, the first in log.dirs order on a tie', () => {
      expect(nextLogDir(['/a', '/b', '/c'], [])).to.equal('/a');
      expect(nextLogDir(['/a', '/b', '/c'], ['/a'])).to.equal('/b');
      expect(nextLogDir(['/a', '/b', '/c'], ['/a', '/b'])).to.equal('/c');
      expect(nextLogDir(['/a', '/b', '/c'], ['/a', '/a', '/b', '/c'])).to.equal('/b');
    });

    it('ignores logs in directories that are not candidates (failed ones)', () => {
      expect(nextLogDir(['/b', '/c'], ['/a', '/a', '/a', '/c'])).to.equal('/b');
    });
  });

  it('counts disk errors, not programming errors or vanished files, as a failed directory', () => {
    for (const code of ['EIO', 'ENOSPC', 'EROFS', 'EACCES']) expect(isLogDirFailure(errno(code)), code).to.equal(true);
    for (const err of [errno('ENOENT'), new Error('x'), null, new SamsaError(ErrorCode.CORRUPT_MESSAGE, 'bad')]) expect(isLogDirFailure(err)).to.equal(false);
  });

  describe('LogManager with a failing directory', () => {
    let root: string;
    let cleanup: () => void;
    let dirs: string[];
    let manager: LogManager | null;
    let failures: Array<{ dir: string; allFailed: boolean }>;
    beforeEach(() => {
      ({ dir: root, cleanup } = tempDir());
      dirs = [path.join(root, 'a'), path.join(root, 'b')];
      failures = [];
      manager = null;
    });
    afterEach(async () => {
      await manager?.shutdown();
      cleanup();
    });

    async function start(logDirs = dirs): Promise<LogManager> {
      manager = new LogManager({
        logDirs, brokerId: 1, defaultConfig: testConfig(), recoveryPointCheckpointIntervalMs: 0,
        onLogDirFailure: (dir, allFailed) => failures.push({ dir, allFailed }),
      });
      await manager.startup();
      return manager;
    }

    it('takes only the failed directory offline and keeps serving the other', async () => {
      const m = await start();
      const inA = await m.getOrCreateLog('t', 0);
      const inB = await m.getOrCreateLog('t', 1);
      expect(path.dirname(inA.dir)).to.equal(dirs[0]);
      expect(path.dirname(inB.dir)).to.equal(dirs[1]);
      expect(m.maybeFailLogDir(inA, new Error('not a disk error'))).to.equal(false);
      expect(m.maybeFailLogDir(inA, errno('ENOSPC'))).to.equal(true);
      expect(failures).to.deep.equal([{ dir: dirs[0], allFailed: false }]);
      expect(m.offlineDirs()).to.deep.equal([dirs[0]]);
      expect(m.liveLogDirs).to.deep.equal([dirs[1]]);
      expect(m.isOffline('t', 0)).to.equal(true);
      expect(m.getLog('t', 0)).to.equal(undefined);
      const err = await rejection(m.getOrCreateLog('t', 0));
      expect((err as SamsaError).code).to.equal(ErrorCode.KAFKA_STORAGE_ERROR.code);
      // The other directory still takes appends, and new logs.
      expect((await inB.append(buildBatch(), { leaderEpoch: 0 })).baseOffset).to.equal(0);
      expect(path.dirname((await m.getOrCreateLog('u', 0)).dir)).to.equal(dirs[1]);
      await m.checkpointRecoveryPoints();
      expect(existsSync(path.join(dirs[1], RECOVERY_POINT_CHECKPOINT_FILE))).to.equal(true);
      expect(existsSync(path.join(dirs[0], RECOVERY_POINT_CHECKPOINT_FILE))).to.equal(false);
    });

    it('reports all directories failed when the last one goes', async () => {
      const m = await start();
      const inA = await m.getOrCreateLog('t', 0);
      const inB = await m.getOrCreateLog('t', 1);
      m.maybeFailLogDir(inA, errno('EIO'));
      m.maybeFailLogDir(inB, errno('EROFS'));
      expect(failures).to.deep.equal([{ dir: dirs[0], allFailed: false }, { dir: dirs[1], allFailed: true }]);
      expect((await rejection(m.getOrCreateLog('v', 0)) as SamsaError).code).to.equal(ErrorCode.KAFKA_STORAGE_ERROR.code);
    });

    it('starts with a directory that cannot be used offline, and refuses to recreate existing replicas elsewhere', async () => {
      mkdirSync(root, { recursive: true });
      writeFileSync(dirs[0], 'not a directory');
      const m = await start();
      expect(m.offlineDirs()).to.deep.equal([dirs[0]]);
      expect(readFileSync(path.join(dirs[1], 'meta.properties'), 'utf8')).to.match(/broker\.id=1/);
      // An existing replica (isNew false) may be in the failed directory: Kafka's "Can not create log" refusal.
      const err = await rejection(m.getOrCreateLog('t', 0, undefined, false)) as SamsaError;
      expect(err.code).to.equal(ErrorCode.KAFKA_STORAGE_ERROR.code);
      expect(err.message).to.equal(`KAFKA_STORAGE_ERROR: Can not create log for t-0 because log directories ${dirs[0]} are offline`);
      expect(path.dirname((await m.getOrCreateLog('t', 0, undefined, true)).dir)).to.equal(dirs[1]);
    });

    it('refuses to start when every directory fails', async () => {
      mkdirSync(root, { recursive: true });
      for (const d of dirs) writeFileSync(d, 'not a directory');
      const m = new LogManager({ logDirs: dirs, brokerId: 1, defaultConfig: testConfig(), recoveryPointCheckpointIntervalMs: 0 });
      const err = await rejection(m.startup()) as SamsaError;
      expect(err.code).to.equal(ErrorCode.KAFKA_STORAGE_ERROR.code);
      expect(err.message).to.contain('All log dirs');
    });

    it('describes each directory: its replicas with sizes, and KAFKA_STORAGE_ERROR once failed', async () => {
      const m = await start();
      const a0 = await m.getOrCreateLog('t', 0);
      await m.getOrCreateLog('t', 1);
      await m.getOrCreateLog('s', 0);
      await a0.append(buildBatch({ valueBytes: 50 }), { leaderEpoch: 0 });
      const replicas = { getPartition: () => undefined };
      const all = describeLogDirs(m, replicas, null);
      expect(all.map((r) => r.logDir)).to.deep.equal(dirs);
      expect(all[0].topics).to.deep.equal([
        { name: 's', partitions: [{ partitionIndex: 0, partitionSize: 0, offsetLag: -1, isFutureKey: false }] },
        { name: 't', partitions: [{ partitionIndex: 0, partitionSize: a0.size, offsetLag: -1, isFutureKey: false }] },
      ]);
      expect(a0.size).to.be.greaterThan(50);
      expect(describeLogDirs(m, replicas, [{ topic: 't', partitionIndex: [1] }]).map((r) => r.topics))
        .to.deep.equal([[], [{ name: 't', partitions: [{ partitionIndex: 1, partitionSize: 0, offsetLag: -1, isFutureKey: false }] }]]);
      // A replica moving into dir b shows there as a future replica, with its lag behind the current log.
      const withFuture = describeLogDirs(m, replicas, [{ topic: 't', partitionIndex: [0] }], [{ logDir: dirs[1], log: a0, offsetLag: 3 }]);
      expect(withFuture[1].topics).to.deep.equal([{ name: 't', partitions: [{ partitionIndex: 0, partitionSize: a0.size, offsetLag: 3, isFutureKey: true }] }]);
      m.maybeFailLogDir(a0, errno('EIO'));
      expect(describeLogDirs(m, replicas, null)[0]).to.deep.equal({ errorCode: ErrorCode.KAFKA_STORAGE_ERROR.code, logDir: dirs[0], topics: [] });
    });
  });
});
