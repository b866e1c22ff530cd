import { expect } from 'chai';
import { Broker } from '../../../lib/broker/broker';
import { Admin } from '../../../lib/client/admin';
import { decodeAssignment, encodeAssignment, encodeSubscription } from '../../../lib/group/consumer-protocol';
import { ErrorCode as E } from '../../../lib/protocol/errors';
import { KafkaApiVersions } from '../../../lib/protocol/kafka/messages/metadata';
import { KafkaDeleteGroups, KafkaDescribeGroups, KafkaListGroups } from '../../../lib/protocol/kafka/messages/group-admin';
import {
  KafkaFindCoordinator, KafkaHeartbeat, KafkaJoinGroup, KafkaLeaveGroup, KafkaSyncGroup,
} from '../../../lib/protocol/kafka/messages/group-membership';
import { KafkaOffsetCommit, KafkaOffsetDelete, KafkaOffsetFetch } from '../../../lib/protocol/kafka/messages/group-offsets';
import { startBroker, tempDir } from '../../helpers/cluster';
import { KafkaWireClient } from '../../helpers/kafka-wire-client';
import { waitUntil } from '../../helpers/wait';
import { startTestZooKeeper, TestZooKeeper } from '../../helpers/zookeeper';

const OVERRIDES = {
  listeners: 'PLAINTEXT://127.0.0.1:0,KAFKA://127.0.0.1:0',
  'offsets.topic.num.partitions': 3,
  'offsets.topic.replication.factor': 1,
  // Long enough for two members sent together to land in the first generation.
  'group.initial.rebalance.delay.ms': 300,
  'group.min.session.timeout.ms': 500,
};
const NOT_REQUESTED = -2147483648;
const SUBSCRIPTION = encodeSubscription({ topics: ['events'] });
const assignmentOf = (partitions: number[]) => encodeAssignment({ partitions: partitions.map((partition) => ({ topic: 'events', partition })) });

function joinBody(groupId: string, memberId: string, sessionTimeoutMs = 6000) {
  return {
    groupId, sessionTimeoutMs, rebalanceTimeoutMs: 6000, memberId, groupInstanceId: null, protocolType: 'consumer',
    protocols: [{ name: 'range', metadata: SUBSCRIPTION }], reason: null,
  };
}

function commitBody(groupId: string, generationId: number, memberId: string, offsets: Array<[string, number, number]>) {
  return {
    groupId, generationId, memberId, groupInstanceId: null, retentionTimeMs: -1,
    topics: [...new Set(offsets.map(([t]) => t))].map((name) => ({
      name,
      partitions: offsets.filter(([t]) => t === name).map(([, partitionIndex, committedOffset]) => ({
        partitionIndex, committedOffset, committedLeaderEpoch: 3, committedMetadata: 'm',
      })),
    })),
  };
}

const errorCodes = (r: { topics: Array<{ name: string; partitions: Array<{ partitionIndex: number; errorCode: number }> }> }) =>
  r.topics.flatMap((t) => t.partitions.map((p) => `${t.name}-${p.partitionIndex}:${p.errorCode}`));

