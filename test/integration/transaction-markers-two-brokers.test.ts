// Markers across brokers: the transaction coordinator on one broker writes the commit marker to a
// partition it leads itself and to one another broker leads, through the same WriteTxnMarkers path.
import { expect } from 'chai';
import { Broker } from '../../lib/broker/broker';
import { Connection } from '../../lib/client/connection';
import { Api } from '../../lib/protocol/api';
import { ErrorCode } from '../../lib/protocol/errors';
import { decodeRecordBatches, encodeRecordBatch } from '../../lib/record/record-batch';
import { startBroker } from '../helpers/cluster';
import { waitUntil } from '../helpers/wait';
import { startTestZooKeeper, TestZooKeeper } from '../helpers/zookeeper';

const TOPIC = 'txn-two';
const RETRIABLE = new Set([ErrorCode.COORDINATOR_NOT_AVAILABLE.code, ErrorCode.COORDINATOR_LOAD_IN_PROGRESS.code, ErrorCode.NOT_COORDINATOR.code]);

describe('integration/transaction-markers-two-brokers', function () {
  this.timeout(90_000);
  let zk: TestZooKeeper;
  const brokers: Broker[] = [];
  const conns = new Map<number, Connection>();

  before(async () => {
    zk = await startTestZooKeeper();
    for (const brokerId of [1, 2]) {
      brokers.push(await startBroker({
        brokerId, zkConnect: zk.connectString,
        overrides: { 'transaction.state.log.num.partitions': 1, 'transaction.state.log.replication.factor': 1, 'offsets.topic.replication.factor': 1 },
      }));
      conns.set(brokerId, new Connection({ host: '127.0.0.1', port: brokers[brokerId - 1].port, requestTimeoutMs: 30_000 }));
    }
    await waitUntil('both brokers live', () => brokers.every((b) => b.metadataCache.isLive(1) && b.metadataCache.isLive(2)));
    const [created] = (await conns.get(1)!.send(Api.CreateTopics, {
      topics: [{ name: TOPIC, numPartitions: -1, replicationFactor: -1, assignments: [{ partitionIndex: 0, brokerIds: [1] }, { partitionIndex: 1, brokerIds: [2] }], configs: [] }],
      timeoutMs: 10_000, validateOnly: false,
    })).topics;
    expect(created.errorCode).to.equal(0);
    await waitUntil('leaders known', () => brokers.every((b) => b.metadataCache.partitions(TOPIC)?.every((p) => p.leader > 0) === true));
  });

  after(async () => {
    for (const c of conns.values()) c.close();
    for (const b of brokers) await b.shutdown();
    await zk?.stop();
  });

  it('writes the commit marker on both partition leaders, the coordinator\'s broker included', async () => {
    let coordinator = -1;
    await waitUntil('a transaction coordinator', async () => {
      const found = await conns.get(1)!.send(Api.FindCoordinator, { key: 'tx-two', keyType: 1 });
      coordinator = found.nodeId;
      return found.errorCode === 0;
    }, 30_000, 200);
    const coord = conns.get(coordinator)!;
    let init = { errorCode: -1, producerId: -1, producerEpoch: -1 };
    await waitUntil('InitProducerId', async () => {
      init = await coord.send(Api.InitProducerId, { transactionalId: 'tx-two', transactionTimeoutMs: 60_000 });
      return !RETRIABLE.has(init.errorCode);
    }, 30_000, 200);
    const { producerId, producerEpoch } = init;
    expect(init.errorCode).to.equal(0);
    const added = await coord.send(Api.AddPartitionsToTxn, { transactionalId: 'tx-two', producerId, producerEpoch, topics: [{ name: TOPIC, partitions: [0, 1] }] });
    expect(added.results[0].results.map((p) => p.errorCode)).to.deep.equal([0, 0]);
    const records = encodeRecordBatch([{ key: null, value: Buffer.from('x') }], { producerId, producerEpoch, baseSequence: 0, transactional: true });
    for (const partition of [0, 1]) {
      const produced = await conns.get(partition + 1)!.send(Api.Produce, {
        transactionalId: 'tx-two', acks: -1, timeoutMs: 10_000, topics: [{ name: TOPIC, partitions: [{ index: partition, records }] }],
      });
      expect(produced.topics[0].partitions[0].errorCode).to.equal(0);
    }
    expect((await coord.send(Api.EndTxn, { transactionalId: 'tx-two', producerId, producerEpoch, committed: true })).errorCode).to.equal(0);
    await waitUntil('CompleteCommit', async () => (await coord.send(Api.DescribeTransactions, { transactionalIds: ['tx-two'] })).transactionStates[0].transactionState === 'CompleteCommit', 30_000, 100);
    for (const partition of [0, 1]) {
      const fetched = await conns.get(partition + 1)!.send(Api.Fetch, {
        replicaId: -1, maxWaitMs: 0, minBytes: 0, maxBytes: 1 << 20, isolationLevel: 0,
        topics: [{ name: TOPIC, partitions: [{ partition, currentLeaderEpoch: -1, fetchOffset: 0, logStartOffset: -1, partitionMaxBytes: 1 << 20 }] }],
      });
      const batches = decodeRecordBatches(fetched.topics[0].partitions[0].records ?? Buffer.alloc(0)).batches;
      expect(batches.map((b) => b.isControl), `partition ${partition}`).to.deep.equal([false, true]);
    }
  });
});
