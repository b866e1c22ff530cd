// samsa-transactions run as a separate process against a real broker with an open transaction
// started by raw requests: list, describe, describe-producers, abort by start offset (the
// hanging-transaction recovery), and its errors.
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

const TOPIC = 'txn-cli';
const RETRIABLE = new Set([E.COORDINATOR_NOT_AVAILABLE.code, E.COORDINATOR_LOAD_IN_PROGRESS.code, E.NOT_COORDINATOR.code, E.CONCURRENT_TRANSACTIONS.code]);

/** The table's cells, trimmed, per line (Kafka pads cells and ends each with a tab). */
function cells(stdout: string): string[][] {
  return stdout.split('\n').filter((l) => l !== '').map((l) => l.split('\t').slice(0, -1).map((c) => c.trim()));
}

describe('integration/samsa-transactions', function () {
  this.timeout(120_000);
  let zk: TestZooKeeper;
  let broker: Broker;
  let conn: Connection;
  let producerId: number;
  const cli = (...args: string[]) => runCli('samsa-transactions', ['--bootstrap-server', `127.0.0.1:${broker.port}`, ...args], { timeoutMs: 60_000 });

  before(async () => {
    zk = await startTestZooKeeper();
    broker = await startBroker({ brokerId: 1, zkConnect: zk.connectString, overrides: { ...SINGLE_BROKER_GROUPS, 'transaction.state.log.num.partitions': 2 } });
    conn = new Connection({ host: '127.0.0.1', port: broker.port, requestTimeoutMs: 30_000 });
    await conn.send(Api.CreateTopics, { topics: [{ name: TOPIC, numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 10_000, validateOnly: false });
    // The first FindCoordinator(key type 1) creates __transaction_state; InitProducerId waits for it.
    await waitUntil('a transaction coordinator', async () => (await conn.send(Api.FindCoordinator, { key: 'tx-cli', keyType: 1 })).errorCode === 0, 30_000, 200);
    let init!: { errorCode: number; producerId: number; producerEpoch: number };
    await waitUntil('InitProducerId(tx-cli)', async () => {
      init = await conn.send(Api.InitProducerId, { transactionalId: 'tx-cli', transactionTimeoutMs: 600_000 });
      return !RETRIABLE.has(init.errorCode);
    }, 30_000, 200);
    expect(init.errorCode).to.equal(0);
    producerId = init.producerId;
    const added = await conn.send(Api.AddPartitionsToTxn, { transactionalId: 'tx-cli', producerId, producerEpoch: 0, topics: [{ name: TOPIC, partitions: [0] }] });
    expect(added.results[0].results[0].errorCode).to.equal(0);
    const records = encodeRecordBatch([{ key: null, value: Buffer.from('open') }], { producerId, producerEpoch: 0, baseSequence: 0, transactional: true });
    const produced = await conn.send(Api.Produce, { transactionalId: 'tx-cli', acks: -1, timeoutMs: 10_000, topics: [{ name: TOPIC, partitions: [{ index: 0, records }] }] });
    expect(produced.topics[0].partitions[0].errorCode).to.equal(0);
  });

  after(async () => {
    conn?.close();
    await broker?.shutdown();
    await zk?.stop();
  });

  it('lists the open transaction with its coordinator (also as --list)', async () => {
    for (const form of [['list'], ['--list']]) {
      const r = await cli(...form);
      expect(r.code, r.stderr).to.equal(0);
      const table = cells(r.stdout);
      expect(table[0]).to.deep.equal(['TransactionalId', 'Coordinator', 'ProducerId', 'TransactionState']);
      expect(table).to.deep.include(['tx-cli', '1', String(producerId), 'Ongoing']);
    }
  });

  it('describes the transactional id, and fails clearly for one that does not exist', async () => {
    const r = await cli('describe', '--transactional-id', 'tx-cli');
    expect(r.code, r.stderr).to.equal(0);
    const [header, row] = cells(r.stdout);
    expect(header[0]).to.equal('CoordinatorId');
    expect([row[0], row[1], row[2], row[3], row[4], row[5], row[8]]).to.deep.equal(['1', 'tx-cli', String(producerId), '0', 'Ongoing', '600000', `${TOPIC}-0`]);
    expect(Number(row[7])).to.be.at.least(0);
    const missing = await cli('--describe', '--transactional-id', 'nobody');
    expect(missing.code).to.equal(1);
    expect(missing.stderr).to.match(/^Failed to describe transaction state of transactional-id `nobody`: .+\. Enable debug logging for additional detail\.\n$/);
  });

  it('describes the partition\'s producers, then aborts the open transaction by its start offset', async () => {
    const before = await cli('describe-producers', '--topic', TOPIC, '--partition', '0');
    expect(before.code, before.stderr).to.equal(0);
    const [header, row] = cells(before.stdout);
    expect(header).to.deep.equal(['ProducerId', 'ProducerEpoch', 'LatestCoordinatorEpoch', 'LastSequence', 'LastTimestamp', 'CurrentTransactionStartOffset']);
    expect([row[0], row[1], row[3], row[5]]).to.deep.equal([String(producerId), '0', '0', '0']);
    const notThere = await cli('abort', '--topic', TOPIC, '--partition', '0', '--start-offset', '5');
    expect(notThere.code).to.equal(1);
    expect(notThere.stderr).to.equal(`Could not find any open transactions starting at offset 5 on partition ${TOPIC}-0\n`);
    const aborted = await cli('--abort', '--topic', TOPIC, '--partition', '0', '--start-offset', '0');
    expect(aborted.code, aborted.stderr).to.equal(0);
    expect(aborted.stdout).to.equal('');
    const after = cells((await cli('describe-producers', '--topic', TOPIC, '--partition', '0')).stdout);
    expect(after[1][5]).to.equal('None');
  });

  it('refuses a bad command line with exit code 1 and a hint', async () => {
    const r = await cli('describe-producers', '--topic', TOPIC);
    expect(r.code).to.equal(1);
    expect(r.stderr).to.equal("Error: Missing required option --partition for the describe-producers command\nTry 'samsa-transactions --help' for more information.\n");
  });
});
