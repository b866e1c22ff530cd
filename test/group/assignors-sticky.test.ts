import { expect } from 'chai';
import fc from 'fast-check';
import { StickyAssignor } from '../../lib/group/assignors';
import { AssignorMember } from '../../lib/group/assignors/partition-assignor';
import { TopicPartition } from '../../lib/util/topic-partition';

const sticky = new StickyAssignor();

function names(assignment: Map<string, TopicPartition[]>): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [member, tps] of assignment) out[member] = tps.map((tp) => `${tp.topic}p${tp.partition}`);
  return out;
}

/** Members carrying what they were given last time, as a consumer's next Subscription would. */
function rejoin(previous: Map<string, TopicPartition[]>, subscriptions: Record<string, string[]>): AssignorMember[] {
  return Object.entries(subscriptions).map(([memberId, topics]) => ({ memberId, topics, ownedPartitions: previous.get(memberId) ?? [] }));
}

function ownerOf(assignment: Map<string, TopicPartition[]>): Map<string, string> {
  const owners = new Map<string, string>();
  for (const [member, tps] of assignment) for (const tp of tps) owners.set(`${tp.topic}/${tp.partition}`, member);
  return owners;
}

/** Partitions that had an owner before and have a different one now. */
function moved(before: Map<string, TopicPartition[]>, after: Map<string, TopicPartition[]>): number {
  const old = ownerOf(before);
  let n = 0;
  for (const [key, member] of ownerOf(after)) if (old.has(key) && old.get(key) !== member) n++;
  return n;
}

/** Kafka's test of balance: counts two or more apart only where the smaller member cannot take any of the larger's partitions. */
function expectBalanced(assignment: Map<string, TopicPartition[]>, members: AssignorMember[]): void {
  for (const a of members) {
    for (const b of members) {
      const la = assignment.get(a.memberId)!;
      const lb = assignment.get(b.memberId)!;
      if (la.length - lb.length < 2) continue;
      const movable = la.find((tp) => b.topics.includes(tp.topic));
      expect(movable, `${a.memberId} (${la.length}) could give ${JSON.stringify(movable)} to ${b.memberId} (${lb.length})`).to.equal(undefined);
    }
  }
}

/**
 * Fewest moves any balanced assignment needs when everyone subscribes to everything: every
 * leaver's partition must move, and each stayer gives up what it holds beyond its quota, the
 * biggest owners taking the ceilings.
 */
function minimumMoves(previous: Map<string, TopicPartition[]>, memberIds: string[], total: number): number {
  let leaversOwned = 0;
  for (const [id, tps] of previous) if (!memberIds.includes(id)) leaversOwned += tps.length;
  const owned = memberIds.map((id) => (previous.get(id) ?? []).length).sort((x, y) => y - x);
  const floor = Math.floor(total / memberIds.length);
  const extra = total % memberIds.length;
  return owned.reduce((sum, n, i) => sum + Math.max(0, n - (floor + (i < extra ? 1 : 0))), leaversOwned);
}

const all = ['t0', 't1', 't2', 't3'];
const everyone = (ids: string[]): Record<string, string[]> => Object.fromEntries(ids.map((id) => [id, all]));

