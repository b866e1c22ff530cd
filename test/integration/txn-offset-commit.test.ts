import { expect } from 'chai';
import { Broker } from '../../lib/broker/broker';
import { Admin } from '../../lib/client/admin';
import { Connection } from '../../lib/client/connection';
import { coordinatorPartition } from '../../lib/group/coordinator-partition';
import { Api } from '../../lib/protocol/api';
import { ErrorCode as E } from '../../lib/protocol/errors';
import { KafkaOffsetFetch } from '../../lib/protocol/kafka/messages/group-offsets';
import { KafkaTxnOffsetCommit } from '../../lib/protocol/kafka/messages/txn-offset-commit';
import { BOTH_LISTENERS, SINGLE_BROKER_GROUPS, startBroker, tempDir } from '../helpers/cluster';
import { KafkaWireClient } from '../helpers/kafka-wire-client';
import { waitUntil } from '../helpers/wait';
import { startTestZooKeeper, TestZooKeeper } from '../helpers/zookeeper';

const OVERRIDES = { listeners: BOTH_LISTENERS, ...SINGLE_BROKER_GROUPS, 'transaction.state.log.num.partitions': 2 };
const UNSTABLE = E.UNSTABLE_OFFSET_COMMIT.code;

function txnCommit(groupId: string, producerId: number, offsets: Array<[number, number]>) {
  return {
    transactionalId: `tx-${producerId}`, groupId, producerId, producerEpoch: 0, generationId: -1, memberId: '', groupInstanceId: null,
    topics: [{ name: 'in', partitions: offsets.map(([partitionIndex, committedOffset]) => ({ partitionIndex, committedOffset, committedLeaderEpoch: -1, committedMetadata: 'tx' })) }],
  };
}

