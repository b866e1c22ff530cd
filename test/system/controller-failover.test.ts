import { expect } from 'chai';
import { Admin } from '../../lib/client/admin';
import { ZkClient } from '../../lib/zk/zk-client';
import { BrokerProcess, spawnBroker } from '../helpers/cluster';
import { waitUntil } from '../helpers/wait';
import { runCli } from '../helpers/run-cli';
import { startTestZooKeeper, TestZooKeeper } from '../helpers/zookeeper';

describe('system/controller-failover', function () {
  this.timeout(120000);
  let zk: TestZooKeeper;
  let zkClient: ZkClient;
  const brokers = new Map<number, BrokerProcess>();

  before(async () => {
    zk = await startTestZooKeeper();
    zkClient = await ZkClient.connect({ connectString: zk.connectString, sessionTimeoutMs: 10000 });
  });

  after(async () => {
    for (const b of brokers.values()) await b.stop('SIGKILL');
    await zkClient?.close();
    await zk?.stop();
  });

  async function controllerId(): Promise<number> {
    const { data } = await zkClient.getData('/controller');
    return JSON.parse(data!.toString()).brokerid;
  }

  it('elects the surviving broker when the controller is SIGKILLed and its session expires', async () => {
    for (const id of [1, 2]) {
      brokers.set(id, await spawnBroker({ brokerId: id, zkConnect: zk.connectString, overrides: { 'zookeeper.session.timeout.ms': 6000 } }));
    }
    await waitUntil('a controller', async () => (await zkClient.exists('/controller')) !== null);
    const first = await controllerId();
    const epochBefore = Number((await zkClient.getData('/controller_epoch')).data!.toString());
    const survivor = first === 1 ? 2 : 1;
    const bootstrap = `127.0.0.1:${brokers.get(survivor)!.port}`;

    await brokers.get(first)!.stop('SIGKILL');
    await waitUntil('the survivor to become controller', async () => {
      const stat = await zkClient.exists('/controller');
      return stat !== null && (await controllerId()) === survivor;
    }, 30000, 200);
    const epochAfter = Number((await zkClient.getData('/controller_epoch')).data!.toString());
    expect(epochAfter).to.be.greaterThan(epochBefore);
    expect(await zkClient.exists(`/brokers/ids/${first}`)).to.equal(null);

    // The new controller serves topic creation on the surviving broker.
    const created = await runCli('samsa-topics', ['--bootstrap-server', bootstrap, '--create', '--topic', 'after-failover', '--partitions', '2', '--replication-factor', '1']);
    expect(created.code, created.stderr).to.equal(0);
    const admin = new Admin({ bootstrapServers: bootstrap });
    const [description] = await admin.describeTopics(['after-failover']);
    await admin.close();
    expect(description.partitions.map((p) => p.leader)).to.deep.equal([survivor, survivor]);

    // The killed broker comes back as an ordinary member.
    brokers.set(first, await spawnBroker({ brokerId: first, zkConnect: zk.connectString, logDir: brokers.get(first)!.logDir }));
    await waitUntil('the old controller to re-register', async () => (await zkClient.exists(`/brokers/ids/${first}`)) !== null);
    expect(await controllerId()).to.equal(survivor);
  });
});
