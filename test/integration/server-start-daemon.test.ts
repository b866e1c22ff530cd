import { expect } from 'chai';
import * as fs from 'fs';
import * as path from 'path';
import { ZkClient } from '../../lib/zk/zk-client';
import { freePort, tempDir } from '../helpers/cluster';
import { waitUntil } from '../helpers/wait';
import { runCli } from '../helpers/run-cli';
import { startTestZooKeeper, TestZooKeeper } from '../helpers/zookeeper';

/** The broker pid `-daemon` reports, so the test can clean up exactly the process it started. */
function reportedPid(text: string): number | null {
  const match = /\(pid (\d+)\)/.exec(text);
  return match ? Number(match[1]) : null;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('integration/server-start -daemon', function () {
  this.timeout(90000);
  let zk: TestZooKeeper;
  const dirs: string[] = [];

  before(async () => {
    zk = await startTestZooKeeper();
  });

  after(async () => {
    await zk?.stop();
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  });

  /** A config in a fresh directory; the daemon's console output goes to <dir>/logs. */
  async function writeConfig(brokerId: number, lines: string[]): Promise<{ dir: string; file: string; outFile: string }> {
    const dir = tempDir('daemon');
    dirs.push(dir);
    const file = path.join(dir, 'server.properties');
    fs.writeFileSync(file, [
      `broker.id=${brokerId}`,
      `listeners=PLAINTEXT://127.0.0.1:${await freePort()}`,
      `log.dirs=${path.join(dir, 'data')}`,
      `logs.dir=${path.join(dir, 'logs')}`,
      'log.level=warn',
      ...lines,
    ].join('\n') + '\n');
    return { dir, file, outFile: path.join(dir, 'logs', 'samsaServer.out') };
  }

  it('exits non-zero with the broker\'s last error lines as soon as the broker dies', async () => {
    const closedPort = await freePort();
    const { dir, file, outFile } = await writeConfig(7311, [`zookeeper.connect=127.0.0.1:${closedPort}`, 'zookeeper.connection.timeout.ms=1500']);
    const started = Date.now();
    const res = await runCli('samsa-server-start', ['-daemon', file], { cwd: dir, timeoutMs: 40000 });
    expect(res.code, res.stdout + res.stderr).to.equal(1);
    expect(res.stdout).to.not.contain('started');
    expect(res.stderr).to.contain(`Could not connect to ZooKeeper at 127.0.0.1:${closedPort}`);
    expect(res.stderr).to.contain(outFile);
    expect(Date.now() - started).to.be.below(20000);
    expect(fs.readFileSync(outFile, 'utf8')).to.contain('Could not connect to ZooKeeper');
  });

  it('exits non-zero at once, naming the key, when a config value is invalid', async () => {
    const { dir, file } = await writeConfig(7312, [`zookeeper.connect=${zk.connectString}`, 'num.partitions=-3']);
    const started = Date.now();
    const res = await runCli('samsa-server-start', ['-daemon', file], { cwd: dir, timeoutMs: 40000 });
    expect(res.code, res.stdout + res.stderr).to.equal(1);
    expect(res.stdout).to.not.contain('started');
    expect(res.stderr).to.contain('num.partitions');
    expect(Date.now() - started).to.be.below(15000);
  });

  it('exits non-zero, saying the broker is still starting, when it is not ready within the wait', async () => {
    const closedPort = await freePort();
    const { dir, file, outFile } = await writeConfig(7313, [
      `zookeeper.connect=127.0.0.1:${closedPort}`, 'zookeeper.connection.timeout.ms=45000', 'log.level=info',
    ]);
    const res = await runCli('samsa-server-start', ['-daemon', file], {
      cwd: dir, timeoutMs: 30000, env: { SAMSA_DAEMON_START_TIMEOUT_MS: '3000' },
    });
    const pid = reportedPid(res.stderr);
    try {
      expect(res.code, res.stdout + res.stderr).to.equal(1);
      expect(res.stdout).to.not.contain('started');
      expect(res.stderr).to.contain('not ready within 3 s');
      expect(res.stderr).to.contain('Starting broker 7313');
      expect(res.stderr).to.contain(outFile);
      expect(pid, res.stderr).to.be.a('number');
      expect(alive(pid!), 'the slow broker is left running, as the message says').to.equal(true);
    } finally {
      if (pid !== null && alive(pid)) process.kill(pid, 'SIGKILL');
    }
  });

  it('returns once the broker serves, even with info logging off, and the broker stops cleanly', async () => {
    const brokerId = 7314;
    const { dir, file, outFile } = await writeConfig(brokerId, [`zookeeper.connect=${zk.connectString}`]);
    const client = await ZkClient.connect({ connectString: zk.connectString, sessionTimeoutMs: 10000 });
    let pid: number | null = null;
    try {
      const started = Date.now();
      const res = await runCli('samsa-server-start', ['-daemon', file], { cwd: dir, timeoutMs: 40000 });
      pid = reportedPid(res.stdout);
      expect(res.code, res.stdout + res.stderr).to.equal(0);
      expect(res.stdout).to.contain(`Samsa broker ${brokerId} started in the background`).and.to.contain(outFile);
      expect(Date.now() - started).to.be.below(20000);
      expect(await client.exists(`/brokers/ids/${brokerId}`), 'registered before -daemon returned').to.not.equal(null);
      expect(pid, res.stdout).to.be.a('number');
      process.kill(pid!, 'SIGTERM');
      await waitUntil('the daemon broker to exit', () => !alive(pid!), 30000, 50);
      expect(await client.exists(`/brokers/ids/${brokerId}`)).to.equal(null);
    } finally {
      if (pid !== null && alive(pid)) process.kill(pid, 'SIGKILL');
      await client.close();
    }
  });
});
