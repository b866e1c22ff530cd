import { expect } from 'chai';
import { ErrorCode as E } from '../../lib/protocol/errors';
import { encodeEndTxnMarkerBatch } from '../../lib/record/control-record';
import { decodeRecordBatches } from '../../lib/record/record-batch';
import { OFFSETS_TOPIC } from '../../lib/group/offsets-log';
import { validateTxnOffsetCommit } from '../../lib/group/group-txn-offsets';
import type { ConsumerGroup } from '../../lib/group/group-state';
import { Harness, joinWithId, newCoordinator, settle, useLeadingCoordinator } from './coordinator-harness';

const PID = 4000;

function txnCommit(partitions: Array<[string, number, number]>, o: { producerId?: number; groupId?: string; generationId?: number; memberId?: string; groupInstanceId?: string | null } = {}) {
  return {
    transactionalId: 'tx', groupId: o.groupId ?? 'g', producerId: o.producerId ?? PID, producerEpoch: 0,
    generationId: o.generationId ?? -1, memberId: o.memberId ?? '', groupInstanceId: o.groupInstanceId ?? null,
    topics: [...new Set(partitions.map(([t]) => t))].map((name) => ({
      name,
      partitions: partitions.filter(([t]) => t === name).map(([, partitionIndex, committedOffset]) => ({
        partitionIndex, committedOffset, committedLeaderEpoch: -1, committedMetadata: null,
      })),
    })),
  };
}

function codes(result: { topics: Array<{ name: string; partitions: Array<{ partitionIndex: number; errorCode: number }> }> }): string[] {
  return result.topics.flatMap((t) => t.partitions.map((p) => `${t.name}-${p.partitionIndex}:${p.errorCode}`));
}

function fetched(h: Harness, requireStable = false, groupId = 'g'): string[] {
  const r = h.coordinator.offsets.fetch({ groupId, topics: [{ name: 't', partitionIndexes: [0, 1] }], requireStable });
  return r.topics.flatMap((t) => t.partitions.map((p) => `${t.name}-${p.partitionIndex}@${p.committedOffset}${p.errorCode ? `!${p.errorCode}` : ''}`));
}

/** Appends a commit or abort marker as WriteTxnMarkers does and (unless told not to) announces it. */
async function marker(h: Harness, committed: boolean, producerId = PID, announce = true): Promise<number> {
  const batch = encodeEndTxnMarkerBatch({ producerId, producerEpoch: 0, committed, coordinatorEpoch: 0, timestamp: 0 });
  const offset = (await h.replicas.appendRecords(OFFSETS_TOPIC, 0, batch)).baseOffset;
  if (announce) h.coordinator.onTxnMarker({ topic: OFFSETS_TOPIC, partition: 0, producerId, committed, offset });
  return offset;
}

async function reload(h: Harness): Promise<Harness> {
  h.replicas.resign(0);
  const next = newCoordinator({ clock: h.clock, replicas: h.replicas, metadata: h.metadata });
  h.replicas.lead(0, 2);
  await settle();
  return next;
}

