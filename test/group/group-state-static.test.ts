// Static membership (KIP-345) in the pure group state machine, stepped with a fake clock.
import { expect } from 'chai';
import { encodeSubscription } from '../../lib/group/consumer-protocol';
import { ConsumerGroup } from '../../lib/group/group-state';
import { JoinDecision, JoinRequest } from '../../lib/group/group-decisions';
import { ErrorCode } from '../../lib/protocol/errors';
import { expectAwait, newGroup, request, SESSION_MS } from './group-state-harness';

const E = ErrorCode;

function subscribed(topics: string[], owned: number[] = []): JoinRequest['protocols'] {
  return [{ name: 'range', metadata: encodeSubscription({ topics, ownedPartitions: owned.map((partition) => ({ topic: topics[0], partition })), generationId: owned.length > 0 ? 1 : -1 }) }];
}

function staticJoin(instance: string, overrides: Partial<JoinRequest> = {}): JoinRequest {
  return request('', `client-${instance}`, { groupInstanceId: instance, protocols: subscribed(['t']), ...overrides });
}

/** Two static members a and b, Stable at generation 1, each assigned its own bytes; a leads. */
function stableStaticGroup(): { g: ConsumerGroup; a: string; b: string } {
  const g = newGroup();
  const a = expectAwait(g.join(staticJoin('a'), 0)).memberId;
  const b = expectAwait(g.join(staticJoin('b'), 0)).memberId;
  expect(g.tryCompleteJoin(0)?.generationId).to.equal(1);
  expect(g.sync({ memberId: a, generationId: 1, assignments: [{ memberId: a, assignment: Buffer.from('A') }, { memberId: b, assignment: Buffer.from('B') }] }, 0).kind).to.equal('completed');
  return { g, a, b };
}

function expectReplaced(d: JoinDecision): Extract<JoinDecision, { kind: 'replaced' }> {
  expect(d.kind, JSON.stringify(d)).to.equal('replaced');
  return d as Extract<JoinDecision, { kind: 'replaced' }>;
}

