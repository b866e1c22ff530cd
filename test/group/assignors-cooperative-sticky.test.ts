// The cooperative-sticky assignor and the two-phase protocol it drives (KIP-429), on scripted
// membership changes: each "rebalance" runs the assignor over what every member holds, members
// revoke only what their assignment lacks, and anyone who revoked forces a follow-up rebalance.
import { expect } from 'chai';
import fc from 'fast-check';
import { assignorByName, CooperativeStickyAssignor, rebalanceProtocol, StickyAssignor } from '../../lib/group/assignors';
import { partitionsTransferringOwnership } from '../../lib/group/assignors/cooperative-sticky';
import { AssignorMember } from '../../lib/group/assignors/partition-assignor';
import { GroupMember, selectProtocol } from '../../lib/group/group-member';
import { TopicPartition, topicPartitionKey } from '../../lib/util/topic-partition';

const assignor = new CooperativeStickyAssignor();

/** What each member holds between rebalances. */
type Holdings = Map<string, TopicPartition[]>;

interface RoundLog {
  /** Partitions some member gave up in this round. */
  revoked: string[];
  /** Partitions handed to a member that did not hold them. */
  added: string[];
}

/**
 * One client-side rebalance round: every member joins with what it holds, the assignor runs,
 * members keep the intersection and add the rest (never taking a partition someone else still holds).
 */
function round(holdings: Holdings, topics: Record<string, string[]>, counts: Map<string, number>, generation: number): RoundLog {
  const members: AssignorMember[] = Object.entries(topics).map(([memberId, t]) => ({
    memberId, topics: t, ownedPartitions: holdings.get(memberId) ?? [], userData: assignor.subscriptionUserData(generation),
  }));
  const assignment = assignor.assign(members, counts);
  const log: RoundLog = { revoked: [], added: [] };
  const heldBy = new Map<string, string>();
  for (const [m, tps] of holdings) if (topics[m]) for (const tp of tps) heldBy.set(topicPartitionKey(tp), m);
  for (const [memberId, tps] of assignment) {
    for (const tp of tps) {
      const holder = heldBy.get(topicPartitionKey(tp));
      expect(holder === undefined || holder === memberId, `${topicPartitionKey(tp)} assigned to ${memberId} while ${holder} holds it`).to.equal(true);
    }
  }
  const next: Holdings = new Map();
  for (const memberId of Object.keys(topics)) {
    const before = new Set((holdings.get(memberId) ?? []).map(topicPartitionKey));
    const after = assignment.get(memberId)!;
    const afterKeys = new Set(after.map(topicPartitionKey));
    for (const key of before) if (!afterKeys.has(key)) log.revoked.push(key);
    for (const key of afterKeys) if (!before.has(key)) log.added.push(key);
    next.set(memberId, after);
  }
  holdings.clear();
  for (const [m, tps] of next) holdings.set(m, tps);
  return log;
}

/** Rebalances until nobody revokes (at most `limit` rounds); returns each round's log. */
function settle(holdings: Holdings, topics: Record<string, string[]>, counts: Map<string, number>, limit = 3): RoundLog[] {
  const logs: RoundLog[] = [];
  for (let generation = 1; generation <= limit; generation++) {
    const log = round(holdings, topics, counts, generation);
    logs.push(log);
    if (log.revoked.length === 0) return logs;
  }
  throw new Error(`still revoking after ${limit} rounds: ${JSON.stringify(logs)}`);
}

function counts(holdings: Holdings): number[] {
  return [...holdings.values()].map((tps) => tps.length).sort((a, b) => a - b);
}

const t6 = new Map([['t', 6]]);

