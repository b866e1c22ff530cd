/**
 * `npm run bench`: the numbers docs/performance.md quotes, measured the way a user would.
 *
 * 1. Storage: the partition-log append/read micro-benchmark (bench/storage-append.ts).
 * 2. End to end: a real ZooKeeper and one broker process started through bin/, then
 *    bin/samsa-producer-perf-test (acks=1 and acks=all) and bin/samsa-consumer-perf-test against
 *    it, printing the tools' own output.
 * 3. Replicated: three broker processes, a 6-partition topic with replication factor 3 and
 *    min.insync.replicas=2, produced to with acks=1 and with acks=all.
 * 4. Kafka listener: kcat produce/consume against the Kafka listener next to the native perf
 *    tools against the native listener, same broker process, same run (bench/kafka-listener.ts).
 * 5. Security: the producer perf tool over PLAINTEXT, SSL and SASL_SSL listeners of one broker
 *    (bench/security.ts).
 * 6. samsa/testing: how long startCluster() takes to a first produce/consume (bench/testing-startup.ts).
 * 7. Transactions: a transactional producer committing every 1,000 records next to an idempotent
 *    one, same broker, same run (bench/transactions.ts).
 * 8. Targets: issue 17's table, row by row, target against measured (bench/targets.ts).
 * 9. Broker RSS while BENCH_RSS_GB (default 1) flow through one broker (bench/rss-soak.ts; only
 *    with BENCH_ONLY=rss, being long: `node dist/bench/rss-soak.js --gb 10` for the full soak).
 *
 * `npm run bench -- --peers` runs only the side-by-side comparison instead: Samsa next to RabbitMQ
 * streams, NATS JetStream, Redis Streams and the machine's limits (bench/peers/side-by-side.ts).
 *
 * Options via environment: BENCH_RECORDS (default 1,000,000), BENCH_RECORD_SIZE (100),
 * BENCH_TXN_RECORDS (200,000), BENCH_ONLY (storage | single | replicated | kafka | security |
 * testing | transactions | targets | rss: run one section), BENCH_NOTE (a sentence put above the
 * side-by-side table in docs/performance.md).
 */
import { spawnSync } from 'child_process';
import * as path from 'path';
import { spawnBroker, REPO_ROOT } from '../test/helpers/cluster';
import { runCli } from '../test/helpers/run-cli';
import { startTestZooKeeper } from '../test/helpers/zookeeper';
import { kafkaListenerBench } from './kafka-listener';
import { peersBench } from './peers/side-by-side';
import { rssSoakBench } from './rss-soak';
import { securityBench } from './security';
import { targetsBench } from './targets';
import { testingStartupBench } from './testing-startup';
import { transactionsBench } from './transactions';
import { BENCH_BROKER_SETTINGS } from './bench-broker';

const records = Number(process.env.BENCH_RECORDS ?? 1_000_000);
const recordSize = Number(process.env.BENCH_RECORD_SIZE ?? 100);

function section(title: string): void {
  console.log(`\n=== ${title} ===`);
}

async function endToEnd(): Promise<void> {
  const zk = await startTestZooKeeper();
  const broker = await spawnBroker({ brokerId: 1, zkConnect: zk.connectString, overrides: { ...BENCH_BROKER_SETTINGS } });
  const bootstrap = `127.0.0.1:${broker.port}`;
  try {
    for (const acks of ['1', 'all']) {
      const topic = `bench-acks-${acks}`;
      await runCli('samsa-topics', ['--bootstrap-server', bootstrap, '--create', '--topic', topic, '--partitions', '6', '--replication-factor', '1']);
      await producePerf(bootstrap, topic, acks);
    }
    const latencyRecords = Math.min(records, 300_000);
    await runCli('samsa-topics', ['--bootstrap-server', bootstrap, '--create', '--topic', 'bench-latency', '--partitions', '1', '--replication-factor', '1']);
    section(`latency: samsa-producer-perf-test --num-records ${latencyRecords} --record-size ${recordSize} --throughput 20000 acks=1 linger.ms=0`);
    const paced = await runCli('samsa-producer-perf-test', ['--topic', 'bench-latency', '--num-records', String(latencyRecords), '--record-size', String(recordSize),
      '--throughput', '20000', '--producer-props', `bootstrap.servers=${bootstrap}`, 'acks=1', 'linger.ms=0'], { timeoutMs: 600000 });
    process.stdout.write(paced.stdout + paced.stderr);
    section(`samsa-consumer-perf-test --messages ${records}`);
    const consumed = await runCli('samsa-consumer-perf-test', ['--bootstrap-server', bootstrap, '--topic', 'bench-acks-1', '--messages', String(records), '--timeout', '60000'], { timeoutMs: 600000 });
    process.stdout.write(consumed.stdout + consumed.stderr);
  } finally {
    await broker.stop('SIGTERM');
    await zk.stop();
  }
}

