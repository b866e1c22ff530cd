import { expect } from 'chai';
import { IsrUpdater } from '../../lib/broker/isr-updater';
import { Partition } from '../../lib/broker/partition';
import { PartitionLog } from '../../lib/storage/partition-log';
import { getLogger } from '../../lib/util/logger';
import { ClusterStore } from '../../lib/zk/cluster-store';
import { ZkClient } from '../../lib/zk/zk-client';
import { waitUntil } from '../helpers/wait';
import { startTestZooKeeper, TestZooKeeper } from '../helpers/zookeeper';

/** The updater only reads the partition's leadership fields; its log is never touched here. */
const NO_LOG = { logStartOffset: 0, logEndOffset: 0, leaderEpochs: { assign: () => undefined } } as unknown as PartitionLog;

describe('broker/isr-updater', function () {
  this.timeout(30000);
  let zk: TestZooKeeper;
  let client: ZkClient;
  let store: ClusterStore;
  let updater: IsrUpdater;
  let n = 0;

  before(async () => {
    zk = await startTestZooKeeper();
  });

  beforeEach(async () => {
    client = await ZkClient.connect({ connectString: `${zk.connectString}/isr-${++n}`, sessionTimeoutMs: 6000 });
    store = new ClusterStore(client);
    await store.ensureBasePaths();
    updater = new IsrUpdater(() => store, getLogger('isr'));
  });

  afterEach(async () => {
    updater.shutdown();
    await client.close();
  });

  after(async () => {
    await zk?.stop();
  });

  /** A leader on broker 1 for t-0 with ISR [1,2,3], as the controller would have created it. */
  async function leaderPartition(): Promise<Partition> {
    const version = await store.createPartitionState('t', 0, { leader: 1, leaderEpoch: 4, controllerEpoch: 2, isr: [1, 2, 3] });
    const partition = new Partition('t', 0, NO_LOG, 1);
    partition.applyState({ topicName: 't', partitionIndex: 0, controllerEpoch: 2, leader: 1, leaderEpoch: 4, isr: [1, 2, 3], zkVersion: version, replicas: [1, 2, 3], isNew: true }, Date.now());
    return partition;
  }

  it('writes the new ISR on the znode version it knows and tells the controller', async () => {
    const partition = await leaderPartition();
    expect(await updater.update(partition, [1, 2], 'test')).to.equal('updated');
    const state = await store.getPartitionState('t', 0);
    expect(state!.value).to.deep.equal({ leader: 1, leaderEpoch: 4, controllerEpoch: 2, isr: [1, 2] });
    expect(partition.isr).to.deep.equal([1, 2]);
    expect(partition.zkVersion).to.equal(state!.version);
    await waitUntil('an ISR change notification', async () => (await store.getIsrChangeNotifications()).some((c) => c.partitions.some((p) => p.topic === 't' && p.partition === 0)), 5000);
  });

  it('is fenced, changing nothing, when the controller wrote the state since', async () => {
    const partition = await leaderPartition();
    await store.setPartitionState('t', 0, { leader: 2, leaderEpoch: 5, controllerEpoch: 2, isr: [2, 3] });
    expect(await updater.update(partition, [1, 2], 'test')).to.equal('fenced');
    expect((await store.getPartitionState('t', 0))!.value.isr).to.deep.equal([2, 3]);
    expect(partition.isr).to.deep.equal([1, 2, 3]);
  });

  it('recognises its own earlier write whose answer was lost and adopts its version', async () => {
    const partition = await leaderPartition();
    const landed = await store.setPartitionState('t', 0, { leader: 1, leaderEpoch: 4, controllerEpoch: 2, isr: [1, 3] });
    expect(await updater.update(partition, [1, 3], 'retry')).to.equal('updated');
    expect(partition.zkVersion).to.equal(landed);
    expect(partition.isr).to.deep.equal([1, 3]);
  });
});