describe('group/group-state static membership', () => {
  it('admits a static member without the MEMBER_ID_REQUIRED round trip, naming it after its instance id', () => {
    const g = newGroup();
    const d = expectAwait(g.join(staticJoin('web-1'), 0));
    expect(d.memberId).to.equal('web-1-1');
    expect(g.members.get(d.memberId)?.groupInstanceId).to.equal('web-1');
  });

  it('gives a restarted static member its place and assignment back without a rebalance', () => {
    const { g, b } = stableStaticGroup();
    // The restarted process lost its owned partitions and generation: that alone is no change.
    const d = expectReplaced(g.join(staticJoin('b'), 5000));
    expect(d.fencedMemberId).to.equal(b);
    expect(d.response).to.deep.include({ errorCode: 0, generationId: 1, protocolName: 'range' });
    expect(g.state).to.equal('Stable');
    expect(g.generationId).to.equal(1);
    expect(g.has(b)).to.equal(false);
    const fresh = d.response.memberId;
    expect(g.sync({ memberId: fresh, groupInstanceId: 'b', generationId: 1 }, 5001)).to.deep.equal({ kind: 'assigned', assignment: Buffer.from('B') });
    expect(g.heartbeat(fresh, 1, 5002, 'b')).to.equal(E.NONE.code);
  });

  it('fences the replaced member id on every request that carries the instance id', () => {
    const { g, b } = stableStaticGroup();
    expectReplaced(g.join(staticJoin('b'), 1));
    const fenced = E.FENCED_INSTANCE_ID.code;
    expect(g.heartbeat(b, 1, 2, 'b')).to.equal(fenced);
    expect(g.sync({ memberId: b, groupInstanceId: 'b', generationId: 1 }, 2)).to.deep.equal({ kind: 'error', errorCode: fenced });
    expect(g.validateOffsetCommit(b, 1, 2, 'b')).to.equal(fenced);
    expect(g.join(request(b, 'client-b', { groupInstanceId: 'b', protocols: subscribed(['t']) }), 2)).to.deep.include({ kind: 'error', errorCode: fenced });
    expect(g.leave(b, 2, 'b')).to.deep.include({ errorCode: fenced, removedMemberId: null });
    // Without the instance id the old id is merely unknown.
    expect(g.heartbeat(b, 1, 2)).to.equal(E.UNKNOWN_MEMBER_ID.code);
    expect(g.state).to.equal('Stable');
  });

  it('hands leadership to the restarted leader but answers with the old leader id, so it does not reassign', () => {
    const { g, a } = stableStaticGroup();
    const d = expectReplaced(g.join(staticJoin('a'), 1));
    expect(d.response.leaderId).to.equal(a);
    expect(d.response.members).to.deep.equal([]);
    expect(g.leaderId).to.equal(d.response.memberId);
    expect(g.sync({ memberId: d.response.memberId, generationId: 1 }, 2)).to.deep.equal({ kind: 'assigned', assignment: Buffer.from('A') });
  });

  it('rebalances when the restarted member subscribes to different topics', () => {
    const { g } = stableStaticGroup();
    const d = expectAwait(g.join(staticJoin('b', { protocols: subscribed(['t', 'u']) }), 1));
    expect(d.change.rebalanceStarted).to.equal(true);
    expect(d.fencedMemberId).to.match(/^b-/);
    expect(g.state).to.equal('PreparingRebalance');
  });

  it('rebalances when a static member rejoins while the leader is still assigning', () => {
    const g = newGroup();
    expectAwait(g.join(staticJoin('a'), 0));
    const b = expectAwait(g.join(staticJoin('b'), 0)).memberId;
    g.tryCompleteJoin(0);
    expect(g.sync({ memberId: b, generationId: 1 }, 0)).to.deep.equal({ kind: 'await' });
    const d = expectAwait(g.join(staticJoin('b'), 1));
    expect(d.change).to.deep.include({ rebalanceStarted: true, failedSyncMemberIds: [] });
    expect(d.fencedMemberId).to.equal(b);
    expect(g.state).to.equal('PreparingRebalance');
  });

  it('expires a static member whose session runs out, after which its instance id joins as new', () => {
    const { g, a, b } = stableStaticGroup();
    g.heartbeat(a, 1, SESSION_MS - 1, 'a');
    const out = g.expireSessions(SESSION_MS);
    expect(out.expiredMemberIds).to.deep.equal([b]);
    expect(out.rebalanceStarted).to.equal(true);
    const d = expectAwait(g.join(staticJoin('b'), SESSION_MS + 1));
    expect(d.fencedMemberId).to.equal(undefined);
    expect(d.memberId).to.not.equal(b);
  });

  it('keeps a restarted member alive from its rejoin, not from the old session', () => {
    const { g, a } = stableStaticGroup();
    const fresh = expectReplaced(g.join(staticJoin('b'), SESSION_MS - 100)).response.memberId;
    g.heartbeat(a, 1, SESSION_MS - 50, 'a');
    expect(g.expireSessions(SESSION_MS).expiredMemberIds).to.deep.equal([]);
    expect(g.has(fresh)).to.equal(true);
  });

  it('removes a static member named by instance id alone, as admin tools do', () => {
    const { g, b } = stableStaticGroup();
    const left = g.leave('', 1, 'b');
    expect(left).to.deep.include({ errorCode: 0, removedMemberId: b, rebalanceStarted: true });
    expect(g.leave('', 1, 'nobody')).to.deep.include({ errorCode: E.UNKNOWN_MEMBER_ID.code, removedMemberId: null });
  });

  it('keeps instance ids through the stored group metadata, so a new coordinator still recognizes a restart', () => {
    const { g, b } = stableStaticGroup();
    const value = g.toMetadataValue();
    expect(value.members.map((m) => m.groupInstanceId)).to.deep.equal(['a', 'b']);
    const loaded = ConsumerGroup.fromMetadataValue('g', value, 100, { newMemberId: (id) => `${id}-new` });
    const d = expectReplaced(loaded.join(staticJoin('b'), 200));
    expect(d.fencedMemberId).to.equal(b);
    expect(loaded.heartbeat(b, 1, 201, 'b')).to.equal(E.FENCED_INSTANCE_ID.code);
  });
});
