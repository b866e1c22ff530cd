import { expect } from 'chai';
import { TopicMetadata } from '../../lib/client/metadata-cache';
import { ProducerPartitioner } from '../../lib/client/producer-partitioner';
import { SamsaError } from '../../lib/protocol/errors';
import { partitionForKey } from '../../lib/record/partitioner';

function topic(name: string, leaders: number[]): TopicMetadata {
  return {
    name, errorCode: 0, internal: false,
    partitions: leaders.map((leader, partition) => ({ partition, errorCode: 0, leader, leaderEpoch: 0, replicas: [leader], isr: [leader], offlineReplicas: [] })),
  };
}

/** A deterministic random source cycling through the given values. */
function cycle(values: number[]): () => number {
  let i = 0;
  return () => values[i++ % values.length];
}

describe('client/producer-partitioner', () => {
  const meta = topic('t', [1, 1, 2, 2]);

  it('uses the explicit partition of a record', () => {
    const p = new ProducerPartitioner();
    expect(p.choose(meta, Buffer.from('key'), 3, () => true)).to.equal(3);
  });

  it('rejects an explicit partition the topic does not have', () => {
    const p = new ProducerPartitioner();
    const err = (() => { try { p.choose(meta, null, 4, () => true); } catch (e) { return e; } return null; })();
    expect(err).to.be.instanceOf(SamsaError);
    expect((err as SamsaError).errorName).to.equal('UNKNOWN_TOPIC_OR_PARTITION');
    expect((err as Error).message).to.equal('Invalid partition given with record: 4 is not in the range [0...4].');
  });

  it('sends a keyed record to the murmur2 partition of its key, like Kafka', () => {
    const p = new ProducerPartitioner();
    // murmur2("foobar") = -790332482 → toPositive 1357151166 → % 4 = 2
    expect(p.choose(meta, Buffer.from('foobar'), undefined, () => false)).to.equal(2);
    for (const key of ['a', 'b', 'customer-17', '']) {
      expect(p.choose(meta, Buffer.from(key), undefined, () => false)).to.equal(partitionForKey(Buffer.from(key), 4));
    }
  });

  it('sticks to one partition for keyless records while its batch is open', () => {
    const p = new ProducerPartitioner(cycle([0.1, 0.6, 0.9]));
    const first = p.choose(meta, null, undefined, () => true);
    for (let i = 0; i < 20; i++) expect(p.choose(meta, null, undefined, () => true)).to.equal(first);
  });

  it("names its sticky answer for the metadata it was made with, and only for a built-in sticky partitioner", () => {
    const p = new ProducerPartitioner(cycle([0.1, 0.6, 0.9]));
    expect(p.stickyPartition(meta)).to.equal(-1);
    const first = p.choose(meta, null, undefined, () => true);
    expect(p.stickyPartition(meta)).to.equal(first);
    expect(p.stickyPartition(topic('t', [1, 1, 2, 2]))).to.equal(-1);
    const custom = new ProducerPartitioner(Math.random, { partitioner: () => 1 });
    custom.choose(meta, null, undefined, () => true);
    expect(custom.stickyPartition(meta)).to.equal(-1);
  });

  it('moves keyless records to another partition once the sticky batch is closed or sent', () => {
    const p = new ProducerPartitioner(cycle([0.1, 0.6, 0.35, 0.9]));
    const first = p.choose(meta, null, undefined, () => true);
    const open = new Set<number>();
    const second = p.choose(meta, null, undefined, (candidate) => open.has(candidate));
    expect(second).to.not.equal(first);
    open.add(second);
    expect(p.choose(meta, null, undefined, (candidate) => open.has(candidate))).to.equal(second);
  });

  it('only picks partitions that have a leader for keyless records', () => {
    const p = new ProducerPartitioner();
    const partial = topic('u', [-1, 3, -1, -1]);
    for (let i = 0; i < 20; i++) expect(p.choose(partial, null, undefined, () => false)).to.equal(1);
  });
});