describe('group/assignors/cooperative-sticky', () => {
  it('is named cooperative-sticky, supports both protocols and makes a consumer cooperative only on its own', () => {
    expect(assignor.name).to.equal('cooperative-sticky');
    expect(rebalanceProtocol([assignor])).to.equal('cooperative');
    expect(rebalanceProtocol([assignor, assignorByName('range')])).to.equal('eager');
    expect(rebalanceProtocol([new StickyAssignor()])).to.equal('eager');
  });

  it('is the group\'s protocol only when every member lists it (Kafka\'s upgrade path from eager)', () => {
    const member = (memberId: string, names: string[]): GroupMember => ({
      memberId, groupInstanceId: null, clientId: 'c', clientHost: 'h', sessionTimeoutMs: 1, rebalanceTimeoutMs: 1, protocolType: 'consumer',
      protocols: names.map((name) => ({ name, metadata: Buffer.alloc(0) })), assignment: Buffer.alloc(0), lastHeartbeatMs: 0, awaitingJoin: false, awaitingSync: false,
    });
    // Mid-upgrade: one member still on range only, one listing both; the group stays on range (eager).
    expect(selectProtocol([member('a', ['range']), member('b', ['cooperative-sticky', 'range'])])).to.equal('range');
    // Everyone lists cooperative-sticky first: the group switches.
    expect(selectProtocol([member('a', ['cooperative-sticky', 'range']), member('b', ['cooperative-sticky', 'range'])])).to.equal('cooperative-sticky');
  });

  it('encodes the generation in the subscription user data, as Kafka 2.8 does', () => {
    expect(assignor.subscriptionUserData(7)).to.deep.equal(Buffer.from([0, 0, 0, 7]));
  });

  it('assigns everything at once to members that own nothing', () => {
    const holdings: Holdings = new Map();
    const logs = settle(holdings, { a: ['t'], b: ['t'] }, t6);
    expect(logs).to.have.length(1);
    expect(counts(holdings)).to.deep.equal([3, 3]);
  });

  it('withholds partitions moving to a new member until their owner revoked them (two phases)', () => {
    const holdings: Holdings = new Map();
    settle(holdings, { a: ['t'], b: ['t'] }, t6);
    const before = new Map([...holdings].map(([m, tps]) => [m, tps.map(topicPartitionKey)]));
    const logs = settle(holdings, { a: ['t'], b: ['t'], c: ['t'] }, t6);
    expect(logs).to.have.length(2);
    // Phase one: c gets nothing yet, a and b each give up exactly one partition.
    expect(logs[0].added).to.deep.equal([]);
    expect(logs[0].revoked).to.have.length(2);
    // Phase two: the revoked partitions go to c; nobody revokes anything else.
    expect(logs[1].revoked).to.deep.equal([]);
    expect([...logs[1].added].sort()).to.deep.equal([...logs[0].revoked].sort());
    expect(counts(holdings)).to.deep.equal([2, 2, 2]);
    // Partitions that did not move stayed with their owner throughout.
    for (const m of ['a', 'b']) {
      const kept = before.get(m)!.filter((key) => !logs[0].revoked.includes(key));
      expect(holdings.get(m)!.map(topicPartitionKey)).to.include.members(kept);
      expect(kept).to.have.length(2);
    }
  });

  it('hands a departed member\'s partitions out in one round, revoking nothing', () => {
    const holdings: Holdings = new Map();
    settle(holdings, { a: ['t'], b: ['t'], c: ['t'] }, t6);
    holdings.delete('c');
    const logs = settle(holdings, { a: ['t'], b: ['t'] }, t6);
    expect(logs).to.have.length(1);
    expect(logs[0].revoked).to.deep.equal([]);
    expect(counts(holdings)).to.deep.equal([3, 3]);
  });

  it('leaves a partition claimed by two members in the same generation with at most one of them', () => {
    const tp = { topic: 't', partition: 0 };
    const members: AssignorMember[] = [
      { memberId: 'a', topics: ['t'], ownedPartitions: [tp], generation: 3 },
      { memberId: 'b', topics: ['t'], ownedPartitions: [tp], generation: 3 },
    ];
    const assignment = assignor.assign(members, new Map([['t', 2]]));
    const holders = [...assignment].filter(([, tps]) => tps.some((x) => topicPartitionKey(x) === topicPartitionKey(tp)));
    expect(holders.length).to.be.at.most(1);
    // A partition given to a member that did not own it, while another did, is withheld.
    const third: AssignorMember[] = [{ memberId: 'a', topics: ['t'], ownedPartitions: [tp, { topic: 't', partition: 1 }], generation: 3 }, { memberId: 'b', topics: ['t'] }];
    expect([...partitionsTransferringOwnership(third, new StickyAssignor().assign(third, new Map([['t', 2]])))]).to.have.length(1);
  });

  it('reads the generation from the user data of members that send Subscription v1 (Java 2.8)', () => {
    const tp = { topic: 't', partition: 0 };
    const gen = (g: number) => assignor.subscriptionUserData(g);
    const assignment = assignor.assign([
      { memberId: 'a', topics: ['t'], ownedPartitions: [tp], userData: gen(2) },
      { memberId: 'b', topics: ['t'], ownedPartitions: [tp], userData: gen(5) },
    ], new Map([['t', 2]]));
    // b's claim is newer and wins; a still holds it, so a must revoke before anyone is given it.
    expect(assignment.get('a')!.map(topicPartitionKey)).to.not.include(topicPartitionKey(tp));
    expect(assignment.get('b')!.map(topicPartitionKey)).to.include(topicPartitionKey(tp));
  });

  it('never assigns a partition someone else still holds, and settles balanced within two rounds, on random scripts', () => {
    const step = fc.record({ join: fc.array(fc.constantFrom('m1', 'm2', 'm3', 'm4', 'm5'), { maxLength: 3 }), leave: fc.array(fc.constantFrom('m1', 'm2', 'm3', 'm4', 'm5'), { maxLength: 2 }) });
    fc.assert(fc.property(fc.integer({ min: 1, max: 12 }), fc.array(step, { minLength: 1, maxLength: 6 }), (partitions, script) => {
      const countsByTopic = new Map([['t', partitions], ['u', 3]]);
      const holdings: Holdings = new Map();
      const present = new Set<string>(['m1']);
      for (const s of script) {
        for (const m of s.join) present.add(m);
        for (const m of s.leave) if (present.size > 1) { present.delete(m); holdings.delete(m); }
        const topics = Object.fromEntries([...present].map((m) => [m, ['t', 'u']]));
        const logs = settle(holdings, topics, countsByTopic);
        expect(logs.length).to.be.at.most(2);
        const all = [...holdings.values()].flat().map(topicPartitionKey);
        expect(new Set(all).size).to.equal(all.length);
        expect(all).to.have.length(partitions + 3);
        const c = counts(holdings);
        expect(c[c.length - 1] - c[0]).to.be.at.most(1);
      }
    }), { numRuns: 150 });
  });
});
