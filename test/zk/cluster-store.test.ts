import { expect } from 'chai';
import { ErrorCode, SamsaError } from '../../lib/protocol/errors';
import { registerBroker } from '../../lib/zk/broker-registration';
import { ClusterStore } from '../../lib/zk/cluster-store';
import { ControllerMovedError } from '../../lib/zk/controller-fence';
import { ZkClient } from '../../lib/zk/zk-client';
import { ZkError } from '../../lib/zk/zk-errors';
import { startTestZooKeeper, TestZooKeeper } from '../helpers/zookeeper';
import { waitUntil } from '../helpers/wait';

async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a failure');
}

describe('zk/cluster-store', function () {
  this.timeout(30000);
  let zk: TestZooKeeper;
  let client: ZkClient;
  let store: ClusterStore;
  let n = 0;

  before(async () => {
    zk = await startTestZooKeeper();
  });

  beforeEach(async () => {
    client = await ZkClient.connect({ connectString: `${zk.connectString}/cluster-${++n}`, sessionTimeoutMs: 6000 });
    store = new ClusterStore(client);
    await store.ensureBasePaths();
  });

  afterEach(async () => {
    await client.close();
  });

  after(async () => {
    await zk?.stop();
  });

  it('creates the base paths brokers and the controller watch', async () => {
    for (const path of ['/brokers/ids', '/brokers/topics', '/config/topics', '/config/changes', '/admin/delete_topics', '/isr_change_notification']) {
      expect(await client.exists(path), path).to.not.equal(null);
    }
    await store.ensureBasePaths(); // idempotent
  });

  it('creates the cluster id once and returns the same one to everyone', async () => {
    const id = await store.getOrCreateClusterId();
    expect(id).to.match(/^[A-Za-z0-9_-]{22}$/);
    expect(await store.getOrCreateClusterId('another')).to.equal(id);
    expect(JSON.parse(String((await client.getData('/cluster/id')).data))).to.deep.equal({ version: '1', id });
  });

  it('lists live brokers with their registration and epoch', async () => {
    const r1 = await registerBroker(client, { brokerId: 2, host: 'b2', port: 9093 });
    await registerBroker(client, { brokerId: 1, host: 'b1', port: 9092, rack: 'r' });
    await client.create('/brokers/ids/9', Buffer.from('{garbage'), 'EPHEMERAL');
    expect(await store.liveBrokerIds()).to.deep.equal([1, 2, 9]);
    const brokers = await store.getLiveBrokers();
    expect([...brokers.keys()].sort()).to.deep.equal([1, 2]);
    expect(brokers.get(2)).to.include({ brokerId: 2, host: 'b2', port: 9093, epoch: r1.brokerEpoch });
    expect(brokers.get(1)?.rack).to.equal('r');
    expect(await store.getBroker(3)).to.equal(null);
  });

  it('creates a topic with its config first, then its assignment', async () => {
    const order: string[] = [];
    await client.watchData('/config/topics/orders', (node) => { if (node) order.push('config'); });
    await client.watchData('/brokers/topics/orders', (node) => { if (node) order.push('assignment'); });
    await store.createTopic('orders', new Map([[0, [1, 2]], [1, [2, 1]]]), { 'retention.ms': '1000' });
    expect(await store.getAllTopics()).to.deep.equal(['orders']);
    expect(await store.topicExists('orders')).to.equal(true);
    expect((await store.getTopicAssignment('orders'))?.partitions).to.deep.equal(new Map([[0, [1, 2]], [1, [2, 1]]]));
    expect(await store.getTopicConfig('orders')).to.deep.equal({ 'retention.ms': '1000' });
    expect(await store.getTopicConfig('unknown')).to.deep.equal({});
    await waitUntil('both watches to fire', () => order.length >= 2, 5000);
    expect(order).to.deep.equal(['config', 'assignment']);
  });

  it('refuses to create a topic that exists or is being deleted', async () => {
    await store.createTopic('t', new Map([[0, [1]]]));
    const exists = await failure(store.createTopic('t', new Map([[0, [1]]]), { a: 'b' }));
    expect(exists).to.be.instanceOf(SamsaError);
    expect((exists as SamsaError).code).to.equal(ErrorCode.TOPIC_ALREADY_EXISTS.code);
    expect(exists.message).to.match(/Topic 't' already exists/);
    expect(await store.getTopicConfig('t')).to.deep.equal({}); // the failed attempt did not touch it
    await store.markTopicForDeletion('t');
    await client.delete('/brokers/topics/t');
    expect((await failure(store.createTopic('t', new Map([[0, [1]]])))).message).to.match(/marked for deletion/);
  });

  it('adds partitions numbered after the existing ones', async () => {
    await store.createTopic('grow', new Map([[0, [1]], [1, [2]]]));
    const updated = await store.addPartitions('grow', new Map([[2, [1]], [3, [2]]]));
    expect([...updated.partitions.keys()]).to.deep.equal([0, 1, 2, 3]);
    expect((await store.getTopicAssignment('grow'))?.partitions.get(3)).to.deep.equal([2]);
    const gap = await failure(store.addPartitions('grow', new Map([[5, [1]]])));
    expect((gap as SamsaError).code).to.equal(ErrorCode.INVALID_PARTITIONS.code);
    expect((await failure(store.addPartitions('nope', new Map([[0, [1]]])) ) as SamsaError).code).to.equal(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION.code);
  });

  it('updates topic config and notifies brokers through /config/changes', async () => {
    await store.createTopic('c', new Map([[0, [1]]]));
    await store.setTopicConfig('c', { 'cleanup.policy': 'compact' });
    expect(await store.getTopicConfig('c')).to.deep.equal({ 'cleanup.policy': 'compact' });
    const changes = await store.getConfigChangeNotifications();
    expect(changes).to.have.length(1);
    expect(changes[0]).to.include({ sequence: 0, entityPath: 'topics/c' });
    expect(changes[0].name).to.equal('config_change_0000000000');
  });

  it('keeps partition state with its znode version as a compare-and-set token', async () => {
    await store.createTopic('p', new Map([[0, [1, 2]]]));
    const state = { leader: 1, leaderEpoch: 0, isr: [1, 2], controllerEpoch: 1 };
    expect(await store.createPartitionState('p', 0, state)).to.equal(0);
    expect(await store.getPartitionState('p', 0)).to.deep.equal({ value: state, version: 0 });
    expect(await store.setPartitionState('p', 0, { ...state, isr: [1] }, 0)).to.equal(1);
    const stale = await failure(store.setPartitionState('p', 0, { ...state, isr: [2] }, 0));
    expect((stale as ZkError).code).to.equal('BAD_VERSION');
    expect((await store.getPartitionState('p', 0))?.value.isr).to.deep.equal([1]);
    expect(await store.setPartitionState('p', 1, state)).to.equal(0); // create-or-update
    expect(await store.setPartitionState('p', 1, { ...state, leader: 2 })).to.equal(1);
    const all = await store.getPartitionStates('p');
    expect([...all.keys()]).to.deep.equal([0, 1]);
    expect(all.get(1)?.value.leader).to.equal(2);
    expect(await store.getPartitionState('p', 7)).to.equal(null);
  });

  it('marks topics for deletion and deletes all their znodes', async () => {
    await store.createTopic('gone', new Map([[0, [1]], [1, [1]]]), { a: 'b' });
    await store.createPartitionState('gone', 0, { leader: 1, leaderEpoch: 0, isr: [1], controllerEpoch: 1 });
    await store.markTopicForDeletion('gone');
    await store.markTopicForDeletion('gone'); // idempotent
    expect(await store.getTopicsMarkedForDeletion()).to.deep.equal(['gone']);
    await store.deleteTopicZnodes('gone');
    expect(await client.exists('/brokers/topics/gone')).to.equal(null);
    expect(await client.exists('/config/topics/gone')).to.equal(null);
    expect(await store.getTopicsMarkedForDeletion()).to.deep.equal([]);
    const unknown = await failure(store.markTopicForDeletion('never'));
    expect((unknown as SamsaError).code).to.equal(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION.code);
  });

  it('fences controller writes with the epoch znode version', async () => {
    await store.createTopic('f', new Map([[0, [1]]]));
    const won = await store.tryBecomeController(1);
    if (!won.won) throw new Error('expected to win');
    const fence = { epochZkVersion: won.epochZkVersion };
    const state = { leader: 1, leaderEpoch: 0, isr: [1], controllerEpoch: won.epoch };
    await store.createPartitionState('f', 0, state, fence);
    expect(await store.setPartitionState('f', 0, { ...state, leaderEpoch: 1 }, 0, fence)).to.equal(1);
    // Another controller takes over: bump the epoch behind this one's back.
    await client.setData('/controller_epoch', Buffer.from(String(won.epoch + 1)));
    const moved = await failure(store.setPartitionState('f', 0, { ...state, leaderEpoch: 2 }, 1, fence));
    expect(moved).to.be.instanceOf(ControllerMovedError);
    expect((moved as SamsaError).code).to.equal(ErrorCode.NOT_CONTROLLER.code);
    expect((await store.getPartitionState('f', 0))?.value.leaderEpoch).to.equal(1);
    expect(await failure(store.deleteTopicZnodes('f', fence))).to.be.instanceOf(ControllerMovedError);
    expect(await store.topicExists('f')).to.equal(true);
  });

  it('queues ISR change notifications in order and deletes them once handled', async () => {
    await store.createIsrChangeNotification([{ topic: 'a', partition: 0 }]);
    await store.createIsrChangeNotification([{ topic: 'b', partition: 1 }, { topic: 'b', partition: 2 }]);
    const pending = await store.getIsrChangeNotifications();
    expect(pending.map((p) => p.name)).to.deep.equal(['isr_change_0000000000', 'isr_change_0000000001']);
    expect(pending[1].partitions).to.deep.equal([{ topic: 'b', partition: 1 }, { topic: 'b', partition: 2 }]);
    await store.deleteIsrChangeNotifications(pending.map((p) => p.name));
    expect(await store.getIsrChangeNotifications()).to.deep.equal([]);
  });

  it('stores reassignment and preferred election requests', async () => {
    expect(await store.getPartitionReassignment()).to.equal(null);
    await store.createPartitionReassignment([{ topic: 't', partition: 0, replicas: [2, 3] }]);
    expect(await store.getPartitionReassignment()).to.deep.equal([{ topic: 't', partition: 0, replicas: [2, 3] }]);
    expect(((await failure(store.createPartitionReassignment([]))) as ZkError).code).to.equal('NODE_EXISTS');
    await store.deletePartitionReassignment();
    await store.createPreferredReplicaElection([{ topic: 't', partition: 1 }]);
    expect(await store.getPreferredReplicaElection()).to.deep.equal([{ topic: 't', partition: 1 }]);
    await store.deletePreferredReplicaElection();
    expect(await store.getPreferredReplicaElection()).to.equal(null);
  });

  it('hands out consecutive producer id blocks', async () => {
    const first = await store.allocateProducerIdBlock(1);
    const [second, third] = await Promise.all([store.allocateProducerIdBlock(2), store.allocateProducerIdBlock(3)]);
    expect(first).to.deep.equal({ brokerId: 1, blockStart: 0n, blockEnd: 999n });
    const starts = [second.blockStart, third.blockStart].sort((a, b) => (a < b ? -1 : 1));
    expect(starts).to.deep.equal([1000n, 2000n]);
  });
});
