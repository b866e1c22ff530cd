import { expect } from 'chai';
import { Broker } from '../../lib/broker/broker';
import { Admin } from '../../lib/client/admin';
import { Consumer, ConsumerRecord } from '../../lib/client/consumer';
import { Producer } from '../../lib/client/producer';
import { partitionForKey } from '../../lib/record/partitioner';
import { startBroker } from '../helpers/cluster';
import { startTestZooKeeper, TestZooKeeper } from '../helpers/zookeeper';

describe('integration/produce-consume', function () {
  this.timeout(180000);
  let zk: TestZooKeeper;
  let broker: Broker;
  let bootstrap: string;

  before(async () => {
    zk = await startTestZooKeeper();
    broker = await startBroker({ brokerId: 1, zkConnect: zk.connectString, overrides: { 'log.segment.bytes': 1024 * 1024 } });
    bootstrap = `127.0.0.1:${broker.port}`;
  });

  after(async () => {
    await broker?.shutdown();
    await zk?.stop();
  });

  it('gives back 100,000 keyed records with headers identical and in order per partition', async () => {
    const admin = new Admin({ bootstrapServers: bootstrap });
    await admin.createTopic({ topic: 'orders', numPartitions: 4, replicationFactor: 1 });
    await admin.close();

    const total = 100000;
    const producer = new Producer({ bootstrapServers: bootstrap, acks: 1, lingerMs: 5, batchSize: 64 * 1024 });
    await producer.connect();
    const sent: Array<Promise<{ partition: number; offset: number }>> = [];
    for (let i = 0; i < total; i++) {
      sent.push(producer.send({
        topic: 'orders',
        key: `customer-${i % 997}`,
        value: `order-${i}`,
        headers: { seq: String(i), source: 'test' },
      }));
    }
    const acks = await Promise.all(sent);
    await producer.close();

    // Each key lands on Kafka's murmur2 partition, and offsets within a partition follow send order.
    const expectedByPartition = new Map<number, number[]>();
    acks.forEach((ack, i) => {
      expect(ack.partition).to.equal(partitionForKey(Buffer.from(`customer-${i % 997}`), 4));
      const list = expectedByPartition.get(ack.partition) ?? [];
      if (list.length > 0) expect(ack.offset).to.equal(acks[list[list.length - 1]].offset + 1);
      list.push(i);
      expectedByPartition.set(ack.partition, list);
    });

    const consumer = new Consumer({ bootstrapServers: bootstrap, autoOffsetReset: 'earliest' });
    await consumer.connect();
    consumer.assign([0, 1, 2, 3].map((partition) => ({ topic: 'orders', partition })));
    const received = new Map<number, ConsumerRecord[]>();
    let count = 0;
    const deadline = Date.now() + 120000;
    while (count < total && Date.now() < deadline) {
      for (const r of await consumer.poll(1000)) {
        const list = received.get(r.partition) ?? [];
        list.push(r);
        received.set(r.partition, list);
        count++;
      }
    }
    await consumer.close();
    expect(count).to.equal(total);

    for (const [partition, indices] of expectedByPartition) {
      const got = received.get(partition)!;
      expect(got.length, `partition ${partition}`).to.equal(indices.length);
      got.forEach((r, j) => {
        const i = indices[j];
        expect(r.offset).to.equal(j);
        expect(r.key!.toString()).to.equal(`customer-${i % 997}`);
        expect(r.value!.toString()).to.equal(`order-${i}`);
        expect(r.headers.map((h) => [h.key, h.value?.toString()])).to.deep.equal([['seq', String(i)], ['source', 'test']]);
      });
    }
  });

  it('reports UNKNOWN_TOPIC_OR_PARTITION for a topic that does not exist', async () => {
    const consumer = new Consumer({ bootstrapServers: bootstrap });
    await consumer.connect();
    const err = await consumer.partitionsFor('no-such-topic').catch((e) => e);
    await consumer.close();
    expect(err).to.be.instanceOf(Error);
    expect(String(err.message)).to.match(/UNKNOWN_TOPIC_OR_PARTITION|does not exist|not exist/i);
  });

  it('lists earliest and latest offsets', async () => {
    const admin = new Admin({ bootstrapServers: bootstrap });
    await admin.createTopic({ topic: 'offsets-probe', numPartitions: 1, replicationFactor: 1 });
    const producer = new Producer({ bootstrapServers: bootstrap, acks: 1 });
    for (let i = 0; i < 10; i++) await producer.send({ topic: 'offsets-probe', value: `v${i}` });
    await producer.close();
    expect(await admin.listOffsets('offsets-probe', 0, 'earliest')).to.equal(0);
    expect(await admin.listOffsets('offsets-probe', 0, 'latest')).to.equal(10);
    await admin.close();
  });
});
