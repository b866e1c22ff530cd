import { expect } from 'chai';
import { waitUntil } from '../helpers/wait';
import { useOneBroker } from '../helpers/one-broker';

// An ES module; Node 20.19+ loads it with require().
// eslint-disable-next-line @typescript-eslint/no-require-imports
const platformatic = require('@platformatic/kafka') as typeof import('@platformatic/kafka');

/** @platformatic/kafka (a modern pure TypeScript client) against the Kafka listener, unchanged. */
describe('integration/kafka-listener-platformatic', function () {
  this.timeout(120000);
  const cluster = useOneBroker({ 'num.partitions': 2 });
  let bootstrap: string;

  before(() => {
    bootstrap = cluster.kafka;
  });

  it('produces and consumes with a consumer group, committing what it consumed', async () => {
    const admin = new platformatic.Admin({ clientId: 'pf-admin', bootstrapBrokers: [bootstrap] });
    await admin.createTopics({ topics: ['pf-events'], partitions: 2, replicas: 1 });
    await admin.close();

    const producer = new platformatic.Producer({ clientId: 'pf-producer', bootstrapBrokers: [bootstrap], serializers: platformatic.stringSerializers });
    await producer.send({
      messages: [...Array(40).keys()].map((i) => ({ topic: 'pf-events', key: `user-${i % 5}`, value: `event-${i}`, headers: { source: 'platformatic' } })),
    });
    await producer.close();

    const consumer = new platformatic.Consumer({
      groupId: 'pf-group', clientId: 'pf-consumer', bootstrapBrokers: [bootstrap], deserializers: platformatic.stringDeserializers,
    });
    const stream = await consumer.consume({ topics: ['pf-events'], mode: 'earliest', autocommit: 100, sessionTimeout: 10000, heartbeatInterval: 500 });
    const values: string[] = [];
    stream.on('data', (message: { value: string; headers: Map<string, string> }) => {
      values.push(message.value);
    });
    await waitUntil('40 records from the group stream', () => values.length >= 40, 60000);
    await new Promise((r) => setTimeout(r, 500));
    await stream.close();
    await consumer.close();
    expect([...values].sort()).to.deep.equal([...Array(40).keys()].map((i) => `event-${i}`).sort());

    const offsets = new platformatic.Admin({ clientId: 'pf-admin-2', bootstrapBrokers: [bootstrap] });
    const groups = await offsets.listGroups();
    await offsets.close();
    expect([...groups.keys()]).to.include('pf-group');
  });
});
