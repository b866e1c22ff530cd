import { expect } from 'chai';
import { spawn } from 'child_process';
import * as path from 'path';
import { freePort, REPO_ROOT, tempDir } from '../helpers/cluster';
import { runCli } from '../helpers/run-cli';
import { waitUntil } from '../helpers/wait';
import { startTestZooKeeper, TestZooKeeper } from '../helpers/zookeeper';
import { probeReady } from '../../scripts/docker-healthcheck';

/** The container image's entry point, run as the image runs it: configuration from SAMSA_* variables only. */
describe('cli/docker-start', function () {
  this.timeout(60000);

  it('prints its usage with --help and refuses unknown options', async () => {
    const help = await runCli('samsa-docker-start', ['--help']);
    expect(help.code).to.equal(0);
    expect(help.stdout).to.match(/^USAGE: samsa-docker-start \[--print-config\] \[server\.properties\]/).and.contain('SAMSA_BROKER_ID=2 sets broker.id');
    const bad = await runCli('samsa-docker-start', ['--env']);
    expect(bad.code).to.equal(1);
    expect(bad.stderr).to.contain('unknown option --env');
  });

  it('prints what the environment sets, secrets hidden', async () => {
    const result = await runCli('samsa-docker-start', ['--print-config'], {
      env: { SAMSA_BROKER_ID: '3', SAMSA_ZOOKEEPER_CONNECT: 'zk1:2181,zk2:2181/samsa', SAMSA_SSL_KEY_PASSWORD: 'hunter2' },
    });
    expect(result.code).to.equal(0);
    expect(result.stdout).to.contain('broker.id=3  (SAMSA_BROKER_ID)\n')
      .and.contain('zookeeper.connect=zk1:2181,zk2:2181/samsa  (SAMSA_ZOOKEEPER_CONNECT)\n')
      .and.contain('ssl.key.password=[hidden]').and.not.contain('hunter2');
  });

  it('refuses a variable naming no broker key before starting anything', async () => {
    const result = await runCli('samsa-docker-start', [], {
      env: { SAMSA_BROKER_ID: '3', SAMSA_ZOOKEEPER_CONNECT: '127.0.0.1:1', SAMSA_MIN_INSYNC_REPLICA: '2' },
    });
    expect(result.code).to.equal(1);
    expect(result.stderr).to.contain('Environment variable SAMSA_MIN_INSYNC_REPLICA sets min.insync.replica, which is not a broker configuration key');
  });

  describe('with ZooKeeper', () => {
    let zk: TestZooKeeper;
    before(async () => { zk = await startTestZooKeeper(); });
    after(async () => { await zk?.stop(); });

    it('runs a broker that becomes ready and shuts down cleanly on SIGTERM', async () => {
      const dir = tempDir('docker-start');
      const httpListener = `http://0.0.0.0:${await freePort()}`;
      const env = {
        ...process.env,
        SAMSA_BROKER_ID: '7',
        SAMSA_ZOOKEEPER_CONNECT: `${zk.connectString}/docker`,
        SAMSA_LISTENERS: `PLAINTEXT://127.0.0.1:${await freePort()}`,
        SAMSA_HTTP_LISTENER: httpListener,
        SAMSA_LOG_DIRS: path.join(dir, 'data'),
        SAMSA_LOGS_DIR: path.join(dir, 'logs'),
        SAMSA_OFFSETS_TOPIC_REPLICATION_FACTOR: '1',
        SAMSA_LOG_LEVEL: 'info',
      };
      const child = spawn(path.join(REPO_ROOT, 'bin', 'samsa-docker-start'), [], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      child.stdout.on('data', (d) => { out += d.toString(); });
      child.stderr.on('data', (d) => { out += d.toString(); });
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      try {
        await waitUntil('the broker to answer /ready with 200', async () => {
          if (child.exitCode !== null) throw new Error(`broker exited during startup:\n${out}`);
          return (await probeReady(httpListener, 1000)).ok;
        }, 40000, 200);
      } finally {
        child.kill('SIGTERM');
      }
      expect(await exited, out).to.equal(0);
      expect(out).to.contain('From the environment: broker.id=7  (SAMSA_BROKER_ID)');
    });
  });
});