describe('broker/kafka group APIs over a real broker', function () {
  this.timeout(120000);
  let zk: TestZooKeeper;
  let broker: Broker;
  let kafkaPort: number;
  let a: KafkaWireClient;
  let b: KafkaWireClient;

  before(async () => {
    zk = await startTestZooKeeper();
    broker = await startBroker({ brokerId: 1, zkConnect: zk.connectString, logDir: tempDir('kafka-groups'), overrides: OVERRIDES });
    const admin = new Admin({ bootstrapServers: `127.0.0.1:${broker.port}` });
    await admin.createTopic({ topic: 'events', numPartitions: 4, replicationFactor: 1 });
    await admin.createTopic({ topic: 'side', numPartitions: 1, replicationFactor: 1 });
    await admin.close();
    kafkaPort = broker.boundPort('KAFKA');
    a = new KafkaWireClient(kafkaPort, 'member-a');
    b = new KafkaWireClient(kafkaPort, 'member-b');
    // The first FindCoordinator creates __consumer_offsets; wait until its partitions are led and loaded.
    await waitUntil('a group coordinator', async () => (await a.send(KafkaFindCoordinator, 0, { key: 'warmup', keyType: 0, coordinatorKeys: [] })).errorCode === 0, 20000, 100);
    await waitUntil('the offsets partitions to load', async () => (await a.send(KafkaListGroups, 4, { statesFilter: [] })).errorCode === 0, 20000, 50);
  });

  after(async () => {
    a?.close();
    b?.close();
    await broker?.shutdown();
    await zk?.stop();
  });

  it('advertises exactly the served group API versions in ApiVersions', async () => {
    const { apiKeys } = await a.send(KafkaApiVersions, 3, { clientSoftwareName: 'test', clientSoftwareVersion: '1' });
    const served = Object.fromEntries(apiKeys.map((k) => [k.apiKey, `${k.minVersion}-${k.maxVersion}`]));
    expect(served).to.include({ 8: '2-8', 9: '1-8', 10: '0-4', 11: '0-9', 12: '0-4', 13: '0-5', 14: '0-5', 15: '0-5', 16: '0-4', 42: '0-2', 47: '0-0' });
  });

  it('finds group coordinators one key at a time (v0-3) and in batches (v4), and transaction coordinators (key type 1)', async () => {
    // The coordinator is named by its endpoint on the listener the request came in on.
    expect(kafkaPort).to.not.equal(broker.port);
    for (const version of [0, 1, 3]) {
      const r = await a.send(KafkaFindCoordinator, version, { key: 'orders', keyType: 0, coordinatorKeys: [] });
      expect(r).to.deep.include({ errorCode: 0, nodeId: 1, host: '127.0.0.1', port: kafkaPort });
    }
    const batch = await a.send(KafkaFindCoordinator, 4, { key: '', keyType: 0, coordinatorKeys: ['orders', 'other', ''] });
    expect(batch.coordinators.map((c) => `${c.key}:${c.errorCode}:${c.nodeId}`)).to.deep.equal(['orders:0:1', 'other:0:1', `:${E.INVALID_GROUP_ID.code}:-1`]);
    expect(batch.coordinators[0]).to.deep.include({ host: '127.0.0.1', port: kafkaPort, errorMessage: null });
    // The first transactional lookup creates __transaction_state and answers COORDINATOR_NOT_AVAILABLE until it has leaders.
    const creating = await a.send(KafkaFindCoordinator, 4, { key: '', keyType: 1, coordinatorKeys: ['tx-1', 'tx-2'] });
    expect(creating.coordinators.map((c) => `${c.key}:${c.errorCode}:${c.nodeId}`)).to.deep.equal([`tx-1:${E.COORDINATOR_NOT_AVAILABLE.code}:-1`, `tx-2:${E.COORDINATOR_NOT_AVAILABLE.code}:-1`]);
    await waitUntil('transaction coordinators', async () => (await a.send(KafkaFindCoordinator, 4, { key: '', keyType: 1, coordinatorKeys: ['tx-1', 'tx-2'] }))
      .coordinators.every((c) => c.errorCode === 0 && c.nodeId === 1 && c.port === kafkaPort), 30_000, 100);
    expect(await a.send(KafkaFindCoordinator, 1, { key: 'tx-1', keyType: 1, coordinatorKeys: [] })).to.deep.include({ errorCode: 0, nodeId: 1, port: kafkaPort });
    expect((await a.send(KafkaFindCoordinator, 1, { key: '', keyType: 1, coordinatorKeys: [] })).errorCode).to.equal(E.INVALID_REQUEST.code);
  });

  it('runs a whole group life at the highest versions: join, sync, heartbeat, commit, fetch, describe, leave', async () => {
    const first = await Promise.all([a.send(KafkaJoinGroup, 9, joinBody('modern', '')), b.send(KafkaJoinGroup, 9, joinBody('modern', ''))]);
    expect(first.map((r) => r.errorCode)).to.deep.equal([E.MEMBER_ID_REQUIRED.code, E.MEMBER_ID_REQUIRED.code]);
    const [idA, idB] = first.map((r) => r.memberId);
    expect(idA).to.match(/^member-a-/);
    const [joinA, joinB] = await Promise.all([a.send(KafkaJoinGroup, 9, joinBody('modern', idA)), b.send(KafkaJoinGroup, 9, joinBody('modern', idB))]);
    for (const j of [joinA, joinB]) {
      expect(j).to.deep.include({ errorCode: 0, generationId: 1, protocolType: 'consumer', protocolName: 'range', skipAssignment: false });
    }
    const [leader, follower] = joinA.leader === idA ? [{ c: a, id: idA, j: joinA }, { c: b, id: idB, j: joinB }] : [{ c: b, id: idB, j: joinB }, { c: a, id: idA, j: joinA }];
    expect(leader.j.members.map((m) => m.memberId)).to.have.members([idA, idB]);
    expect(leader.j.members[0]).to.deep.include({ groupInstanceId: null, metadata: SUBSCRIPTION });
    expect(follower.j.members).to.deep.equal([]);

    const syncBody = (memberId: string, assignments: Array<{ memberId: string; assignment: Buffer }>) => ({
      groupId: 'modern', generationId: 1, memberId, groupInstanceId: null, protocolType: 'consumer', protocolName: 'range', assignments,
    });
    const followerSync = follower.c.send(KafkaSyncGroup, 5, syncBody(follower.id, []));
    const leaderSync = await leader.c.send(KafkaSyncGroup, 5, syncBody(leader.id, [
      { memberId: leader.id, assignment: assignmentOf([0, 1]) }, { memberId: follower.id, assignment: assignmentOf([2, 3]) },
    ]));
    expect(leaderSync).to.deep.include({ errorCode: 0, protocolType: 'consumer', protocolName: 'range' });
    expect(decodeAssignment(leaderSync.assignment).partitions.map((p) => p.partition)).to.deep.equal([0, 1]);
    expect(decodeAssignment((await followerSync).assignment).partitions.map((p) => p.partition)).to.deep.equal([2, 3]);
    const wrongProtocol = await leader.c.send(KafkaSyncGroup, 5, { ...syncBody(leader.id, []), protocolName: 'roundrobin' });
    expect(wrongProtocol.errorCode).to.equal(E.INCONSISTENT_GROUP_PROTOCOL.code);

    for (const m of [leader, follower]) {
      expect((await m.c.send(KafkaHeartbeat, 4, { groupId: 'modern', generationId: 1, memberId: m.id, groupInstanceId: null })).errorCode).to.equal(0);
    }
    expect((await a.send(KafkaHeartbeat, 4, { groupId: 'modern', generationId: 0, memberId: idA, groupInstanceId: null })).errorCode).to.equal(E.ILLEGAL_GENERATION.code);

    const commit = await leader.c.send(KafkaOffsetCommit, 8, commitBody('modern', 1, leader.id, [['events', 0, 10], ['events', 1, 11], ['side', 0, 5]]));
    expect(errorCodes(commit)).to.deep.equal(['events-0:0', 'events-1:0', 'side-0:0']);
    const fetched = await follower.c.send(KafkaOffsetFetch, 8, {
      groupId: '', topics: null, requireStable: true,
      groups: [{ groupId: 'modern', topics: null }, { groupId: 'nobody', topics: [{ name: 'events', partitionIndexes: [0] }] }],
    });
    expect(fetched.groups.map((g) => g.groupId)).to.deep.equal(['modern', 'nobody']);
    expect(fetched.groups[0].topics).to.deep.equal([
      { name: 'events', partitions: [0, 1].map((p) => ({ partitionIndex: p, committedOffset: 10 + p, committedLeaderEpoch: 3, metadata: 'm', errorCode: 0 })) },
      { name: 'side', partitions: [{ partitionIndex: 0, committedOffset: 5, committedLeaderEpoch: 3, metadata: 'm', errorCode: 0 }] },
    ]);
    expect(fetched.groups[1]).to.deep.equal({
      groupId: 'nobody', errorCode: 0,
      topics: [{ name: 'events', partitions: [{ partitionIndex: 0, committedOffset: -1, committedLeaderEpoch: -1, metadata: '', errorCode: 0 }] }],
    });

    const described = (await a.send(KafkaDescribeGroups, 5, { groups: ['modern'], includeAuthorizedOperations: true })).groups[0];
    expect(described).to.deep.include({ errorCode: 0, groupState: 'Stable', protocolType: 'consumer', protocolData: 'range', authorizedOperations: NOT_REQUESTED });
    expect(described.members.map((m) => `${m.clientId} ${m.clientHost} ${m.groupInstanceId}`).sort()).to.deep.equal(['member-a /127.0.0.1 null', 'member-b /127.0.0.1 null']);

    // OffsetDelete while members subscribe to `events`: only `side` may go.
    const partial = await a.send(KafkaOffsetDelete, 0, { groupId: 'modern', topics: [{ name: 'events', partitions: [{ partitionIndex: 0 }] }, { name: 'side', partitions: [{ partitionIndex: 0 }] }] });
    expect(partial.errorCode).to.equal(0);
    expect(errorCodes(partial)).to.deep.equal([`events-0:${E.GROUP_SUBSCRIBED_TO_TOPIC.code}`, 'side-0:0']);
    expect((await a.send(KafkaDeleteGroups, 2, { groupsNames: ['modern'] })).results).to.deep.equal([{ groupId: 'modern', errorCode: E.NON_EMPTY_GROUP.code }]);

    const left = await a.send(KafkaLeaveGroup, 5, {
      groupId: 'modern', memberId: '',
      members: [{ memberId: idA, groupInstanceId: null, reason: 'done' }, { memberId: idB, groupInstanceId: null, reason: null }, { memberId: 'ghost', groupInstanceId: null, reason: null }],
    });
    expect(left).to.deep.equal({
      throttleTimeMs: 0, errorCode: 0,
      members: [{ memberId: idA, groupInstanceId: null, errorCode: 0 }, { memberId: idB, groupInstanceId: null, errorCode: 0 }, { memberId: 'ghost', groupInstanceId: null, errorCode: E.UNKNOWN_MEMBER_ID.code }],
    });
    await waitUntil('the group to become Empty', async () => (await a.send(KafkaDescribeGroups, 5, { groups: ['modern'], includeAuthorizedOperations: false })).groups[0].groupState === 'Empty', 5000, 50);
    const afterEmpty = await a.send(KafkaOffsetDelete, 0, { groupId: 'modern', topics: [{ name: 'events', partitions: [{ partitionIndex: 0 }] }, { name: 'nope', partitions: [{ partitionIndex: 0 }] }] });
    expect(errorCodes(afterEmpty)).to.deep.equal(['events-0:0', `nope-0:${E.UNKNOWN_TOPIC_OR_PARTITION.code}`]);
    const remaining = await a.send(KafkaOffsetFetch, 7, { groupId: 'modern', topics: null, groups: [], requireStable: false });
    expect(errorCodes({ topics: remaining.topics })).to.deep.equal(['events-1:0']);
    expect((await a.send(KafkaDeleteGroups, 2, { groupsNames: ['modern'] })).results).to.deep.equal([{ groupId: 'modern', errorCode: 0 }]);
    expect(await a.send(KafkaOffsetDelete, 0, { groupId: 'modern', topics: [] })).to.deep.equal({ errorCode: E.GROUP_ID_NOT_FOUND.code, throttleTimeMs: 0, topics: [] });
  });

  it('runs a whole group life at v0/v1: members join without MEMBER_ID_REQUIRED and both get assignments', async () => {
    const body = (memberId: string) => ({ ...joinBody('classic', memberId), rebalanceTimeoutMs: -1 });
    const [joinA, joinB] = await Promise.all([a.send(KafkaJoinGroup, 0, body('')), b.send(KafkaJoinGroup, 1, { ...body(''), rebalanceTimeoutMs: 6000 })]);
    for (const j of [joinA, joinB]) expect(j).to.deep.include({ errorCode: 0, generationId: 1, protocolName: 'range', leader: joinA.leader });
    expect(joinA.memberId).to.match(/^member-a-/);
    expect(joinB.memberId).to.match(/^member-b-/);
    const [leader, follower] = joinA.leader === joinA.memberId ? [{ c: a, j: joinA }, { c: b, j: joinB }] : [{ c: b, j: joinB }, { c: a, j: joinA }];
    expect(leader.j.members.map((m) => m.memberId)).to.have.members([joinA.memberId, joinB.memberId]);
    const syncBody = (memberId: string, assignments: Array<{ memberId: string; assignment: Buffer }>) => ({
      groupId: 'classic', generationId: 1, memberId, groupInstanceId: null, protocolType: null, protocolName: null, assignments,
    });
    const followerSync = follower.c.send(KafkaSyncGroup, 0, syncBody(follower.j.memberId, []));
    const leaderSync = await leader.c.send(KafkaSyncGroup, 0, syncBody(leader.j.memberId, [
      { memberId: leader.j.memberId, assignment: assignmentOf([0, 2]) }, { memberId: follower.j.memberId, assignment: assignmentOf([1, 3]) },
    ]));
    expect(leaderSync.errorCode).to.equal(0);
    expect(decodeAssignment(leaderSync.assignment).partitions.map((p) => p.partition)).to.deep.equal([0, 2]);
    const followerAnswer = await followerSync;
    expect(followerAnswer.errorCode).to.equal(0);
    expect(decodeAssignment(followerAnswer.assignment).partitions.map((p) => p.partition)).to.deep.equal([1, 3]);
    expect((await a.send(KafkaHeartbeat, 0, { groupId: 'classic', generationId: 1, memberId: joinA.memberId, groupInstanceId: null })).errorCode).to.equal(0);

    const commit = await leader.c.send(KafkaOffsetCommit, 2, commitBody('classic', 1, leader.j.memberId, [['events', 0, 7]]));
    expect(errorCodes(commit)).to.deep.equal(['events-0:0']);
    const fetched = await follower.c.send(KafkaOffsetFetch, 1, { groupId: 'classic', topics: [{ name: 'events', partitionIndexes: [0, 1] }], groups: [], requireStable: false });
    expect(fetched.topics[0].partitions.map((p) => `${p.partitionIndex}@${p.committedOffset}:${p.committedLeaderEpoch}`)).to.deep.equal(['0@7:-1', '1@-1:-1']);
    expect((await a.send(KafkaListGroups, 0, { statesFilter: [] })).groups).to.deep.include({ groupId: 'classic', protocolType: 'consumer', groupState: '' });

    for (const [c, memberId] of [[a, joinA.memberId], [b, joinB.memberId]] as const) {
      expect(await c.send(KafkaLeaveGroup, 0, { groupId: 'classic', memberId, members: [] })).to.deep.equal({ throttleTimeMs: 0, errorCode: 0, members: [] });
    }
    expect((await a.send(KafkaLeaveGroup, 1, { groupId: 'classic', memberId: joinA.memberId, members: [] })).errorCode).to.equal(E.UNKNOWN_MEMBER_ID.code);
    await waitUntil('the group to become Empty', async () => (await a.send(KafkaDescribeGroups, 0, { groups: ['classic'], includeAuthorizedOperations: false })).groups[0].groupState === 'Empty', 5000, 50);
    expect((await a.send(KafkaDeleteGroups, 0, { groupsNames: ['classic', 'never'] })).results.map((r) => r.errorCode)).to.deep.equal([0, E.GROUP_ID_NOT_FOUND.code]);
  });

  it('filters ListGroups by state from v4, case-insensitively', async () => {
    const simple = await a.send(KafkaOffsetCommit, 2, commitBody('standalone', -1, '', [['events', 0, 1]]));
    expect(errorCodes(simple)).to.deep.equal(['events-0:0']);
    const first = await a.send(KafkaJoinGroup, 5, joinBody('busy', ''));
    const joined = await a.send(KafkaJoinGroup, 5, joinBody('busy', first.memberId));
    expect(joined.errorCode).to.equal(0);
    const ids = async (statesFilter: string[]) => (await a.send(KafkaListGroups, 4, { statesFilter })).groups.map((g) => `${g.groupId}:${g.groupState}`).sort();
    expect(await ids(['Empty'])).to.deep.equal(['standalone:Empty']);
    expect(await ids(['completingrebalance'])).to.deep.equal(['busy:CompletingRebalance']);
    expect(await ids([])).to.include.members(['busy:CompletingRebalance', 'standalone:Empty']);
    expect(await ids(['Dead'])).to.deep.equal([]);
    await a.send(KafkaLeaveGroup, 3, { groupId: 'busy', memberId: '', members: [{ memberId: first.memberId, groupInstanceId: null, reason: null }] });
  });

  it('answers errors where each version can carry them', async () => {
    // A refused JoinGroup before v7 must still carry a (non-null) protocol name.
    const refused = await a.send(KafkaJoinGroup, 6, joinBody('strict', '', 1));
    expect(refused).to.deep.include({ errorCode: E.INVALID_SESSION_TIMEOUT.code, generationId: -1, protocolName: '', leader: '' });
    // OffsetFetch v1 has no group-level error: it is repeated on every partition asked for.
    const v1 = await a.send(KafkaOffsetFetch, 1, { groupId: '', topics: [{ name: 'events', partitionIndexes: [0, 1] }], groups: [], requireStable: false });
    expect(v1.topics[0].partitions.map((p) => `${p.committedOffset}:${p.errorCode}`)).to.deep.equal([`-1:${E.INVALID_GROUP_ID.code}`, `-1:${E.INVALID_GROUP_ID.code}`]);
    const v2 = await a.send(KafkaOffsetFetch, 2, { groupId: '', topics: [{ name: 'events', partitionIndexes: [0] }], groups: [], requireStable: false });
    expect(v2).to.deep.include({ errorCode: E.INVALID_GROUP_ID.code, topics: [] });
    const commit = await a.send(KafkaOffsetCommit, 7, commitBody('fresh', 3, 'someone', [['events', 0, 1]]));
    expect(errorCodes(commit)).to.deep.equal([`events-0:${E.ILLEGAL_GENERATION.code}`]);
    const hb = await a.send(KafkaHeartbeat, 2, { groupId: 'nobody', generationId: 1, memberId: 'x', groupInstanceId: null });
    expect(hb.errorCode).to.equal(E.UNKNOWN_MEMBER_ID.code);
    const described = await a.send(KafkaDescribeGroups, 4, { groups: ['', 'never-seen'], includeAuthorizedOperations: false });
    expect(described.groups.map((g) => `${g.groupId}:${g.errorCode}:${g.groupState}`)).to.deep.equal([`:${E.INVALID_GROUP_ID.code}:`, 'never-seen:0:Dead']);
  });
});
