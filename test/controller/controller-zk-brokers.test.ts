import { expect } from 'chai';
import { ControllerZk } from '../../lib/controller/controller-zk';
import { registerBroker } from '../../lib/zk/broker-registration';
import { ClusterStore } from '../../lib/zk/cluster-store';
import { ZkClient } from '../../lib/zk/zk-client';
import { startTestZooKeeper, TestZooKeeper } from '../helpers/zookeeper';

describe('controller/controller-zk live brokers', function () {
  this.timeout(30000);
  let zk: TestZooKeeper;
  let client: ZkClient;

  before(async () => {
    zk = await startTestZooKeeper();
    client = await ZkClient.connect({ connectString: `${zk.connectString}/listeners`, sessionTimeoutMs: 6000 });
    await new ClusterStore(client).ensureBasePaths();
  });

  after(async () => {
    await client?.close();
    await zk?.stop();
  });

  it("reaches each broker at its inter-broker listener's endpoint and skips brokers without one", async () => {
    await registerBroker(client, {
      brokerId: 1, host: 'pub1', port: 9092,
      listeners: ['PLAINTEXT://pub1:9092', 'INTERNAL://10.0.0.1:9093'],
    });
    await registerBroker(client, { brokerId: 2, host: 'pub2', port: 9092, listeners: ['PLAINTEXT://pub2:9092'] });
    const controllerZk = new ControllerZk(client, new ClusterStore(client), 0);
    const live = await controllerZk.liveBrokers('INTERNAL', () => undefined);
    expect(live.map((b) => b.id)).to.deep.equal([1]);
    expect(live[0]).to.deep.include({ host: '10.0.0.1', port: 9093 });
    expect(live[0].endpoints).to.deep.equal([
      { listenerName: 'PLAINTEXT', host: 'pub1', port: 9092 }, { listenerName: 'INTERNAL', host: '10.0.0.1', port: 9093 },
    ]);
    expect((await controllerZk.liveBrokers('PLAINTEXT', () => undefined)).map((b) => `${b.id}@${b.host}:${b.port}`))
      .to.deep.equal(['1@pub1:9092', '2@pub2:9092']);
  });
});
