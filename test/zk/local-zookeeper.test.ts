import { expect } from 'chai';
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { isZooKeeperPid } from '../../lib/cli/zookeeper-server';
import { fourLetterWord, startZooKeeperProcess, ZooKeeperStartError } from '../../lib/zk/local-zookeeper';
import { freePort, TEST_JVM_OPTIONS } from '../helpers/zookeeper';

const REPO = path.resolve(__dirname, '..', '..', '..');

function run(script: string, args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const env = { ...process.env, ZOOKEEPER_HEAP_OPTS: '-Xmx128m', ZOOKEEPER_JVM_OPTS: TEST_JVM_OPTIONS.filter((o) => !o.startsWith('-Xm')).join(' ') };
    execFile(path.join(REPO, 'bin', script), args, { cwd, env, timeout: 60000 }, (err, stdout, stderr) => {
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

describe('zk/local-zookeeper', function () {
  this.timeout(60000);
  let dir: string;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'samsa-zk-local-'));
  });

  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('starts a server that answers srvr, with the admin server off, and stops it cleanly', async () => {
    const port = await freePort();
    const proc = await startZooKeeperProcess({
      dataDir: path.join(dir, 'data'), clientPort: port, logDir: dir, jvmOptions: TEST_JVM_OPTIONS,
      properties: { tickTime: 500, clientPortAddress: '127.0.0.1' },
    });
    try {
      expect(await fourLetterWord('127.0.0.1', port, 'srvr', 2000)).to.match(/^Zookeeper version: 3\./);
      const config = fs.readFileSync(proc.configPath, 'utf8');
      expect(config).to.match(/^admin\.enableServer=false$/m);
      expect(config).to.match(new RegExp(`^clientPort=${port}$`, 'm'));
      expect(fs.readFileSync(path.join(dir, 'zookeeper.out'), 'utf8')).to.match(/binding to port/);
    } finally {
      const exit = await proc.stop();
      expect(proc.isRunning()).to.equal(false);
      expect(exit.signal === 'SIGTERM' || exit.code === 143).to.equal(true);
    }
  });

  it('fails with the tail of ZooKeeper\'s log when the server cannot start', async () => {
    const port = await freePort();
    let caught: unknown;
    await startZooKeeperProcess({
      dataDir: path.join(dir, 'data'), clientPort: port, jvmOptions: TEST_JVM_OPTIONS, readyTimeoutMs: 20000,
      properties: { tickTime: 'not-a-number' },
    }).catch((err) => { caught = err; });
    expect(caught).to.be.instanceOf(ZooKeeperStartError);
    expect((caught as Error).message).to.match(/ZooKeeper exited \(code \d+\) before it started serving/);
    expect((caught as ZooKeeperStartError).logTail).to.match(/tickTime|NumberFormatException|Invalid config/i);
  });

  describe('bin/zookeeper-server-start and -stop', () => {
    it('starts a daemon with a pid file and a console log, refuses a second one, and stops it', async () => {
      const port = await freePort();
      fs.writeFileSync(path.join(dir, 'zk.properties'), `dataDir=zk-data\nclientPort=${port}\nclientPortAddress=127.0.0.1\nadmin.enableServer=false\n`);
      const started = await run('zookeeper-server-start', ['-daemon', 'zk.properties'], dir);
      expect(started.stderr).to.equal('');
      expect(started.code).to.equal(0);
      expect(started.stdout).to.match(new RegExp(`serving on port ${port}`));
      const pidFile = path.join(dir, 'zk-data', 'zookeeper_server.pid');
      const pid = Number(fs.readFileSync(pidFile, 'utf8'));
      try {
        expect(await fourLetterWord('127.0.0.1', port, 'srvr', 2000)).to.match(/^Zookeeper version/);
        expect(fs.existsSync(path.join(dir, 'logs', 'zookeeper.out'))).to.equal(true);
        const again = await run('zookeeper-server-start', ['-daemon', 'zk.properties'], dir);
        expect(again.code).to.equal(1);
        expect(again.stderr).to.match(new RegExp(`already running .*\\(pid ${pid}\\)`));
        const stopped = await run('zookeeper-server-stop', ['zk.properties'], dir);
        expect(stopped.code).to.equal(0);
        expect(isZooKeeperPid(pid)).to.equal(false); // gone (or an unreaped zombie with no command line)
        expect(fs.existsSync(pidFile)).to.equal(false);
      } finally {
        try { process.kill(pid, 'SIGKILL'); } catch { /* already stopped */ }
      }
      const nothing = await run('zookeeper-server-stop', ['zk.properties'], dir);
      expect(nothing.code).to.equal(1);
      expect(nothing.stdout).to.match(/No zookeeper server to stop/);
    });
  });
});
