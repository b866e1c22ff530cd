/**
 * Kafka's Partitioner contract and its three built-ins, for the producer's `partitioner` option
 * and `partitioner.class`.
 *
 * A partitioner is a function `(topic, key, keyBytes, value, cluster) => partition` or an object
 * with that `partition` method plus Kafka's optional `onNewBatch(topic, cluster, prevPartition)`
 * and `close()`. As in Kafka 2.8, when the chosen partition has no open batch with room the
 * producer calls `onNewBatch` and asks again, which is how sticky partitioners move on. A
 * partitioner without `onNewBatch` is asked once per record, so RoundRobinPartitioner really
 * goes round (Kafka 2.8 asked twice and skipped partitions: KAFKA-9965, fixed in 3.x).
 */
import { partitionForKey, StickyPartitioner } from '../record/partitioner';

/** A read-only view of the cluster for partitioners (Kafka's Cluster, reduced to what they use). */
export interface ClusterView {
  /** Every partition id of `topic`, ascending; empty when its metadata is unknown. */
  partitionsForTopic(topic: string): readonly number[];
  /** The partitions of `topic` that have a leader now. */
  availablePartitionsForTopic(topic: string): readonly number[];
}

export type PartitionerFunction = (topic: string, key: unknown, keyBytes: Buffer | null, value: unknown, cluster: ClusterView) => number;

export interface Partitioner {
  partition(topic: string, key: unknown, keyBytes: Buffer | null, value: unknown, cluster: ClusterView): number;
  /** The producer is about to start a new batch for `prevPartition` (Kafka's onNewBatch). */
  onNewBatch?(topic: string, cluster: ClusterView, prevPartition: number): void;
  close?(): void;
}

/** The sticky choice among `cluster`'s partitions of `topic`, shared by Default and UniformSticky. */
class StickyChoice {
  private readonly sticky: StickyPartitioner;

  constructor(random: () => number) {
    this.sticky = new StickyPartitioner(random);
  }

  partition(topic: string, cluster: ClusterView): number {
    return this.sticky.partition(topic, cluster.partitionsForTopic(topic).length, cluster.availablePartitionsForTopic(topic));
  }

  onNewBatch(topic: string, prevPartition: number): void {
    this.sticky.onNewBatch(topic, prevPartition);
  }
}

/**
 * Kafka's DefaultPartitioner: murmur2 of the key bytes for keyed records, the sticky partition
 * (KIP-480) for the others. With `ignoreKeys` (Kafka 3.3's partitioner.ignore.keys) every record
 * is treated as keyless.
 */
export class DefaultPartitioner implements Partitioner {
  private readonly sticky: StickyChoice;

  constructor(private readonly ignoreKeys = false, random: () => number = Math.random) {
    this.sticky = new StickyChoice(random);
  }

  partition(topic: string, _key: unknown, keyBytes: Buffer | null, _value: unknown, cluster: ClusterView): number {
    if (keyBytes !== null && !this.ignoreKeys) return partitionForKey(keyBytes, cluster.partitionsForTopic(topic).length);
    return this.sticky.partition(topic, cluster);
  }

  onNewBatch(topic: string, _cluster: ClusterView, prevPartition: number): void {
    this.sticky.onNewBatch(topic, prevPartition);
  }
}

/** Kafka's UniformStickyPartitioner: the sticky partition for every record, keyed or not. */
export class UniformStickyPartitioner implements Partitioner {
  private readonly sticky: StickyChoice;

  constructor(random: () => number = Math.random) {
    this.sticky = new StickyChoice(random);
  }

  partition(topic: string, _key: unknown, _keyBytes: Buffer | null, _value: unknown, cluster: ClusterView): number {
    return this.sticky.partition(topic, cluster);
  }

  onNewBatch(topic: string, _cluster: ClusterView, prevPartition: number): void {
    this.sticky.onNewBatch(topic, prevPartition);
  }
}

/**
 * Kafka's RoundRobinPartitioner: a per-topic counter from 0 walks the available partitions (all
 * partitions when none has a leader), ignoring keys.
 */
export class RoundRobinPartitioner implements Partitioner {
  private readonly counters = new Map<string, number>();

  partition(topic: string, _key: unknown, _keyBytes: Buffer | null, _value: unknown, cluster: ClusterView): number {
    const next = this.counters.get(topic) ?? 0;
    // Java's AtomicInteger wraps at 2^31; toPositive keeps the walk going after that.
    this.counters.set(topic, next >= 0x7fffffff ? -0x80000000 : next + 1);
    const positive = next & 0x7fffffff;
    const available = cluster.availablePartitionsForTopic(topic);
    if (available.length > 0) return available[positive % available.length];
    return positive % cluster.partitionsForTopic(topic).length;
  }
}

/** Partitioner names for `partitioner.class`: Kafka's class names and short names. */
const BUILT_INS: Readonly<Record<string, (ignoreKeys: boolean) => Partitioner>> = {
  'org.apache.kafka.clients.producer.internals.DefaultPartitioner': (ignoreKeys) => new DefaultPartitioner(ignoreKeys),
  'org.apache.kafka.clients.producer.RoundRobinPartitioner': () => new RoundRobinPartitioner(),
  'org.apache.kafka.clients.producer.UniformStickyPartitioner': () => new UniformStickyPartitioner(),
  DefaultPartitioner: (ignoreKeys) => new DefaultPartitioner(ignoreKeys),
  RoundRobinPartitioner: () => new RoundRobinPartitioner(),
  UniformStickyPartitioner: () => new UniformStickyPartitioner(),
  default: (ignoreKeys) => new DefaultPartitioner(ignoreKeys),
  'round-robin': () => new RoundRobinPartitioner(),
  'uniform-sticky': () => new UniformStickyPartitioner(),
};

export function builtInPartitioner(name: string, ignoreKeys: boolean): Partitioner | undefined {
  return BUILT_INS[name]?.(ignoreKeys);
}

/** A function partitioner as an object, so the producer has one shape to call. */
export function asPartitioner(p: Partitioner | PartitionerFunction): Partitioner {
  return typeof p === 'function' ? { partition: p } : p;
}

export function isPartitioner(v: unknown): v is Partitioner | PartitionerFunction {
  return typeof v === 'function' || (typeof v === 'object' && v !== null && typeof (v as Partitioner).partition === 'function');
}
