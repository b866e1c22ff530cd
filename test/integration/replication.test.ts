import { expect } from 'chai';
import { Admin } from '../../lib/client/admin';
import { Consumer } from '../../lib/client/consumer';
import { Producer } from '../../lib/client/producer';
import { SamsaError } from '../../lib/protocol/errors';
import { waitUntil } from '../helpers/wait';
import { useReplicatedCluster } from '../helpers/replicated-cluster';

const TOPIC = 'replicated';

/**
 * Replication between real broker processes: followers copy the leader, the leader shrinks the
 * ISR when a follower stalls (SIGSTOP, shorter than the ZooKeeper session) and re-admits it when
 * it catches up, and acks=all honours min.insync.replicas.
 */
describe('integration/replication', function () {
  this.timeout(120000);
  const cluster = useReplicatedCluster(TOPIC, 1, { 'replica.lag.time.max.ms': 1500, 'zookeeper.session.timeout.ms': 20000 });
  let producer: Producer;

  before(() => {
    producer = new Producer({ bootstrapServers: cluster.bootstrap, acks: 'all', enableIdempotence: false, lingerMs: 0, retries: 0, requestTimeoutMs: 5000, deliveryTimeoutMs: 10000 });
  });

  after(async () => {
    await producer?.close();
  });

  async function produce(n: number, tag: string): Promise<void> {
    await Promise.all(Array.from({ length: n }, (_, i) => producer.send({ topic: TOPIC, partition: 0, value: Buffer.from(`${tag}-${i}`) })));
  }

  async function consumeAll(): Promise<string[]> {
    const admin = new Admin({ bootstrapServers: cluster.bootstrap });
    const end = await admin.listOffsets(TOPIC, 0, 'latest');
    await admin.close();
    const consumer = new Consumer({ bootstrapServers: cluster.bootstrap, autoOffsetReset: 'earliest' });
    consumer.assign([{ topic: TOPIC, partition: 0 }]);
    const values: string[] = [];
    try {
      await waitUntil('all records consumed', async () => {
        for (const r of await consumer.poll(200)) values.push(r.value!.toString());
        return values.length >= end;
      }, 20000, 1);
    } finally {
      await consumer.close();
    }
    return values;
  }

  it('acknowledges acks=all once every ISR member holds the records, and consumers see them all', async () => {
    await produce(200, 'a');
    const values = await consumeAll();
    expect(values).to.have.length(200);
    expect(values[199]).to.equal('a-199');
    const state = await cluster.partitionState(TOPIC, 0);
    expect(state.isr).to.have.members([1, 2, 3]);
  });

  it('drops a stalled follower from the ISR, keeps accepting acks=all with two replicas, and re-admits it', async () => {
    const { leader } = await cluster.partitionState(TOPIC, 0);
    const follower = cluster.brokerIds.find((id) => id !== leader)!;
    const child = cluster.brokers.get(follower)!.process;
    child.kill('SIGSTOP');
    try {
      await produce(1, 'stall');
      await waitUntil('the ISR to shrink', async () => !(await cluster.partitionState(TOPIC, 0)).isr.includes(follower), 15000, 100);
      await produce(50, 'b');
    } finally {
      child.kill('SIGCONT');
    }
    await waitUntil('the ISR to expand', async () => (await cluster.partitionState(TOPIC, 0)).isr.includes(follower), 20000, 100);
    // The controller learns of leader-made ISR changes through /isr_change_notification.
    const admin = new Admin({ bootstrapServers: cluster.bootstrap });
    try {
      await waitUntil('metadata to show the full ISR', async () => {
        const [topic] = await admin.describeTopics([TOPIC]);
        return topic.partitions[0].isr.length === 3;
      }, 10000, 100);
    } finally {
      await admin.close();
    }
  });

  it('refuses acks=all with NOT_ENOUGH_REPLICAS when the ISR is below min.insync.replicas, while acks=1 still works', async () => {
    const { leader } = await cluster.partitionState(TOPIC, 0);
    const followers = cluster.brokerIds.filter((id) => id !== leader);
    for (const id of followers) cluster.brokers.get(id)!.process.kill('SIGSTOP');
    try {
      await produce(1, 'last-full').catch(() => undefined);
      await waitUntil('the ISR to shrink to the leader', async () => (await cluster.partitionState(TOPIC, 0)).isr.length === 1, 15000, 100);
      const err = await producer.send({ topic: TOPIC, partition: 0, value: Buffer.from('refused') }).then(() => null, (e: Error) => e);
      expect(err).to.be.instanceOf(SamsaError);
      expect((err as SamsaError).code).to.equal(19);
      // Bootstrap from the leader alone: the paused brokers would hold a metadata request until it times out.
      const acksOne = new Producer({ bootstrapServers: `127.0.0.1:${cluster.brokers.get(leader)!.port}`, acks: 1, enableIdempotence: false, lingerMs: 0 });
      const md = await acksOne.send({ topic: TOPIC, partition: 0, value: Buffer.from('acks-1') });
      await acksOne.close();
      expect(md.offset).to.be.greaterThan(0);
    } finally {
      for (const id of followers) cluster.brokers.get(id)!.process.kill('SIGCONT');
    }
    await cluster.waitForFullIsr(TOPIC, 1);
  });
});
