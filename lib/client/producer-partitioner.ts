/**
 * Which partition a produced record goes to, as Kafka's default partitioner decides: the
 * record's explicit partition if it has one, murmur2 of the key if it has a key, otherwise the
 * topic's sticky partition, which moves on whenever the batch it was filling is closed or sent.
 *
 * The hashing and the sticky state live in lib/record/partitioner.ts; this module adds the
 * producer's side: validating explicit partitions against the metadata, caching which partitions
 * have a leader, and asking the accumulator whether the sticky partition still has an open batch.
 */
import { ErrorCode } from '../protocol/errors';
import { StickyPartitioner, partitionForKey } from '../record/partitioner';
import { userError } from './client-errors';
import { TopicMetadata } from './metadata-cache';

export class ProducerPartitioner {
  private readonly sticky: StickyPartitioner;
  private readonly available = new Map<string, { metadata: TopicMetadata; partitions: number[] }>();

  constructor(random: () => number = Math.random) {
    this.sticky = new StickyPartitioner(random);
  }

  /**
   * @param hasOpenBatch whether a record of this size would join an existing open batch of a partition;
   *   when the sticky partition has none, a new batch is about to start and the sticky choice moves on first.
   */
  choose(metadata: TopicMetadata, key: Buffer | null, explicit: number | undefined, hasOpenBatch: (partition: number) => boolean): number {
    const count = metadata.partitions.length;
    if (explicit !== undefined) {
      if (!Number.isInteger(explicit) || explicit < 0 || explicit >= count) {
        throw userError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
          `Invalid partition given with record: ${explicit} is not in the range [0...${count}].`);
      }
      return explicit;
    }
    if (key !== null) return partitionForKey(key, count);
    const available = this.availablePartitions(metadata);
    const current = this.sticky.partition(metadata.name, count, available);
    if (hasOpenBatch(current)) return current;
    this.sticky.onNewBatch(metadata.name, current);
    return this.sticky.partition(metadata.name, count, available);
  }

  /** Partitions with a leader, recomputed only when the topic's metadata object changes. */
  private availablePartitions(metadata: TopicMetadata): number[] {
    const cached = this.available.get(metadata.name);
    if (cached && cached.metadata === metadata) return cached.partitions;
    const partitions = metadata.partitions.filter((p) => p.leader >= 0).map((p) => p.partition);
    this.available.set(metadata.name, { metadata, partitions });
    return partitions;
  }
}
