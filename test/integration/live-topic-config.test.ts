import { expect } from 'chai';
import * as fs from 'fs';
import * as path from 'path';
import { Admin } from '../../lib/client/admin';
import { Consumer } from '../../lib/client/consumer';
import { Producer } from '../../lib/client/producer';
import { ErrorCode, SamsaError } from '../../lib/protocol/errors';
import { ReplicatedCluster } from '../helpers/replicated-cluster';
import { runCli } from '../helpers/run-cli';
import { waitUntil } from '../helpers/wait';

/**
 * Topic config changes reach the live logs of every replica, on real broker processes, written
 * the way an operator writes them (samsa-configs --zookeeper): retention.ms,
 * message.timestamp.difference.max.ms, cleanup.policy and min.insync.replicas, each without a restart.
 */
describe('integration/live-topic-config', function () {
  this.timeout(90000);
  const cluster = new ReplicatedCluster([1, 2, 3], {
    'log.retention.check.interval.ms': 200, 'log.cleaner.backoff.ms': 200, 'replica.lag.time.max.ms': 1500,
  });
  /** Fails at once (retries 0), to see min.insync.replicas refusals as they happen. */
  let producer: Producer;
  /** Retries, for data written right after a topic is created (a leader may not know it is one yet). */
  let writer: Producer;

  before(async () => {
    await cluster.start();
    producer = new Producer({ bootstrapServers: cluster.bootstrap, acks: 'all', enableIdempotence: false, lingerMs: 0, retries: 0, requestTimeoutMs: 5000, deliveryTimeoutMs: 10000 });
    writer = new Producer({ bootstrapServers: cluster.bootstrap, acks: 'all', lingerMs: 0 });
  });
  after(async () => {
    await producer?.close();
    await writer?.close();
    await cluster.stop();
  });

  async function alterTopic(topic: string, config: string): Promise<void> {
    const result = await runCli('samsa-configs', ['--zookeeper', cluster.zk.connectString, '--entity-type', 'topics', '--entity-name', topic, '--alter', '--add-config', config]);
    expect(result.code, result.stderr).to.equal(0);
  }

  /** The live (not `.deleted`) segment files of a replica, by base offset. */
  function segments(broker: number, topic: string): { base: number; size: number }[] {
    const dir = path.join(cluster.logDir(broker), `${topic}-0`);
    return fs.readdirSync(dir).filter((f) => f.endsWith('.log'))
      .map((f) => ({ base: Number(f.slice(0, -'.log'.length)), size: fs.statSync(path.join(dir, f)).size }))
      .sort((a, b) => a.base - b.base);
  }

  async function produceKeyed(topic: string, count: number, keys: number): Promise<void> {
    for (let i = 0; i < count; i++) {
      await writer.send({ topic, partition: 0, key: Buffer.from(`k${i % keys}`), value: Buffer.from(`value-${i}`.padEnd(80, '.')) });
    }
  }

  it('deletes old segments on every replica once retention.ms is lowered', async () => {
    const topic = 'live-retention';
    await cluster.createTopic(topic, 1, { 'segment.bytes': '1024' });
    await produceKeyed(topic, 60, 60);
    await waitUntil('every replica to hold several segments', () => cluster.brokerIds.every((id) => segments(id, topic).length > 3), 10000, 100);
    for (const id of cluster.brokerIds) expect(segments(id, topic)[0].base).to.equal(0);
    await alterTopic(topic, 'retention.ms=1000');
    await waitUntil('old segments to go on every replica', () => cluster.brokerIds.every((id) => segments(id, topic)[0].base > 0), 15000, 100);
    const admin = new Admin({ bootstrapServers: cluster.bootstrap });
    try {
      expect(await admin.listOffsets(topic, 0, 'earliest')).to.be.greaterThan(0);
      expect(await admin.listOffsets(topic, 0, 'latest')).to.equal(60);
    } finally {
      await admin.close();
    }
  });

  it('refuses records older than a newly set message.timestamp.difference.max.ms with INVALID_TIMESTAMP', async () => {
    const topic = 'live-retention';
    const hourAgo = Date.now() - 3_600_000;
    await producer.send({ topic, partition: 0, value: Buffer.from('old-but-fine'), timestamp: hourAgo });
    await alterTopic(topic, 'message.timestamp.difference.max.ms=60000');
    let refused: unknown = null;
    await waitUntil('an old timestamp to be refused', async () => {
      refused = await producer.send({ topic, partition: 0, value: Buffer.from('too-old'), timestamp: hourAgo }).then(() => null, (e: unknown) => e);
      return refused !== null;
    }, 10000, 100);
    expect(refused).to.be.instanceOf(SamsaError).with.property('code', ErrorCode.INVALID_TIMESTAMP.code);
    await producer.send({ topic, partition: 0, value: Buffer.from('fresh') });
  });

  it('compacts a topic switched to cleanup.policy=compact, on every replica', async () => {
    const topic = 'live-compact';
    await cluster.createTopic(topic, 1, { 'segment.bytes': '1024', 'min.cleanable.dirty.ratio': '0.01' });
    await produceKeyed(topic, 60, 5);
    await waitUntil('every replica to hold all records', () => cluster.brokerIds.every((id) => segments(id, topic).length > 3), 10000, 100);
    const before = new Map(cluster.brokerIds.map((id) => [id, total(segments(id, topic))]));
    await alterTopic(topic, 'cleanup.policy=compact');
    await waitUntil('the cleaner to shrink every replica', () => cluster.brokerIds.every((id) => total(segments(id, topic)) < before.get(id)! / 2), 15000, 100);
    const values = await consumeAll(topic, 60);
    expect(values.length).to.be.lessThan(60);
    // The latest value of each key survives, at its original offset.
    for (let i = 55; i < 60; i++) expect(values).to.include(`value-${i}`.padEnd(80, '.'));
  });

  it('refuses acks=all at once when min.insync.replicas is raised above the ISR, and accepts it again when lowered', async () => {
    const topic = 'live-min-isr';
    await cluster.createTopic(topic, 1, { 'min.insync.replicas': '2' });
    const { leader } = await cluster.partitionState(topic, 0);
    const down = cluster.brokerIds.find((id) => id !== leader)!;
    await cluster.stopBroker(down, 'SIGTERM');
    await waitUntil('the ISR to shrink to two', async () => (await cluster.partitionState(topic, 0)).isr.length === 2, 20000, 100);
    await producer.send({ topic, partition: 0, value: Buffer.from('two-of-three') });
    await alterTopic(topic, 'min.insync.replicas=3');
    let refused: unknown = null;
    await waitUntil('acks=all to be refused', async () => {
      const started = Date.now();
      refused = await producer.send({ topic, partition: 0, value: Buffer.from('refused') }).then(() => null, (e: unknown) => e);
      // At once: the append is refused up front, not after waiting for replication. (A produce
      // in flight while the change lands may instead get NOT_ENOUGH_REPLICAS_AFTER_APPEND.)
      return refused instanceof SamsaError && refused.code === ErrorCode.NOT_ENOUGH_REPLICAS.code && Date.now() - started < 2000;
    }, 10000, 100);
    expect(refused).to.be.instanceOf(SamsaError).with.property('code', ErrorCode.NOT_ENOUGH_REPLICAS.code);
    await alterTopic(topic, 'min.insync.replicas=2');
    await waitUntil('acks=all to be accepted again', async () => producer.send({ topic, partition: 0, value: Buffer.from('accepted') }).then(() => true, () => false), 10000, 100);
  });

  async function consumeAll(topic: string, end: number): Promise<string[]> {
    const consumer = new Consumer({ bootstrapServers: cluster.bootstrap, autoOffsetReset: 'earliest' });
    consumer.assign([{ topic, partition: 0 }]);
    const values: string[] = [];
    let last = -1;
    try {
      await waitUntil('every record consumed', async () => {
        for (const r of await consumer.poll(200)) {
          values.push(r.value!.toString());
          last = r.offset;
        }
        return last >= end - 1;
      }, 20000, 1);
    } finally {
      await consumer.close();
    }
    return values;
  }
});

function total(files: { size: number }[]): number {
  return files.reduce((sum, f) => sum + f.size, 0);
}
