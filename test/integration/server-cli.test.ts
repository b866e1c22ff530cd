import { expect } from 'chai';
import * as fs from 'fs';
import * as path from 'path';
import { ZkClient } from '../../lib/zk/zk-client';
import { freePort, spawnBroker, tempDir } from '../helpers/cluster';
import { waitUntil } from '../helpers/wait';
import { runCli } from '../helpers/run-cli';
import { startTestZooKeeper, TestZooKeeper } from '../helpers/zookeeper';

describe('integration/server-cli', function () {
  this.timeout(90000);
  let zk: TestZooKeeper;

  before(async () => {
    zk = await startTestZooKeeper();
  });

  after(async () => {
    await zk?.stop();
  });

  function writeConfig(lines: string[]): string {
    const dir = tempDir('server-cli');
    const file = path.join(dir, 'server.properties');
    fs.writeFileSync(file, lines.join('\n') + '\n');
    return file;
  }

  it('refuses to start with an invalid value, naming the key', async () => {
    const file = writeConfig(['broker.id=1', 'listeners=PLAINTEXT://127.0.0.1:70000', `zookeeper.connect=${zk.connectString}`]);
    const res = await runCli('samsa-server-start', [file], { timeoutMs: 30000 });
    expect(res.code).to.equal(1);
    expect(res.stderr).to.contain('listeners');
  });

  it('refuses to start without broker.id, naming the key', async () => {
    const file = writeConfig([`zookeeper.connect=${zk.connectString}`, 'log.segment.bytes=-5']);
    const res = await runCli('samsa-server-start', [file], { timeoutMs: 30000 });
    expect(res.code).to.equal(1);
    expect(res.stderr).to.match(/broker\.id|log\.segment\.bytes/);
  });

  it('rejects a bad --override and a missing config file with a clear message', async () => {
    const file = writeConfig(['broker.id=1', `zookeeper.connect=${zk.connectString}`]);
    const badOverride = await runCli('samsa-server-start', [file, '--override', 'no-equals-sign'], { timeoutMs: 30000 });
    expect(badOverride.code).to.equal(1);
    expect(badOverride.stderr).to.contain('no-equals-sign');
    const missing = await runCli('samsa-server-start', ['/nonexistent/server.properties'], { timeoutMs: 30000 });
    expect(missing.code).to.equal(1);
    expect(missing.stderr).to.contain('/nonexistent/server.properties');
  });

  it('warns about unknown keys, stops cleanly with samsa-server-stop and deregisters', async () => {
    const port = await freePort();
    const broker = await spawnBroker({ brokerId: 7, zkConnect: zk.connectString, port, overrides: { 'made.up.key': 'x', 'log.level': 'info' } });
    const client = await ZkClient.connect({ connectString: zk.connectString, sessionTimeoutMs: 10000 });
    try {
      await waitUntil('registration', async () => (await client.exists('/brokers/ids/7')) !== null);
      expect(broker.output()).to.match(/made\.up\.key/);
      const stop = await runCli('samsa-server-stop', ['--node-id', '7'], { timeoutMs: 60000 });
      expect(stop.code, stop.stdout + stop.stderr).to.equal(0);
      expect(broker.process.exitCode).to.equal(0);
      expect(await client.exists('/brokers/ids/7')).to.equal(null);
      expect(fs.existsSync(path.join(broker.logDir, '.samsa_cleanshutdown'))).to.equal(true);
      expect(broker.output()).to.match(/shut down cleanly/);
    } finally {
      await broker.stop('SIGKILL');
      await client.close();
    }
    const none = await runCli('samsa-server-stop', ['--node-id', '7']);
    expect(none.code).to.equal(1);
    expect(none.stdout).to.contain('No samsa server with node id 7 to stop');
  });
});
