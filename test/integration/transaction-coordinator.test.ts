// The transaction coordinator on a real broker, driven with raw requests: a transaction from
// FindCoordinator to CompleteCommit, fencing by a new producer with the same transactional id
// (on both listeners), the coordinator's abort of a transaction left open past its timeout, and
// the state surviving a broker restart (reloaded from __transaction_state).
import { expect } from 'chai';
import { Broker } from '../../lib/broker/broker';
import { Connection } from '../../lib/client/connection';
import { Api } from '../../lib/protocol/api';
import { ErrorCode } from '../../lib/protocol/errors';
import { KafkaEndTxn } from '../../lib/protocol/kafka/messages/txn-coordinator';
import { decodeRecordBatches, encodeRecordBatch } from '../../lib/record/record-batch';
import { BOTH_LISTENERS, SINGLE_BROKER_GROUPS, startBroker, tempDir } from '../helpers/cluster';
import { KafkaWireClient } from '../helpers/kafka-wire-client';
import { waitUntil } from '../helpers/wait';
import { startTestZooKeeper, TestZooKeeper } from '../helpers/zookeeper';

const TOPIC = 'txn-coord';
const E = ErrorCode;
const RETRIABLE = new Set([E.COORDINATOR_NOT_AVAILABLE.code, E.COORDINATOR_LOAD_IN_PROGRESS.code, E.NOT_COORDINATOR.code, E.CONCURRENT_TRANSACTIONS.code]);

