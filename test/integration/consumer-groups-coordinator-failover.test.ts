import { expect } from 'chai';
import { Admin } from '../../lib/client/admin';
import { Consumer, ConsumerRecord } from '../../lib/client/consumer';
import { Producer } from '../../lib/client/producer';
import { ReplicatedCluster } from '../helpers/replicated-cluster';
import { waitUntil } from '../helpers/wait';

describe('integration/consumer-groups-coordinator-failover', function () {
  this.timeout(180000);
  const cluster = new ReplicatedCluster([1, 2, 3], {
    'offsets.topic.num.partitions': 3,
    'group.initial.rebalance.delay.ms': 0,
    'group.min.session.timeout.ms': 1000,
  });
  let admin: Admin;
  let consumer: Consumer;

  async function produce(values: string[]): Promise<void> {
    const producer = new Producer({ bootstrapServers: cluster.bootstrap, lingerMs: 0 });
    await Promise.all(values.map((value, i) => producer.send({ topic: 'cf', value, partition: i % 3 })));
    await producer.close();
  }

  async function pollUntil(count: number, timeoutMs: number): Promise<ConsumerRecord[]> {
    const out: ConsumerRecord[] = [];
    const deadline = Date.now() + timeoutMs;
    while (out.length < count && Date.now() < deadline) out.push(...await consumer.poll(200));
    return out;
  }

  before(async () => {
    await cluster.start();
    admin = new Admin({ bootstrapServers: cluster.bootstrap });
    await cluster.createTopic('cf', 3, {});
  });

  after(async () => {
    await consumer?.close(3000);
    await admin?.close();
    await cluster.stop();
  });

  it('carries on with the new coordinator, keeping its committed offsets, when the coordinator broker is killed', async () => {
    await produce(Array.from({ length: 30 }, (_, i) => `before-${i}`));
    consumer = new Consumer({
      bootstrapServers: cluster.bootstrap, groupId: 'cf-g', autoOffsetReset: 'earliest', sessionTimeoutMs: 10000,
      heartbeatIntervalMs: 300, autoCommitIntervalMs: 200, fetchMaxWaitMs: 100,
    });
    consumer.subscribe(['cf']);
    expect(await pollUntil(30, 30000)).to.have.length(30);
    await consumer.commitSync();
    await cluster.waitForFullIsr('__consumer_offsets', 3);
    const [before] = await admin.describeConsumerGroups(['cf-g']);
    const oldCoordinator = before.coordinator.nodeId;

    await cluster.stopBroker(oldCoordinator, 'SIGKILL');
    await produce(Array.from({ length: 30 }, (_, i) => `after-${i}`));
    const after = await pollUntil(30, 60000);
    for (let i = 0; i < 5; i++) after.push(...await consumer.poll(100));
    expect(after.map((r) => r.value!.toString()).sort()).to.deep.equal(Array.from({ length: 30 }, (_, i) => `after-${i}`).sort());

    await consumer.commitSync();
    let committed = 0;
    await waitUntil('the offsets at the new coordinator', async () => {
      committed = (await admin.listConsumerGroupOffsets('cf-g')).reduce((sum, o) => sum + o.offset, 0);
      return committed === 60;
    }, 30000, 200);
    const [now] = await admin.describeConsumerGroups(['cf-g']);
    expect(now.coordinator.nodeId).to.not.equal(oldCoordinator);
    expect(now.state).to.equal('Stable');
  });
});
