import { expect } from 'chai';
import { ConsumerGroup } from '../../lib/group/group-state';
import { ErrorCode } from '../../lib/protocol/errors';
import { decodeGroupMetadataValue, encodeGroupMetadataValue } from '../../lib/group/offsets-records';
import { CONFIG, expectAwait, joinNew, newGroup, protocols, REBALANCE_MS, request, SESSION_MS, stableGroup } from './group-state-harness';

const E = ErrorCode;

describe('group/group-state', () => {
  describe('join', () => {
    it('answers a first join with MEMBER_ID_REQUIRED and a fresh <clientId>-<uuid> member id', () => {
      const g = new ConsumerGroup('g', 0, { config: CONFIG });
      const d = g.join(request('', 'my-client'), 0);
      expect(d).to.deep.include({ kind: 'error', errorCode: E.MEMBER_ID_REQUIRED.code });
      expect((d as { memberId: string }).memberId).to.match(/^my-client-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      expect(g.members.size).to.equal(0);
      expect(g.pendingMemberIds).to.have.length(1);
      expect(g.state).to.equal('Empty');
    });

    it('admits a new member at once when the client does not require a known member id', () => {
      const g = newGroup();
      const d = expectAwait(g.join(request('', 'old', { requireKnownMemberId: false }), 0));
      expect(d.memberId).to.equal('old-1');
      expect(d.change.rebalanceStarted).to.equal(true);
      expect(g.leaderId).to.equal('old-1');
    });

    it('rejects session timeouts outside the broker\'s bounds', () => {
      const g = newGroup();
      for (const sessionTimeoutMs of [999, 60_001]) {
        expect(g.join(request('', 'c', { sessionTimeoutMs }), 0)).to.deep.include({ errorCode: E.INVALID_SESSION_TIMEOUT.code });
      }
      expect(g.join(request('', 'c', { sessionTimeoutMs: 1000 }), 0)).to.deep.include({ errorCode: E.MEMBER_ID_REQUIRED.code });
    });

    it('rejects members whose protocols cannot work with the group', () => {
      const { g } = stableGroup(1);
      const inconsistent = E.INCONSISTENT_GROUP_PROTOCOL.code;
      expect(g.join(request('', 'x', { protocolType: 'connect' }), 1)).to.deep.include({ errorCode: inconsistent });
      expect(g.join(request('', 'x', { protocols: protocols('sticky') }), 1)).to.deep.include({ errorCode: inconsistent });
      expect(newGroup().join(request('', 'x', { protocols: [] }), 1)).to.deep.include({ errorCode: inconsistent });
      expect(newGroup().join(request('', 'x', { protocolType: '' }), 1)).to.deep.include({ errorCode: inconsistent });
    });

    it('rejects an unknown member id', () => {
      const { g } = stableGroup(1);
      expect(g.join(request('ghost'), 1)).to.deep.include({ kind: 'error', errorCode: E.UNKNOWN_MEMBER_ID.code, memberId: 'ghost' });
    });

    it('stops admitting new members at group.max.size, counting unconfirmed ids', () => {
      const g = newGroup({ ...CONFIG, maxSize: 2 });
      joinNew(g, 'a', 0);
      g.join(request('', 'b'), 0);
      expect(g.join(request('', 'c'), 0)).to.deep.include({ errorCode: E.GROUP_MAX_SIZE_REACHED.code });
    });

    it('gives the leader every member\'s metadata for the chosen protocol and followers none', () => {
      const g = newGroup();
      const a = joinNew(g, 'a', 0, { protocols: protocols('roundrobin', 'range') });
      const b = joinNew(g, 'b', 0, { protocols: protocols('range', 'roundrobin') });
      const c = joinNew(g, 'c', 0, { protocols: protocols('range') });
      const done = g.tryCompleteJoin(0)!;
      expect(done.protocolName).to.equal('range');
      expect(done.leaderId).to.equal(a);
      const [ra, rb, rc] = done.responses;
      expect(ra.members.map((m) => [m.memberId, m.metadata.toString()])).to.deep.equal([[a, 'range-meta'], [b, 'range-meta'], [c, 'range-meta']]);
      expect(rb.members).to.deep.equal([]);
      expect(rc).to.deep.include({ memberId: c, leaderId: a, generationId: 1, protocolType: 'consumer', protocolName: 'range', errorCode: 0 });
    });

    it('picks the protocol most members prefer among those all support', () => {
      const g = newGroup();
      joinNew(g, 'a', 0, { protocols: protocols('range', 'roundrobin', 'sticky') });
      joinNew(g, 'b', 0, { protocols: protocols('sticky', 'roundrobin') });
      joinNew(g, 'c', 0, { protocols: protocols('sticky', 'range', 'roundrobin') });
      expect(g.tryCompleteJoin(0)!.protocolName).to.equal('sticky');
    });

    it('breaks a tie in the vote by the first member\'s preference, deterministically', () => {
      const g = newGroup();
      joinNew(g, 'a', 0, { protocols: protocols('roundrobin', 'range') });
      joinNew(g, 'b', 0, { protocols: protocols('range', 'roundrobin') });
      expect(g.tryCompleteJoin(0)!.protocolName).to.equal('roundrobin');
    });

    it('answers a follower that rejoins a stable group unchanged with the current generation', () => {
      const { g, ids } = stableGroup(2);
      const d = g.join(request(ids[1], 'c1'), 5);
      expect(d.kind).to.equal('response');
      expect((d as Extract<typeof d, { kind: 'response' }>).response).to.deep.include({ generationId: 1, members: [] });
      expect(g.state).to.equal('Stable');
    });

    it('resends the join response, member list included, to a leader that rejoins before syncing', () => {
      const g = newGroup();
      const a = joinNew(g, 'a', 0);
      joinNew(g, 'b', 0);
      g.tryCompleteJoin(0);
      const d = g.join(request(a, 'a'), 1);
      expect(d.kind).to.equal('response');
      expect((d as Extract<typeof d, { kind: 'response' }>).response.members).to.have.length(2);
      expect(g.state).to.equal('CompletingRebalance');
    });

    it('elects the next member as leader when the leader leaves', () => {
      const { g, ids } = stableGroup(3);
      g.leave(ids[0], 1);
      expect(g.leaderId).to.equal(ids[1]);
      g.join(request(ids[1], 'c1'), 2);
      g.join(request(ids[2], 'c2'), 2);
      const done = g.tryCompleteJoin(2)!;
      expect(done.leaderId).to.equal(ids[1]);
      expect(done.responses.find((r) => r.memberId === ids[1])!.members).to.have.length(2);
    });

    it('removes members that did not rejoin before the rebalance timeout and re-elects the leader', () => {
      const { g, ids } = stableGroup(3);
      expectAwait(g.join(request(ids[2], 'c2', { protocols: protocols('range', 'sticky') }), 10));
      expect(g.tryCompleteJoin(10 + REBALANCE_MS - 1)).to.equal(null);
      const done = g.tryCompleteJoin(10 + REBALANCE_MS)!;
      expect(done.removedMemberIds).to.deep.equal([ids[0], ids[1]]);
      expect(done.leaderId).to.equal(ids[2]);
      expect(done.generationId).to.equal(2);
      expect([...g.members.keys()]).to.deep.equal([ids[2]]);
    });

    it('does not complete a join early while a handed-out member id is unconfirmed', () => {
      const { g, ids } = stableGroup(1);
      const pending = (g.join(request('', 'newbie'), 1) as { memberId: string }).memberId;
      g.join(request(ids[0], 'c0'), 1); // leader rejoin starts a rebalance
      expect(g.tryCompleteJoin(2)).to.equal(null);
      expectAwait(g.join(request(pending, 'newbie'), 3));
      expect(g.tryCompleteJoin(3)!.responses).to.have.length(2);
    });
  });

  describe('initial rebalance delay', () => {
    const config = { ...CONFIG, initialRebalanceDelayMs: 3000 };

    it('holds the first rebalance of an empty group for group.initial.rebalance.delay.ms', () => {
      const g = newGroup(config);
      joinNew(g, 'a', 0);
      expect(g.nextDeadlineMs()).to.equal(3000);
      expect(g.tryCompleteJoin(2999)).to.equal(null);
      expect(g.tryCompleteJoin(3000)!.responses).to.have.length(1);
    });

    it('extends the delay while new members keep arriving, within the rebalance timeout', () => {
      const g = newGroup(config);
      joinNew(g, 'a', 0);
      joinNew(g, 'b', 1000);
      expect(g.tryCompleteJoin(3000)).to.equal(null); // b arrived in the window: wait another delay
      expect(g.nextDeadlineMs()).to.equal(6000);
      expect(g.tryCompleteJoin(6000)!.responses).to.have.length(2);
    });

    it('stops extending once the rebalance timeout is used up', () => {
      const g = newGroup(config);
      joinNew(g, 'a', 0, { rebalanceTimeoutMs: 4000 });
      joinNew(g, 'b', 1000, { rebalanceTimeoutMs: 4000 });
      expect(g.tryCompleteJoin(3000)).to.equal(null);
      expect(g.nextDeadlineMs()).to.equal(4000);
      joinNew(g, 'c', 3500, { rebalanceTimeoutMs: 4000 });
      expect(g.tryCompleteJoin(4000)!.responses).to.have.length(3);
    });
  });

  describe('sync', () => {
    it('parks followers until the leader\'s assignment, then answers them all', () => {
      const g = newGroup();
      const [a, b, c] = [joinNew(g, 'a', 0), joinNew(g, 'b', 0), joinNew(g, 'c', 0)];
      g.tryCompleteJoin(0);
      expect(g.sync({ memberId: b, generationId: 1 }, 1)).to.deep.equal({ kind: 'await' });
      const d = g.sync({ memberId: a, generationId: 1, assignments: [
        { memberId: a, assignment: Buffer.from('A') }, { memberId: b, assignment: Buffer.from('B') }, { memberId: 'ghost', assignment: Buffer.from('X') },
      ] }, 2);
      expect(d.kind).to.equal('completed');
      const completed = d as Extract<typeof d, { kind: 'completed' }>;
      expect(completed.waitingMemberIds).to.deep.equal([a, b]);
      expect([...completed.assignments].map(([id, buf]) => [id, buf.toString()])).to.deep.equal([[a, 'A'], [b, 'B'], [c, '']]);
      expect(g.sync({ memberId: c, generationId: 1 }, 3)).to.deep.equal({ kind: 'assigned', assignment: Buffer.alloc(0) });
      expect(g.sync({ memberId: b, generationId: 1 }, 3)).to.deep.equal({ kind: 'assigned', assignment: Buffer.from('B') });
    });

    it('rejects unknown members, stale generations and syncs during a rebalance', () => {
      const { g, ids } = stableGroup(2);
      expect(g.sync({ memberId: 'ghost', generationId: 1 }, 1)).to.deep.equal({ kind: 'error', errorCode: E.UNKNOWN_MEMBER_ID.code });
      expect(g.sync({ memberId: ids[1], generationId: 0 }, 1)).to.deep.equal({ kind: 'error', errorCode: E.ILLEGAL_GENERATION.code });
      g.join(request(ids[0], 'c0'), 1);
      expect(g.sync({ memberId: ids[1], generationId: 1 }, 1)).to.deep.equal({ kind: 'error', errorCode: E.REBALANCE_IN_PROGRESS.code });
    });

    it('fails parked syncs with REBALANCE_IN_PROGRESS when a rebalance starts before the leader syncs', () => {
      const g = newGroup();
      const [a, b, c] = [joinNew(g, 'a', 0), joinNew(g, 'b', 0), joinNew(g, 'c', 0)];
      g.tryCompleteJoin(0);
      g.sync({ memberId: b, generationId: 1 }, 1);
      const left = g.leave(c, 2);
      expect(left).to.deep.equal({ errorCode: 0, rebalanceStarted: true, failedSyncMemberIds: [b], removedMemberId: c });
      expect(g.sync({ memberId: a, generationId: 1 }, 3)).to.deep.equal({ kind: 'error', errorCode: E.REBALANCE_IN_PROGRESS.code });
    });
  });

  describe('heartbeat', () => {
    it('answers NONE when stable and REBALANCE_IN_PROGRESS while preparing a rebalance', () => {
      const { g, ids } = stableGroup(2);
      expect(g.heartbeat(ids[1], 1, 1)).to.equal(E.NONE.code);
      g.join(request(ids[0], 'c0'), 2);
      expect(g.heartbeat(ids[1], 1, 3)).to.equal(E.REBALANCE_IN_PROGRESS.code);
    });

    it('answers NONE between join and sync, since the member has already rejoined', () => {
      const g = newGroup();
      const a = joinNew(g, 'a', 0);
      g.tryCompleteJoin(0);
      expect(g.state).to.equal('CompletingRebalance');
      expect(g.heartbeat(a, 1, 1)).to.equal(E.NONE.code);
    });

    it('rejects unknown members (including unconfirmed ids) and stale generations', () => {
      const { g, ids } = stableGroup(1);
      const pending = (g.join(request('', 'p'), 1) as { memberId: string }).memberId;
      expect(g.heartbeat('ghost', 1, 1)).to.equal(E.UNKNOWN_MEMBER_ID.code);
      expect(g.heartbeat(pending, 1, 1)).to.equal(E.UNKNOWN_MEMBER_ID.code);
      expect(g.heartbeat(ids[0], 2, 1)).to.equal(E.ILLEGAL_GENERATION.code);
      expect(newGroup().heartbeat('x', 0, 0)).to.equal(E.UNKNOWN_MEMBER_ID.code);
    });
  });

  describe('leave and session expiry', () => {
    it('removes an unconfirmed id or reports an unknown member on leave', () => {
      const g = newGroup();
      const pending = (g.join(request('', 'p'), 0) as { memberId: string }).memberId;
      expect(g.leave(pending, 1).errorCode).to.equal(E.NONE.code);
      expect(g.pendingMemberIds).to.deep.equal([]);
      expect(g.leave('ghost', 1).errorCode).to.equal(E.UNKNOWN_MEMBER_ID.code);
    });

    it('expires members that stop heartbeating, and keeps those that heartbeat', () => {
      const { g, ids } = stableGroup(2);
      g.heartbeat(ids[0], 1, 6000);
      expect(g.nextDeadlineMs()).to.equal(SESSION_MS);
      expect(g.expireSessions(SESSION_MS - 1).expiredMemberIds).to.deep.equal([]);
      const out = g.expireSessions(SESSION_MS);
      expect(out).to.deep.include({ expiredMemberIds: [ids[1]], rebalanceStarted: true });
      expect(g.state).to.equal('PreparingRebalance');
      expect([...g.members.keys()]).to.deep.equal([ids[0]]);
    });

    it('keeps members parked in JoinGroup or SyncGroup alive past their session', () => {
      const g = newGroup();
      const [a, b] = [joinNew(g, 'a', 0), joinNew(g, 'b', 0)];
      g.tryCompleteJoin(0);
      g.sync({ memberId: b, generationId: 1 }, 0);
      const out = g.expireSessions(SESSION_MS);
      expect(out.expiredMemberIds).to.deep.equal([a]);
      expect(out.failedSyncMemberIds).to.deep.equal([b]);
      expect(g.leaderId).to.equal(b);
    });

    it('forgets handed-out member ids that are never confirmed within the session timeout', () => {
      const g = newGroup();
      const pending = (g.join(request('', 'p'), 0) as { memberId: string }).memberId;
      expect(g.nextDeadlineMs()).to.equal(SESSION_MS);
      expect(g.expireSessions(SESSION_MS).expiredMemberIds).to.deep.equal([pending]);
      expect(g.join(request(pending, 'p'), SESSION_MS)).to.deep.include({ errorCode: E.UNKNOWN_MEMBER_ID.code });
    });

    it('reports no deadline for an empty group', () => {
      expect(newGroup().nextDeadlineMs()).to.equal(null);
    });
  });

  describe('stored metadata', () => {
    it('survives a round trip through the __consumer_offsets record as a Stable group', () => {
      const { g, ids } = stableGroup(2, 500);
      const bytes = encodeGroupMetadataValue(g.toMetadataValue());
      const loaded = ConsumerGroup.fromMetadataValue('g', decodeGroupMetadataValue(bytes)!, 9000, { config: CONFIG });
      expect(loaded.state).to.equal('Stable');
      expect(loaded.generationId).to.equal(1);
      expect(loaded.leaderId).to.equal(ids[0]);
      expect(loaded.protocolName).to.equal('range');
      expect(loaded.members.get(ids[1])!.assignment.toString()).to.equal(ids[1]);
      expect(loaded.heartbeat(ids[1], 1, 9001)).to.equal(E.NONE.code);
      // An unchanged follower rejoin after failover needs no rebalance.
      expect(loaded.join(request(ids[1], 'c1'), 9002).kind).to.equal('response');
      expect(g.toMetadataValue().currentStateTimestamp).to.equal(500);
    });

    it('stores and reloads an empty group with its generation', () => {
      const { g, ids } = stableGroup(1);
      g.leave(ids[0], 1);
      g.tryCompleteJoin(1);
      const value = g.toMetadataValue();
      expect(value).to.deep.include({ protocolType: 'consumer', generation: 2, protocol: null, leader: null, members: [] });
      const loaded = ConsumerGroup.fromMetadataValue('g', value, 2);
      expect(loaded.state).to.equal('Empty');
      expect(loaded.generationId).to.equal(2);
    });
  });
});
