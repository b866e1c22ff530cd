/**
 * Partition choice for produced records, as Kafka's default partitioner makes it.
 *
 * Keyed records go to `toPositive(murmur2(key)) % numPartitions`, so the same key always lands on
 * the same partition, also across Kafka clients. Records without a key use the sticky strategy
 * (KIP-480): all of them go to one partition until the batch for it is sent, so batches fill up
 * instead of spreading single records over every partition; then another partition is picked.
 */
import { murmur2, toPositive } from './murmur2';

function checkPartitionCount(numPartitions: number): void {
  if (!Number.isInteger(numPartitions) || numPartitions < 1) {
    throw new RangeError(`numPartitions must be a positive integer, got ${numPartitions}`);
  }
}

/** The partition Kafka's default partitioner assigns to a record with this key. */
export function partitionForKey(key: Uint8Array, numPartitions: number): number {
  checkPartitionCount(numPartitions);
  return toPositive(murmur2(key)) % numPartitions;
}

interface StickyState {
  /** Where records without a key go now; undefined until the next partition() call picks one. */
  partition: number | undefined;
  /** The partition whose batch just closed, which the next pick avoids. */
  avoid: number | undefined;
}

/**
 * Sticky choice for records without a key, kept per topic. `partition()` returns the current
 * partition of a topic; `onNewBatch()` (called when the producer closes the batch for it) makes
 * the next `partition()` call pick a different one at random among the available partitions.
 */
export class StickyPartitioner {
  private readonly topics = new Map<string, StickyState>();
  private readonly random: () => number;

  /** `random` returns a number in [0, 1); tests inject a deterministic one. */
  constructor(random: () => number = Math.random) {
    this.random = random;
  }

  /**
   * The sticky partition of `topic`. `available` lists the partitions that have a leader; when it
   * is empty any of the `numPartitions` partitions may be chosen, as in Kafka. Unlike Kafka 2.x,
   * a sticky partition that is no longer available is replaced at once, so keyless records do not
   * pile up behind a partition without a leader.
   */
  partition(topic: string, numPartitions: number, available: readonly number[] = []): number {
    checkPartitionCount(numPartitions);
    let state = this.topics.get(topic);
    if (state === undefined) {
      state = { partition: undefined, avoid: undefined };
      this.topics.set(topic, state);
    }
    const sticky = state.partition;
    if (sticky !== undefined && sticky < numPartitions && (available.length === 0 || available.includes(sticky))) return sticky;
    const chosen = this.pick(numPartitions, available, state.avoid ?? sticky);
    state.partition = chosen;
    state.avoid = undefined;
    return chosen;
  }

  /**
   * The batch for `previous` (default: the topic's current partition) is complete, so the next
   * keyless record of `topic` goes to another partition. A stale call (the sticky partition has
   * already moved on from `previous`) is ignored, so two batches closing together do not cause two
   * switches.
   */
  onNewBatch(topic: string, previous?: number): void {
    const state = this.topics.get(topic);
    if (state === undefined || state.partition === undefined) return;
    if (previous !== undefined && previous !== state.partition) return;
    state.avoid = state.partition;
    state.partition = undefined;
  }

  /** A uniformly random candidate other than `avoid` (unless `avoid` is the only candidate). */
  private pick(numPartitions: number, available: readonly number[], avoid: number | undefined): number {
    const fromAvailable = available.length > 0;
    const size = fromAvailable ? available.length : numPartitions;
    const candidate = (i: number): number => (fromAvailable ? available[i] : i);
    const avoidIndex = avoid === undefined ? -1 : fromAvailable ? available.indexOf(avoid) : avoid < numPartitions ? avoid : -1;
    if (avoidIndex === -1 || size === 1) return candidate(Math.min(size - 1, Math.floor(this.random() * size)));
    // Draw among the other size - 1 candidates and step over the avoided index.
    const drawn = Math.min(size - 2, Math.floor(this.random() * (size - 1)));
    return candidate(drawn >= avoidIndex ? drawn + 1 : drawn);
  }
}
