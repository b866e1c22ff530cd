import { expect } from 'chai';
import { ErrorCode as E } from '../../lib/protocol/errors';
import { OffsetDeleteResult } from '../../lib/group/group-offsets';
import { CLIENT, Harness, joinRequest, useLeadingCoordinator } from './coordinator-harness';

function simpleCommit(groupId: string, partitions: Array<[string, number, number]>) {
  return {
    groupId, generationId: -1, memberId: '', groupInstanceId: null,
    topics: [...new Set(partitions.map(([t]) => t))].map((name) => ({
      name,
      partitions: partitions.filter(([t]) => t === name).map(([, partitionIndex, committedOffset]) => ({
        partitionIndex, committedOffset, committedLeaderEpoch: -1, committedMetadata: null,
      })),
    })),
  };
}

function request(partitions: Array<[string, number]>) {
  return [...new Set(partitions.map(([t]) => t))].map((name) => ({
    name, partitions: partitions.filter(([t]) => t === name).map(([, partitionIndex]) => ({ partitionIndex })),
  }));
}

function codes(r: OffsetDeleteResult): string[] {
  return r.topics.flatMap((t) => t.partitions.map((p) => `${t.name}-${p.partitionIndex}:${p.errorCode}`));
}

function fetched(h: Harness, groupId: string): string[] {
  return h.coordinator.offsets.fetch({ groupId, topics: null, requireStable: false }).topics.flatMap((t) => t.partitions.map((p) => `${t.name}-${p.partitionIndex}@${p.committedOffset}`));
}

/** Joins one member subscribed to `topics` (with the given protocol type) and completes the rebalance. */
async function stableGroup(h: Harness, groupId: string, topics: string[], protocolType = 'consumer'): Promise<{ memberId: string; generationId: number }> {
  const m = h.coordinator.membership;
  const base = { ...joinRequest('', { groupId, topics }), protocolType };
  const first = await m.join(base, CLIENT);
  const joined = await m.join({ ...base, memberId: first.memberId }, CLIENT);
  expect(joined.errorCode).to.equal(0);
  await m.sync({ groupId, generationId: joined.generationId, memberId: joined.memberId, groupInstanceId: null, protocolType: null, protocolName: null, assignments: [] });
  return { memberId: joined.memberId, generationId: joined.generationId };
}

describe('group/group-coordinator offset deletion (OffsetDelete)', () => {
  const h = useLeadingCoordinator();

  it('deletes any offset of an Empty group and writes a tombstone for each', async () => {
    await h.coordinator.offsets.commit(simpleCommit('g', [['t', 0, 5], ['t', 1, 6], ['u', 0, 7]]));
    const r = await h.coordinator.offsets.delete('g', request([['t', 0], ['t', 3], ['t', 9], ['zz', 0]]));
    expect(r.errorCode).to.equal(0);
    // t-3 had no committed offset: deleting nothing is still a success, as in Kafka.
    expect(codes(r)).to.deep.equal(['t-0:0', 't-3:0', `t-9:${E.UNKNOWN_TOPIC_OR_PARTITION.code}`, `zz-0:${E.UNKNOWN_TOPIC_OR_PARTITION.code}`]);
    expect(fetched(h, 'g')).to.deep.equal(['t-1@6', 'u-0@7']);
    const tombstones = h.replicas.log(0).records().filter((rec) => rec.value === null).map((rec) => rec.key);
    expect(tombstones).to.deep.equal([{ type: 'offset', version: 1, group: 'g', topic: 't', partition: 0 }]);
  });

  it('forgets an Empty group once its last offset is deleted', async () => {
    await h.coordinator.offsets.commit(simpleCommit('g', [['t', 0, 5]]));
    expect(codes(await h.coordinator.offsets.delete('g', request([['t', 0]])))).to.deep.equal(['t-0:0']);
    expect(h.coordinator.admin.list([]).groups).to.deep.equal([]);
    expect((await h.coordinator.offsets.delete('g', request([['t', 0]]))).errorCode).to.equal(E.GROUP_ID_NOT_FOUND.code);
  });

  it('refuses offsets of topics a consumer group with members subscribes to, per partition', async () => {
    await h.coordinator.offsets.commit(simpleCommit('g', [['t', 0, 5], ['u', 0, 7]]));
    await stableGroup(h, 'g', ['t']);
    const r = await h.coordinator.offsets.delete('g', request([['t', 0], ['u', 0]]));
    expect(r.errorCode).to.equal(0);
    expect(codes(r)).to.deep.equal([`t-0:${E.GROUP_SUBSCRIBED_TO_TOPIC.code}`, 'u-0:0']);
    expect(fetched(h, 'g')).to.deep.equal(['t-0@5']);
    expect(h.coordinator.admin.describe(['g']).groups[0].groupState).to.equal('Stable');
  });

  it('answers group-level errors at the top with no partitions', async () => {
    expect(await h.coordinator.offsets.delete('nope', request([['t', 0]]))).to.deep.equal({ errorCode: E.GROUP_ID_NOT_FOUND.code, topics: [] });
    expect(await h.coordinator.offsets.delete('', request([['t', 0]]))).to.deep.equal({ errorCode: E.INVALID_GROUP_ID.code, topics: [] });
    await stableGroup(h, 'connect-like', ['t'], 'connect');
    expect(await h.coordinator.offsets.delete('connect-like', request([['u', 0]]))).to.deep.equal({ errorCode: E.NON_EMPTY_GROUP.code, topics: [] });
    h.replicas.resign(0);
    expect((await h.coordinator.offsets.delete('g', request([['t', 0]]))).errorCode).to.equal(E.NOT_COORDINATOR.code);
  });

  it('reports a failed tombstone write on the partitions it concerned', async () => {
    await h.coordinator.offsets.commit(simpleCommit('g', [['t', 0, 5], ['t', 1, 6]]));
    h.replicas.failWith = E.NOT_ENOUGH_REPLICAS.code;
    const r = await h.coordinator.offsets.delete('g', request([['t', 0], ['t', 7]]));
    expect(codes(r)).to.deep.equal([`t-0:${E.COORDINATOR_NOT_AVAILABLE.code}`, `t-7:${E.UNKNOWN_TOPIC_OR_PARTITION.code}`]);
  });
});
