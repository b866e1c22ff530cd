import { expect } from 'chai';
import { ZkPaths } from '../../lib/zk/znodes';
import { waitUntil } from '../helpers/wait';
import { Admin, startNode, stopNode, TestNode, useChrootedZooKeeper } from './controller-harness';

describe('controller/partition-reassignment', function () {
  this.timeout(60000);
  const zk = useChrootedZooKeeper('reassignment-test');
  let connect: string;
  let admin: Admin;
  let nodes: TestNode[];

  beforeEach(async () => {
    ({ connect, admin } = zk);
    nodes = [];
    for (const id of [1, 2, 3]) nodes.push(await startNode(id, connect));
  });

  afterEach(async () => {
    for (const n of nodes) await stopNode(n).catch(() => undefined);
  });

  const controller = () => nodes[0].controller;
  const leaderAndIsrFor = (n: TestNode, topic: string) =>
    n.broker.server.leaderAndIsr().filter((r) => r.partitionStates.some((p) => p.topicName === topic));
  const stopReplicaFor = (n: TestNode, topic: string) =>
    n.broker.server.stopReplica().filter((r) => r.partitions.some((p) => p.topicName === topic));

  async function createTopic(topic: string, assignment: Record<number, number[]>): Promise<void> {
    await admin.createTopic(topic, assignment);
    const last = Math.max(...Object.keys(assignment).map(Number));
    await waitUntil(`${topic} online`, async () => (await admin.state(topic, last)) !== null);
  }

  it('adds the new replicas, waits for them to join the ISR, then moves the leader and drops the old replicas', async () => {
    const [n1, , n3] = nodes;
    await createTopic('move', { 0: [1, 2] });
    const results = await controller().alterPartitionReassignments([{ topic: 'move', partition: 0, replicas: [2, 3] }]);
    expect(results).to.deep.equal([{ topic: 'move', partition: 0, errorCode: 0, errorMessage: null }]);

    expect(await admin.assignment('move')).to.deep.equal({ partitions: { 0: [2, 3, 1] }, adding: { 0: [3] }, removing: { 0: [1] } });
    expect(await admin.state('move', 0)).to.deep.include({ leader: 1, leaderEpoch: 1, isr: [1, 2] });
    expect(await controller().listPartitionReassignments(null)).to.deep.equal([
      { topic: 'move', partition: 0, replicas: [2, 3, 1], addingReplicas: [3], removingReplicas: [1] },
    ]);
    await waitUntil('LeaderAndIsr to the new replica', () => leaderAndIsrFor(n3, 'move').length > 0);
    const toNew = leaderAndIsrFor(n3, 'move')[0].partitionStates[0];
    expect(toNew).to.deep.include({ leader: 1, leaderEpoch: 1, replicas: [2, 3, 1], isNew: true });

    // The leader lets the new replica into the ISR; the controller watches the state znode itself.
    await admin.setIsr('move', 0, [1, 2, 3], false);
    await waitUntil('target recorded alone', async () => (await admin.assignment('move'))?.partitions[0].join() === '2,3');
    expect(await admin.assignment('move')).to.deep.equal({ partitions: { 0: [2, 3] }, adding: {}, removing: {} });
    expect(await admin.state('move', 0)).to.deep.include({ leader: 2, leaderEpoch: 2, isr: [2, 3] });
    await waitUntil('StopReplica(delete) to the old replica', () => stopReplicaFor(n1, 'move').some((r) => r.deletePartitions));
    expect(await controller().listPartitionReassignments(null)).to.deep.equal([]);
    await waitUntil('metadata with the new replicas', () => n1.broker.server.lastUpdateMetadata()?.partitionStates
      .some((p) => p.topicName === 'move' && p.replicas.join() === '2,3' && p.leader === 2) ?? false);
  });

  it('carries out /admin/reassign_partitions, taking each partition off it when done and deleting it at the end', async () => {
    await createTopic('zk', { 0: [1, 2], 1: [2, 1] });
    await admin.store.createPartitionReassignment([
      { topic: 'zk', partition: 0, replicas: [2, 1] },
      { topic: 'zk', partition: 1, replicas: [3, 1] },
    ]);
    // A reorder has nothing to wait for; the move to broker 3 waits for its ISR.
    await waitUntil('finished partition taken off the request', async () =>
      (await admin.store.getPartitionReassignment())?.map((r) => r.partition).join() === '1');
    expect((await admin.assignment('zk'))?.partitions[0]).to.deep.equal([2, 1]);
    expect(await admin.state('zk', 0)).to.deep.include({ leader: 1, leaderEpoch: 1 });
    expect((await admin.assignment('zk'))?.adding).to.deep.equal({ 1: [3] });

    await admin.setIsr('zk', 1, [2, 1, 3]);
    await waitUntil('request deleted', async () => (await admin.zk.exists(ZkPaths.reassignPartitions)) === null);
    expect(await admin.assignment('zk')).to.deep.equal({ partitions: { 0: [2, 1], 1: [3, 1] }, adding: {}, removing: {} });
    expect(await admin.state('zk', 1)).to.deep.include({ leader: 3, isr: [1, 3] });
    await waitUntil('notification consumed', async () => (await admin.zk.getChildren(ZkPaths.isrChangeNotification)).length === 0);
  });

  it('cancels a move, dropping the replicas it added, and reports NO_REASSIGNMENT_IN_PROGRESS when nothing moves', async () => {
    const n3 = nodes[2];
    await createTopic('undo', { 0: [1, 2] });
    await controller().alterPartitionReassignments([{ topic: 'undo', partition: 0, replicas: [3, 2] }]);
    expect((await admin.assignment('undo'))?.partitions[0]).to.deep.equal([3, 2, 1]);

    const cancelled = await controller().alterPartitionReassignments([{ topic: 'undo', partition: 0, replicas: null }]);
    expect(cancelled[0].errorCode).to.equal(0);
    expect(await admin.assignment('undo')).to.deep.equal({ partitions: { 0: [2, 1] }, adding: {}, removing: {} });
    expect(await admin.state('undo', 0)).to.deep.include({ leader: 1, isr: [1, 2] });
    await waitUntil('StopReplica(delete) to the dropped replica', () => stopReplicaFor(n3, 'undo').some((r) => r.deletePartitions));

    const again = await controller().alterPartitionReassignments([{ topic: 'undo', partition: 0, replicas: null }]);
    expect(again[0]).to.include({ errorCode: 85 });
  });

  it('rejects unknown partitions and invalid replica lists per partition, and answers NOT_CONTROLLER elsewhere', async () => {
    await createTopic('checked', { 0: [1, 2] });
    const results = await controller().alterPartitionReassignments([
      { topic: 'nope', partition: 0, replicas: [1] },
      { topic: 'checked', partition: 7, replicas: [1] },
      { topic: 'checked', partition: 0, replicas: [1, 1] },
      { topic: 'checked', partition: 0, replicas: [1, 9] },
      { topic: 'checked', partition: 0, replicas: [] },
    ]);
    expect(results.map((r) => r.errorCode)).to.deep.equal([3, 3, 39, 39, 39]);
    expect(results[3].errorMessage).to.match(/not alive/);
    expect(await admin.assignment('checked')).to.deep.equal({ partitions: { 0: [1, 2] }, adding: {}, removing: {} });

    const other = nodes[1].controller;
    for (const call of [
      () => other.alterPartitionReassignments([{ topic: 'checked', partition: 0, replicas: [2] }]),
      () => other.listPartitionReassignments(null),
      () => other.electLeaders('preferred', null),
    ]) {
      const err = await call().then(() => null, (e: Error & { code?: number }) => e);
      expect(err?.code).to.equal(41);
    }
  });

  it('lets a new request replace a move in progress, stopping replicas the new plan drops', async () => {
    const n3 = nodes[2];
    await createTopic('twice', { 0: [1] });
    await controller().alterPartitionReassignments([{ topic: 'twice', partition: 0, replicas: [3] }]);
    expect(await admin.assignment('twice')).to.deep.equal({ partitions: { 0: [3, 1] }, adding: { 0: [3] }, removing: { 0: [1] } });
    await controller().alterPartitionReassignments([{ topic: 'twice', partition: 0, replicas: [2] }]);
    expect(await admin.assignment('twice')).to.deep.equal({ partitions: { 0: [2, 1] }, adding: { 0: [2] }, removing: { 0: [1] } });
    await waitUntil('StopReplica(delete) to the abandoned replica', () => stopReplicaFor(n3, 'twice').some((r) => r.deletePartitions));
    expect(await admin.state('twice', 0)).to.deep.include({ leader: 1, isr: [1] });
  });
});
