import { expect } from 'chai';
import { ErrorCode as E } from '../../lib/protocol/errors';
import { encodeAssignment } from '../../lib/group/consumer-protocol';
import {
  CLIENT, Harness, joinRequest, joinWithId, newCoordinator, peek, REBALANCE_MS, SESSION_MS, settle, useLeadingCoordinator,
} from './coordinator-harness';

function assignment(partitions: number[]): Buffer {
  return encodeAssignment({ partitions: partitions.map((partition) => ({ topic: 't', partition })) });
}

/** Two members in a Stable group at generation 2 (the first alone made generation 1). */
async function twoMemberGroup(h: Harness) {
  const a = await joinWithId(h);
  const aFirst = await a.joined;
  expect(aFirst).to.deep.include({ errorCode: 0, generationId: 1, leader: a.memberId });
  const b = await joinWithId(h);
  expect(await peek(b.joined)).to.equal('pending');
  // The leader learns of the rebalance from its heartbeat and rejoins.
  expect(h.coordinator.membership.heartbeat({ groupId: 'g', generationId: 1, memberId: a.memberId, groupInstanceId: null }).errorCode)
    .to.equal(E.REBALANCE_IN_PROGRESS.code);
  const [aJoin, bJoin] = await Promise.all([h.coordinator.membership.join(joinRequest(a.memberId), CLIENT), b.joined]);
  expect(aJoin).to.deep.include({ errorCode: 0, generationId: 2, leader: a.memberId, protocolName: 'range' });
  expect(aJoin.members.map((m) => m.memberId)).to.have.members([a.memberId, b.memberId]);
  expect(bJoin).to.deep.include({ errorCode: 0, generationId: 2, leader: a.memberId });
  expect(bJoin.members).to.deep.equal([]);
  const bSync = h.coordinator.membership.sync({
    groupId: 'g', generationId: 2, memberId: b.memberId, groupInstanceId: null, protocolType: 'consumer', protocolName: 'range', assignments: [],
  });
  expect(await peek(bSync)).to.equal('pending');
  const aSync = await h.coordinator.membership.sync({
    groupId: 'g', generationId: 2, memberId: a.memberId, groupInstanceId: null, protocolType: 'consumer', protocolName: 'range',
    assignments: [{ memberId: a.memberId, assignment: assignment([0, 1]) }, { memberId: b.memberId, assignment: assignment([2, 3]) }],
  });
  expect(aSync.assignment).to.deep.equal(assignment([0, 1]));
  expect((await bSync).assignment).to.deep.equal(assignment([2, 3]));
  return { a: a.memberId, b: b.memberId };
}

