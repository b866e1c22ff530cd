import { expect } from 'chai';
import { BlackholeProxy } from '../helpers/blackhole-proxy';
import { TestZooKeeper } from '../helpers/zookeeper';
import { ZkPaths } from '../../lib/zk/znodes';
import { waitUntil } from '../helpers/wait';
import { activeNode, Admin, killNode, startNode, stopNode, TestNode, useChrootedZooKeeper } from './controller-harness';

describe('controller/controller', function () {
  this.timeout(60000);
  const zk = useChrootedZooKeeper('controller-test');
  let server: TestZooKeeper;
  let connect: string;
  let admin: Admin;
  let nodes: TestNode[];

  beforeEach(async () => {
    ({ server, connect, admin } = zk);
    nodes = [];
  });

  afterEach(async () => {
    for (const n of nodes) await stopNode(n).catch(() => undefined);
  });

  async function start(...ids: number[]): Promise<TestNode[]> {
    const started: TestNode[] = [];
    for (const id of ids) started.push(await startNode(id, connect));
    nodes.push(...started);
    return started;
  }

  it('elects exactly one controller among two contenders and bumps the epoch to 1', async () => {
    const [a, b] = await start(1, 2);
    const winner = activeNode([a, b]);
    expect(winner, 'one active controller').to.not.equal(undefined);
    expect(winner!.id).to.equal(1);
    expect(a.controller.epoch).to.equal(1);
    expect(b.controller.isActive).to.equal(false);
    expect(b.controller.controllerId).to.equal(1);
    expect(await admin.controllerEpoch()).to.equal(1);
  });

  it('brings a new topic online: state znodes, LeaderAndIsr to replicas, UpdateMetadata to all', async () => {
    const [n1, n2, n3] = await start(1, 2, 3);
    await admin.createTopic('orders', { 0: [1, 2], 1: [2, 3], 2: [3, 1] });
    await waitUntil('partition states', async () => (await admin.state('orders', 2)) !== null);
    expect(await admin.state('orders', 0)).to.deep.include({ leader: 1, leaderEpoch: 0, isr: [1, 2], controllerEpoch: 1 });
    expect(await admin.state('orders', 1)).to.deep.include({ leader: 2, leaderEpoch: 0, isr: [2, 3], controllerEpoch: 1 });
    expect(await admin.state('orders', 2)).to.deep.include({ leader: 3, leaderEpoch: 0, isr: [3, 1], controllerEpoch: 1 });

    const hosted = (n: TestNode) => n.broker.server.leaderAndIsr()
      .flatMap((r) => r.partitionStates).filter((p) => p.topicName === 'orders').map((p) => p.partitionIndex).sort();
    await waitUntil('LeaderAndIsr at every replica', () => hosted(n1).length === 2 && hosted(n2).length === 2 && hosted(n3).length === 2);
    expect(hosted(n1)).to.deep.equal([0, 2]);
    expect(hosted(n2)).to.deep.equal([0, 1]);
    expect(hosted(n3)).to.deep.equal([1, 2]);
    const lair = n2.broker.server.leaderAndIsr().find((r) => r.partitionStates.some((p) => p.topicName === 'orders'))!;
    expect(lair.controllerEpoch).to.equal(1);
    expect(lair.brokerEpoch).to.equal(n2.broker.epoch);
    expect(lair.partitionStates.every((p) => p.isNew)).to.equal(true);
    expect(lair.liveLeaders.map((b) => b.id).sort()).to.deep.equal([1, 2]);

    for (const n of [n1, n2, n3]) {
      await waitUntil(`UpdateMetadata at broker ${n.id}`, () =>
        (n.broker.server.lastUpdateMetadata()?.partitionStates.filter((p) => p.topicName === 'orders').length ?? 0) === 3);
      const um = n.broker.server.lastUpdateMetadata()!;
      expect(um.liveBrokers.map((b) => b.id)).to.deep.equal([1, 2, 3]);
      const port = n2.broker.server.port;
      expect(um.liveBrokers[1]).to.deep.equal({ id: 2, host: '127.0.0.1', port, rack: null, endpoints: [{ listenerName: 'PLAINTEXT', host: '127.0.0.1', port }] });
      expect(um.clusterId).to.be.a('string').with.length(22);
    }
  });

  it('moves leadership to an ISR member with a bumped leader epoch when a broker session ends', async () => {
    const [n1, n2, n3] = await start(1, 2, 3);
    await admin.createTopic('payments', { 0: [2, 3], 1: [3, 2], 2: [2] });
    await waitUntil('partition states', async () => (await admin.state('payments', 2)) !== null);
    await killNode(n2);
    nodes = [n1, n3];

    await waitUntil('new leader for partition 0', async () => (await admin.state('payments', 0))?.leader === 3);
    expect(await admin.state('payments', 0)).to.deep.include({ leader: 3, leaderEpoch: 1, isr: [3] });
    await waitUntil('ISR shrink of partition 1', async () => (await admin.state('payments', 1))?.leaderEpoch === 1);
    expect(await admin.state('payments', 1)).to.deep.include({ leader: 3, isr: [3] });
    // A single-replica partition has nobody to fail over to: no leader, and the ISR keeps its last member.
    await waitUntil('partition 2 offline', async () => (await admin.state('payments', 2))?.leader === -1);
    expect(await admin.state('payments', 2)).to.deep.include({ leader: -1, leaderEpoch: 1, isr: [2] });

    await waitUntil('LeaderAndIsr to the new leader', () => n3.broker.server.leaderAndIsr()
      .some((r) => r.partitionStates.some((p) => p.topicName === 'payments' && p.partitionIndex === 0 && p.leader === 3 && p.leaderEpoch === 1)));
    await waitUntil('UpdateMetadata without broker 2', () => {
      const um = n1.broker.server.lastUpdateMetadata();
      return um !== undefined && um.liveBrokers.map((b) => b.id).join() === '1,3'
        && um.partitionStates.some((p) => p.topicName === 'payments' && p.partitionIndex === 0 && p.leader === 3);
    });
  });

  it('gives a leaderless partition its last ISR member back when that broker returns', async () => {
    const [n1, n2] = await start(1, 2);
    await admin.createTopic('solo', { 0: [2] });
    await waitUntil('partition state', async () => (await admin.state('solo', 0))?.leader === 2);
    await killNode(n2);
    nodes = [n1];
    await waitUntil('partition offline', async () => (await admin.state('solo', 0))?.leader === -1);

    const back = await startNode(2, connect);
    nodes.push(back);
    await waitUntil('leader back', async () => (await admin.state('solo', 0))?.leader === 2);
    expect(await admin.state('solo', 0)).to.deep.include({ leader: 2, leaderEpoch: 2, isr: [2] });
    await waitUntil('LeaderAndIsr to the returning broker', () => back.broker.server.leaderAndIsr()
      .some((r) => r.partitionStates.some((p) => p.topicName === 'solo' && p.leader === 2 && p.leaderEpoch === 2)));
  });

  it('deletes a topic only after every replica acknowledged StopReplica', async () => {
    const [n1, n2] = await start(1, 2);
    await admin.createTopic('doomed', { 0: [1, 2], 1: [2, 1] });
    await waitUntil('partition states', async () => (await admin.state('doomed', 1)) !== null);
    n2.broker.server.holdStopReplica = true;
    await admin.store.markTopicForDeletion('doomed');

    await waitUntil('StopReplica at both replicas', () => n1.broker.server.stopReplica().length === 1 && n2.broker.server.stopReplica().length === 1);
    const req = n2.broker.server.stopReplica()[0];
    expect(req.deletePartitions).to.equal(true);
    expect(req.partitions.map((p) => `${p.topicName}-${p.partitionIndex}`).sort()).to.deep.equal(['doomed-0', 'doomed-1']);
    await new Promise((r) => setTimeout(r, 200));
    expect(await admin.zk.exists(ZkPaths.topic('doomed')), 'topic znode kept while an ack is missing').to.not.equal(null);

    n2.broker.server.releaseStopReplica();
    // The topic tree, its config and the deletion marker go in that order, in separate writes.
    await waitUntil('topic, config and marker znodes removed', async () =>
      (await admin.zk.exists(ZkPaths.topic('doomed'))) === null
      && (await admin.zk.exists(ZkPaths.topicConfig('doomed'))) === null
      && (await admin.zk.exists(ZkPaths.deleteTopic('doomed'))) === null);
    await waitUntil('metadata without the topic', () =>
      n1.broker.server.lastUpdateMetadata()!.partitionStates.every((p) => p.topicName !== 'doomed'));
  });

  it('waits for an offline replica to come back before finishing a deletion', async () => {
    const [n1, n2] = await start(1, 2);
    await admin.createTopic('later', { 0: [1, 2] });
    await waitUntil('partition state', async () => (await admin.state('later', 0)) !== null);
    await killNode(n2);
    nodes = [n1];
    await waitUntil('broker 2 gone from the ISR', async () => (await admin.state('later', 0))?.isr.join() === '1');
    await admin.store.markTopicForDeletion('later');
    await waitUntil('StopReplica at broker 1', () => n1.broker.server.stopReplica().length === 1);
    await new Promise((r) => setTimeout(r, 200));
    expect(await admin.zk.exists(ZkPaths.topic('later'))).to.not.equal(null);

    const back = await startNode(2, connect);
    nodes.push(back);
    await waitUntil('topic deleted once broker 2 acked', async () => (await admin.zk.exists(ZkPaths.topic('later'))) === null);
    expect(back.broker.server.stopReplica().some((r) => r.deletePartitions && r.partitions[0].topicName === 'later')).to.equal(true);
  });

  it('removes deletion requests without deleting when delete.topic.enable is false', async () => {
    nodes.push(await startNode(1, connect, { deleteTopicEnable: false }));
    await admin.createTopic('kept', { 0: [1] });
    await admin.store.markTopicForDeletion('kept');
    await waitUntil('marker removed', async () => (await admin.zk.exists(ZkPaths.deleteTopic('kept'))) === null);
    expect(await admin.zk.exists(ZkPaths.topic('kept'))).to.not.equal(null);
    expect(nodes[0].broker.server.stopReplica()).to.deep.equal([]);
  });

  it('fails over to the other contender with epoch + 1, rebuilding its state from ZooKeeper', async () => {
    const [n1, n2] = await start(1, 2);
    await admin.createTopic('events', { 0: [1, 2], 1: [2, 1] });
    await waitUntil('partition states', async () => (await admin.state('events', 1)) !== null);
    const elected = new Promise<number>((resolve) => n2.controller.once('elected', resolve));
    await killNode(n1);
    nodes = [n2];

    expect(await elected).to.equal(2);
    expect(n2.controller.isActive).to.equal(true);
    expect(await admin.controllerEpoch()).to.equal(2);
    await waitUntil('partition 0 led by broker 2', async () => (await admin.state('events', 0))?.leader === 2);
    expect(await admin.state('events', 0)).to.deep.include({ leader: 2, leaderEpoch: 1, isr: [2], controllerEpoch: 2 });
    // The new controller tells the surviving broker about every partition it hosts.
    await waitUntil('full LeaderAndIsr from the new controller', () => n2.broker.server.leaderAndIsr()
      .some((r) => r.controllerEpoch === 2 && r.partitionStates.filter((p) => p.topicName === 'events').length === 2));
    await waitUntil('UpdateMetadata from the new controller', () => {
      const um = n2.broker.server.lastUpdateMetadata();
      return um !== undefined && um.controllerEpoch === 2 && um.controllerId === 2 && um.partitionStates.length === 2;
    });
  });

  it('fences a stale controller: its write fails, it resigns and a new election follows', async () => {
    const [n1] = await start(1, 2);
    expect(n1.controller.isActive).to.equal(true);
    const resigned = new Promise<number>((resolve) => n1.controller.once('resigned', resolve));
    // Another controller won behind its back: the epoch znode moved on.
    const epoch = (await admin.store.getControllerEpoch())!;
    await admin.zk.setData(ZkPaths.controllerEpoch, Buffer.from(String(epoch.value + 1)), epoch.version);

    await admin.createTopic('fenced', { 0: [1, 2] });
    expect(await resigned).to.equal(1);
    await waitUntil('a new controller', () => activeNode(nodes) !== undefined);
    const next = activeNode(nodes)!;
    expect(next.controller.epoch).to.equal(3);
    await waitUntil('state written by the new controller', async () => (await admin.state('fenced', 0)) !== null);
    expect((await admin.state('fenced', 0))!.controllerEpoch).to.equal(3);
  });

  it('moves leadership away from a broker in controlled shutdown', async () => {
    const [n1, n2, n3] = await start(1, 2, 3);
    await admin.createTopic('moving', { 0: [2, 1], 1: [3, 2], 2: [2] });
    await waitUntil('partition states', async () => (await admin.state('moving', 2)) !== null);
    const remaining = await n1.controller.controlledShutdown(2);

    expect(remaining).to.deep.equal([{ topic: 'moving', partition: 2 }]);
    expect(await admin.state('moving', 0)).to.deep.include({ leader: 1, leaderEpoch: 1, isr: [1] });
    expect(await admin.state('moving', 1)).to.deep.include({ leader: 3, leaderEpoch: 1, isr: [3] });
    expect(await admin.state('moving', 2)).to.deep.include({ leader: 2, leaderEpoch: 0, isr: [2] });
    await waitUntil('LeaderAndIsr to the new leader', () => n1.broker.server.leaderAndIsr()
      .some((r) => r.partitionStates.some((p) => p.topicName === 'moving' && p.partitionIndex === 0 && p.leader === 1)));
    await waitUntil('StopReplica (no delete) for the followed partition', () => n2.broker.server.stopReplica()
      .some((r) => !r.deletePartitions && r.partitions.some((p) => p.topicName === 'moving' && p.partitionIndex === 1)));
    expect(n3.controller.isActive).to.equal(false);
    const err = await n3.controller.controlledShutdown(2).then(() => null, (e: Error) => e);
    expect(err?.message).to.match(/NOT_CONTROLLER/);
  });

  it('hands leadership back to the preferred replica once it is in sync again (ISR notification + auto rebalance)', async () => {
    const config = { autoLeaderRebalanceEnable: true, leaderImbalanceCheckIntervalMs: 200 };
    const n1 = await startNode(1, connect, config);
    const n2 = await startNode(2, connect, config);
    const n3 = await startNode(3, connect, config);
    nodes.push(n1, n2, n3);
    await admin.createTopic('pref', { 0: [2, 3] });
    await waitUntil('partition state', async () => (await admin.state('pref', 0))?.leader === 2);
    await killNode(n2);
    nodes = [n1, n3];
    await waitUntil('broker 3 leads', async () => (await admin.state('pref', 0))?.leader === 3);
    nodes.push(await startNode(2, connect, config));

    // The leader (broker 3) lets broker 2 back into the ISR, as a real leader would once it caught up.
    const st = (await admin.state('pref', 0))!;
    await admin.store.setPartitionState('pref', 0, { ...st, isr: [3, 2] }, st.zkVersion);
    await admin.store.createIsrChangeNotification([{ topic: 'pref', partition: 0 }]);
    await waitUntil('preferred replica leads again', async () => (await admin.state('pref', 0))?.leader === 2);
    expect(await admin.state('pref', 0)).to.deep.include({ leader: 2, leaderEpoch: st.leaderEpoch + 1, isr: [3, 2], controllerEpoch: 1 });
    await waitUntil('notification consumed', async () => (await admin.zk.getChildren(ZkPaths.isrChangeNotification)).length === 0);
  });

  it('keeps its tenure while cut off from ZooKeeper, resigns once the server says its session expired, and rejoins on the new session', async () => {
    // Broker 1 reaches ZooKeeper through a proxy that can drop its traffic (a network partition).
    const proxy = await BlackholeProxy.start(server.connectString);
    try {
      const n1 = await startNode(1, proxy.address + connect.slice(connect.indexOf('/')), {}, 2000);
      const n2 = await startNode(2, connect, {}, 2000);
      nodes.push(n1, n2);
      expect(n1.controller.isActive).to.equal(true);
      let resignedAt = 0;
      n1.controller.once('resigned', () => { resignedAt = Date.now(); });
      proxy.partition();
      // ZooKeeper expires broker 1's session and broker 2 wins the election ...
      await waitUntil('broker 2 to take over', () => n2.controller.isActive && n2.controller.epoch === 2, 20000);
      // ... which broker 1 cannot hear: like a Kafka controller it learns on reconnecting (its
      // orders meanwhile carry epoch 1, which the brokers refuse once they have seen epoch 2).
      expect(resignedAt).to.equal(0);
      const healedAt = Date.now();
      proxy.heal();
      await waitUntil('broker 1 to resign', () => resignedAt > 0, 20000);
      expect(resignedAt).to.be.at.least(healedAt);
      expect(n1.controller.isActive).to.equal(false);
      // Broker 1 re-registered on its new session: the new controller names both brokers.
      await waitUntil('metadata from the new tenure naming both brokers', () => {
        const um = n2.broker.server.lastUpdateMetadata();
        return um !== undefined && um.controllerEpoch === 2 && um.liveBrokers.map((b) => b.id).join() === '1,2';
      }, 20000);
    } finally {
      for (const n of nodes.splice(0)) await stopNode(n).catch(() => undefined);
      await proxy.stop();
    }
  });
});
