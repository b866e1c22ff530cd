import { expect } from 'chai';
import { Broker } from '../../lib/broker/broker';
import { Admin } from '../../lib/client/admin';
import { Connection } from '../../lib/client/connection';
import { encodeAssignment, encodeSubscription } from '../../lib/group/consumer-protocol';
import { Api } from '../../lib/protocol/api';
import { ErrorCode as E } from '../../lib/protocol/errors';
import { startBroker, tempDir } from '../helpers/cluster';
import { waitUntil } from '../helpers/wait';
import { startTestZooKeeper, TestZooKeeper } from '../helpers/zookeeper';

const OVERRIDES = {
  'offsets.topic.num.partitions': 3,
  'offsets.topic.replication.factor': 1,
  'group.initial.rebalance.delay.ms': 0,
  'group.min.session.timeout.ms': 500,
};

function joinBody(groupId: string, memberId: string) {
  return {
    groupId, sessionTimeoutMs: 6000, rebalanceTimeoutMs: 6000, memberId, groupInstanceId: null, protocolType: 'consumer',
    protocols: [{ name: 'range', metadata: encodeSubscription({ topics: ['events'] }) }],
  };
}

/** Polls FindCoordinator until the coordinator is known (the first call creates __consumer_offsets). */
async function coordinatorOf(conn: Connection, groupId: string): Promise<number> {
  let nodeId = -1;
  await waitUntil(`a coordinator for ${groupId}`, async () => {
    const r = await conn.send(Api.FindCoordinator, { key: groupId, keyType: 0 });
    nodeId = r.nodeId;
    return r.errorCode === 0;
  }, 20000, 100);
  return nodeId;
}

/** Retries while the coordinator is still loading its partition. */
async function untilLoaded<T extends { errorCode: number }>(what: string, send: () => Promise<T>): Promise<T> {
  let result!: T;
  await waitUntil(what, async () => {
    result = await send();
    return result.errorCode !== E.COORDINATOR_LOAD_IN_PROGRESS.code;
  }, 20000, 50);
  return result;
}

async function memberIdFor(conn: Connection, groupId: string): Promise<string> {
  const first = await untilLoaded('the first join', () => conn.send(Api.JoinGroup, joinBody(groupId, '')));
  expect(first.errorCode).to.equal(E.MEMBER_ID_REQUIRED.code);
  expect(first.memberId).to.match(/^member-a-|^member-b-/);
  return first.memberId;
}

