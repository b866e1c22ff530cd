import { expect } from 'chai';
import { ConsumerGroup, GroupState, IllegalGroupTransitionError, VALID_PREVIOUS_STATES } from '../../lib/group/group-state';
import { ErrorCode } from '../../lib/protocol/errors';
import { expectAwait, joinNew, newGroup, protocols, REBALANCE_MS, request, SESSION_MS, stableGroup } from './group-state-harness';

interface Scenario {
  readonly name: string;
  readonly from: GroupState;
  readonly to: GroupState;
  /** Builds the starting group and performs the action; returns the group to inspect. */
  readonly run: () => ConsumerGroup;
  readonly generationId: number;
  /** States passed through on the way, when the action takes more than one edge. */
  readonly via?: readonly GroupState[];
}

function completingGroup(): { g: ConsumerGroup; ids: string[] } {
  const g = newGroup();
  const ids = [joinNew(g, 'a', 0), joinNew(g, 'b', 0)];
  g.tryCompleteJoin(0);
  expect(g.state).to.equal('CompletingRebalance');
  return { g, ids };
}

function preparingGroup(): { g: ConsumerGroup; ids: string[] } {
  const { g, ids } = stableGroup(2);
  expectAwait(g.join(request(ids[0], 'c0', { protocols: protocols('range') }), 0));
  expect(g.state).to.equal('PreparingRebalance');
  return { g, ids };
}

const scenarios: Scenario[] = [
  { name: 'the first confirmed member joins', from: 'Empty', to: 'PreparingRebalance', generationId: 0,
    run: () => { const g = newGroup(); joinNew(g, 'a', 0); return g; } },
  { name: 'every known member has rejoined', from: 'PreparingRebalance', to: 'CompletingRebalance', generationId: 2,
    run: () => { const { g, ids } = preparingGroup(); expectAwait(g.join(request(ids[1], 'c1'), 5)); expect(g.tryCompleteJoin(5)).to.not.equal(null); return g; } },
  { name: 'the rebalance timeout expires with nobody rejoined', from: 'PreparingRebalance', to: 'Empty', generationId: 2,
    run: () => { const { g, ids } = stableGroup(2); g.leave(ids[1], 0); expect(g.tryCompleteJoin(REBALANCE_MS)).to.not.equal(null); return g; } },
  { name: 'the leader sends its assignment', from: 'CompletingRebalance', to: 'Stable', generationId: 1,
    run: () => { const { g, ids } = completingGroup(); g.sync({ memberId: ids[0], generationId: 1, assignments: [] }, 1); return g; } },
  { name: 'a member leaves before the leader syncs', from: 'CompletingRebalance', to: 'PreparingRebalance', generationId: 1,
    run: () => { const { g, ids } = completingGroup(); g.leave(ids[1], 1); return g; } },
  { name: 'a new member joins a stable group', from: 'Stable', to: 'PreparingRebalance', generationId: 1,
    run: () => { const { g } = stableGroup(2); joinNew(g, 'late', 1); return g; } },
  { name: 'the leader rejoins a stable group', from: 'Stable', to: 'PreparingRebalance', generationId: 1,
    run: () => { const { g, ids } = stableGroup(2); expectAwait(g.join(request(ids[0], 'c0'), 1)); return g; } },
  { name: 'a follower rejoins with a changed subscription', from: 'Stable', to: 'PreparingRebalance', generationId: 1,
    run: () => { const { g, ids } = stableGroup(2); expectAwait(g.join(request(ids[1], 'c1', { protocols: [{ name: 'range', metadata: Buffer.from('new') }] }), 1)); return g; } },
  { name: 'a member leaves a stable group', from: 'Stable', to: 'PreparingRebalance', generationId: 1,
    run: () => { const { g, ids } = stableGroup(2); g.leave(ids[1], 1); return g; } },
  { name: 'a member\'s session expires', from: 'Stable', to: 'PreparingRebalance', generationId: 1,
    run: () => { const { g, ids } = stableGroup(2); g.heartbeat(ids[0], 1, SESSION_MS); g.expireSessions(SESSION_MS); return g; } },
  { name: 'the last member leaves and the empty join completes', from: 'Stable', to: 'Empty', generationId: 2, via: ['PreparingRebalance'],
    run: () => { const { g, ids } = stableGroup(1); g.leave(ids[0], 1); g.tryCompleteJoin(1); return g; } },
  { name: 'the coordinator gives up a stable group', from: 'Stable', to: 'Dead', generationId: 1,
    run: () => { const { g } = stableGroup(1); g.markDead(1); return g; } },
  { name: 'the coordinator gives up an empty group', from: 'Empty', to: 'Dead', generationId: 0,
    run: () => { const g = newGroup(); g.markDead(1); return g; } },
];

