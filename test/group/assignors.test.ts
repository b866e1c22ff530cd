import { expect } from 'chai';
import fc from 'fast-check';
import { assignorByName, assignorsByNames, RangeAssignor, RoundRobinAssignor, StickyAssignor } from '../../lib/group/assignors';
import { AssignorMember, PartitionAssignor } from '../../lib/group/assignors/partition-assignor';
import { TopicPartition } from '../../lib/util/topic-partition';
import { ConfigError } from '../../lib/config/config-error';

/** `t0p1`-style names keep expected assignments as short as Kafka's javadoc writes them. */
function names(assignment: Map<string, TopicPartition[]>): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [member, tps] of assignment) out[member] = tps.map((tp) => `${tp.topic}p${tp.partition}`);
  return out;
}

function members(spec: Record<string, string[]>): AssignorMember[] {
  return Object.entries(spec).map(([memberId, topics]) => ({ memberId, topics }));
}

const counts = (spec: Record<string, number>): Map<string, number> => new Map(Object.entries(spec));

/** Random groups: up to 6 members over up to 4 topics of up to 10 partitions, some topics unknown to metadata. */
const groupArb = fc.record({
  partitionCounts: fc.array(fc.integer({ min: 0, max: 10 }), { minLength: 1, maxLength: 4 }),
  subscriptions: fc.array(fc.subarray(['t0', 't1', 't2', 't3', 'gone']), { minLength: 1, maxLength: 6 }),
  idSeed: fc.array(fc.string({ minLength: 1, maxLength: 3 }), { minLength: 6, maxLength: 6 }),
}).map(({ partitionCounts, subscriptions, idSeed }) => ({
  partitionsPerTopic: new Map(partitionCounts.map((n, i) => [`t${i}`, n])),
  members: subscriptions.map((topics, i) => ({ memberId: `${idSeed[i]}-${i}`, topics })),
}));

/** Every known, subscribed partition goes to exactly one subscriber; every member has an entry. */
function expectValid(assignment: Map<string, TopicPartition[]>, group: { members: AssignorMember[]; partitionsPerTopic: Map<string, number> }): void {
  expect([...assignment.keys()].sort()).to.deep.equal(group.members.map((m) => m.memberId).sort());
  const seen = new Set<string>();
  for (const m of group.members) {
    for (const tp of assignment.get(m.memberId)!) {
      expect(m.topics).to.include(tp.topic);
      const key = `${tp.topic}/${tp.partition}`;
      expect(seen.has(key), `${key} assigned twice`).to.equal(false);
      seen.add(key);
    }
  }
  let expected = 0;
  for (const [topic, n] of group.partitionsPerTopic) if (group.members.some((m) => m.topics.includes(topic))) expected += n;
  expect(seen.size).to.equal(expected);
}

function spread(assignment: Map<string, TopicPartition[]>): number {
  const sizes = [...assignment.values()].map((l) => l.length);
  return Math.max(...sizes) - Math.min(...sizes);
}

