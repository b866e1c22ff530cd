import { expect } from 'chai';
import { Broker } from '../../lib/broker/broker';
import { Admin } from '../../lib/client/admin';
import { Consumer, ConsumerOptions, ConsumerRecord } from '../../lib/client/consumer';
import { Producer } from '../../lib/client/producer';
import { startBroker } from '../helpers/cluster';
import { waitUntil } from '../helpers/wait';
import { startTestZooKeeper, TestZooKeeper } from '../helpers/zookeeper';

const GROUP_BROKER_OVERRIDES = {
  'offsets.topic.num.partitions': 3,
  'offsets.topic.replication.factor': 1,
  'group.initial.rebalance.delay.ms': 0,
  'group.min.session.timeout.ms': 1000,
};

describe('integration/consumer-groups', function () {
  this.timeout(120000);
  let zk: TestZooKeeper;
  let broker: Broker;
  let bootstrap: string;
  let admin: Admin;
  const consumers: Consumer[] = [];

  function consumer(groupId: string, options: Partial<ConsumerOptions> = {}): Consumer {
    const c = new Consumer({
      bootstrapServers: bootstrap, groupId, autoOffsetReset: 'earliest', sessionTimeoutMs: 6000, heartbeatIntervalMs: 200,
      fetchMaxWaitMs: 100, ...options,
    });
    consumers.push(c);
    return c;
  }

  async function produce(topic: string, values: string[]): Promise<void> {
    const producer = new Producer({ bootstrapServers: bootstrap, lingerMs: 0 });
    await Promise.all(values.map((value, i) => producer.send({ topic, value, partition: i % 6 })));
    await producer.close();
  }

  before(async () => {
    zk = await startTestZooKeeper();
    broker = await startBroker({ brokerId: 1, zkConnect: zk.connectString, overrides: GROUP_BROKER_OVERRIDES });
    bootstrap = `127.0.0.1:${broker.port}`;
    admin = new Admin({ bootstrapServers: bootstrap });
  });

  afterEach(async () => {
    for (const c of consumers.splice(0)) await c.close(5000);
  });

  after(async () => {
    await admin?.close();
    await broker?.shutdown();
    await zk?.stop();
  });

  it('hands partitions over without losing or repeating a record when the application commits on revocation', async () => {
    await admin.createTopic({ topic: 'handover', numPartitions: 6, replicationFactor: 1 });
    const seen = new Map<string, number>();
    const listenerFor = (c: () => Consumer) => ({ onPartitionsRevoked: async () => { await c().commitSync(); } });
    const member = (): Consumer => {
      const c: Consumer = consumer('handover', { enableAutoCommit: false, maxPollRecords: 7 });
      c.subscribe(['handover'], listenerFor(() => c));
      return c;
    };
    const active = [member()];
    const pollAll = async (): Promise<void> => {
      for (const c of active) for (const r of await c.poll(30)) seen.set(r.value!.toString(), (seen.get(r.value!.toString()) ?? 0) + 1);
    };
    const pollUntilSeen = async (n: number): Promise<void> => {
      const deadline = Date.now() + 30000;
      while (seen.size < n && Date.now() < deadline) await pollAll();
    };
    await produce('handover', Array.from({ length: 300 }, (_, i) => `r${i}`));
    await pollUntilSeen(60);
    active.push(member());
    await pollUntilSeen(150);
    await produce('handover', Array.from({ length: 300 }, (_, i) => `r${300 + i}`));
    active.push(member());
    await pollUntilSeen(400);
    // A member leaving on close revokes (and so commits) too.
    const leaving = active.shift()!;
    await leaving.close();
    await pollUntilSeen(600);
    for (let i = 0; i < 10; i++) await pollAll();
    expect(seen.size).to.equal(600);
    expect([...seen].filter(([, n]) => n > 1)).to.deep.equal([]);
  });

  it('resumes a restarted group from its committed offsets', async () => {
    await admin.createTopic({ topic: 'resume', numPartitions: 6, replicationFactor: 1 });
    await produce('resume', Array.from({ length: 60 }, (_, i) => `old${i}`));
    const first = consumer('resume-g', { autoCommitIntervalMs: 100 });
    first.subscribe(['resume']);
    const old: ConsumerRecord[] = [];
    const deadline = Date.now() + 20000;
    while (old.length < 60 && Date.now() < deadline) old.push(...await first.poll(100));
    expect(old).to.have.length(60);
    await first.close();
    await produce('resume', Array.from({ length: 30 }, (_, i) => `new${i}`));
    const second = consumer('resume-g');
    second.subscribe(['resume']);
    const fresh: ConsumerRecord[] = [];
    const until = Date.now() + 20000;
    while (fresh.length < 30 && Date.now() < until) fresh.push(...await second.poll(100));
    for (let i = 0; i < 3; i++) fresh.push(...await second.poll(100));
    expect(fresh.map((r) => r.value!.toString()).sort()).to.deep.equal(Array.from({ length: 30 }, (_, i) => `new${i}`).sort());
    const committed = await admin.listConsumerGroupOffsets('resume-g');
    expect(committed.reduce((sum, o) => sum + o.offset, 0)).to.equal(60);
  });

  it('describes a group through the admin client and deletes it once empty', async () => {
    await admin.createTopic({ topic: 'admin-view', numPartitions: 2, replicationFactor: 1 });
    const c = consumer('admin-g', { clientId: 'viewer', partitionAssignmentStrategy: ['roundrobin'] });
    c.subscribe(['admin-view']);
    await waitUntil('a stable group', async () => {
      await c.poll(50);
      const [d] = await admin.describeConsumerGroups(['admin-g']);
      return d.state === 'Stable' && d.members.length === 1;
    });
    const [d] = await admin.describeConsumerGroups(['admin-g']);
    expect(d).to.deep.include({ groupId: 'admin-g', protocolType: 'consumer', partitionAssignor: 'roundrobin' });
    expect(d.coordinator.nodeId).to.equal(1);
    expect(d.members[0]).to.deep.include({ clientId: 'viewer', assignment: [{ topic: 'admin-view', partition: 0 }, { topic: 'admin-view', partition: 1 }] });
    expect((await admin.listConsumerGroups()).map((g) => g.groupId)).to.include('admin-g');
    expect((await admin.deleteConsumerGroups(['admin-g'])).get('admin-g')?.errorName).to.equal('NON_EMPTY_GROUP');
    await c.close();
    expect((await admin.deleteConsumerGroups(['admin-g'])).get('admin-g')).to.equal(null);
    const [gone] = await admin.describeConsumerGroups(['admin-g']);
    expect(gone.state).to.equal('Dead');
  });
});
