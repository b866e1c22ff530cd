import { expect } from 'chai';
import { Broker } from '../../lib/broker/broker';
import { Admin } from '../../lib/client/admin';
import { Producer } from '../../lib/client/producer';
import { ZkClient } from '../../lib/zk/zk-client';
import { BlackholeProxy } from '../helpers/blackhole-proxy';
import { startBroker } from '../helpers/cluster';
import { waitUntil } from '../helpers/wait';
import { startTestZooKeeper, TestZooKeeper } from '../helpers/zookeeper';

describe('integration/session-expiry', function () {
  this.timeout(90000);
  let zk: TestZooKeeper;
  let broker: Broker;
  let proxy: BlackholeProxy;

  before(async () => {
    zk = await startTestZooKeeper({ tickTimeMs: 500 });
    // The broker reaches ZooKeeper through a proxy that can cut the link (a network partition).
    proxy = await BlackholeProxy.start(zk.connectString);
    broker = await startBroker({ brokerId: 1, zkConnect: proxy.address, overrides: { 'zookeeper.session.timeout.ms': 3000 } });
  });

  after(async () => {
    await broker?.shutdown();
    await proxy?.stop();
    await zk?.stop();
  });

  it('re-registers, wins the controller election again and keeps serving after its session expires', async () => {
    await waitUntil('controller election', () => broker.isController);
    const epochBefore = broker.brokerEpoch;
    const bootstrap = `127.0.0.1:${broker.port}`;
    const admin = new Admin({ bootstrapServers: bootstrap });
    await admin.createTopic({ topic: 'before-expiry', numPartitions: 1, replicationFactor: 1 });

    const client = await ZkClient.connect({ connectString: zk.connectString, sessionTimeoutMs: 6000 });
    try {
      proxy.partition();
      // ZooKeeper expires the silent session; the broker hears of it once the link is back.
      await waitUntil('the server to expire the broker\'s session', async () => (await client.exists('/brokers/ids/1')) === null, 20000, 100);
      expect(broker.brokerEpoch).to.equal(epochBefore);
      proxy.heal();

      // The znode is visible to other sessions a moment before the broker learns its new czxid,
      // and isController may still report the old tenure until the expiry is processed: wait for
      // the broker's own view to move on, then check ZooKeeper agrees with it.
      await waitUntil('re-registration under a new session', () => broker.brokerEpoch !== epochBefore, 30000, 100);
      const stat = await client.exists('/brokers/ids/1');
      expect(stat).to.not.equal(null);
      expect(Number(stat!.czxid)).to.equal(broker.brokerEpoch);
      // The old /controller node goes with the old session; the broker must win the new election.
      await waitUntil('the broker to be controller again under the new session', async () => {
        const stat = await client.exists('/controller');
        return broker.isController && stat !== null && stat.ephemeralOwner === (await currentOwnerOf(client, '/brokers/ids/1'));
      }, 30000, 100);
      const controller = JSON.parse((await client.getData('/controller')).data!.toString());
      expect(controller.brokerid).to.equal(1);
    } finally {
      await client.close();
    }

    await admin.createTopic({ topic: 'after-expiry', numPartitions: 1, replicationFactor: 1 });
    const producer = new Producer({ bootstrapServers: bootstrap, acks: 1 });
    const before = await producer.send({ topic: 'before-expiry', value: 'still here' });
    const after = await producer.send({ topic: 'after-expiry', value: 'new topic' });
    await producer.close();
    expect(before.offset).to.equal(0);
    expect(after.offset).to.equal(0);
    await admin.close();
  });
});

async function currentOwnerOf(client: ZkClient, path: string): Promise<string | null> {
  return (await client.exists(path))?.ephemeralOwner ?? null;
}
