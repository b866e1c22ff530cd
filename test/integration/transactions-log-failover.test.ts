import { expect } from 'chai';
import { Connection } from '../../lib/client/connection';
import { ReplicatedCluster } from '../helpers/replicated-cluster';
import { fetchPartition, produceBatch, txnBatch, writeMarker } from '../helpers/txn-log';
import { waitUntil } from '../helpers/wait';

/**
 * Followers rebuild the producer state from the batches they replicate, markers included: after
 * the leader is SIGKILLed, the new leader answers read_committed with the same last stable offset
 * and aborted transactions, and a marker sent to it closes the transaction left open.
 */
describe('integration/transactions-log-failover', function () {
  this.timeout(180000);
  const TOPIC = 'txn-failover';
  const cluster = new ReplicatedCluster([1, 2, 3]);
  const connections: Connection[] = [];
  const at = [{ topic: TOPIC, partition: 0 }];

  before(async () => {
    await cluster.start();
    await cluster.createTopic(TOPIC, 1, { 'min.insync.replicas': '2' });
  });

  after(async () => {
    for (const c of connections) c.close();
    await cluster.stop();
  });

  function connect(id: number): Connection {
    const conn = new Connection({ host: '127.0.0.1', port: cluster.brokers.get(id)!.port, clientId: 'txn-failover', requestTimeoutMs: 30000 });
    connections.push(conn);
    return conn;
  }

  it('keeps the LSO and the aborted transactions on the new leader after a leader kill', async () => {
    const oldLeader = (await cluster.partitionState(TOPIC, 0)).leader;
    const conn = connect(oldLeader);
    expect((await produceBatch(conn, TOPIC, 0, txnBatch({ producerId: 1, baseSequence: 0, values: ['plain'], transactional: false }))).errorCode).to.equal(0);
    expect((await produceBatch(conn, TOPIC, 0, txnBatch({ producerId: 2, baseSequence: 0, values: ['aborted-1', 'aborted-2'] }))).errorCode).to.equal(0);
    expect((await produceBatch(conn, TOPIC, 0, txnBatch({ producerId: 3, baseSequence: 0, values: ['open-1'] }))).errorCode).to.equal(0);
    expect(await writeMarker(conn, { producerId: 2, committed: false, partitions: at })).to.deep.equal([0]);
    expect((await produceBatch(conn, TOPIC, 0, txnBatch({ producerId: 3, baseSequence: 1, values: ['open-2'] }))).errorCode).to.equal(0);
    const before = await fetchPartition(conn, TOPIC, 0, 0, 1);
    expect(before).to.deep.include({ lastStableOffset: 3, highWatermark: 6, abortedTransactions: [{ producerId: 2, firstOffset: 1 }] });
    await cluster.waitForFullIsr(TOPIC, 1);

    await cluster.stopBroker(oldLeader, 'SIGKILL');
    let newLeader = -1;
    await waitUntil('a new leader', async () => {
      const state = await cluster.partitionState(TOPIC, 0);
      newLeader = state.leader;
      return state.leader >= 0 && state.leader !== oldLeader;
    }, 60000, 200);
    const next = connect(newLeader);
    let after: Awaited<ReturnType<typeof fetchPartition>> | undefined;
    await waitUntil('the new leader to serve read_committed up to the old LSO', async () => {
      after = await fetchPartition(next, TOPIC, 0, 0, 1).catch(() => undefined);
      return after?.errorCode === 0 && after.highWatermark === 6;
    }, 60000, 200);
    expect(after).to.deep.include({ lastStableOffset: 3, abortedTransactions: [{ producerId: 2, firstOffset: 1 }] });
    expect(after!.records).to.deep.equal(before.records);

    expect(await writeMarker(next, { producerId: 3, committed: true, partitions: at })).to.deep.equal([0]);
    const committed = await fetchPartition(next, TOPIC, 0, 0, 1);
    expect(committed).to.include({ lastStableOffset: 7, highWatermark: 7 });
  });
});
