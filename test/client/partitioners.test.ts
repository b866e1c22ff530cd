import { expect } from 'chai';
import { TopicMetadata } from '../../lib/client/metadata-cache';
import { ClusterView, DefaultPartitioner, Partitioner, RoundRobinPartitioner, UniformStickyPartitioner } from '../../lib/client/partitioners';
import { ProducerPartitioner } from '../../lib/client/producer-partitioner';
import { SamsaError } from '../../lib/protocol/errors';

function topic(name: string, leaders: number[]): TopicMetadata {
  return {
    name, errorCode: 0, internal: false,
    partitions: leaders.map((leader, partition) => ({ partition, errorCode: 0, leader, leaderEpoch: 0, replicas: [leader], isr: [leader], offlineReplicas: [] })),
  };
}

function cluster(counts: Record<string, number>, unavailable: Record<string, number[]> = {}): ClusterView {
  const ids = (t: string): number[] => [...Array(counts[t] ?? 0).keys()];
  return {
    partitionsForTopic: ids,
    availablePartitionsForTopic: (t) => ids(t).filter((p) => !(unavailable[t] ?? []).includes(p)),
  };
}

/** A deterministic random source cycling through the given values. */
function cycle(values: number[]): () => number {
  let i = 0;
  return () => values[i++ % values.length];
}

/** Kafka's UtilsTest.testMurmur2 vectors: murmur2 of these keys, as Kafka's Java client computes them. */
const KAFKA_HASHES: Array<[string, number]> = [
  ['21', -973932308],
  ['foobar', -790332482],
  ['a-little-bit-long-string', -985981536],
  ['a-little-bit-longer-string', -1486304829],
  ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58897971],
  ['abc', 479470107],
];

