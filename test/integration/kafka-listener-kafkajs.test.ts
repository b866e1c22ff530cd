import { expect } from 'chai';
import { Kafka, logLevel } from 'kafkajs';
import type { Consumer as KafkaJsConsumer, EachMessagePayload } from 'kafkajs';
import { Broker } from '../../lib/broker/broker';
import { Consumer } from '../../lib/client/consumer';
import { freePort, startBroker, tempDir } from '../helpers/cluster';
import { runCli } from '../helpers/run-cli';
import { waitUntil } from '../helpers/wait';
import { startTestZooKeeper, TestZooKeeper } from '../helpers/zookeeper';

/** KafkaJS 2.2 (a pure JavaScript Kafka client) against the Kafka listener, unchanged. */
describe('integration/kafka-listener-kafkajs', function () {
  this.timeout(180000);
  let zk: TestZooKeeper;
  let broker: Broker;
  let kafkaPort: number;
  let nativePort: number;
  let logDir: string;
  let kafka: Kafka;

  async function start(): Promise<void> {
    broker = await startBroker({
      brokerId: 1, zkConnect: zk.connectString, logDir,
      overrides: {
        listeners: `PLAINTEXT://127.0.0.1:${nativePort},KAFKA://127.0.0.1:${kafkaPort}`,
        'group.initial.rebalance.delay.ms': 0, 'offsets.topic.num.partitions': 3, 'offsets.topic.replication.factor': 1,
        'group.min.session.timeout.ms': 1000,
      },
    });
  }

  before(async () => {
    zk = await startTestZooKeeper();
    [kafkaPort, nativePort] = [await freePort(), await freePort()];
    logDir = tempDir('kafkajs');
    await start();
    kafka = new Kafka({ clientId: 'kafkajs-test', brokers: [`127.0.0.1:${kafkaPort}`], logLevel: logLevel.NOTHING, retry: { retries: 10, initialRetryTime: 100 } });
  });

  after(async () => {
    await broker?.shutdown();
    await zk?.stop();
  });

  it('creates topics and describes them with the admin client', async () => {
    const admin = kafka.admin();
    await admin.connect();
    try {
      expect(await admin.createTopics({ topics: [{ topic: 'kjs-orders', numPartitions: 3 }, { topic: 'kjs-group', numPartitions: 3 }] })).to.equal(true);
      const { topics } = await admin.fetchTopicMetadata({ topics: ['kjs-orders'] });
      expect(topics[0].name).to.equal('kjs-orders');
      expect(topics[0].partitions.map((p) => [p.partitionId, p.leader]).sort()).to.deep.equal([[0, 1], [1, 1], [2, 1]]);
      expect(await admin.listTopics()).to.include.members(['kjs-orders', 'kjs-group']);
    } finally {
      await admin.disconnect();
    }
  });

  it('sends with an idempotent producer, and every record arrives once, in order per partition', async () => {
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    for (let batch = 0; batch < 10; batch++) {
      await producer.send({
        topic: 'kjs-orders',
        messages: [...Array(30).keys()].map((i) => ({ key: `k${(batch * 30 + i) % 7}`, value: `order-${batch * 30 + i}`, headers: { source: 'kafkajs' } })),
      });
    }
    await producer.disconnect();
    // Read back through Samsa's own client on the native listener.
    const consumer = new Consumer({ bootstrapServers: `127.0.0.1:${nativePort}`, autoOffsetReset: 'earliest' });
    consumer.assign([0, 1, 2].map((partition) => ({ topic: 'kjs-orders', partition })));
    const values: string[] = [];
    const deadline = Date.now() + 30000;
    while (values.length < 300 && Date.now() < deadline) for (const r of await consumer.poll(200)) values.push(r.value!.toString());
    await consumer.close();
    expect(values).to.have.length(300);
    expect(new Set(values).size).to.equal(300);
    for (let k = 0; k < 7; k++) {
      const ofKey = values.filter((v) => Number(v.slice(6)) % 7 === k).map((v) => Number(v.slice(6)));
      expect(ofKey).to.deep.equal([...ofKey].sort((a, b) => a - b));
    }
  });

  it('balances a group of three consumers, rebalances when one leaves, and resumes from commits after a broker restart', async () => {
    const seen = new Map<string, string[]>();
    const received: string[] = [];
    const members: KafkaJsConsumer[] = [];
    for (const name of ['a', 'b', 'c']) {
      const consumer = kafka.consumer({ groupId: 'kjs-group-1', sessionTimeout: 6000, heartbeatInterval: 500, rebalanceTimeout: 10000 });
      await consumer.connect();
      await consumer.subscribe({ topic: 'kjs-group', fromBeginning: true });
      seen.set(name, []);
      await consumer.run({
        eachMessage: async ({ partition, message }: EachMessagePayload) => {
          seen.get(name)!.push(`${partition}`);
          received.push(message.value!.toString());
        },
      });
      members.push(consumer);
    }
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic: 'kjs-group', messages: [...Array(90).keys()].map((i) => ({ partition: i % 3, value: `first-${i}` })) });
    await waitUntil('90 records consumed by the group', () => received.length >= 90, 60000);
    await waitUntil('every member to own one partition', async () => {
      const described = await runCli('samsa-consumer-groups', ['--bootstrap-server', `127.0.0.1:${nativePort}`, '--describe', '--group', 'kjs-group-1', '--members']);
      return described.stdout.split('\n').filter((l) => l.startsWith('kjs-group-1')).length === 3;
    }, 30000, 500);
    // One member leaves: the other two take over its partition.
    await members.pop()!.disconnect();
    await producer.send({ topic: 'kjs-group', messages: [...Array(90).keys()].map((i) => ({ partition: i % 3, value: `second-${i}` })) });
    await waitUntil('the second 90 records consumed by the two remaining members', () => received.filter((v) => v.startsWith('second-')).length >= 90, 60000);
    const described = await runCli('samsa-consumer-groups', ['--bootstrap-server', `127.0.0.1:${nativePort}`, '--describe', '--group', 'kjs-group-1']);
    expect(described.code, described.stderr).to.equal(0);
    expect(described.stdout).to.match(/kjs-group-1\s+kjs-group\s+0\s+60\s+60\s+0/);
    for (const m of members) await m.disconnect();

    // The committed offsets survive a broker restart: a new member resumes after them.
    await broker.shutdown();
    await start();
    const third: string[] = [];
    const resumed = kafka.consumer({ groupId: 'kjs-group-1', sessionTimeout: 6000, heartbeatInterval: 500 });
    await resumed.connect();
    await resumed.subscribe({ topic: 'kjs-group', fromBeginning: true });
    await resumed.run({ eachMessage: async ({ message }) => { third.push(message.value!.toString()); } });
    await producer.connect();
    await producer.send({ topic: 'kjs-group', messages: [...Array(30).keys()].map((i) => ({ partition: i % 3, value: `third-${i}` })) });
    await waitUntil('the third batch consumed after the restart', () => third.length >= 30, 60000);
    await resumed.disconnect();
    await producer.disconnect();
    expect(third.every((v) => v.startsWith('third-')), `re-delivered: ${third.filter((v) => !v.startsWith('third-')).slice(0, 5)}`).to.equal(true);
    expect(new Set(received).size).to.equal(180);
  });
});