describe('group/group-state transitions', () => {
  for (const s of scenarios) {
    it(`moves ${s.from} → ${s.to} when ${s.name}`, () => {
      const g = s.run();
      expect(g.state).to.equal(s.to);
      expect(g.generationId).to.equal(s.generationId);
      const path = [s.from, ...(s.via ?? []), s.to];
      for (let i = 1; i < path.length; i++) expect(VALID_PREVIOUS_STATES[path[i]]).to.include(path[i - 1]);
    });
  }

  it('allows exactly Kafka\'s edges', () => {
    expect(VALID_PREVIOUS_STATES).to.deep.equal({
      Empty: ['PreparingRebalance'],
      PreparingRebalance: ['Stable', 'CompletingRebalance', 'Empty'],
      CompletingRebalance: ['PreparingRebalance'],
      Stable: ['CompletingRebalance'],
      Dead: ['Stable', 'PreparingRebalance', 'CompletingRebalance', 'Empty', 'Dead'],
    });
  });

  it('refuses to complete a join outside PreparingRebalance', () => {
    const { g } = stableGroup(1);
    expect(() => g.completeJoin(1)).to.throw(IllegalGroupTransitionError, /Stable to CompletingRebalance/);
    expect(g.tryCompleteJoin(1)).to.equal(null);
    expect(g.state).to.equal('Stable');
  });

  it('records when the state last changed', () => {
    const g = newGroup();
    joinNew(g, 'a', 40);
    expect(g.stateChangedAtMs).to.equal(40);
    g.tryCompleteJoin(70);
    expect(g.stateChangedAtMs).to.equal(70);
  });

  it('answers every request to a dead group with COORDINATOR_NOT_AVAILABLE', () => {
    const { g, ids } = stableGroup(2);
    g.markDead(1);
    const code = ErrorCode.COORDINATOR_NOT_AVAILABLE.code;
    expect(g.join(request(''), 2)).to.deep.include({ kind: 'error', errorCode: code });
    expect(g.join(request(ids[1]), 2)).to.deep.include({ kind: 'error', errorCode: code });
    expect(g.sync({ memberId: ids[1], generationId: 1 }, 2)).to.deep.equal({ kind: 'error', errorCode: code });
    expect(g.heartbeat(ids[1], 1, 2)).to.equal(code);
    expect(g.leave(ids[1], 2).errorCode).to.equal(code);
  });

  it('keeps the rebalance timeout of the slowest member as the join deadline', () => {
    const { g, ids } = stableGroup(2);
    g.leave(ids[1], 100);
    expect(g.state).to.equal('PreparingRebalance');
    // The leader's session (10 s) would end first; heartbeats keep it alive past the join deadline.
    expect(g.nextDeadlineMs()).to.equal(SESSION_MS);
    for (const t of [9000, 18000, 27000]) expect(g.heartbeat(ids[0], 1, t)).to.equal(ErrorCode.REBALANCE_IN_PROGRESS.code);
    expect(g.nextDeadlineMs()).to.equal(100 + REBALANCE_MS);
    expect(g.tryCompleteJoin(100 + REBALANCE_MS - 1)).to.equal(null);
    const done = g.tryCompleteJoin(100 + REBALANCE_MS);
    expect(done?.removedMemberIds).to.deep.equal([ids[0]]);
    expect(g.state).to.equal('Empty');
  });
});