describe('group/assignors', () => {
  describe('range', () => {
    it('matches the RangeAssignor javadoc example', () => {
      const result = new RangeAssignor().assign(members({ C0: ['t0', 't1'], C1: ['t0', 't1'] }), counts({ t0: 3, t1: 3 }));
      expect(names(result)).to.deep.equal({ C0: ['t0p0', 't0p1', 't1p0', 't1p1'], C1: ['t0p2', 't1p2'] });
    });

    it('gives the first partitions % members members one extra, in memberId order', () => {
      const result = new RangeAssignor().assign(members({ c: ['t'], a: ['t'], b: ['t'] }), counts({ t: 8 }));
      expect(names(result)).to.deep.equal({ a: ['tp0', 'tp1', 'tp2'], b: ['tp3', 'tp4', 'tp5'], c: ['tp6', 'tp7'] });
    });

    it('splits each topic only over its subscribers and skips topics metadata does not know', () => {
      const result = new RangeAssignor().assign(members({ A: ['x', 'y'], B: ['y', 'unknown'], C: [] }), counts({ x: 2, y: 3 }));
      expect(names(result)).to.deep.equal({ A: ['xp0', 'xp1', 'yp0', 'yp1'], B: ['yp2'], C: [] });
    });

    it('keeps per-topic counts within one of each other for random groups', () => {
      fc.assert(fc.property(groupArb, (group) => {
        const result = new RangeAssignor().assign(group.members, group.partitionsPerTopic);
        expectValid(result, group);
        for (const topic of group.partitionsPerTopic.keys()) {
          const perMember = group.members.filter((m) => m.topics.includes(topic))
            .map((m) => result.get(m.memberId)!.filter((tp) => tp.topic === topic).length);
          if (perMember.length > 0) expect(Math.max(...perMember) - Math.min(...perMember)).to.be.at.most(1);
        }
      }), { numRuns: 200 });
    });
  });

  describe('roundrobin', () => {
    it('matches the RoundRobinAssignor javadoc example for identical subscriptions', () => {
      const result = new RoundRobinAssignor().assign(members({ C0: ['t0', 't1'], C1: ['t0', 't1'] }), counts({ t0: 3, t1: 3 }));
      expect(names(result)).to.deep.equal({ C0: ['t0p0', 't0p2', 't1p1'], C1: ['t0p1', 't1p0', 't1p2'] });
    });

    it('matches the javadoc example for differing subscriptions, passing over members not subscribed', () => {
      const group = members({ C0: ['t0'], C1: ['t0', 't1'], C2: ['t0', 't1', 't2'] });
      const result = new RoundRobinAssignor().assign(group, counts({ t0: 1, t1: 2, t2: 3 }));
      expect(names(result)).to.deep.equal({ C0: ['t0p0'], C1: ['t1p0'], C2: ['t1p1', 't2p0', 't2p1', 't2p2'] });
    });

    it('balances identical subscriptions to within one partition', () => {
      fc.assert(fc.property(groupArb, (group) => {
        const same = group.members.map((m) => ({ ...m, topics: group.members[0].topics }));
        const result = new RoundRobinAssignor().assign(same, group.partitionsPerTopic);
        expectValid(result, { ...group, members: same });
        expect(spread(result)).to.be.at.most(1);
      }), { numRuns: 200 });
    });
  });

  describe('every assignor', () => {
    const assignors: PartitionAssignor[] = [new RangeAssignor(), new RoundRobinAssignor(), new StickyAssignor()];
    for (const assignor of assignors) {
      it(`${assignor.name} assigns every subscribed partition once, whatever order members arrive in`, () => {
        fc.assert(fc.property(groupArb, fc.func(fc.integer()), (group, shuffleKey) => {
          const result = assignor.assign(group.members, group.partitionsPerTopic);
          expectValid(result, group);
          const shuffled = [...group.members].sort((a, b) => shuffleKey(a.memberId) - shuffleKey(b.memberId));
          expect(assignor.assign(shuffled, group.partitionsPerTopic)).to.deep.equal(result);
        }), { numRuns: 150 });
      });

      it(`${assignor.name} returns an empty list for a member with nothing to consume, and nothing for no members`, () => {
        expect(names(assignor.assign(members({ a: ['t'], b: ['t'] }), counts({ t: 1 })))).to.deep.equal({ a: ['tp0'], b: [] });
        expect(assignor.assign([], counts({ t: 3 })).size).to.equal(0);
      });

      it(`${assignor.name} rejects duplicate member ids`, () => {
        expect(() => assignor.assign(members({ a: ['t'] }).concat(members({ a: ['t'] })), counts({ t: 1 }))).to.throw(RangeError, /twice/);
      });
    }
  });

  describe('assignorByName', () => {
    it('accepts Kafka protocol names and Java class names', () => {
      expect(assignorByName('range')).to.be.instanceOf(RangeAssignor);
      expect(assignorByName('roundrobin')).to.be.instanceOf(RoundRobinAssignor);
      expect(assignorByName('sticky')).to.be.instanceOf(StickyAssignor);
      expect(assignorByName('org.apache.kafka.clients.consumer.RangeAssignor').name).to.equal('range');
      expect(assignorByName('org.apache.kafka.clients.consumer.RoundRobinAssignor').name).to.equal('roundrobin');
      expect(assignorByName('org.apache.kafka.clients.consumer.StickyAssignor').name).to.equal('sticky');
      expect(assignorsByNames(['sticky', 'range']).map((a) => a.name)).to.deep.equal(['sticky', 'range']);
    });

    it('rejects names Samsa does not implement with a ConfigError', () => {
      expect(() => assignorByName('cooperative')).to.throw(ConfigError, /partition.assignment.strategy/);
      expect(assignorByName('org.apache.kafka.clients.consumer.CooperativeStickyAssignor').name).to.equal('cooperative-sticky');
      expect(() => assignorByName('toString')).to.throw(ConfigError);
    });
  });
});
