// A mocha suite against a three-broker cluster: brokers are child processes, so killBroker() is
// a real crash. Run: npx mocha --timeout 30000 examples/mocha
const assert = require('node:assert/strict');
const { startCluster } = require('samsa/testing');

describe('orders topic on a 3-broker cluster', function () {
  this.timeout(30000);
  let cluster;

  before(async () => {
    // A short ZooKeeper session so a killed broker is noticed quickly.
    cluster = await startCluster({ brokers: 3, brokerConfig: { 'zookeeper.session.timeout.ms': 2000 } });
    await cluster.createTopic('orders', { partitions: 3, replicationFactor: 3 });
  });

  after(() => cluster.stop());

  async function consumeAll(groupId, expected) {
    const consumer = cluster.consumer({ groupId, autoOffsetReset: 'earliest' });
    consumer.subscribe(['orders']);
    const values = [];
    const deadline = Date.now() + 20000;
    while (values.length < expected && Date.now() < deadline) {
      for (const record of await consumer.poll(500)) values.push(record.value.toString());
    }
    await consumer.close();
    return values.sort();
  }

  it('delivers what was produced', async () => {
    const producer = cluster.producer({ acks: -1 });
    for (const id of ['o-1', 'o-2', 'o-3']) await producer.send({ topic: 'orders', key: Buffer.from(id), value: Buffer.from(id) });
    assert.deepEqual(await consumeAll('billing', 3), ['o-1', 'o-2', 'o-3']);
  });

  it('keeps the data when a broker crashes and comes back', async () => {
    await cluster.killBroker(2);
    await cluster.restartBroker(2);
    assert.deepEqual(await consumeAll('audit', 3), ['o-1', 'o-2', 'o-3']);
  });
});
