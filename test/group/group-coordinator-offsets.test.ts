import { expect } from 'chai';
import { ErrorCode as E } from '../../lib/protocol/errors';
import { encodeRecordBatch } from '../../lib/record/record-batch';
import { encodeGroupMetadataKey, encodeOffsetCommitKey, encodeOffsetCommitValue } from '../../lib/group/offsets-records';
import { Harness, joinWithId, newCoordinator, peek, settle, TEST_CONFIG, useLeadingCoordinator } from './coordinator-harness';

function commit(partitions: Array<[string, number, number]>, overrides: { groupId?: string; generationId?: number; memberId?: string; metadata?: string } = {}) {
  const byTopic = new Map<string, Array<{ partitionIndex: number; committedOffset: number; committedLeaderEpoch: number; committedMetadata: string | null }>>();
  for (const [topic, partitionIndex, committedOffset] of partitions) {
    const list = byTopic.get(topic) ?? [];
    list.push({ partitionIndex, committedOffset, committedLeaderEpoch: 3, committedMetadata: overrides.metadata ?? null });
    byTopic.set(topic, list);
  }
  return {
    groupId: overrides.groupId ?? 'g', generationId: overrides.generationId ?? -1, memberId: overrides.memberId ?? '', groupInstanceId: null,
    topics: [...byTopic].map(([name, ps]) => ({ name, partitions: ps })),
  };
}

function codes(result: { topics: Array<{ name: string; partitions: Array<{ partitionIndex: number; errorCode: number }> }> }): string[] {
  return result.topics.flatMap((t) => t.partitions.map((p) => `${t.name}-${p.partitionIndex}:${p.errorCode}`));
}

function fetched(h: Harness, groupId = 'g', topics: Array<{ name: string; partitionIndexes: number[] }> | null = null): string[] {
  const r = h.coordinator.offsets.fetch({ groupId, topics, requireStable: false });
  expect(r.errorCode).to.equal(0);
  return r.topics.flatMap((t) => t.partitions.map((p) => `${t.name}-${p.partitionIndex}@${p.committedOffset}`));
}

