// Static membership through the coordinator (group-membership.ts): the no-rebalance rejoin is
// stored before it is answered, fenced zombies are told so, and LeaveGroup names instance ids.
import { expect } from 'chai';
import { ErrorCode as E } from '../../lib/protocol/errors';
import { encodeAssignment } from '../../lib/group/consumer-protocol';
import { CLIENT, joinRequest, peek, useLeadingCoordinator } from './coordinator-harness';

const staticJoin = (instance: string, memberId = '') => ({ ...joinRequest(memberId), groupInstanceId: instance });
const sync = (memberId: string, generationId: number, instance: string, assignments: Array<{ memberId: string; assignment: Buffer }> = []) => ({
  groupId: 'g', generationId, memberId, groupInstanceId: instance, protocolType: 'consumer', protocolName: 'range', assignments,
});
const assignment = (p: number[]) => encodeAssignment({ partitions: p.map((partition) => ({ topic: 't', partition })) });

describe('group/group-coordinator static membership', () => {
  const h = useLeadingCoordinator();

  it('stores a restarted static member\'s new id and answers it without a rebalance', async () => {
    const joined = await h.coordinator.membership.join(staticJoin('s1'), CLIENT);
    expect(joined).to.deep.include({ errorCode: 0, generationId: 1, leader: joined.memberId });
    expect(joined.memberId).to.match(/^s1-/);
    const synced = await h.coordinator.membership.sync(sync(joined.memberId, 1, 's1', [{ memberId: joined.memberId, assignment: assignment([0, 1]) }]));
    expect(synced.assignment).to.deep.equal(assignment([0, 1]));

    // The process restarts: same instance id, no member id.
    const rejoined = await h.coordinator.membership.join(staticJoin('s1'), CLIENT);
    expect(rejoined).to.deep.include({ errorCode: 0, generationId: 1, leader: joined.memberId, members: [] });
    expect(rejoined.memberId).to.not.equal(joined.memberId);
    const stored = h.replicas.log(0).records().filter((r) => r.key.type === 'group');
    const last = stored[stored.length - 1].value as { generation: number; members: Array<{ memberId: string; groupInstanceId: string | null }> };
    expect(last.generation).to.equal(1);
    expect(last.members).to.have.length(1);
    expect(last.members[0]).to.deep.include({ memberId: rejoined.memberId, groupInstanceId: 's1' });
    expect((await h.coordinator.membership.sync(sync(rejoined.memberId, 1, 's1'))).assignment).to.deep.equal(assignment([0, 1]));
    expect(h.coordinator.membership.heartbeat({ groupId: 'g', generationId: 1, memberId: joined.memberId, groupInstanceId: 's1' }).errorCode)
      .to.equal(E.FENCED_INSTANCE_ID.code);
    expect(h.coordinator.admin.describe(['g']).groups[0]).to.deep.include({ groupState: 'Stable' });
  });

  it('fails a replaced member\'s parked join with FENCED_INSTANCE_ID', async () => {
    const m = h.coordinator.membership;
    const a = await m.join(staticJoin('s1'), CLIENT);
    await m.sync(sync(a.memberId, 1, 's1', [{ memberId: a.memberId, assignment: assignment([0]) }]));
    const bJoin = m.join(staticJoin('s2'), CLIENT);
    const [a2, b] = await Promise.all([m.join(staticJoin('s1', a.memberId), CLIENT), bJoin]);
    expect(a2.generationId).to.equal(2);
    await Promise.all([m.sync(sync(a.memberId, 2, 's1', [])), m.sync(sync(b.memberId, 2, 's2'))]);
    // s3 starts a rebalance; s1 rejoins and waits for s2; then a new s1 process replaces the waiting one.
    const c = m.join(staticJoin('s3'), CLIENT);
    const parked = m.join(staticJoin('s1', a.memberId), CLIENT);
    expect(await peek(parked)).to.equal('pending');
    const replacement = m.join(staticJoin('s1'), CLIENT);
    expect((await parked).errorCode).to.equal(E.FENCED_INSTANCE_ID.code);
    const [b3, c3, newA] = await Promise.all([m.join(staticJoin('s2', b.memberId), CLIENT), c, replacement]);
    expect([b3.errorCode, c3.errorCode, newA.errorCode]).to.deep.equal([0, 0, 0]);
    expect(newA.generationId).to.equal(3);
    expect(newA.memberId).to.not.equal(a.memberId);
  });

  it('removes static members named by instance id in one LeaveGroup, with an error per unknown one', async () => {
    const a = await h.coordinator.membership.join(staticJoin('s1'), CLIENT);
    await h.coordinator.membership.sync(sync(a.memberId, 1, 's1', [{ memberId: a.memberId, assignment: assignment([0]) }]));
    const left = h.coordinator.membership.leave({ groupId: 'g', members: [{ memberId: '', groupInstanceId: 's1' }, { memberId: '', groupInstanceId: 'ghost' }] });
    expect(left.members.map((m) => m.errorCode)).to.deep.equal([0, E.UNKNOWN_MEMBER_ID.code]);
    expect(h.coordinator.admin.describe(['g']).groups[0].members).to.deep.equal([]);
  });
});
