import { expect } from 'chai';
import * as fs from 'fs';
import * as path from 'path';
import { Admin } from '../../lib/client/admin';
import { Consumer } from '../../lib/client/consumer';
import { Producer } from '../../lib/client/producer';
import { BrokerProcess, spawnBroker } from '../helpers/cluster';
import { startTestZooKeeper, TestZooKeeper } from '../helpers/zookeeper';

describe('system/crash-recovery', function () {
  this.timeout(180000);
  let zk: TestZooKeeper;
  let broker: BrokerProcess | null = null;

  before(async () => {
    zk = await startTestZooKeeper();
  });

  after(async () => {
    await broker?.stop('SIGKILL');
    await zk?.stop();
  });

  async function consumeAll(bootstrap: string, topic: string, partitions: number, expected: number): Promise<string[]> {
    const consumer = new Consumer({ bootstrapServers: bootstrap, autoOffsetReset: 'earliest' });
    await consumer.connect();
    consumer.assign([...Array(partitions).keys()].map((partition) => ({ topic, partition })));
    const values: string[] = [];
    const deadline = Date.now() + 60000;
    while (values.length < expected && Date.now() < deadline) {
      for (const r of await consumer.poll(500)) values.push(r.value!.toString());
    }
    // Anything beyond what was acknowledged would show up within one more poll.
    for (const r of await consumer.poll(500)) values.push(r.value!.toString());
    await consumer.close();
    return values;
  }

  it('keeps every acknowledged record through SIGKILL, a torn log tail, and restart', async () => {
    broker = await spawnBroker({ brokerId: 1, zkConnect: zk.connectString, overrides: { 'log.segment.bytes': 256 * 1024 } });
    const bootstrap = `127.0.0.1:${broker.port}`;
    const admin = new Admin({ bootstrapServers: bootstrap });
    await admin.createTopic({ topic: 'durable', numPartitions: 2, replicationFactor: 1 });
    await admin.close();

    // A short delivery timeout: records still unacknowledged at the kill are given up quickly.
    const producer = new Producer({ bootstrapServers: bootstrap, acks: 1, lingerMs: 2, deliveryTimeoutMs: 3000, requestTimeoutMs: 2000 });
    const acked: string[] = [];
    const pending: Promise<void>[] = [];
    for (let i = 0; i < 20000; i++) {
      const value = `record-${i}`;
      pending.push(producer.send({ topic: 'durable', key: `k${i % 50}`, value }).then(() => { acked.push(value); }, () => undefined));
    }
    await Promise.all(pending);
    expect(acked).to.have.length(20000);
    // Unacknowledged traffic in flight at the moment of the kill is allowed to be lost.
    for (let i = 0; i < 2000; i++) void producer.send({ topic: 'durable', value: `in-flight-${i}` }).catch(() => undefined);
    await broker.stop('SIGKILL');
    await producer.close().catch(() => undefined);

    // Simulate a torn write: half a batch of garbage at the end of the active segment of partition 0.
    const dir = path.join(broker.logDir, 'durable-0');
    const segments = fs.readdirSync(dir).filter((f) => f.endsWith('.log')).sort();
    const active = path.join(dir, segments[segments.length - 1]);
    const sizeBefore = fs.statSync(active).size;
    fs.appendFileSync(active, Buffer.from('000000000000ffff000001f4deadbeef', 'hex'));
    expect(fs.existsSync(path.join(broker.logDir, '.samsa_cleanshutdown'))).to.equal(false);

    broker = await spawnBroker({ brokerId: 1, zkConnect: zk.connectString, logDir: broker.logDir, port: broker.port, overrides: { 'log.segment.bytes': 256 * 1024 } });
    const values = await consumeAll(bootstrap, 'durable', 2, acked.length);
    const seen = new Set(values);
    const lost = acked.filter((v) => !seen.has(v));
    expect(lost, `lost ${lost.length} acknowledged records`).to.have.length(0);
    expect(values.length).to.equal(seen.size);
    expect(fs.statSync(active).size).to.be.at.most(sizeBefore);

    expect(await broker.stop('SIGTERM')).to.equal(0);
    expect(fs.existsSync(path.join(broker.logDir, '.samsa_cleanshutdown'))).to.equal(true);
  });
});
