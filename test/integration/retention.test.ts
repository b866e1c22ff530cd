import { expect } from 'chai';
import { Broker } from '../../lib/broker/broker';
import { Admin } from '../../lib/client/admin';
import { Producer } from '../../lib/client/producer';
import { startBroker } from '../helpers/cluster';
import { waitUntil } from '../helpers/wait';
import { startTestZooKeeper, TestZooKeeper } from '../helpers/zookeeper';

describe('integration/retention', function () {
  this.timeout(60000);
  let zk: TestZooKeeper;
  let broker: Broker;

  before(async () => {
    zk = await startTestZooKeeper();
    broker = await startBroker({ brokerId: 1, zkConnect: zk.connectString, overrides: { 'log.retention.check.interval.ms': 200 } });
  });

  after(async () => {
    await broker?.shutdown();
    await zk?.stop();
  });

  it('deletes segments older than the topic\'s retention.ms and moves the earliest offset forward', async () => {
    const bootstrap = `127.0.0.1:${broker.port}`;
    const admin = new Admin({ bootstrapServers: bootstrap });
    await admin.createTopic({ topic: 'short-lived', numPartitions: 1, replicationFactor: 1, configs: { 'retention.ms': '1500', 'segment.bytes': '2048' } });
    const producer = new Producer({ bootstrapServers: bootstrap, acks: 1, lingerMs: 0 });
    for (let i = 0; i < 100; i++) await producer.send({ topic: 'short-lived', value: `value-${i}`.padEnd(100, '.') });
    await producer.close();
    expect(await admin.listOffsets('short-lived', 0, 'earliest')).to.equal(0);
    await waitUntil('retention to delete old segments', async () => (await admin.listOffsets('short-lived', 0, 'earliest')) > 0, 20000, 200);
    const earliest = await admin.listOffsets('short-lived', 0, 'earliest');
    expect(earliest).to.be.at.most(100);
    expect(await admin.listOffsets('short-lived', 0, 'latest')).to.equal(100);
    await admin.close();
  });
});