describe('group/group-coordinator transactional offsets', () => {
  const h = useLeadingCoordinator();

  it('writes a transactional batch in the producer\'s name and shows the offsets only after the commit marker', async () => {
    expect(codes(await h.coordinator.txnOffsets.commit(txnCommit([['t', 0, 5], ['t', 1, 6]])))).to.deep.equal(['t-0:0', 't-1:0']);
    const [batch] = decodeRecordBatches(h.replicas.log(0).batches[0]).batches;
    expect([batch.isTransactional, batch.producerId, batch.producerEpoch, batch.baseSequence]).to.deep.equal([true, PID, 0, 0]);
    expect(fetched(h)).to.deep.equal(['t-0@-1', 't-1@-1']);
    expect(fetched(h, true)).to.deep.equal([`t-0@-1!${E.UNSTABLE_OFFSET_COMMIT.code}`, `t-1@-1!${E.UNSTABLE_OFFSET_COMMIT.code}`]);
    await marker(h, true, PID + 1); // another producer's marker completes nothing
    expect(fetched(h)).to.deep.equal(['t-0@-1', 't-1@-1']);
    await marker(h, true);
    expect(fetched(h, true)).to.deep.equal(['t-0@5', 't-1@6']);
  });

  it('drops the offsets at the abort marker and keeps the previous committed ones', async () => {
    await h.coordinator.offsets.commit({ groupId: 'g', generationId: -1, memberId: '', groupInstanceId: null,
      topics: [{ name: 't', partitions: [{ partitionIndex: 0, committedOffset: 2, committedLeaderEpoch: -1, committedMetadata: null }] }] });
    await h.coordinator.txnOffsets.commit(txnCommit([['t', 0, 9]]));
    await marker(h, false);
    expect(fetched(h, true)).to.deep.equal(['t-0@2', 't-1@-1']);
  });

  it('reloads: committed transactions applied at their marker, aborted dropped, open ones still pending', async () => {
    await h.coordinator.txnOffsets.commit(txnCommit([['t', 0, 5]]));
    await marker(h, true);
    await h.coordinator.txnOffsets.commit(txnCommit([['t', 1, 7]], { producerId: PID + 1 }));
    await marker(h, false, PID + 1);
    await h.coordinator.txnOffsets.commit(txnCommit([['t', 1, 8]], { producerId: PID + 2 }));
    const next = await reload(h);
    expect(fetched(next)).to.deep.equal(['t-0@5', 't-1@-1']);
    expect(fetched(next, true)).to.deep.equal(['t-0@5', `t-1@-1!${E.UNSTABLE_OFFSET_COMMIT.code}`]);
    await marker(next, true, PID + 2);
    expect(fetched(next, true)).to.deep.equal(['t-0@5', 't-1@8']);
    next.coordinator.shutdown();
  });

  it('lets a plain commit written after the transactional one win at the marker, live and on reload', async () => {
    await h.coordinator.txnOffsets.commit(txnCommit([['t', 0, 5]]));
    await h.coordinator.offsets.commit({ groupId: 'g', generationId: -1, memberId: '', groupInstanceId: null,
      topics: [{ name: 't', partitions: [{ partitionIndex: 0, committedOffset: 11, committedLeaderEpoch: -1, committedMetadata: null }] }] });
    await marker(h, true);
    expect(fetched(h)).to.deep.equal(['t-0@11', 't-1@-1']);
    const next = await reload(h);
    expect(fetched(next)).to.deep.equal(['t-0@11', 't-1@-1']);
    next.coordinator.shutdown();
  });

  it('applies a marker that lands while the partition loads, after the load', async () => {
    await h.coordinator.txnOffsets.commit(txnCommit([['t', 0, 5]]));
    h.replicas.resign(0);
    const next = newCoordinator({ clock: h.clock, replicas: h.replicas, metadata: h.metadata });
    let open!: () => void;
    h.replicas.log(0).gate = new Promise((r) => { open = r; });
    h.replicas.lead(0, 2);
    await settle();
    expect(codes(await next.coordinator.txnOffsets.commit(txnCommit([['t', 1, 1]])))).to.deep.equal([`t-1:${E.COORDINATOR_LOAD_IN_PROGRESS.code}`]);
    await marker(next, true);
    open();
    h.replicas.log(0).gate = null;
    await settle();
    expect(fetched(next, true)).to.deep.equal(['t-0@5', 't-1@-1']);
    next.coordinator.shutdown();
  });

  it('validates the group, the member and the generation when given, as Kafka does', async () => {
    expect(codes(await h.coordinator.txnOffsets.commit(txnCommit([['t', 0, 1]], { groupId: '' })))).to.deep.equal([`t-0:${E.INVALID_GROUP_ID.code}`]);
    expect(codes(await h.coordinator.txnOffsets.commit(txnCommit([['t', 0, 1]], { memberId: 'ghost' })))).to.deep.equal([`t-0:${E.UNKNOWN_MEMBER_ID.code}`]);
    expect(codes(await h.coordinator.txnOffsets.commit(txnCommit([['t', 0, 1], ['t', 9, 1], ['nope', 0, 1]])))).to.deep.equal(['t-0:0', `t-9:${E.UNKNOWN_TOPIC_OR_PARTITION.code}`, `nope-0:${E.UNKNOWN_TOPIC_OR_PARTITION.code}`]);
    const a = await joinWithId(h);
    const joined = await a.joined;
    expect(codes(await h.coordinator.txnOffsets.commit(txnCommit([['t', 0, 1]], { memberId: a.memberId, generationId: joined.generationId + 1 }))))
      .to.deep.equal([`t-0:${E.ILLEGAL_GENERATION.code}`]);
    expect(codes(await h.coordinator.txnOffsets.commit(txnCommit([['t', 0, 1]], { memberId: a.memberId, generationId: joined.generationId }))))
      .to.deep.equal(['t-0:0']);
    h.replicas.resign(0);
    expect(codes(await h.coordinator.txnOffsets.commit(txnCommit([['t', 0, 1]])))).to.deep.equal([`t-0:${E.NOT_COORDINATOR.code}`]);
  });

  it('reports a failed append and leaves nothing pending', async () => {
    h.replicas.failWith = E.NOT_ENOUGH_REPLICAS.code;
    expect(codes(await h.coordinator.txnOffsets.commit(txnCommit([['t', 0, 1]])))).to.deep.equal([`t-0:${E.COORDINATOR_NOT_AVAILABLE.code}`]);
    h.replicas.failWith = 0;
    expect(fetched(h, true)).to.deep.equal(['t-0@-1', 't-1@-1']);
  });

  it('fences a static member whose instance id now belongs to another member, before the member and generation checks', () => {
    const group = {
      state: 'Stable', generationId: 3,
      members: new Map([['m-new', { memberId: 'm-new', groupInstanceId: 'i-1' }]]),
    } as unknown as ConsumerGroup;
    expect(validateTxnOffsetCommit(group, 'm-old', 'i-1', 3)).to.equal(E.FENCED_INSTANCE_ID.code);
    expect(validateTxnOffsetCommit(group, 'm-new', 'i-1', 3)).to.equal(0);
    expect(validateTxnOffsetCommit(group, 'm-new', 'i-1', 2)).to.equal(E.ILLEGAL_GENERATION.code);
    expect(validateTxnOffsetCommit(group, '', null, -1)).to.equal(0);
    expect(validateTxnOffsetCommit({ ...group, state: 'Dead' } as unknown as ConsumerGroup, '', null, -1)).to.equal(E.COORDINATOR_NOT_AVAILABLE.code);
  });
});
