// node:test against one in-process broker: the quickest cluster to start.
// Run: node --test examples/node-test/
const { after, before, test } = require('node:test');
const assert = require('node:assert/strict');
const { startCluster } = require('samsa/testing');

let cluster;

before(async () => {
  cluster = await startCluster({ brokers: 1, inProcess: true });
});

after(() => cluster.stop());

test('a record produced is consumed', async () => {
  await cluster.createTopic('greetings', { partitions: 1 });
  const producer = cluster.producer();
  const { offset } = await producer.send({ topic: 'greetings', value: Buffer.from('hello') });
  assert.equal(offset, 0);

  const consumer = cluster.consumer();
  consumer.assign([{ topic: 'greetings', partition: 0 }]);
  consumer.seek({ topic: 'greetings', partition: 0 }, 'earliest');
  let records = [];
  while (records.length === 0) records = await consumer.poll(1000);
  assert.equal(records[0].value.toString(), 'hello');
  // No close() needed: cluster.stop() closes the clients it handed out.
});

test('the admin client sees the topic', async () => {
  const admin = cluster.admin();
  assert.ok((await admin.listTopics()).includes('greetings'));
});
