// The KafkaJS application above, tested against a real cluster instead of a Kafka container:
// cluster.kafkaBootstrapServers is a Kafka-protocol listener. Run: node --test examples/kafkajs/
const { after, before, test } = require('node:test');
const assert = require('node:assert/strict');
const { Kafka, logLevel } = require('kafkajs');
const { startCluster } = require('samsa/testing');
const { startUppercaseService } = require('./uppercase-service');

let cluster;
let service;

before(async () => {
  cluster = await startCluster({ brokers: 1 });
  await cluster.createTopic('words', { partitions: 2 });
  await cluster.createTopic('shouted', { partitions: 1 });
  service = await startUppercaseService({ brokers: cluster.kafkaBootstrapServers.split(',') });
});

after(async () => {
  await service?.stop();
  await cluster?.stop();
});

test('upper-cases every word', async () => {
  const kafka = new Kafka({ clientId: 'test', brokers: cluster.kafkaBootstrapServers.split(','), logLevel: logLevel.ERROR });
  const producer = kafka.producer();
  await producer.connect();
  await producer.send({ topic: 'words', messages: [{ value: 'hello' }, { value: 'samsa' }] });
  await producer.disconnect();

  const consumer = kafka.consumer({ groupId: 'test-reader' });
  await consumer.connect();
  await consumer.subscribe({ topic: 'shouted', fromBeginning: true });
  const seen = [];
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`only got ${JSON.stringify(seen)}`)), 20000);
    consumer.run({
      eachMessage: async ({ message }) => {
        seen.push(message.value.toString());
        if (seen.length === 2) { clearTimeout(timer); resolve(); }
      },
    }).catch(reject);
  });
  await consumer.disconnect();
  assert.deepEqual(seen.sort(), ['HELLO', 'SAMSA']);
});