describe('integration/transaction-coordinator', function () {
  this.timeout(90_000);
  let zk: TestZooKeeper;
  let broker: Broker;
  let conn: Connection;
  const logDir = tempDir('txn-coordinator');

  const start = async (): Promise<void> => {
    broker = await startBroker({
      brokerId: 1, zkConnect: zk.connectString, logDir,
      overrides: {
        listeners: BOTH_LISTENERS, ...SINGLE_BROKER_GROUPS, 'transaction.state.log.num.partitions': 2,
        'transaction.state.log.replication.factor': 3, 'transaction.state.log.min.isr': 2,
        'transaction.abort.timed.out.transaction.cleanup.interval.ms': 200,
      },
    });
    conn = new Connection({ host: '127.0.0.1', port: broker.port, requestTimeoutMs: 30_000 });
  };

  before(async () => {
    zk = await startTestZooKeeper();
    await start();
    const [created] = (await conn.send(Api.CreateTopics, {
      topics: [{ name: TOPIC, numPartitions: 2, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 10_000, validateOnly: false,
    })).topics;
    expect(created.errorCode).to.equal(0);
  });

  after(async () => {
    conn?.close();
    await broker?.shutdown();
    await zk?.stop();
  });

  /** Retries what a client retries (coordinator moving, loading, a transaction completing) until an answer. */
  async function retrying<T extends { errorCode: number }>(what: string, call: () => Promise<T>): Promise<T> {
    let answer: T | undefined;
    await waitUntil(what, async () => {
      answer = await call();
      return !RETRIABLE.has(answer.errorCode);
    }, 30_000, 200);
    return answer as T;
  }

  const init = (id: string, transactionTimeoutMs = 60_000) => retrying(`InitProducerId(${id})`,
    () => conn.send(Api.InitProducerId, { transactionalId: id, transactionTimeoutMs }));
  const addPartitions = (id: string, producerId: number, producerEpoch: number) => conn.send(Api.AddPartitionsToTxn, {
    transactionalId: id, producerId, producerEpoch, topics: [{ name: TOPIC, partitions: [0, 1] }],
  });
  const endTxn = (id: string, producerId: number, producerEpoch: number, committed: boolean) =>
    conn.send(Api.EndTxn, { transactionalId: id, producerId, producerEpoch, committed });
  const describe = async (id: string) => (await conn.send(Api.DescribeTransactions, { transactionalIds: [id] })).transactionStates[0];
  const waitForState = (id: string, state: string) => waitUntil(`${id} in ${state}`, async () => (await describe(id)).transactionState === state, 30_000, 100);

  it('finds the coordinator of a transactional id, creating __transaction_state', async () => {
    const found = await retrying('FindCoordinator(1)', () => conn.send(Api.FindCoordinator, { key: 'tx-commit', keyType: 1 }));
    expect(found).to.include({ errorCode: 0, nodeId: 1, port: broker.port });
    // Replication factor and min.insync.replicas are capped at the one live broker, as for __consumer_offsets.
    expect(broker.metadataCache.partitions('__transaction_state')).to.have.length(2);
  });

  it('runs a transaction from InitProducerId to CompleteCommit', async () => {
    const { errorCode, producerId, producerEpoch } = await init('tx-commit');
    expect([errorCode, producerEpoch]).to.deep.equal([0, 0]);
    const added = await addPartitions('tx-commit', producerId, producerEpoch);
    expect(added.results[0].results.map((p) => p.errorCode)).to.deep.equal([0, 0]);
    expect(await describe('tx-commit')).to.include({ errorCode: 0, transactionState: 'Ongoing', producerId, producerEpoch: 0 });
    const records = encodeRecordBatch([{ key: null, value: Buffer.from('in a transaction') }], { producerId, producerEpoch, baseSequence: 0, transactional: true });
    const produced = await conn.send(Api.Produce, {
      transactionalId: 'tx-commit', acks: -1, timeoutMs: 10_000,
      topics: [{ name: TOPIC, partitions: [{ index: 0, records }, { index: 1, records }] }],
    });
    expect(produced.topics[0].partitions.map((p) => p.errorCode)).to.deep.equal([0, 0]);
    expect((await endTxn('tx-commit', producerId, producerEpoch, true)).errorCode).to.equal(0);
    await waitForState('tx-commit', 'CompleteCommit');
    // Each partition holds the data batch followed by the coordinator's commit marker (a control batch).
    const fetched = await conn.send(Api.Fetch, {
      replicaId: -1, maxWaitMs: 0, minBytes: 0, maxBytes: 1 << 20, isolationLevel: 1,
      topics: [{ name: TOPIC, partitions: [0, 1].map((partition) => ({ partition, currentLeaderEpoch: -1, fetchOffset: 0, logStartOffset: -1, partitionMaxBytes: 1 << 20 })) }],
    });
    for (const p of fetched.topics[0].partitions) {
      const batches = decodeRecordBatches(p.records ?? Buffer.alloc(0)).batches;
      expect(batches.map((b) => [b.isTransactional, b.isControl, b.producerId])).to.deep.equal([[true, false, producerId], [true, true, producerId]]);
      expect(p.lastStableOffset).to.equal(2);
    }
    const listed = await conn.send(Api.ListTransactions, { stateFilters: ['CompleteCommit'], producerIdFilters: [] });
    expect(listed.transactionStates).to.deep.include({ transactionalId: 'tx-commit', producerId, transactionState: 'CompleteCommit' });
  });

  it('fences the previous producer when the transactional id is initialised again', async () => {
    const first = await init('tx-fence');
    const second = await init('tx-fence');
    expect(second).to.include({ errorCode: 0, producerId: first.producerId, producerEpoch: first.producerEpoch + 1 });
    expect((await endTxn('tx-fence', first.producerId, first.producerEpoch, true)).errorCode).to.equal(E.PRODUCER_FENCED.code);
    const kafka = new KafkaWireClient(broker.boundPort('KAFKA'));
    try {
      const old = { transactionalId: 'tx-fence', producerId: first.producerId, producerEpoch: first.producerEpoch, committed: true };
      expect((await kafka.send(KafkaEndTxn, 1, old)).errorCode).to.equal(E.INVALID_PRODUCER_EPOCH.code);
      expect((await kafka.send(KafkaEndTxn, 3, old)).errorCode).to.equal(E.PRODUCER_FENCED.code);
    } finally {
      kafka.close();
    }
  });

  it('aborts a transaction left open past its timeout and fences its producer', async () => {
    const { producerId, producerEpoch } = await init('tx-timeout', 1000);
    expect((await addPartitions('tx-timeout', producerId, producerEpoch)).results[0].results[0].errorCode).to.equal(0);
    await waitForState('tx-timeout', 'CompleteAbort');
    expect(await describe('tx-timeout')).to.include({ producerEpoch: producerEpoch + 1 });
    expect((await endTxn('tx-timeout', producerId, producerEpoch, true)).errorCode).to.equal(E.PRODUCER_FENCED.code);
  });

  it('keeps every transactional id across a broker restart', async () => {
    const before = await Promise.all(['tx-commit', 'tx-fence', 'tx-timeout'].map(describe));
    conn.close();
    await broker.shutdown();
    await start();
    await waitUntil('the ids reloaded', async () => (await describe('tx-commit')).errorCode === 0, 30_000, 200);
    const after = await Promise.all(['tx-commit', 'tx-fence', 'tx-timeout'].map(describe));
    expect(after).to.deep.equal(before);
    // The reloaded id bumps on from where it was.
    expect(await init('tx-fence')).to.include({ errorCode: 0, producerEpoch: before[1].producerEpoch + 1 });
  });
});