describe('group/group-coordinator offsets', () => {
  const h = useLeadingCoordinator();

  it('answers a commit only after the append succeeds, and only then shows the offset', async () => {
    let release!: () => void;
    h.replicas.hold = new Promise((r) => { release = r; });
    const pending = h.coordinator.offsets.commit(commit([['t', 0, 42], ['t', 1, 7]]));
    expect(await peek(pending)).to.equal('pending');
    expect(fetched(h, 'g', [{ name: 't', partitionIndexes: [0] }])).to.deep.equal(['t-0@-1']);
    release();
    h.replicas.hold = null;
    expect(codes(await pending)).to.deep.equal(['t-0:0', 't-1:0']);
    expect(fetched(h)).to.deep.equal(['t-0@42', 't-1@7']);
    const r = h.coordinator.offsets.fetch({ groupId: 'g', topics: [{ name: 't', partitionIndexes: [0, 2] }, { name: 'zz', partitionIndexes: [0] }], requireStable: false });
    expect(r.topics[0].partitions[0]).to.deep.include({ committedOffset: 42, committedLeaderEpoch: 3, metadata: '' });
    expect(r.topics[0].partitions[1]).to.deep.include({ committedOffset: -1, committedLeaderEpoch: -1, errorCode: 0 });
    expect(r.topics[1].partitions[0].committedOffset).to.equal(-1);
  });

  it('validates each partition and the committer', async () => {
    const mixed = await h.coordinator.offsets.commit(commit([['t', 0, 1], ['t', 9, 1], ['nope', 0, 1]]));
    expect(codes(mixed)).to.deep.equal(['t-0:0', 't-9:3', 'nope-0:3']);
    const big = await h.coordinator.offsets.commit(commit([['t', 1, 1]], { metadata: 'x'.repeat(TEST_CONFIG.offsetMetadataMaxBytes + 1) }));
    expect(codes(big)).to.deep.equal([`t-1:${E.OFFSET_METADATA_TOO_LARGE.code}`]);
    expect(codes(await h.coordinator.offsets.commit(commit([['t', 0, 1]], { groupId: 'new', generationId: 1, memberId: 'm' })))).to.deep.equal([`t-0:${E.ILLEGAL_GENERATION.code}`]);
    expect(codes(await h.coordinator.offsets.commit(commit([['t', 0, 1]], { groupId: '' })))).to.deep.equal([`t-0:${E.INVALID_GROUP_ID.code}`]);
  });

  it('lets only current members commit once the group is managed', async () => {
    const a = await joinWithId(h);
    const joined = await a.joined;
    const asMember = (generationId: number, memberId: string) => h.coordinator.offsets.commit(commit([['t', 0, 5]], { generationId, memberId }));
    expect(codes(await asMember(1, a.memberId))).to.deep.equal([`t-0:${E.REBALANCE_IN_PROGRESS.code}`]);
    await h.coordinator.membership.sync({ groupId: 'g', generationId: joined.generationId, memberId: a.memberId, groupInstanceId: null, protocolType: null, protocolName: null, assignments: [] });
    expect(codes(await asMember(1, a.memberId))).to.deep.equal(['t-0:0']);
    expect(codes(await asMember(0, a.memberId))).to.deep.equal([`t-0:${E.ILLEGAL_GENERATION.code}`]);
    expect(codes(await asMember(1, 'stranger'))).to.deep.equal([`t-0:${E.UNKNOWN_MEMBER_ID.code}`]);
    expect(codes(await asMember(-1, ''))).to.deep.equal([`t-0:${E.UNKNOWN_MEMBER_ID.code}`]);
  });

  it('translates append errors and leaves the offset unchanged', async () => {
    await h.coordinator.offsets.commit(commit([['t', 0, 1]]));
    h.replicas.failWith = E.NOT_ENOUGH_REPLICAS.code;
    expect(codes(await h.coordinator.offsets.commit(commit([['t', 0, 2]])))).to.deep.equal([`t-0:${E.COORDINATOR_NOT_AVAILABLE.code}`]);
    h.replicas.failWith = E.MESSAGE_TOO_LARGE.code;
    expect(codes(await h.coordinator.offsets.commit(commit([['t', 0, 2]])))).to.deep.equal([`t-0:${E.INVALID_COMMIT_OFFSET_SIZE.code}`]);
    expect(fetched(h)).to.deep.equal(['t-0@1']);
  });

  it('reloads offsets and groups from the log: the last record per key wins and tombstones delete', async () => {
    await h.coordinator.offsets.commit(commit([['t', 0, 1], ['t', 1, 1], ['u', 0, 1]]));
    await h.coordinator.offsets.commit(commit([['t', 0, 9]]));
    await h.coordinator.offsets.commit(commit([['t', 0, 3]], { groupId: 'other' }));
    // A tombstone for t-1 of g, appended as the log cleaner or a deletion would leave it.
    const tombstone = encodeRecordBatch([{ key: encodeOffsetCommitKey('g', 't', 1), value: null }]);
    await h.replicas.appendRecords('__consumer_offsets', 0, tombstone);
    await h.replicas.appendRecords('__consumer_offsets', 0, encodeRecordBatch([{ key: encodeGroupMetadataKey('other'), value: null }]));
    h.replicas.resign(0);
    const next = newCoordinator({ clock: h.clock, replicas: h.replicas, metadata: h.metadata });
    h.replicas.lead(0, 2);
    await settle();
    expect(fetched(next)).to.deep.equal(['t-0@9', 'u-0@1']);
    expect(fetched(next, 'other')).to.deep.equal(['t-0@3']);
    expect(next.coordinator.admin.list([]).groups.map((g) => `${g.groupId}:${g.groupState}`)).to.deep.equal(['g:Empty', 'other:Empty']);
    next.coordinator.shutdown();
  });

  it('skips records it cannot read instead of failing the load', async () => {
    await h.coordinator.offsets.commit(commit([['t', 0, 4]]));
    const junkKey = Buffer.from([0, 9, 1, 2]);
    await h.replicas.appendRecords('__consumer_offsets', 0, encodeRecordBatch([{ key: junkKey, value: encodeOffsetCommitValue({ offset: 1, leaderEpoch: -1, metadata: '', commitTimestamp: 0 }) }]));
    h.replicas.resign(0);
    const next = newCoordinator({ clock: h.clock, replicas: h.replicas, metadata: h.metadata });
    h.replicas.lead(0, 2);
    await settle();
    expect(fetched(next)).to.deep.equal(['t-0@4']);
    next.coordinator.shutdown();
  });

  it('expires offsets of empty groups after the retention period and writes tombstones', async () => {
    await h.coordinator.offsets.commit(commit([['t', 0, 1]]));
    await h.clock.advance(30_000);
    await h.coordinator.offsets.commit(commit([['t', 0, 2]], { groupId: 'later' }));
    await h.clock.advance(40_000);
    // Retention is 60 s and the check runs every 10 s: g's commit is 70 s old, later's 40 s.
    expect(h.coordinator.admin.list([]).groups.map((g) => g.groupId)).to.deep.equal(['later']);
    expect(fetched(h)).to.deep.equal([]);
    const tombstones = h.replicas.log(0).records().filter((r) => r.value === null);
    expect(tombstones.map((r) => r.key)).to.deep.include({ type: 'offset', version: 1, group: 'g', topic: 't', partition: 0 });
    await h.clock.advance(30_000);
    expect(h.coordinator.admin.list([]).groups).to.deep.equal([]);
  });

  it('keeps offsets of a group with members, and counts retention from when it became empty', async () => {
    const a = await joinWithId(h);
    const joined = await a.joined;
    await h.coordinator.membership.sync({ groupId: 'g', generationId: joined.generationId, memberId: a.memberId, groupInstanceId: null, protocolType: null, protocolName: null, assignments: [] });
    await h.coordinator.offsets.commit(commit([['t', 0, 8]], { generationId: joined.generationId, memberId: a.memberId }));
    for (let i = 0; i < 10; i++) {
      await h.clock.advance(9000);
      h.coordinator.membership.heartbeat({ groupId: 'g', generationId: joined.generationId, memberId: a.memberId, groupInstanceId: null });
    }
    expect(fetched(h)).to.deep.equal(['t-0@8']);
    h.coordinator.membership.leave({ groupId: 'g', members: [{ memberId: a.memberId, groupInstanceId: null }] });
    await settle();
    await h.clock.advance(50_000);
    expect(fetched(h)).to.deep.equal(['t-0@8']);
    await h.clock.advance(20_000);
    expect(fetched(h)).to.deep.equal([]);
  });

  it('removes the offsets of a deleted topic when the metadata no longer lists it', async () => {
    await h.coordinator.offsets.commit(commit([['t', 0, 1], ['u', 1, 2]]));
    h.coordinator.onMetadataUpdate();
    h.metadata.topics.delete('u');
    h.coordinator.onMetadataUpdate();
    await settle();
    expect(fetched(h)).to.deep.equal(['t-0@1']);
    expect(h.replicas.log(0).records().some((r) => r.value === null && r.key.type === 'offset' && r.key.topic === 'u')).to.equal(true);
  });

  it('lists, describes and deletes groups with Kafka\'s errors', async () => {
    await h.coordinator.offsets.commit(commit([['t', 0, 1]], { groupId: 'simple' }));
    const a = await joinWithId(h);
    await a.joined;
    expect(h.coordinator.admin.list([]).groups.map((g) => `${g.groupId}:${g.protocolType}:${g.groupState}`)).to.deep.equal(['g:consumer:CompletingRebalance', 'simple::Empty']);
    expect(h.coordinator.admin.list(['empty']).groups.map((g) => g.groupId)).to.deep.equal(['simple']);
    expect(h.coordinator.admin.describe(['nope']).groups[0]).to.deep.include({ errorCode: 0, groupState: 'Dead' });
    const deleted = await h.coordinator.admin.delete(['g', 'simple', 'nope']);
    expect(deleted.results.map((r) => r.errorCode)).to.deep.equal([E.NON_EMPTY_GROUP.code, 0, E.GROUP_ID_NOT_FOUND.code]);
    expect(fetched(h, 'simple')).to.deep.equal([]);
    const tomb = h.replicas.log(0).records().filter((r) => r.value === null).map((r) => r.key);
    expect(tomb).to.deep.include({ type: 'group', version: 2, group: 'simple' });
    expect(tomb).to.deep.include({ type: 'offset', version: 1, group: 'simple', topic: 't', partition: 0 });
  });

  it('finds the coordinator from the metadata and reports a missing leader', async () => {
    expect(await h.coordinator.offsetsTopic.findCoordinator('g', 0, 'PLAINTEXT')).to.deep.include({ errorCode: 0, nodeId: 1, host: 'localhost', port: 9092 });
    h.metadata.offsetsLeader = -1;
    expect((await h.coordinator.offsetsTopic.findCoordinator('g', 0, 'PLAINTEXT')).errorCode).to.equal(E.COORDINATOR_NOT_AVAILABLE.code);
    expect((await h.coordinator.offsetsTopic.findCoordinator('', 0, 'PLAINTEXT')).errorCode).to.equal(E.INVALID_GROUP_ID.code);
    expect((await h.coordinator.offsetsTopic.findCoordinator('g', 1, 'PLAINTEXT')).errorCode).to.equal(E.INVALID_REQUEST.code);
  });

  it("answers with the coordinator's endpoint on the listener the request came in on", async () => {
    expect(await h.coordinator.offsetsTopic.findCoordinator('g', 0, 'EXTERNAL'))
      .to.deep.include({ errorCode: 0, nodeId: 1, host: 'broker1.example.com', port: 19092 });
    // A coordinator without the client's listener cannot be reached from the client's network.
    const missing = await h.coordinator.offsetsTopic.findCoordinator('g', 0, 'OTHER');
    expect(missing).to.deep.include({ errorCode: E.COORDINATOR_NOT_AVAILABLE.code, nodeId: -1 });
  });
});