describe('integration/group-coordinator', function () {
  this.timeout(120000);
  let zk: TestZooKeeper;
  let broker: Broker;
  let logDir: string;
  let a: Connection;
  let b: Connection;

  const connect = (clientId: string) => new Connection({ host: '127.0.0.1', port: broker.port, clientId });

  before(async () => {
    zk = await startTestZooKeeper();
    logDir = tempDir('group-coordinator');
    broker = await startBroker({ brokerId: 1, zkConnect: zk.connectString, logDir, overrides: OVERRIDES });
    const admin = new Admin({ bootstrapServers: `127.0.0.1:${broker.port}` });
    await admin.createTopic({ topic: 'events', numPartitions: 4, replicationFactor: 1 });
    await admin.createTopic({ topic: 'doomed', numPartitions: 1, replicationFactor: 1 });
    await admin.close();
    a = connect('member-a');
    b = connect('member-b');
  });

  after(async () => {
    a?.close();
    b?.close();
    await broker?.shutdown();
    await zk?.stop();
  });

  it('creates the internal, compacted __consumer_offsets on the first FindCoordinator and names its leader', async () => {
    const first = await a.send(Api.FindCoordinator, { key: 'orders', keyType: 0 });
    expect(first.errorCode).to.equal(E.COORDINATOR_NOT_AVAILABLE.code);
    expect(await coordinatorOf(a, 'orders')).to.equal(1);
    const admin = new Admin({ bootstrapServers: `127.0.0.1:${broker.port}` });
    const [topic] = await admin.describeTopics(['__consumer_offsets']);
    await admin.close();
    expect(topic.internal).to.equal(true);
    expect(topic.partitions).to.have.length(3);
    const meta = await a.send(Api.DescribeConfigs, { resources: [{ resourceType: 2, resourceName: '__consumer_offsets', configurationKeys: ['cleanup.policy'] }] });
    expect(meta.results[0].configs.find((c) => c.name === 'cleanup.policy')?.value).to.equal('compact');
  });

  it('joins two members over the wire, syncs their assignments and keeps them with heartbeats', async () => {
    const idA = await memberIdFor(a, 'orders');
    const joinA = await a.send(Api.JoinGroup, joinBody('orders', idA));
    expect(joinA).to.deep.include({ errorCode: 0, generationId: 1, leader: idA });
    const idB = await memberIdFor(b, 'orders');
    const joinB = b.send(Api.JoinGroup, joinBody('orders', idB));
    // The leader hears about the newcomer from its heartbeat and rejoins.
    await waitUntil('a rebalance signal', async () => (await a.send(Api.Heartbeat, { groupId: 'orders', generationId: 1, memberId: idA, groupInstanceId: null })).errorCode === E.REBALANCE_IN_PROGRESS.code, 5000, 50);
    const [rejoinA, joinedB] = await Promise.all([a.send(Api.JoinGroup, joinBody('orders', idA)), joinB]);
    expect(rejoinA).to.deep.include({ errorCode: 0, generationId: 2, leader: idA, protocolName: 'range' });
    expect(rejoinA.members.map((m) => m.memberId)).to.have.members([idA, idB]);
    expect(joinedB).to.deep.include({ errorCode: 0, generationId: 2, leader: idA });
    const assignFor = (partitions: number[]) => encodeAssignment({ partitions: partitions.map((partition) => ({ topic: 'events', partition })) });
    const syncB = b.send(Api.SyncGroup, { groupId: 'orders', generationId: 2, memberId: idB, groupInstanceId: null, protocolType: 'consumer', protocolName: 'range', assignments: [] });
    const syncA = await a.send(Api.SyncGroup, {
      groupId: 'orders', generationId: 2, memberId: idA, groupInstanceId: null, protocolType: 'consumer', protocolName: 'range',
      assignments: [{ memberId: idA, assignment: assignFor([0, 1]) }, { memberId: idB, assignment: assignFor([2, 3]) }],
    });
    expect(syncA.assignment).to.deep.equal(assignFor([0, 1]));
    expect((await syncB).assignment).to.deep.equal(assignFor([2, 3]));
    for (const [conn, memberId] of [[a, idA], [b, idB]] as const) {
      expect((await conn.send(Api.Heartbeat, { groupId: 'orders', generationId: 2, memberId, groupInstanceId: null })).errorCode).to.equal(0);
    }
    const described = (await a.send(Api.DescribeGroups, { groups: ['orders'] })).groups[0];
    expect(described).to.deep.include({ errorCode: 0, groupState: 'Stable', protocolType: 'consumer', protocolData: 'range' });
    expect(described.members.map((m) => `${m.clientId} ${m.clientHost}`).sort()).to.deep.equal(['member-a /127.0.0.1', 'member-b /127.0.0.1']);

    const commit = await a.send(Api.OffsetCommit, {
      groupId: 'orders', generationId: 2, memberId: idA, groupInstanceId: null,
      topics: [{ name: 'events', partitions: [0, 1].map((p) => ({ partitionIndex: p, committedOffset: 10 + p, committedLeaderEpoch: -1, committedMetadata: 'm' })) }],
    });
    expect(commit.topics[0].partitions.map((p) => p.errorCode)).to.deep.equal([0, 0]);
    const fetched = await b.send(Api.OffsetFetch, { groupId: 'orders', topics: [{ name: 'events', partitionIndexes: [0, 1, 2] }], requireStable: false });
    expect(fetched.topics[0].partitions.map((p) => p.committedOffset)).to.deep.equal([10, 11, -1]);
    expect(fetched.topics[0].partitions[0].metadata).to.equal('m');
  });

  it('lists groups and refuses to delete one that still has members', async () => {
    const listed = await a.send(Api.ListGroups, { statesFilter: [] });
    expect(listed.groups).to.deep.include({ groupId: 'orders', protocolType: 'consumer', groupState: 'Stable' });
    const deleted = await a.send(Api.DeleteGroups, { groupsNames: ['orders', 'never-seen'] });
    expect(deleted.results.map((r) => r.errorCode)).to.deep.equal([E.NON_EMPTY_GROUP.code, E.GROUP_ID_NOT_FOUND.code]);
  });

  it('reloads committed offsets and the group after the coordinator restarts', async () => {
    const port = broker.port;
    await broker.shutdown();
    a.close();
    b.close();
    broker = await startBroker({ brokerId: 1, zkConnect: zk.connectString, logDir, port, overrides: OVERRIDES });
    a = connect('member-a');
    b = connect('member-b');
    expect(await coordinatorOf(a, 'orders')).to.equal(1);
    const fetched = await untilLoaded('offsets after restart', () => a.send(Api.OffsetFetch, { groupId: 'orders', topics: null, requireStable: false }));
    expect(fetched.errorCode).to.equal(0);
    expect(fetched.topics).to.deep.equal([{
      name: 'events',
      partitions: [
        { partitionIndex: 0, committedOffset: 10, committedLeaderEpoch: -1, metadata: 'm', errorCode: 0 },
        { partitionIndex: 1, committedOffset: 11, committedLeaderEpoch: -1, metadata: 'm', errorCode: 0 },
      ],
    }]);
    const described = (await a.send(Api.DescribeGroups, { groups: ['orders'] })).groups[0];
    expect(described.groupState).to.equal('Stable');
    expect(described.members).to.have.length(2);
  });

  it('empties the group as members leave, then deletes it with its offsets', async () => {
    const before = (await a.send(Api.DescribeGroups, { groups: ['orders'] })).groups[0];
    const left = await a.send(Api.LeaveGroup, { groupId: 'orders', members: before.members.map((m) => ({ memberId: m.memberId, groupInstanceId: null })) });
    expect(left.members.map((m) => m.errorCode)).to.deep.equal([0, 0]);
    await waitUntil('the group to become Empty', async () => (await a.send(Api.DescribeGroups, { groups: ['orders'] })).groups[0].groupState === 'Empty', 5000, 50);
    const deleted = await a.send(Api.DeleteGroups, { groupsNames: ['orders'] });
    expect(deleted.results).to.deep.equal([{ groupId: 'orders', errorCode: 0 }]);
    expect((await a.send(Api.DescribeGroups, { groups: ['orders'] })).groups[0].groupState).to.equal('Dead');
    const fetched = await a.send(Api.OffsetFetch, { groupId: 'orders', topics: null, requireStable: false });
    expect(fetched.topics).to.deep.equal([]);
  });

  it('accepts simple commits and forgets the offsets of a topic once it is deleted', async () => {
    await coordinatorOf(a, 'simple');
    const commit = await untilLoaded('a simple commit', async () => {
      const r = await a.send(Api.OffsetCommit, {
        groupId: 'simple', generationId: -1, memberId: '', groupInstanceId: null,
        topics: [{ name: 'doomed', partitions: [{ partitionIndex: 0, committedOffset: 5, committedLeaderEpoch: -1, committedMetadata: null }] }, { name: 'missing', partitions: [{ partitionIndex: 0, committedOffset: 5, committedLeaderEpoch: -1, committedMetadata: null }] }],
      });
      return { errorCode: r.topics[0].partitions[0].errorCode, r };
    });
    expect(commit.r.topics.map((t) => t.partitions[0].errorCode)).to.deep.equal([0, E.UNKNOWN_TOPIC_OR_PARTITION.code]);
    const admin = new Admin({ bootstrapServers: `127.0.0.1:${broker.port}` });
    await admin.deleteTopic('doomed');
    await admin.close();
    await waitUntil('the offsets of the deleted topic to go', async () => (await a.send(Api.OffsetFetch, { groupId: 'simple', topics: null, requireStable: false })).topics.length === 0, 10000, 100);
  });
});