describe('client/partitioners', () => {
  describe('DefaultPartitioner', () => {
    it("sends keyed records to toPositive(murmur2(key)) % partitions with Kafka's hash values", () => {
      const p = new DefaultPartitioner();
      for (const n of [1, 3, 7, 10, 32]) {
        const view = cluster({ t: n });
        for (const [key, hash] of KAFKA_HASHES) {
          // Utils.toPositive is `number & 0x7fffffff`.
          expect(p.partition('t', key, Buffer.from(key), 'v', view), `${key} over ${n}`).to.equal((hash & 0x7fffffff) % n);
        }
      }
      // Spelled out for one case: "foobar" → -790332482 → 1357151166 → % 10 = 6.
      expect(p.partition('t', 'foobar', Buffer.from('foobar'), null, cluster({ t: 10 }))).to.equal(6);
    });

    it('sends keyless records to one sticky partition until onNewBatch', () => {
      const p = new DefaultPartitioner(false, cycle([0.1, 0.6]));
      const view = cluster({ t: 5 });
      const first = p.partition('t', null, null, 'v', view);
      for (let i = 0; i < 10; i++) expect(p.partition('t', null, null, 'v', view)).to.equal(first);
      p.onNewBatch('t', view, first);
      expect(p.partition('t', null, null, 'v', view)).to.not.equal(first);
    });

    it('with partitioner.ignore.keys treats keyed records as keyless (sticky)', () => {
      const p = new DefaultPartitioner(true, cycle([0.3]));
      const view = cluster({ t: 8 });
      const chosen = new Set(KAFKA_HASHES.map(([key]) => p.partition('t', key, Buffer.from(key), 'v', view)));
      expect(chosen.size).to.equal(1);
    });
  });

  describe('RoundRobinPartitioner', () => {
    it('walks the partitions from 0 per topic, ignoring keys', () => {
      const p = new RoundRobinPartitioner();
      const view = cluster({ a: 3, b: 2 });
      const a = [...Array(7).keys()].map((i) => p.partition('a', `k${i}`, Buffer.from(`k${i}`), 'v', view));
      const b = [...Array(4).keys()].map(() => p.partition('b', null, null, 'v', view));
      expect(a).to.deep.equal([0, 1, 2, 0, 1, 2, 0]);
      expect(b).to.deep.equal([0, 1, 0, 1]);
    });

    it("skips partitions without a leader (Kafka's RoundRobinPartitionerTest: 50/50 over the two available)", () => {
      const p = new RoundRobinPartitioner();
      const view = cluster({ t: 3 }, { t: [1] });
      const counts = [0, 0, 0];
      for (let i = 0; i < 100; i++) counts[p.partition('t', null, null, 'v', view)]++;
      expect(counts).to.deep.equal([50, 0, 50]);
    });

    it('uses all partitions when none is available', () => {
      const p = new RoundRobinPartitioner();
      const view = cluster({ t: 2 }, { t: [0, 1] });
      expect([0, 1, 2].map(() => p.partition('t', null, null, 'v', view))).to.deep.equal([0, 1, 0]);
    });
  });

  describe('UniformStickyPartitioner', () => {
    it('keeps keyed and keyless records on one partition until onNewBatch, then moves to another', () => {
      const p = new UniformStickyPartitioner(cycle([0.9, 0.1]));
      const view = cluster({ t: 4 });
      const first = p.partition('t', 'x', Buffer.from('x'), 'v', view);
      for (const [key] of KAFKA_HASHES) expect(p.partition('t', key, Buffer.from(key), 'v', view)).to.equal(first);
      expect(p.partition('t', null, null, 'v', view)).to.equal(first);
      p.onNewBatch('t', view, first);
      const second = p.partition('t', 'x', Buffer.from('x'), 'v', view);
      expect(second).to.not.equal(first);
      // A stale onNewBatch (for a partition that is no longer the sticky one) changes nothing, as StickyPartitionCache.
      p.onNewBatch('t', view, first);
      expect(p.partition('t', null, null, 'v', view)).to.equal(second);
    });

    it('stays on the only available partition', () => {
      const p = new UniformStickyPartitioner();
      const view = cluster({ t: 3 }, { t: [0, 2] });
      for (let i = 0; i < 5; i++) {
        expect(p.partition('t', null, null, 'v', view)).to.equal(1);
        p.onNewBatch('t', view, 1);
      }
    });
  });

  describe('ProducerPartitioner with a configured partitioner', () => {
    const meta = topic('t', [1, 1, 2, -1]);

    it('gives a function partitioner the topic, the unserialized key, the key bytes, the value and the cluster', () => {
      const calls: unknown[][] = [];
      const p = new ProducerPartitioner(Math.random, {
        partitioner: (t, key, keyBytes, value, view) => {
          calls.push([t, key, keyBytes?.toString(), value, view.partitionsForTopic(t), view.availablePartitionsForTopic(t), view.partitionsForTopic('other')]);
          return 2;
        },
        lookup: (name) => (name === 'other' ? topic('other', [1]) : undefined),
      });
      expect(p.choose(meta, Buffer.from('kb'), undefined, () => false, { key: { id: 1 }, value: 'val' })).to.equal(2);
      // Asked once: a function has no onNewBatch, so no second call even though no batch was open.
      expect(calls).to.deep.equal([['t', { id: 1 }, 'kb', 'val', [0, 1, 2, 3], [0, 1, 2], [0]]]);
    });

    it('still honours an explicit partition over the partitioner', () => {
      const p = new ProducerPartitioner(Math.random, { partitioner: () => 0 });
      expect(p.choose(meta, null, 3, () => true)).to.equal(3);
    });

    it('rejects a partition the topic does not have', () => {
      const p = new ProducerPartitioner(Math.random, { partitioner: () => 4 });
      const err = (() => { try { p.choose(meta, null, undefined, () => true); } catch (e) { return e; } return null; })();
      expect(err).to.be.instanceOf(SamsaError);
      expect((err as Error).message).to.equal('The partitioner returned partition 4 for topic t, which is not in the range [0...4].');
    });

    it('calls onNewBatch and asks again when the chosen partition has no open batch, as Kafka 2.8', () => {
      const events: string[] = [];
      let next = 0;
      const custom: Partitioner = {
        partition: () => { events.push(`partition->${next}`); return next; },
        onNewBatch: (t, _view, prev) => { events.push(`onNewBatch(${t},${prev})`); next = 1; },
      };
      const p = new ProducerPartitioner(Math.random, { partitioner: custom });
      expect(p.choose(meta, null, undefined, () => true)).to.equal(0);
      expect(p.choose(meta, null, undefined, (candidate) => candidate === 1)).to.equal(1);
      expect(events).to.deep.equal(['partition->0', 'partition->0', 'onNewBatch(t,0)', 'partition->1']);
    });

    it('lets RoundRobinPartitioner go round even when every record starts a batch (no KAFKA-9965 skipping)', () => {
      const p = new ProducerPartitioner(Math.random, { partitioner: new RoundRobinPartitioner() });
      const full = topic('t', [1, 1, 1, 1]);
      expect([...Array(8).keys()].map(() => p.choose(full, null, undefined, () => false))).to.deep.equal([0, 1, 2, 3, 0, 1, 2, 3]);
    });

    it('applies partitioner.ignore.keys to the default partitioner', () => {
      const p = new ProducerPartitioner(cycle([0.6]), { ignoreKeys: true });
      const full = topic('t', [1, 1, 1, 1]);
      const chosen = new Set(KAFKA_HASHES.map(([key]) => p.choose(full, Buffer.from(key), undefined, () => true)));
      expect(chosen.size).to.equal(1);
    });

    it('closes the partitioner', () => {
      let closed = 0;
      new ProducerPartitioner(Math.random, { partitioner: { partition: () => 0, close: () => { closed++; } } }).close();
      expect(closed).to.equal(1);
    });
  });
});
