// Shared steps for the group state machine tests: join with the MEMBER_ID_REQUIRED dance,
// build a Stable group, and read decisions without repeating type narrowing everywhere.
import { expect } from 'chai';
import { ConsumerGroup } from '../../lib/group/group-state';
import { GroupConfig, JoinDecision, JoinRequest } from '../../lib/group/group-decisions';
import { MemberProtocol } from '../../lib/group/group-member';

export const CONFIG: Partial<GroupConfig> = { minSessionTimeoutMs: 1000, maxSessionTimeoutMs: 60_000, initialRebalanceDelayMs: 0 };
export const SESSION_MS = 10_000;
export const REBALANCE_MS = 30_000;

export function protocols(...names: string[]): MemberProtocol[] {
  return names.map((name) => ({ name, metadata: Buffer.from(`${name}-meta`) }));
}

export function request(memberId: string, clientId = 'c', overrides: Partial<JoinRequest> = {}): JoinRequest {
  return {
    memberId, clientId, clientHost: '/127.0.0.1', sessionTimeoutMs: SESSION_MS, rebalanceTimeoutMs: REBALANCE_MS,
    protocolType: 'consumer', protocols: protocols('range'), ...overrides,
  };
}

export function newGroup(config: Partial<GroupConfig> = CONFIG, nowMs = 0): ConsumerGroup {
  let n = 0;
  return new ConsumerGroup('g', nowMs, { config, newMemberId: (clientId) => `${clientId}-${++n}` });
}

export function expectAwait(d: JoinDecision): Extract<JoinDecision, { kind: 'await' }> {
  expect(d.kind, JSON.stringify(d)).to.equal('await');
  return d as Extract<JoinDecision, { kind: 'await' }>;
}

/** First join gets MEMBER_ID_REQUIRED; the rejoin with that id enters the group. Returns the member id. */
export function joinNew(g: ConsumerGroup, clientId: string, nowMs: number, overrides: Partial<JoinRequest> = {}): string {
  const first = g.join(request('', clientId, overrides), nowMs);
  expect(first).to.deep.include({ kind: 'error', errorCode: 79 });
  const memberId = (first as { memberId: string }).memberId;
  expectAwait(g.join(request(memberId, clientId, overrides), nowMs));
  return memberId;
}

/** A Stable group at generation 1 whose members joined in order (the first is the leader). */
export function stableGroup(count: number, nowMs = 0): { g: ConsumerGroup; ids: string[] } {
  const g = newGroup();
  const ids: string[] = [];
  for (let i = 0; i < count; i++) ids.push(joinNew(g, `c${i}`, nowMs));
  const done = g.tryCompleteJoin(nowMs);
  expect(done?.generationId).to.equal(1);
  const sync = g.sync({ memberId: ids[0], generationId: 1, assignments: ids.map((id) => ({ memberId: id, assignment: Buffer.from(id) })) }, nowMs);
  expect(sync.kind).to.equal('completed');
  expect(g.state).to.equal('Stable');
  return { g, ids };
}
