import { expect } from 'chai';
import { Broker } from '../../lib/broker/broker';
import { ZkClient } from '../../lib/zk/zk-client';
import { startBroker } from '../helpers/cluster';
import { waitUntil } from '../helpers/wait';
import { runCli } from '../helpers/run-cli';
import { startTestZooKeeper, TestZooKeeper } from '../helpers/zookeeper';

describe('integration/chroot', function () {
  this.timeout(60000);
  let zk: TestZooKeeper;
  let broker: Broker;
  let root: ZkClient;

  before(async () => {
    zk = await startTestZooKeeper();
    broker = await startBroker({ brokerId: 1, zkConnect: `${zk.connectString}/samsa/prod` });
    root = await ZkClient.connect({ connectString: zk.connectString, sessionTimeoutMs: 10000 });
  });

  after(async () => {
    await root?.close();
    await broker?.shutdown();
    await zk?.stop();
  });

  it('keeps every znode under the chroot in zookeeper.connect', async () => {
    await waitUntil('controller election', () => broker.isController);
    expect(await root.exists('/samsa/prod/brokers/ids/1')).to.not.equal(null);
    expect(await root.exists('/samsa/prod/controller')).to.not.equal(null);
    expect(await root.exists('/samsa/prod/cluster/id')).to.not.equal(null);
    expect(await root.exists('/brokers')).to.equal(null);
    expect(await root.exists('/controller')).to.equal(null);
  });

  it('lets samsa-topics --zookeeper with the same chroot see the topics', async () => {
    const created = await runCli('samsa-topics', ['--bootstrap-server', `127.0.0.1:${broker.port}`, '--create', '--topic', 'rooted']);
    expect(created.code, created.stderr).to.equal(0);
    expect(await root.exists('/samsa/prod/brokers/topics/rooted')).to.not.equal(null);
    const listed = await runCli('samsa-topics', ['--zookeeper', `${zk.connectString}/samsa/prod`, '--list']);
    expect(listed.stdout.trim().split('\n')).to.include('rooted');
    const unrooted = await runCli('samsa-topics', ['--zookeeper', zk.connectString, '--list']);
    expect(unrooted.stdout.trim().split('\n')).to.not.include('rooted');
  });
});