describe('group/assignors/sticky', () => {
  it('matches the StickyAssignor javadoc example: a fresh deal, then only the leaver\'s partitions move', () => {
    const topics = new Map(all.map((t) => [t, 2]));
    const first = sticky.assign(rejoin(new Map(), everyone(['C0', 'C1', 'C2'])), topics);
    expect(names(first)).to.deep.equal({ C0: ['t0p0', 't1p1', 't3p0'], C1: ['t0p1', 't2p0', 't3p1'], C2: ['t1p0', 't2p1'] });
    const second = sticky.assign(rejoin(first, everyone(['C0', 'C2'])), topics);
    expect(names(second)).to.deep.equal({ C0: ['t0p0', 't1p1', 't2p0', 't3p0'], C2: ['t0p1', 't1p0', 't2p1', 't3p1'] });
  });

  it('matches the javadoc example with differing subscriptions', () => {
    const subs = { C0: ['t0'], C1: ['t0', 't1'], C2: ['t0', 't1', 't2'] };
    const topics = new Map([['t0', 1], ['t1', 2], ['t2', 3]]);
    const first = sticky.assign(rejoin(new Map(), subs), topics);
    expect(names(first)).to.deep.equal({ C0: ['t0p0'], C1: ['t1p0', 't1p1'], C2: ['t2p0', 't2p1', 't2p2'] });
    const second = sticky.assign(rejoin(first, { C1: subs.C1, C2: subs.C2 }), topics);
    expect(names(second)).to.deep.equal({ C1: ['t0p0', 't1p0', 't1p1'], C2: ['t2p0', 't2p1', 't2p2'] });
  });

  it('moves only what a joining member needs', () => {
    const topics = new Map([['t', 12]]);
    const first = sticky.assign(rejoin(new Map(), { A: ['t'], B: ['t'], C: ['t'] }), topics);
    const second = sticky.assign(rejoin(first, { A: ['t'], B: ['t'], C: ['t'], D: ['t'] }), topics);
    expect([...second.values()].map((l) => l.length)).to.deep.equal([3, 3, 3, 3]);
    expect(moved(first, second)).to.equal(3);
    for (const id of ['A', 'B', 'C']) {
      const kept = second.get(id)!.filter((tp) => first.get(id)!.some((o) => o.partition === tp.partition));
      expect(kept.length, id).to.equal(3);
    }
  });

  it('gives up a partition when its topic is no longer subscribed or no longer exists', () => {
    const group: AssignorMember[] = [
      { memberId: 'A', topics: ['x'], ownedPartitions: [{ topic: 'y', partition: 0 }, { topic: 'x', partition: 5 }, { topic: 'x', partition: 1 }] },
      { memberId: 'B', topics: ['x', 'y'], ownedPartitions: [] },
    ];
    const result = sticky.assign(group, new Map([['x', 2], ['y', 1]]));
    // A keeps x-1 (x-5 no longer exists, y is no longer subscribed); y-0 can only go to B, and the
    // free x-0 then goes to the least loaded member, A on the memberId tie.
    expect(names(result)).to.deep.equal({ A: ['xp0', 'xp1'], B: ['yp0'] });
  });

  it('settles a partition claimed twice in favour of the newer generation, and frees it on a tie', () => {
    const claim = [{ topic: 't', partition: 0 }];
    const newer = sticky.assign([
      { memberId: 'A', topics: ['t'], ownedPartitions: claim, generation: 3 },
      { memberId: 'B', topics: ['t'], ownedPartitions: claim, generation: 4 },
    ], new Map([['t', 2]]));
    expect(names(newer)).to.deep.equal({ A: ['tp1'], B: ['tp0'] });
    const tie = sticky.assign([
      { memberId: 'A', topics: ['t'], ownedPartitions: [{ topic: 't', partition: 1 }], generation: 4 },
      { memberId: 'B', topics: ['t'], ownedPartitions: [{ topic: 't', partition: 1 }], generation: 4 },
    ], new Map([['t', 2]]));
    expect(names(tie)).to.deep.equal({ A: ['tp0'], B: ['tp1'] });
  });

  describe('properties', () => {
    const topicCounts = fc.array(fc.integer({ min: 0, max: 9 }), { minLength: all.length, maxLength: all.length })
      .map((ns) => new Map(all.map((t, i) => [t, ns[i]])));
    const ids = ['m0', 'm1', 'm2', 'm3', 'm4', 'm5', 'm6'];
    const subscriptionsArb = fc.array(fc.subarray(all, { minLength: 1 }), { minLength: ids.length, maxLength: ids.length });
    const presentArb = fc.subarray(ids, { minLength: 1 });

    it('is balanced for any subscriptions, and max - min <= 1 when they are identical', () => {
      fc.assert(fc.property(topicCounts, subscriptionsArb, presentArb, (topics, subs, present) => {
        const group = present.map((id) => ({ memberId: id, topics: subs[ids.indexOf(id)] }));
        const result = sticky.assign(group, topics);
        expectBalanced(result, group);
        const same = present.map((id) => ({ memberId: id, topics: all }));
        const sizes = [...sticky.assign(same, topics).values()].map((l) => l.length);
        expect(Math.max(...sizes) - Math.min(...sizes)).to.be.at.most(1);
      }), { numRuns: 300 });
    });

    it('leaves a balanced assignment alone when nothing changed', () => {
      fc.assert(fc.property(topicCounts, subscriptionsArb, presentArb, (topics, subs, present) => {
        const group = Object.fromEntries(present.map((id) => [id, subs[ids.indexOf(id)]]));
        const first = sticky.assign(rejoin(new Map(), group), topics);
        expect(sticky.assign(rejoin(first, group), topics)).to.deep.equal(first);
      }), { numRuns: 200 });
    });

    it('moves the fewest partitions possible when members join and leave with identical subscriptions', () => {
      fc.assert(fc.property(topicCounts, presentArb, presentArb, (topics, before, after) => {
        const first = sticky.assign(rejoin(new Map(), everyone(before)), topics);
        const second = sticky.assign(rejoin(first, everyone(after)), topics);
        expectBalanced(second, after.map((id) => ({ memberId: id, topics: all })));
        const total = [...topics.values()].reduce((a, b) => a + b, 0);
        expect(moved(first, second)).to.equal(minimumMoves(first, after, total));
      }), { numRuns: 300 });
    });

    it('moves only the leaver\'s partitions when a member leaves a group with identical subscriptions', () => {
      fc.assert(fc.property(topicCounts, presentArb.filter((p) => p.length >= 2), fc.nat(), (topics, before, pick) => {
        const first = sticky.assign(rejoin(new Map(), everyone(before)), topics);
        const leaver = before[pick % before.length];
        const second = sticky.assign(rejoin(first, everyone(before.filter((id) => id !== leaver))), topics);
        const old = ownerOf(first);
        for (const [key, member] of ownerOf(second)) {
          if (old.get(key) !== leaver) expect(member, key).to.equal(old.get(key));
        }
      }), { numRuns: 200 });
    });

    it('stays balanced when subscriptions change between generations', () => {
      fc.assert(fc.property(topicCounts, subscriptionsArb, subscriptionsArb, presentArb, presentArb, (topics, subs1, subs2, before, after) => {
        const first = sticky.assign(rejoin(new Map(), Object.fromEntries(before.map((id) => [id, subs1[ids.indexOf(id)]]))), topics);
        const group = after.map((id) => ({ memberId: id, topics: subs2[ids.indexOf(id)], ownedPartitions: first.get(id) ?? [] }));
        const second = sticky.assign(group, topics);
        expectBalanced(second, group);
        for (const m of group) for (const tp of second.get(m.memberId)!) expect(m.topics).to.include(tp.topic);
      }), { numRuns: 200 });
    });
  });

  it('assigns 10 000 partitions over 100 members, then absorbs a new member, quickly', () => {
    const topics = new Map(Array.from({ length: 20 }, (_, i) => [`topic-${i}`, 500]));
    const subs = Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`member-${String(i).padStart(3, '0')}`, [...topics.keys()]]));
    const started = Date.now();
    const first = sticky.assign(rejoin(new Map(), subs), topics);
    const second = sticky.assign(rejoin(first, { ...subs, 'member-new': [...topics.keys()] }), topics);
    expect(Date.now() - started).to.be.below(5000);
    expect(second.get('member-new')!.length).to.equal(99);
    expect(moved(first, second)).to.equal(99);
  });
});
