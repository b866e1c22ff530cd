import { expect } from 'chai';
import { ZkPaths } from '../../lib/zk/znodes';
import { FakeBroker } from './fake-broker';
import { waitUntil } from '../helpers/wait';
import { Admin, startNode, stopNode, TestNode, useChrootedZooKeeper } from './controller-harness';

/**
 * Requested elections (ElectLeaders API, `/admin/preferred_replica_election`) and the per-topic
 * unclean election setting. Broker 1 runs the controller and hosts nothing; brokers 2 and 3 are
 * fake brokers that can die and come back without touching the controller.
 */
describe('controller/leader-election-requests', function () {
  this.timeout(60000);
  const zk = useChrootedZooKeeper('election-test');
  let connect: string;
  let admin: Admin;
  let node: TestNode;
  let brokers: Map<number, FakeBroker>;
  /** Each leader change the controller wrote: true when unclean. */
  let elected: boolean[];

  beforeEach(async () => {
    ({ connect, admin } = zk);
    elected = [];
    node = await startNode(1, connect, {}, 6000, { leaderElected: (unclean) => elected.push(unclean) });
    brokers = new Map();
    for (const id of [2, 3]) brokers.set(id, await FakeBroker.start(id, connect));
  });

  afterEach(async () => {
    for (const b of brokers.values()) await b.stop().catch(() => undefined);
    await stopNode(node).catch(() => undefined);
  });

  async function kill(id: number): Promise<void> {
    await brokers.get(id)!.stop();
    brokers.delete(id);
  }

  /** Brings a broker back; resolves once the controller has told it about its partitions. */
  async function restart(id: number): Promise<void> {
    const broker = await FakeBroker.start(id, connect);
    brokers.set(id, broker);
    await waitUntil(`controller noticed broker ${id}`, () => broker.server.leaderAndIsr().length > 0);
  }

  async function createTopic(topic: string, assignment: Record<number, number[]>, config: Record<string, string> = {}): Promise<void> {
    await admin.store.createTopic(topic, new Map(Object.entries(assignment).map(([p, r]) => [Number(p), r])), config);
    const last = Math.max(...Object.keys(assignment).map(Number));
    await waitUntil(`${topic} online`, async () => (await admin.state(topic, last)) !== null);
  }

  /** Partition 0 of `topic` ends up led by broker 3 with both replicas in sync again. */
  async function leadershipMovedOffPreferred(topic: string): Promise<void> {
    await createTopic(topic, { 0: [2, 3], 1: [3, 2] });
    await kill(2);
    await waitUntil('broker 3 leads partition 0', async () => (await admin.state(topic, 0))?.leader === 3);
    await restart(2);
  }

  it('elects the preferred replica on request once it is back in sync, with a code per partition', async () => {
    await leadershipMovedOffPreferred('pref');
    const tp = (partition: number, topic = 'pref') => ({ topic, partition });
    const notInSync = await node.controller.electLeaders('preferred', [tp(0)]);
    expect(notInSync[0]).to.include({ errorCode: 80 });
    expect(notInSync[0].errorMessage).to.match(/not in the ISR/);

    await admin.setIsr('pref', 0, [3, 2]);
    await waitUntil('ISR change seen', () => node.controller.idle().then(async () =>
      (await admin.zk.getChildren(ZkPaths.isrChangeNotification)).length === 0));
    const results = await node.controller.electLeaders('preferred', [tp(0), tp(1), tp(0, 'nope')]);
    expect(results.map((r) => r.errorCode)).to.deep.equal([0, 84, 3]);
    expect(results[0].errorMessage).to.equal(null);
    expect(await admin.state('pref', 0)).to.deep.include({ leader: 2, isr: [3, 2] });
    await waitUntil('LeaderAndIsr to the preferred leader', () => brokers.get(2)!.server.leaderAndIsr()
      .some((r) => r.partitionStates.some((p) => p.topicName === 'pref' && p.partitionIndex === 0 && p.leader === 2)));
    // Failover to 3, then back to the preferred 2: two clean elections.
    expect(elected).to.deep.equal([false, false]);
    // Over all partitions, only those that needed an election are reported.
    expect(await node.controller.electLeaders('preferred', null)).to.deep.equal([]);
  });

  it('carries out /admin/preferred_replica_election and deletes it', async () => {
    await leadershipMovedOffPreferred('zkpref');
    await admin.setIsr('zkpref', 0, [3, 2]);
    await admin.store.createPreferredReplicaElection([{ topic: 'zkpref', partition: 0 }]);
    await waitUntil('request deleted', async () => (await admin.zk.exists(ZkPaths.preferredReplicaElection)) === null);
    expect(await admin.state('zkpref', 0)).to.deep.include({ leader: 2, isr: [3, 2] });
  });

  it('elects an unclean leader on request only where no live broker leads', async () => {
    await createTopic('lossy', { 0: [2, 3], 1: [3, 2] });
    await createTopic('gone', { 0: [2] });
    await admin.setIsr('lossy', 0, [2]);
    await kill(2);
    await waitUntil('partition 0 offline', async () => (await admin.state('lossy', 0))?.leader === -1);
    expect(await admin.state('lossy', 0)).to.deep.include({ isr: [2] });

    const results = await node.controller.electLeaders('unclean', [
      { topic: 'lossy', partition: 0 }, { topic: 'lossy', partition: 1 }, { topic: 'gone', partition: 0 },
    ]);
    expect(results.map((r) => r.errorCode)).to.deep.equal([0, 84, 83]);
    expect(await admin.state('lossy', 0)).to.deep.include({ leader: 3, isr: [3] });
  });

  it("follows a topic's unclean.leader.election.enable override when its last in-sync replica dies", async () => {
    await createTopic('anyleader', { 0: [2, 3] }, { 'unclean.leader.election.enable': 'true' });
    await createTopic('strict', { 0: [2, 3] });
    await admin.setIsr('anyleader', 0, [2]);
    await admin.setIsr('strict', 0, [2]);
    await kill(2);
    await waitUntil('unclean election for the overriding topic', async () => (await admin.state('anyleader', 0))?.leader === 3);
    expect(await admin.state('anyleader', 0)).to.deep.include({ isr: [3] });
    expect(await admin.state('strict', 0)).to.deep.include({ leader: -1, isr: [2] });
    // Only 'anyleader' got a leader, from outside its ISR; going leaderless is no election.
    await waitUntil('the election counted', async () => elected.length > 0);
    expect(elected).to.deep.equal([true]);
  });

  it('gives an offline partition an unclean leader once a config change allows it', async () => {
    await createTopic('later', { 0: [2, 3] });
    await admin.setIsr('later', 0, [2]);
    await kill(2);
    await waitUntil('partition offline', async () => (await admin.state('later', 0))?.leader === -1);
    await admin.store.setTopicConfig('later', { 'unclean.leader.election.enable': 'true' });
    await waitUntil('unclean leader after the config change', async () => (await admin.state('later', 0))?.leader === 3);
    expect(await admin.state('later', 0)).to.deep.include({ isr: [3] });
  });

  it('gives an offline partition an unclean leader once the broker default allows it (a dynamic broker config)', async () => {
    await createTopic('by-default', { 0: [2, 3] });
    await admin.setIsr('by-default', 0, [2]);
    await kill(2);
    await waitUntil('partition offline', async () => (await admin.state('by-default', 0))?.leader === -1);
    // The broker applies a dynamic default to its config object in place, then tells the controller.
    (node.controller as unknown as { options: { config: { uncleanLeaderElectionEnable: boolean } } }).options.config.uncleanLeaderElectionEnable = true;
    node.controller.uncleanElectionDefaultChanged();
    await waitUntil('unclean leader after the default changed', async () => (await admin.state('by-default', 0))?.leader === 3);
    // The controller counts the election when ZooKeeper's answer to its write reaches it, which can
    // be after this test's own read already sees the new state.
    await waitUntil('the election counted', async () => elected.length > 0);
    expect(elected).to.deep.equal([true]);
  });
});
