/**
 * Re-records test/fixtures/kafka/*.json: starts ZooKeeper and a broker whose Kafka listener is
 * advertised at a recording proxy (scripts/capture-kafka-fixtures.ts), then drives each client
 * through the requests it makes in normal use: metadata, topic admin, (idempotent) produce with
 * every compression, fetch, offsets for times, a consumer group that commits.
 *
 *   npm run build && node dist/scripts/record-kafka-fixtures.js
 *
 * Needs kcat on PATH; KafkaJS and @platformatic/kafka come from devDependencies.
 */
import { ChildProcess, spawn } from 'child_process';
import * as path from 'path';
import { Kafka, logLevel } from 'kafkajs';
import { freePort, REPO_ROOT, startBroker } from '../test/helpers/cluster';
import { runKcat } from '../test/helpers/kcat';
import { startTestZooKeeper } from '../test/helpers/zookeeper';

const FIXTURES = path.join(REPO_ROOT, 'test', 'fixtures', 'kafka');

function proxy(listen: number, target: number, client: string): ChildProcess {
  return spawn(process.execPath, [path.join(REPO_ROOT, 'dist', 'scripts', 'capture-kafka-fixtures.js'), String(listen), `127.0.0.1:${target}`, client,
    path.join(FIXTURES, `${client}.json`)], { stdio: 'inherit' });
}

async function stopProxy(p: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => p.on('exit', resolve));
  p.kill('SIGTERM');
  await exited;
}

/** kcat as a child process; asynchronous, since the broker runs in this very process. */
async function kcat(bootstrap: string, args: string[], input = ''): Promise<void> {
  const r = await runKcat(['-b', bootstrap, ...args], { input, timeoutMs: 30000 });
  if (r.code !== 0) throw new Error(`kcat ${args.join(' ')} failed: ${r.stderr}`);
}

async function kcatSession(bootstrap: string): Promise<void> {
  await kcat(bootstrap, ['-L']);
  for (const codec of ['none', 'gzip', 'snappy', 'lz4', 'zstd']) {
    await kcat(bootstrap, ['-P', '-t', 'fx-kcat', '-K:', '-H', 'h=v', '-X', `compression.codec=${codec}`, '-X', 'enable.idempotence=true'], `k:${codec}\n`);
  }
  await kcat(bootstrap, ['-C', '-t', 'fx-kcat', '-e', '-q']);
  await kcat(bootstrap, ['-Q', '-t', 'fx-kcat:0:1']);
  // A group member that reads everything, commits, and leaves when kcat's -e sees the end.
  await kcat(bootstrap, ['-G', 'fx-kcat-group', '-o', 'beginning', '-e', '-q', '-X', 'enable.auto.commit=true', 'fx-kcat']);
}

async function kafkajsSession(bootstrap: string): Promise<void> {
  const kafka = new Kafka({ clientId: 'fixtures', brokers: [bootstrap], logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: 'fx-kafkajs', numPartitions: 2 }] });
  await admin.fetchTopicMetadata({ topics: ['fx-kafkajs'] });
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  await producer.send({ topic: 'fx-kafkajs', messages: [{ key: 'a', value: 'one', headers: { h: 'v' } }, { key: 'b', value: 'two' }] });
  await producer.disconnect();
  const consumer = kafka.consumer({ groupId: 'fx-kafkajs-group' });
  await consumer.connect();
  await consumer.subscribe({ topic: 'fx-kafkajs', fromBeginning: true });
  let seen = 0;
  await consumer.run({ eachMessage: async () => { seen++; } });
  while (seen < 2) await new Promise((r) => setTimeout(r, 100));
  await consumer.disconnect();
  await admin.fetchOffsets({ groupId: 'fx-kafkajs-group', topics: ['fx-kafkajs'] });
  await admin.describeGroups(['fx-kafkajs-group']);
  await admin.listGroups();
  await admin.deleteGroups(['fx-kafkajs-group']);
  await admin.deleteTopics({ topics: ['fx-kafkajs'] });
  await admin.disconnect();
}

async function platformaticSession(bootstrap: string): Promise<void> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const pf = require('@platformatic/kafka') as typeof import('@platformatic/kafka');
  const admin = new pf.Admin({ clientId: 'fixtures', bootstrapBrokers: [bootstrap] });
  await admin.createTopics({ topics: ['fx-platformatic'], partitions: 2, replicas: 1 });
  const producer = new pf.Producer({ clientId: 'fixtures', bootstrapBrokers: [bootstrap], serializers: pf.stringSerializers });
  await producer.send({ messages: [{ topic: 'fx-platformatic', key: 'a', value: 'one' }, { topic: 'fx-platformatic', key: 'b', value: 'two' }] });
  await producer.close();
  const consumer = new pf.Consumer({ groupId: 'fx-pf-group', clientId: 'fixtures', bootstrapBrokers: [bootstrap], deserializers: pf.stringDeserializers });
  const stream = await consumer.consume({ topics: ['fx-platformatic'], mode: 'earliest', autocommit: 100 });
  let seen = 0;
  stream.on('data', () => { seen++; });
  while (seen < 2) await new Promise((r) => setTimeout(r, 100));
  await new Promise((r) => setTimeout(r, 300));
  await stream.close();
  await consumer.close();
  await admin.listGroups();
  await admin.close();
}

async function main(): Promise<void> {
  const zk = await startTestZooKeeper();
  const [kafkaPort, proxyPort] = [await freePort(), await freePort()];
  const broker = await startBroker({
    brokerId: 1, zkConnect: zk.connectString,
    overrides: {
      listeners: `PLAINTEXT://127.0.0.1:0,KAFKA://127.0.0.1:${kafkaPort}`,
      'advertised.listeners': `PLAINTEXT://127.0.0.1:0,KAFKA://127.0.0.1:${proxyPort}`,
      'group.initial.rebalance.delay.ms': 0, 'offsets.topic.num.partitions': 3, 'offsets.topic.replication.factor': 1,
    },
  });
  try {
    for (const [client, session] of [['kcat', kcatSession], ['kafkajs', kafkajsSession], ['platformatic', platformaticSession]] as const) {
      const p = proxy(proxyPort, kafkaPort, client);
      await new Promise((r) => setTimeout(r, 300));
      await session(`127.0.0.1:${proxyPort}`);
      await stopProxy(p);
    }
  } finally {
    await broker.shutdown();
    await zk.stop();
  }
}

main().then(() => process.exit(0), (err) => {
  console.error(err);
  process.exit(1);
});
