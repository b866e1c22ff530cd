/**
 * What transactions cost a producer: one broker process, a 6-partition topic, records of
 * `recordSize` bytes sent by the library's Producer in the same run as (a) an idempotent
 * non-transactional producer (send everything, flush) and (b) a transactional producer
 * committing every `perTransaction` records (beginTransaction, sends, commitTransaction). Each
 * figure is the wall time from the first send to the last acknowledgement or commit; the two
 * runs alternate twice so a warm-up or a slow moment does not favour one of them.
 *
 * Run alone as `BENCH_ONLY=transactions npm run bench` (BENCH_TXN_RECORDS, default 200,000).
 */
import { Producer } from '../lib/client/producer';
import { spawnBroker, SINGLE_BROKER_GROUPS } from '../test/helpers/cluster';
import { runCli } from '../test/helpers/run-cli';
import { startTestZooKeeper } from '../test/helpers/zookeeper';

const TXN_BROKER = { ...SINGLE_BROKER_GROUPS, 'transaction.state.log.replication.factor': 1, 'transaction.state.log.min.isr': 1, 'transaction.state.log.num.partitions': 3 };

function rate(records: number, recordSize: number, ms: number): string {
  return `${Math.round(records / (ms / 1000)).toLocaleString('en-US')} records/s, ${(records * recordSize / (ms / 1000) / 1048576).toFixed(1)} MB/s (${(ms / 1000).toFixed(2)} s)`;
}

async function idempotent(bootstrap: string, topic: string, records: number, value: Buffer): Promise<number> {
  const producer = new Producer({ bootstrapServers: bootstrap, lingerMs: 5, batchSize: 65536 });
  try {
    await producer.connect();
    const started = performance.now();
    let failed: Error | null = null;
    for (let i = 0; i < records; i++) producer.send({ topic, value }, (err) => { failed ??= err; });
    await producer.flush();
    if (failed) throw failed;
    return performance.now() - started;
  } finally {
    await producer.close();
  }
}

async function transactional(bootstrap: string, topic: string, records: number, perTransaction: number, value: Buffer, round: number): Promise<number> {
  const producer = new Producer({ bootstrapServers: bootstrap, lingerMs: 5, batchSize: 65536, transactionalId: `bench-txn-${round}` });
  try {
    await producer.initTransactions();
    const started = performance.now();
    let failed: Error | null = null;
    for (let sent = 0; sent < records; sent += perTransaction) {
      producer.beginTransaction();
      for (let i = 0; i < perTransaction && sent + i < records; i++) producer.send({ topic, value }, (err) => { failed ??= err; });
      await producer.commitTransaction();
      if (failed) throw failed;
    }
    return performance.now() - started;
  } finally {
    await producer.close();
  }
}

export async function transactionsBench(records: number, recordSize: number, perTransaction: number, section: (title: string) => void): Promise<void> {
  const zk = await startTestZooKeeper();
  const broker = await spawnBroker({ brokerId: 1, zkConnect: zk.connectString, overrides: { 'log.level': 'warn', ...TXN_BROKER } });
  const bootstrap = `127.0.0.1:${broker.port}`;
  const value = Buffer.alloc(recordSize, 'x');
  try {
    await runCli('samsa-topics', ['--bootstrap-server', bootstrap, '--create', '--topic', 'bench-txn', '--partitions', '6', '--replication-factor', '1']);
    // Warm-up: the transaction coordinator's state partitions and the topic's leaders.
    await transactional(bootstrap, 'bench-txn', perTransaction, perTransaction, value, 0);
    for (const round of [1, 2]) {
      section(`transactions round ${round}: ${records} records of ${recordSize} B, acks=all, linger.ms=5, batch.size=65536`);
      console.log(`idempotent, no transactions:           ${rate(records, recordSize, await idempotent(bootstrap, 'bench-txn', records, value))}`);
      console.log(`transactional, ${perTransaction} records per commit: ${rate(records, recordSize, await transactional(bootstrap, 'bench-txn', records, perTransaction, value, round))}`);
    }
  } finally {
    await broker.stop('SIGTERM');
    await zk.stop();
  }
}