describe('group/group-coordinator membership', () => {
  const h = useLeadingCoordinator();

  it('answers NOT_COORDINATOR for groups of partitions it does not lead, and LOAD_IN_PROGRESS while loading', async () => {
    const other = newCoordinator();
    expect((await other.coordinator.membership.join(joinRequest(''), CLIENT)).errorCode).to.equal(E.NOT_COORDINATOR.code);
    let open!: () => void;
    other.replicas.log(0).gate = new Promise((r) => { open = r; });
    other.replicas.lead(0);
    expect((await other.coordinator.membership.join(joinRequest(''), CLIENT)).errorCode).to.equal(E.COORDINATOR_LOAD_IN_PROGRESS.code);
    open();
    await settle();
    expect((await other.coordinator.membership.join(joinRequest(''), CLIENT)).errorCode).to.equal(E.MEMBER_ID_REQUIRED.code);
    other.coordinator.shutdown();
  });

  it('rejects empty group ids, session timeouts outside the broker bounds and groups without protocols', async () => {
    expect((await h.coordinator.membership.join(joinRequest('', { groupId: '' }), CLIENT)).errorCode).to.equal(E.INVALID_GROUP_ID.code);
    expect((await h.coordinator.membership.join(joinRequest('', { sessionTimeoutMs: 999 }), CLIENT)).errorCode).to.equal(E.INVALID_SESSION_TIMEOUT.code);
    expect((await h.coordinator.membership.join(joinRequest('', { sessionTimeoutMs: 60_001 }), CLIENT)).errorCode).to.equal(E.INVALID_SESSION_TIMEOUT.code);
    const noProtocols = await h.coordinator.membership.join({ ...joinRequest(''), protocols: [] }, CLIENT);
    expect(noProtocols.errorCode).to.equal(E.INCONSISTENT_GROUP_PROTOCOL.code);
    expect(h.coordinator.admin.list([]).groups).to.deep.equal([]);
    expect((await h.coordinator.membership.join(joinRequest('someone'), CLIENT)).errorCode).to.equal(E.UNKNOWN_MEMBER_ID.code);
  });

  it('takes two members through join and sync and stores the assignment before answering', async () => {
    const { a, b } = await twoMemberGroup(h);
    const stored = h.replicas.log(0).records().filter((r) => r.key.type === 'group');
    const last = stored[stored.length - 1].value as { generation: number; members: Array<{ memberId: string; assignment: Buffer }> };
    expect(last.generation).to.equal(2);
    expect(last.members.map((m) => [m.memberId, m.assignment.toString('hex')])).to.deep.equal([
      [a, assignment([0, 1]).toString('hex')], [b, assignment([2, 3]).toString('hex')],
    ]);
    expect(h.coordinator.admin.describe(['g']).groups[0]).to.deep.include({ groupState: 'Stable', protocolData: 'range', protocolType: 'consumer' });
    expect(h.coordinator.membership.heartbeat({ groupId: 'g', generationId: 2, memberId: b, groupInstanceId: null }).errorCode).to.equal(0);
    expect(h.coordinator.membership.heartbeat({ groupId: 'g', generationId: 1, memberId: b, groupInstanceId: null }).errorCode).to.equal(E.ILLEGAL_GENERATION.code);
  });

  it('removes a member whose session expires and rebalances the rest', async () => {
    const { a, b } = await twoMemberGroup(h);
    // a keeps heartbeating, b goes silent.
    for (let t = 0; t < SESSION_MS; t += 3000) {
      await h.clock.advance(3000);
      h.coordinator.membership.heartbeat({ groupId: 'g', generationId: 2, memberId: a, groupInstanceId: null });
    }
    const described = h.coordinator.admin.describe(['g']).groups[0];
    expect(described.groupState).to.equal('PreparingRebalance');
    expect(described.members.map((m) => m.memberId)).to.deep.equal([a]);
    expect(h.coordinator.membership.heartbeat({ groupId: 'g', generationId: 2, memberId: b, groupInstanceId: null }).errorCode).to.equal(E.UNKNOWN_MEMBER_ID.code);
    const rejoin = await h.coordinator.membership.join(joinRequest(a), CLIENT);
    expect(rejoin).to.deep.include({ errorCode: 0, generationId: 3, leader: a });
  });

  it('drops a member that does not rejoin within the rebalance timeout', async () => {
    const { a, b } = await twoMemberGroup(h);
    const aJoin = h.coordinator.membership.join(joinRequest(a, { topics: ['t', 'u'] }), CLIENT);
    expect(await peek(aJoin)).to.equal('pending');
    // b heartbeats (so its session stays alive) but never rejoins.
    for (let t = 0; t < REBALANCE_MS; t += 2000) {
      await h.clock.advance(2000);
      h.coordinator.membership.heartbeat({ groupId: 'g', generationId: 2, memberId: b, groupInstanceId: null });
    }
    expect(await aJoin).to.deep.include({ errorCode: 0, generationId: 3 });
    expect((await aJoin).members.map((m) => m.memberId)).to.deep.equal([a]);
  });

  it('answers parked SyncGroups of followers with REBALANCE_IN_PROGRESS when a member leaves', async () => {
    const { a, b } = await twoMemberGroup(h);
    const c = await joinWithId(h);
    const [aJoin, bJoin, cJoin] = await Promise.all([
      h.coordinator.membership.join(joinRequest(a), CLIENT), h.coordinator.membership.join(joinRequest(b), CLIENT), c.joined,
    ]);
    expect([aJoin.generationId, bJoin.generationId, cJoin.generationId]).to.deep.equal([3, 3, 3]);
    const bSync = h.coordinator.membership.sync({ groupId: 'g', generationId: 3, memberId: b, groupInstanceId: null, protocolType: null, protocolName: null, assignments: [] });
    const left = h.coordinator.membership.leave({ groupId: 'g', members: [{ memberId: c.memberId, groupInstanceId: null }] });
    expect(left).to.deep.include({ errorCode: 0 });
    expect(left.members[0].errorCode).to.equal(0);
    expect((await bSync).errorCode).to.equal(E.REBALANCE_IN_PROGRESS.code);
    const unknown = h.coordinator.membership.leave({ groupId: 'nope', members: [{ memberId: 'x', groupInstanceId: null }] });
    expect(unknown.members[0].errorCode).to.equal(E.UNKNOWN_MEMBER_ID.code);
  });

  it('answers everyone with an error and rebalances when the assignment cannot be stored', async () => {
    const a = await joinWithId(h);
    await a.joined;
    h.replicas.failWith = E.NOT_ENOUGH_REPLICAS.code;
    const sync = await h.coordinator.membership.sync({
      groupId: 'g', generationId: 1, memberId: a.memberId, groupInstanceId: null, protocolType: null, protocolName: null, assignments: [],
    });
    expect(sync.errorCode).to.equal(E.COORDINATOR_NOT_AVAILABLE.code);
    expect(h.coordinator.admin.describe(['g']).groups[0].groupState).to.equal('PreparingRebalance');
  });

  it('rejects a SyncGroup whose protocol does not match the group', async () => {
    const a = await joinWithId(h);
    await a.joined;
    const sync = await h.coordinator.membership.sync({
      groupId: 'g', generationId: 1, memberId: a.memberId, groupInstanceId: null, protocolType: 'connect', protocolName: null, assignments: [],
    });
    expect(sync.errorCode).to.equal(E.INCONSISTENT_GROUP_PROTOCOL.code);
  });

  it('answers parked requests with NOT_COORDINATOR when it loses the partition', async () => {
    const { a } = await twoMemberGroup(h);
    const parked = h.coordinator.membership.join(joinRequest(a, { topics: ['u'] }), CLIENT);
    expect(await peek(parked)).to.equal('pending');
    h.replicas.resign(0);
    expect((await parked).errorCode).to.equal(E.NOT_COORDINATOR.code);
    expect(h.coordinator.membership.heartbeat({ groupId: 'g', generationId: 2, memberId: a, groupInstanceId: null }).errorCode).to.equal(E.NOT_COORDINATOR.code);
  });

  it('reloads a Stable group with its members and generation on a new coordinator', async () => {
    const { a, b } = await twoMemberGroup(h);
    h.replicas.resign(0);
    h.coordinator.shutdown();
    const next = newCoordinator({ clock: h.clock, replicas: h.replicas, metadata: h.metadata });
    h.replicas.lead(0, 3);
    await settle();
    const described = next.coordinator.admin.describe(['g']).groups[0];
    expect(described.groupState).to.equal('Stable');
    expect(described.members.map((m) => m.memberId)).to.have.members([a, b]);
    expect(next.coordinator.membership.heartbeat({ groupId: 'g', generationId: 2, memberId: b, groupInstanceId: null }).errorCode).to.equal(0);
    // Members that never come back expire on the new coordinator as they would have on the old one.
    await h.clock.advance(SESSION_MS + 1);
    expect(next.coordinator.admin.describe(['g']).groups[0].groupState).to.not.equal('Stable');
    next.coordinator.shutdown();
  });
});
