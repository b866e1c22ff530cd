// The console producer, console consumer and producer perf test with transactions, each run as a
// separate process against a real broker: a transactional console producer's lines are read by a
// read_committed console consumer, which stops short of a transaction left open (that a
// read_uncommitted one shows), and a transactional perf test's records are all committed.
import { expect } from 'chai';
import { Broker } from '../../lib/broker/broker';
import { Connection } from '../../lib/client/connection';
import { Api } from '../../lib/protocol/api';
import { ErrorCode as E } from '../../lib/protocol/errors';
import { encodeRecordBatch } from '../../lib/record/record-batch';
import { SINGLE_BROKER_GROUPS, startBroker } from '../helpers/cluster';
import { runCli } from '../helpers/run-cli';
import { waitUntil } from '../helpers/wait';
import { startTestZooKeeper, TestZooKeeper } from '../helpers/zookeeper';

const RETRIABLE = new Set([E.COORDINATOR_NOT_AVAILABLE.code, E.COORDINATOR_LOAD_IN_PROGRESS.code, E.NOT_COORDINATOR.code, E.CONCURRENT_TRANSACTIONS.code]);

describe('integration/transactional CLI tools', function () {
  this.timeout(180_000);
  let zk: TestZooKeeper;
  let broker: Broker;
  let conn: Connection;
  const bootstrap = () => `127.0.0.1:${broker.port}`;
  const consume = (topic: string, ...args: string[]) => runCli('samsa-console-consumer',
    ['--bootstrap-server', bootstrap(), '--topic', topic, '--from-beginning', '--timeout-ms', '4000', ...args], { timeoutMs: 60_000 });

  before(async () => {
    zk = await startTestZooKeeper();
    broker = await startBroker({ brokerId: 1, zkConnect: zk.connectString, overrides: { ...SINGLE_BROKER_GROUPS, 'transaction.state.log.num.partitions': 2 } });
    conn = new Connection({ host: '127.0.0.1', port: broker.port, requestTimeoutMs: 30_000 });
    for (const name of ['lines', 'perf']) {
      await conn.send(Api.CreateTopics, { topics: [{ name, numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 10_000, validateOnly: false });
    }
    await waitUntil('a transaction coordinator', async () => (await conn.send(Api.FindCoordinator, { key: 'x', keyType: 1 })).errorCode === 0, 30_000, 200);
  });

  after(async () => {
    conn?.close();
    await broker?.shutdown();
    await zk?.stop();
  });

  /** A transaction left open on `topic`-0 by raw requests: one record, no EndTxn. */
  async function openTransaction(topic: string, value: string): Promise<void> {
    let init = { errorCode: -1, producerId: -1, producerEpoch: -1 };
    await waitUntil('InitProducerId', async () => {
      init = await conn.send(Api.InitProducerId, { transactionalId: `open-${topic}`, transactionTimeoutMs: 600_000 });
      return !RETRIABLE.has(init.errorCode);
    }, 30_000, 200);
    const { producerId, producerEpoch } = init;
    await conn.send(Api.AddPartitionsToTxn, { transactionalId: `open-${topic}`, producerId, producerEpoch, topics: [{ name: topic, partitions: [0] }] });
    const records = encodeRecordBatch([{ key: null, value: Buffer.from(value) }], { producerId, producerEpoch, baseSequence: 0, transactional: true });
    const r = await conn.send(Api.Produce, { transactionalId: `open-${topic}`, acks: -1, timeoutMs: 10_000, topics: [{ name: topic, partitions: [{ index: 0, records }] }] });
    expect(r.topics[0].partitions[0].errorCode).to.equal(0);
  }

  it('commits the console producer\'s lines in transactions; read_committed stops before an open transaction', async () => {
    const produced = await runCli('samsa-console-producer',
      ['--bootstrap-server', bootstrap(), '--topic', 'lines', '--producer-property', 'transactional.id=console-tx'], { input: 'one\ntwo\nthree\n', timeoutMs: 60_000 });
    expect(produced.code, produced.stderr).to.equal(0);
    await openTransaction('lines', 'uncommitted');
    const committed = await consume('lines', '--isolation-level', 'read_committed');
    expect(committed.stdout).to.equal('one\ntwo\nthree\n');
    const viaProperty = await consume('lines', '--consumer-property', 'isolation.level=read_committed');
    expect(viaProperty.stdout).to.equal('one\ntwo\nthree\n');
    const all = await consume('lines', '--max-messages', '4');
    expect(all.stdout).to.equal('one\ntwo\nthree\nuncommitted\n');
  });

  it('runs the producer perf test in transactions and every record is committed', async () => {
    const perf = await runCli('samsa-producer-perf-test', ['--topic', 'perf', '--num-records', '300', '--record-size', '20', '--throughput', '-1',
      '--producer-props', `bootstrap.servers=${bootstrap()}`, '--transactional-id', 'perf-tx', '--transaction-duration-ms', '20'], { timeoutMs: 60_000 });
    expect(perf.code, perf.stderr).to.equal(0);
    expect(perf.stdout).to.match(/^300 records sent, /m);
    const read = await consume('perf', '--isolation-level', 'read_committed', '--max-messages', '300');
    expect(read.stdout.split('\n').filter((l) => l !== '')).to.have.length(300);
    const described = await runCli('samsa-transactions', ['--bootstrap-server', bootstrap(), 'describe', '--transactional-id', 'perf-tx'], { timeoutMs: 60_000 });
    expect(described.stdout).to.match(/\tperf-tx *\t.*(PrepareCommit|CompleteCommit)/);
  });
});