describe('integration/txn-offset-commit', function () {
  this.timeout(120000);
  let zk: TestZooKeeper;
  let broker: Broker;
  let logDir: string;
  let conn: Connection;

  const fetchOffsets = async (groupId: string, requireStable: boolean): Promise<string[]> => {
    const r = await conn.send(Api.OffsetFetch, { groupId, topics: [{ name: 'in', partitionIndexes: [0, 1] }], requireStable });
    expect(r.errorCode).to.equal(0);
    return r.topics[0].partitions.map((p) => (p.errorCode ? `${p.partitionIndex}!${p.errorCode}` : `${p.partitionIndex}@${p.committedOffset}`));
  };

  /** Commits, retrying while the coordinator is found or loads. */
  const commitTxn = async (body: ReturnType<typeof txnCommit>): Promise<number[]> => {
    let codes: number[] = [];
    await waitUntil('a TxnOffsetCommit the coordinator takes', async () => {
      const r = await conn.send(Api.TxnOffsetCommit, body);
      codes = r.topics.flatMap((t) => t.partitions.map((p) => p.errorCode));
      return !codes.some((c) => c === E.COORDINATOR_LOAD_IN_PROGRESS.code || c === E.NOT_COORDINATOR.code || c === E.COORDINATOR_NOT_AVAILABLE.code);
    }, 20000, 100);
    return codes;
  };

  /** What the transaction coordinator sends at EndTxn: the marker, to the group's `__consumer_offsets` partition. */
  const writeMarker = async (groupId: string, producerId: number, committed: boolean): Promise<number> => {
    const partition = coordinatorPartition(groupId, SINGLE_BROKER_GROUPS['offsets.topic.num.partitions']);
    const r = await conn.send(Api.WriteTxnMarkers, { markers: [{
      producerId, producerEpoch: 0, transactionResult: committed, coordinatorEpoch: 0, topics: [{ name: '__consumer_offsets', partitionIndexes: [partition] }],
    }] });
    return r.markers[0].topics[0].partitions[0].errorCode;
  };

  async function restart(): Promise<void> {
    const port = broker.port;
    conn.close();
    await broker.shutdown();
    broker = await startBroker({ brokerId: 1, zkConnect: zk.connectString, logDir, port, overrides: OVERRIDES });
    conn = new Connection({ host: '127.0.0.1', port: broker.port, clientId: 'txn-offsets' });
  }

  before(async () => {
    zk = await startTestZooKeeper();
    logDir = tempDir('txn-offset-commit');
    broker = await startBroker({ brokerId: 1, zkConnect: zk.connectString, logDir, overrides: OVERRIDES });
    const admin = new Admin({ bootstrapServers: `127.0.0.1:${broker.port}` });
    await admin.createTopic({ topic: 'in', numPartitions: 2, replicationFactor: 1 });
    await admin.close();
    conn = new Connection({ host: '127.0.0.1', port: broker.port, clientId: 'txn-offsets' });
    await waitUntil('the group coordinator', async () => (await conn.send(Api.FindCoordinator, { key: 'g', keyType: 0 })).errorCode === 0, 20000, 100);
  });

  after(async () => {
    conn?.close();
    await broker?.shutdown();
    await zk?.stop();
  });

  it('holds transactional offsets pending: OffsetFetch does not show them and requireStable answers UNSTABLE_OFFSET_COMMIT', async () => {
    expect(await commitTxn(txnCommit('g', 9001, [[0, 5], [1, 6]]))).to.deep.equal([0, 0]);
    expect(await fetchOffsets('g', false)).to.deep.equal(['0@-1', '1@-1']);
    expect(await fetchOffsets('g', true)).to.deep.equal([`0!${UNSTABLE}`, `1!${UNSTABLE}`]);
  });

  it('serves TxnOffsetCommit v3 and OffsetFetch v7 requireStable on the Kafka listener', async () => {
    const kafka = new KafkaWireClient(broker.boundPort('KAFKA'));
    try {
      const r = await kafka.send(KafkaTxnOffsetCommit, 3, { ...txnCommit('k', 9002, [[0, 3]]), memberId: 'nobody' });
      expect(r.topics[0].partitions[0].errorCode).to.equal(E.UNKNOWN_MEMBER_ID.code);
      const ok = await kafka.send(KafkaTxnOffsetCommit, 0, txnCommit('k', 9002, [[0, 3]]));
      expect(ok.topics[0].partitions[0].errorCode).to.equal(0);
      const fetched = await kafka.send(KafkaOffsetFetch, 7, { groupId: 'k', topics: [{ name: 'in', partitionIndexes: [0] }], groups: [], requireStable: true });
      expect(fetched.topics[0].partitions[0].errorCode).to.equal(UNSTABLE);
    } finally {
      kafka.close();
    }
  });

  it('keeps the offsets pending across a coordinator restart', async () => {
    await restart();
    await waitUntil('the reloaded coordinator', async () => (await conn.send(Api.OffsetFetch, { groupId: 'g', topics: null, requireStable: false })).errorCode === 0, 20000, 100);
    expect(await fetchOffsets('g', false)).to.deep.equal(['0@-1', '1@-1']);
    expect(await fetchOffsets('g', true)).to.deep.equal([`0!${UNSTABLE}`, `1!${UNSTABLE}`]);
  });

  it('makes them committed when the commit marker lands on the group\'s partition, and drops another producer\'s at its abort marker', async () => {
    expect(await writeMarker('g', 9001, true)).to.equal(0);
    expect(await fetchOffsets('g', true)).to.deep.equal(['0@5', '1@6']);
    expect(await commitTxn(txnCommit('g', 9003, [[0, 50]]))).to.deep.equal([0]);
    expect(await fetchOffsets('g', true)).to.deep.equal([`0!${UNSTABLE}`, '1@6']);
    expect(await writeMarker('g', 9003, false)).to.equal(0);
    expect(await fetchOffsets('g', true)).to.deep.equal(['0@5', '1@6']);
  });

  it('commits offsets through a real transaction: AddOffsetsToTxn, TxnOffsetCommit, EndTxn at the transaction coordinator', async () => {
    await waitUntil('a transaction coordinator', async () => (await conn.send(Api.FindCoordinator, { key: 'tx-e2e', keyType: 1 })).errorCode === 0, 30000, 200);
    let init = { errorCode: -1, producerId: -1, producerEpoch: -1 };
    await waitUntil('InitProducerId(tx-e2e)', async () => {
      init = await conn.send(Api.InitProducerId, { transactionalId: 'tx-e2e', transactionTimeoutMs: 60000 });
      return init.errorCode === 0;
    }, 30000, 200);
    const { producerId, producerEpoch } = init;
    expect((await conn.send(Api.AddOffsetsToTxn, { transactionalId: 'tx-e2e', producerId, producerEpoch, groupId: 'e2e' })).errorCode).to.equal(0);
    const body = { ...txnCommit('e2e', producerId, [[0, 77]]), transactionalId: 'tx-e2e', producerEpoch };
    expect(await commitTxn(body)).to.deep.equal([0]);
    expect(await fetchOffsets('e2e', true)).to.deep.equal([`0!${UNSTABLE}`, '1@-1']);
    expect((await conn.send(Api.EndTxn, { transactionalId: 'tx-e2e', producerId, producerEpoch, committed: true })).errorCode).to.equal(0);
    await waitUntil('the commit marker to reach __consumer_offsets', async () => (await fetchOffsets('e2e', true)).join() === '0@77,1@-1', 20000, 100);
  });

  it('finds the committed offsets, and not the aborted ones, after another restart', async () => {
    await commitTxn(txnCommit('g', 9004, [[1, 60]]));
    await restart();
    await waitUntil('the reloaded coordinator', async () => (await conn.send(Api.OffsetFetch, { groupId: 'g', topics: null, requireStable: false })).errorCode === 0, 20000, 100);
    expect(await fetchOffsets('g', true)).to.deep.equal(['0@5', `1!${UNSTABLE}`]);
    expect(await writeMarker('g', 9004, true)).to.equal(0);
    expect(await fetchOffsets('g', true)).to.deep.equal(['0@5', '1@60']);
  });
});
