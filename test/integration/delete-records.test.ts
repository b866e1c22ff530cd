import { expect } from 'chai';
import * as fs from 'fs';
import * as path from 'path';
import { Kafka, logLevel } from 'kafkajs';
import { Broker } from '../../lib/broker/broker';
import { Admin } from '../../lib/client/admin';
import { Consumer } from '../../lib/client/consumer';
import { Producer } from '../../lib/client/producer';
import { LOG_START_OFFSET_CHECKPOINT_FILE } from '../../lib/storage/log-start-checkpoint';
import { parseCheckpoint } from '../../lib/storage/offset-checkpoint';
import { freePort, startBroker, tempDir } from '../helpers/cluster';
import { runCli } from '../helpers/run-cli';
import { waitUntil } from '../helpers/wait';
import { startTestZooKeeper, TestZooKeeper } from '../helpers/zookeeper';

/**
 * samsa-delete-records (run as its own process) against two real brokers with replication factor
 * 2: the leader moves the log start, whole segments below it go, the follower follows, consumers
 * start at the new start, fetches below it are out of range, and a restart keeps it (checkpoint).
 */
describe('integration/delete-records', function () {
  this.timeout(120000);
  const TOPIC = 'dr-events';
  let zk: TestZooKeeper;
  const brokers = new Map<number, Broker>();
  const ports = new Map<number, { native: number; kafka: number }>();
  const logDirs = new Map<number, string>();
  let admin: Admin;
  let workDir: string;

  const bootstrap = (): string => [...ports.values()].map((p) => `127.0.0.1:${p.native}`).join(',');

  async function start(id: number): Promise<void> {
    const p = ports.get(id)!;
    brokers.set(id, await startBroker({
      brokerId: id, zkConnect: zk.connectString, logDir: logDirs.get(id), port: p.native,
      overrides: { listeners: `PLAINTEXT://127.0.0.1:${p.native},KAFKA://127.0.0.1:${p.kafka}`, 'replica.fetch.wait.max.ms': 100, 'auto.leader.rebalance.enable': false },
    }));
  }

  function offsetFile(name: string, partitions: Array<{ topic: string; partition: number; offset: number }>): string {
    const file = path.join(workDir, name);
    fs.writeFileSync(file, JSON.stringify({ partitions, version: 1 }));
    return file;
  }

  const deleteRecords = (file: string) => runCli('samsa-delete-records', ['--bootstrap-server', bootstrap(), '--offset-json-file', file]);

  async function earliest(partition = 0): Promise<number> {
    return admin.listOffsets(TOPIC, partition, 'earliest');
  }

  before(async () => {
    zk = await startTestZooKeeper();
    workDir = tempDir('delete-records');
    for (const id of [1, 2]) {
      ports.set(id, { native: await freePort(), kafka: await freePort() });
      logDirs.set(id, tempDir(`delete-records-broker${id}`));
      await start(id);
    }
    admin = new Admin({ bootstrapServers: bootstrap() });
    // Small segments, so a delete spans whole segments and a partial one.
    await admin.createTopic({ topic: TOPIC, numPartitions: 2, replicationFactor: 2, configs: { 'segment.bytes': '1024' } });
    await admin.createTopic({ topic: 'dr-compacted', numPartitions: 1, replicationFactor: 2, configs: { 'cleanup.policy': 'compact' } });
    const producer = new Producer({ bootstrapServers: bootstrap(), acks: 'all', lingerMs: 0 });
    try {
      for (let i = 0; i < 100; i++) await producer.send({ topic: TOPIC, partition: i % 2, value: `value-${String(i).padStart(3, '0')}`, timestamp: 1_000_000 + i });
    } finally {
      await producer.close();
    }
    await waitUntil('both partitions fully in sync', async () => (await admin.describeTopics([TOPIC]))[0].partitions.every((p) => p.isr.length === 2));
  });

  after(async () => {
    await admin?.close();
    for (const b of brokers.values()) await b.shutdown().catch(() => undefined);
    await zk?.stop();
  });

  it('deletes below the offset on the leader and its follower, printing Kafka\'s report', async () => {
    const segmentsBefore = fs.readdirSync(path.join(logDirs.get(1)!, `${TOPIC}-0`)).filter((f) => f.endsWith('.log')).length;
    expect(segmentsBefore).to.be.greaterThan(2);
    const result = await deleteRecords(offsetFile('ok.json', [{ topic: TOPIC, partition: 0, offset: 30 }]));
    expect(result.stderr).to.equal('');
    expect(result.stdout).to.equal('Executing records delete operation\nRecords delete operation completed:\npartition: dr-events-0\tlow_watermark: 30\n');
    expect(result.code).to.equal(0);
    expect(await earliest(0)).to.equal(30);
    expect(await earliest(1)).to.equal(0);
    // Whole segments below 30 are gone on both replicas; the one holding 30 stays.
    for (const id of [1, 2]) {
      const logs = fs.readdirSync(path.join(logDirs.get(id)!, `${TOPIC}-0`)).filter((f) => f.endsWith('.log'));
      expect(logs.length, `segments on broker ${id}`).to.be.lessThan(segmentsBefore);
      expect(Math.min(...logs.map((f) => Number(f.slice(0, -4))))).to.be.at.most(30);
    }
  });

  it('serves consumers from the new start and answers fetches below it with OFFSET_OUT_OF_RANGE', async () => {
    const consumer = new Consumer({ bootstrapServers: bootstrap(), autoOffsetReset: 'earliest' });
    try {
      consumer.assign([{ topic: TOPIC, partition: 0 }]);
      const records = await consumer.poll(5000);
      expect(records[0].offset).to.equal(30);
      expect(records[0].value?.toString()).to.equal('value-060');
    } finally {
      await consumer.close();
    }
    const strict = new Consumer({ bootstrapServers: bootstrap(), autoOffsetReset: 'none' });
    try {
      strict.assign([{ topic: TOPIC, partition: 0 }]);
      strict.seek({ topic: TOPIC, partition: 0 }, 10);
      let error: Error | null = null;
      await waitUntil('an out-of-range error', async () => {
        try {
          await strict.poll(200);
        } catch (err) {
          error = err as Error;
        }
        return error !== null;
      }, 10000);
      expect(String(error)).to.contain('out of range');
    } finally {
      await strict.close();
    }
  });

  it('reports per-partition errors with exit code 1: past the high watermark, unknown topic, compacted topic', async () => {
    const result = await deleteRecords(offsetFile('bad.json', [
      { topic: TOPIC, partition: 1, offset: 1000 }, { topic: 'dr-missing', partition: 0, offset: 1 }, { topic: 'dr-compacted', partition: 0, offset: 0 },
    ]));
    expect(result.stdout).to.equal('Executing records delete operation\nRecords delete operation completed:\n'
      + 'partition: dr-events-1\terror: org.apache.kafka.common.errors.OffsetOutOfRangeException: The requested offset is not within the range of offsets maintained by the server.\n'
      + 'partition: dr-missing-0\terror: org.apache.kafka.common.errors.UnknownTopicOrPartitionException: This server does not host this topic-partition.\n'
      + 'partition: dr-compacted-0\terror: org.apache.kafka.common.errors.PolicyViolationException: Request parameters do not satisfy the configured policy.\n');
    expect(result.code).to.equal(1);
    expect(await earliest(1)).to.equal(0);
  });

  it('deletes up to the high watermark with offset -1', async () => {
    const result = await deleteRecords(offsetFile('hw.json', [{ topic: TOPIC, partition: 1, offset: -1 }]));
    expect(result.stdout).to.contain('partition: dr-events-1\tlow_watermark: 50\n');
    expect(result.code).to.equal(0);
    expect(await earliest(1)).to.equal(50);
    expect(await admin.listOffsets(TOPIC, 1, 'latest')).to.equal(50);
  });

  it('refuses bad command lines and bad JSON with exit code 1', async () => {
    const missing = await runCli('samsa-delete-records', ['--bootstrap-server', bootstrap()]);
    expect(missing.code).to.equal(1);
    expect(missing.stderr).to.contain('Missing required option(s): offset-json-file');
    const garbage = path.join(workDir, 'garbage.json');
    fs.writeFileSync(garbage, '{"partitions": [');
    const bad = await deleteRecords(garbage);
    expect(bad.code).to.equal(1);
    expect(bad.stderr).to.equal('Error: The input string is not a valid JSON\n');
    const version = path.join(workDir, 'version.json');
    fs.writeFileSync(version, '{"partitions": [], "version": 2}');
    expect((await deleteRecords(version)).stderr).to.equal('Error: Not supported version field value 2\n');
    const dup = await deleteRecords(offsetFile('dup.json', [{ topic: TOPIC, partition: 0, offset: 1 }, { topic: TOPIC, partition: 0, offset: 2 }]));
    expect(dup.stderr).to.equal(`Error: Offset json file contains duplicate topic partitions: ${TOPIC}-0\n`);
    expect(dup.code).to.equal(1);
  });

  it('serves DeleteRecords on the Kafka listener (KafkaJS deleteTopicRecords)', async () => {
    const kafka = new Kafka({ clientId: 'dr-kafkajs', brokers: [`127.0.0.1:${ports.get(1)!.kafka}`], logLevel: logLevel.NOTHING });
    const kadmin = kafka.admin();
    await kadmin.connect();
    try {
      // KafkaJS looks the leaders up in metadata it must have loaded already.
      await kadmin.fetchTopicMetadata({ topics: [TOPIC] });
      await kadmin.deleteTopicRecords({ topic: TOPIC, partitions: [{ partition: 0, offset: '35' }] });
      const offsets = await kadmin.fetchTopicOffsets(TOPIC);
      expect(offsets.find((o) => o.partition === 0)?.low).to.equal('35');
    } finally {
      await kadmin.disconnect();
    }
    expect(await earliest(0)).to.equal(35);
  });

  it('keeps the log start offset across a restart (log-start-offset-checkpoint on every replica)', async () => {
    await admin.close();
    for (const id of [1, 2]) await brokers.get(id)!.shutdown();
    for (const id of [1, 2]) {
      const entries = parseCheckpoint(fs.readFileSync(path.join(logDirs.get(id)!, LOG_START_OFFSET_CHECKPOINT_FILE), 'utf8'));
      expect(entries.find((e) => e.topic === TOPIC && e.partition === 0)?.offset, `broker ${id}`).to.equal(35);
    }
    for (const id of [1, 2]) await start(id);
    admin = new Admin({ bootstrapServers: bootstrap() });
    await waitUntil('partition 0 led again', async () => (await admin.describeTopics([TOPIC]))[0].partitions[0].leader > 0);
    expect(await earliest(0)).to.equal(35);
    expect(await earliest(1)).to.equal(50);
  });
});
