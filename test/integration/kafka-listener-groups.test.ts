import { expect } from 'chai';
import { Kafka, logLevel } from 'kafkajs';
import { Admin } from '../../lib/client/admin';
import { Producer } from '../../lib/client/producer';
import { runKcat } from '../helpers/kcat';
import { waitUntil } from '../helpers/wait';
import { useOneBroker } from '../helpers/one-broker';

/** Consumer groups of real Kafka clients (KafkaJS 2.2, kcat on librdkafka 2.0) on the Kafka listener. */
describe('integration/kafka-listener-groups', function () {
  this.timeout(120000);
  const cluster = useOneBroker();
  let kafka: string;
  let native: string;

  before(async () => {
    ({ kafka, native } = cluster);
    const admin = new Admin({ bootstrapServers: native });
    await admin.createTopic({ topic: 'jobs', numPartitions: 4, replicationFactor: 1 });
    await admin.createTopic({ topic: 'lines', numPartitions: 2, replicationFactor: 1 });
    await admin.close();
    const producer = new Producer({ bootstrapServers: native });
    await Promise.all([...Array(40).keys()].map((i) => producer.send({ topic: 'jobs', partition: i % 4, value: `job-${i}` })));
    await Promise.all([...Array(10).keys()].map((i) => producer.send({ topic: 'lines', partition: i % 2, value: `line-${i}` })));
    await producer.close();
  });

  it('lets two KafkaJS consumers share a topic in one group, commit, and shows the group to the KafkaJS admin', async () => {
    const client = new Kafka({ clientId: 'kjs', brokers: [kafka], logLevel: logLevel.NOTHING, retry: { retries: 20, initialRetryTime: 100 } });
    const seen = new Map<string, string>();
    const consumers = [0, 1].map(() => client.consumer({ groupId: 'kjs-group', sessionTimeout: 10000, heartbeatInterval: 500 }));
    try {
      for (const [i, c] of consumers.entries()) {
        await c.connect();
        await c.subscribe({ topic: 'jobs', fromBeginning: true });
        await c.run({ eachMessage: async ({ message }) => { seen.set(message.value!.toString(), `consumer-${i}`); } });
      }
      await waitUntil('every job consumed', async () => seen.size === 40, 60000, 100);
      const admin = client.admin();
      await admin.connect();
      try {
        await waitUntil('both members to hold partitions', async () => {
          const [group] = (await admin.describeGroups(['kjs-group'])).groups;
          return group.state === 'Stable' && group.members.length === 2
            && group.members.every((m) => m.memberAssignment.length > 0);
        }, 60000, 200);
        await waitUntil('the offsets to be committed', async () => {
          const [topic] = await admin.fetchOffsets({ groupId: 'kjs-group', topics: ['jobs'] });
          return topic.partitions.every((p) => p.offset === '10');
        }, 30000, 200);
        const listed = await admin.listGroups();
        expect(listed.groups).to.deep.include({ groupId: 'kjs-group', protocolType: 'consumer' });
        await Promise.all(consumers.map((c) => c.disconnect()));
        await waitUntil('the group to be Empty', async () => (await admin.describeGroups(['kjs-group'])).groups[0].state === 'Empty', 20000, 200);
        await admin.deleteGroups(['kjs-group']);
        expect((await admin.describeGroups(['kjs-group'])).groups[0].state).to.equal('Dead');
      } finally {
        await admin.disconnect();
      }
    } finally {
      await Promise.all(consumers.map((c) => c.disconnect().catch(() => undefined)));
    }
  });

  it('runs kcat\'s balanced consumer (-G), which commits where a second run resumes', async () => {
    const args = ['-b', kafka, '-G', 'kcat-group', '-X', 'auto.offset.reset=earliest', '-X', 'enable.auto.commit=true',
      '-X', 'auto.commit.interval.ms=100', '-X', 'session.timeout.ms=6000', '-q', '-f', '%s\\n', '-c', '10', 'lines'];
    const first = await runKcat(args, { timeoutMs: 60000 });
    expect(first.code, first.stderr).to.equal(0);
    expect(first.stdout.trimEnd().split('\n').sort()).to.deep.equal([...Array(10).keys()].map((i) => `line-${i}`).sort());
    const producer = new Producer({ bootstrapServers: native });
    await producer.send({ topic: 'lines', partition: 0, value: 'line-late' });
    await producer.close();
    const second = await runKcat([...args.slice(0, -2), '1', 'lines'], { timeoutMs: 60000 });
    expect(second.code, second.stderr).to.equal(0);
    expect(second.stdout.trim()).to.equal('line-late');
  });
});
