import { expect } from 'chai';
import { ZkPaths } from '../../lib/zk/znodes';
import { FakeBroker } from './fake-broker';
import { waitUntil } from '../helpers/wait';
import { Admin, killNode, startNode, stopNode, TestNode, useChrootedZooKeeper } from './controller-harness';

/**
 * A successor controller carries on from what ZooKeeper holds. Brokers 2-4 are fake brokers with
 * no controller of their own, so after the first controller (node 1) dies nobody is controller
 * until the test starts node 5: whatever happens in between (a leader changing an ISR) happens
 * with certainty before the successor takes office.
 */
describe('controller/failover', function () {
  this.timeout(60000);
  const zk = useChrootedZooKeeper('failover-test');
  let connect: string;
  let admin: Admin;
  let nodes: TestNode[];
  let brokers: Map<number, FakeBroker>;

  beforeEach(async () => {
    ({ connect, admin } = zk);
    nodes = [await startNode(1, connect)];
    brokers = new Map();
    for (const id of [2, 3, 4]) brokers.set(id, await FakeBroker.start(id, connect));
  });

  afterEach(async () => {
    for (const b of brokers.values()) await b.stop().catch(() => undefined);
    for (const n of nodes) await stopNode(n).catch(() => undefined);
  });

  async function replaceController(): Promise<TestNode> {
    await killNode(nodes[0]);
    const successor = await startNode(5, connect);
    nodes = [successor];
    expect(successor.controller.isActive).to.equal(true);
    expect(successor.controller.epoch).to.equal(2);
    return successor;
  }

  /** Starts moving fo-0 from [2,3] (led by 2) to [3,4]. */
  async function startMove(): Promise<void> {
    await admin.createTopic('fo', { 0: [2, 3] });
    await waitUntil('fo online', async () => (await admin.state('fo', 0))?.leader === 2);
    await nodes[0].controller.alterPartitionReassignments([{ topic: 'fo', partition: 0, replicas: [3, 4] }]);
    expect(await admin.assignment('fo')).to.deep.equal({ partitions: { 0: [3, 4, 2] }, adding: { 0: [4] }, removing: { 0: [2] } });
  }

  async function expectMoveFinished(): Promise<void> {
    await waitUntil('target recorded alone', async () => (await admin.assignment('fo'))?.partitions[0].join() === '3,4');
    expect(await admin.assignment('fo')).to.deep.equal({ partitions: { 0: [3, 4] }, adding: {}, removing: {} });
    expect(await admin.state('fo', 0)).to.deep.include({ leader: 3, isr: [3, 4], controllerEpoch: 2 });
    await waitUntil('StopReplica(delete) from the successor', () => brokers.get(2)!.server.stopReplica()
      .some((r) => r.controllerEpoch === 2 && r.deletePartitions && r.partitions.some((p) => p.topicName === 'fo')));
  }

  it('finishes a reassignment that the previous controller started, once the new replica is in sync', async () => {
    await startMove();
    await replaceController();
    // The successor re-sends the move to every replica under its own epoch, then waits.
    await waitUntil('LeaderAndIsr from the successor to the new replica', () => brokers.get(4)!.server.leaderAndIsr()
      .some((r) => r.controllerEpoch === 2 && r.partitionStates.some((p) => p.topicName === 'fo' && p.replicas.join() === '3,4,2')));
    expect((await admin.assignment('fo'))?.adding).to.deep.equal({ 0: [4] });

    await admin.setIsr('fo', 0, [2, 3, 4]);
    await expectMoveFinished();
  });

  it('finishes at once a reassignment whose new replica caught up while there was no controller', async () => {
    await startMove();
    await killNode(nodes[0]);
    await admin.setIsr('fo', 0, [2, 3, 4], false);
    nodes = [await startNode(5, connect)];
    await expectMoveFinished();
  });

  it('elects from the ISR a leader wrote while there was no controller', async () => {
    await admin.createTopic('isr', { 0: [2, 3] });
    await waitUntil('isr online', async () => (await admin.state('isr', 0))?.leader === 2);
    await killNode(nodes[0]);
    await admin.setIsr('isr', 0, [2]);
    await replaceController();
    await waitUntil('notification consumed', async () => (await admin.zk.getChildren(ZkPaths.isrChangeNotification)).length === 0);

    await brokers.get(2)!.stop();
    brokers.delete(2);
    // Broker 3 fell out of the ISR before the failover: with unclean election off it may not lead.
    await waitUntil('partition offline', async () => (await admin.state('isr', 0))?.leader === -1);
    expect(await admin.state('isr', 0)).to.deep.include({ leader: -1, isr: [2], controllerEpoch: 2 });
  });
});