async function producePerf(bootstrap: string, topic: string, acks: string): Promise<void> {
  section(`samsa-producer-perf-test --topic ${topic} --num-records ${records} --record-size ${recordSize} --throughput -1 acks=${acks}`);
  const produced = await runCli('samsa-producer-perf-test', ['--topic', topic, '--num-records', String(records), '--record-size', String(recordSize),
    '--throughput', '-1', '--producer-props', `bootstrap.servers=${bootstrap}`, `acks=${acks}`, 'linger.ms=5', 'batch.size=65536'], { timeoutMs: 600000 });
  process.stdout.write(produced.stdout + produced.stderr);
}

async function replicated(): Promise<void> {
  const zk = await startTestZooKeeper();
  const brokers = [];
  try {
    for (const id of [1, 2, 3]) brokers.push(await spawnBroker({ brokerId: id, zkConnect: zk.connectString, overrides: { ...BENCH_BROKER_SETTINGS } }));
    const bootstrap = brokers.map((b) => `127.0.0.1:${b.port}`).join(',');
    for (const acks of ['1', 'all']) {
      const topic = `bench-rf3-acks-${acks}`;
      await runCli('samsa-topics', ['--bootstrap-server', bootstrap, '--create', '--topic', topic, '--partitions', '6', '--replication-factor', '3', '--config', 'min.insync.replicas=2']);
      await producePerf(bootstrap, topic, acks);
    }
    const latencyRecords = Math.min(records, 200_000);
    section(`latency: samsa-producer-perf-test --topic bench-rf3-acks-all --num-records ${latencyRecords} --throughput 20000 acks=all linger.ms=0`);
    const paced = await runCli('samsa-producer-perf-test', ['--topic', 'bench-rf3-acks-all', '--num-records', String(latencyRecords), '--record-size', String(recordSize),
      '--throughput', '20000', '--producer-props', `bootstrap.servers=${bootstrap}`, 'acks=all', 'linger.ms=0'], { timeoutMs: 600000 });
    process.stdout.write(paced.stdout + paced.stderr);
  } finally {
    for (const b of brokers) await b.stop('SIGTERM');
    await zk.stop();
  }
}

async function main(): Promise<void> {
  const only = process.env.BENCH_ONLY;
  console.log(`Samsa benchmarks on ${require('os').cpus().length} cores, Node ${process.version}`);
  if (process.argv.includes('--peers')) return peersBench(records, recordSize, section);
  if (!only || only === 'storage') {
    section('storage: PartitionLog append and read (16 KiB batches)');
    spawnSync(process.execPath, [path.join(REPO_ROOT, 'dist', 'bench', 'storage-append.js'), '256'], { stdio: 'inherit' });
  }
  if (!only || only === 'single') await endToEnd();
  if (!only || only === 'replicated') await replicated();
  if (!only || only === 'kafka') await kafkaListenerBench(records, recordSize, section);
  if (!only || only === 'security') await securityBench(records, recordSize, section);
  if (!only || only === 'testing') await testingStartupBench(3, section);
  if (!only || only === 'transactions') await transactionsBench(Number(process.env.BENCH_TXN_RECORDS ?? 200_000), recordSize, 1000, section);
  if (!only || only === 'targets') await targetsBench(Number(process.env.BENCH_RECORDS ?? 2_000_000), section);
  if (only === 'rss') await rssSoakBench({ gb: Number(process.env.BENCH_RSS_GB ?? 1), recordSize: 1000, intervalS: 2 }, section);
}

main().then(() => process.exit(0), (err) => {
  console.error(err);
  process.exit(1);
});
