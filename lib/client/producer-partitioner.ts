/**
 * Which partition a produced record goes to: the record's explicit partition if it has one,
 * otherwise what the configured partitioner (lib/client/partitioners.ts; Kafka's
 * DefaultPartitioner unless told otherwise) answers.
 *
 * This module adds the producer's side of Kafka's contract: validating partitions against the
 * metadata, the ClusterView partitioners read (with the partitions that have a leader cached per
 * metadata answer), and the onNewBatch retry — when the chosen partition has no open batch with
 * room, a partitioner with onNewBatch hears of it and is asked again, as Kafka 2.8's doSend does.
 */
import { ErrorCode } from '../protocol/errors';
import { userError } from './client-errors';
import { TopicMetadata } from './metadata-cache';
import { asPartitioner, ClusterView, DefaultPartitioner, Partitioner, PartitionerFunction, UniformStickyPartitioner } from './partitioners';

export interface ProducerPartitionerOptions {
  /** Default: Kafka's DefaultPartitioner. */
  partitioner?: Partitioner | PartitionerFunction;
  /** partitioner.ignore.keys, for the default partitioner. */
  ignoreKeys?: boolean;
  /** Metadata of other topics a partitioner may ask about. */
  lookup?: (topic: string) => TopicMetadata | undefined;
}

interface TopicPartitions {
  metadata: TopicMetadata;
  all: number[];
  available: number[];
}

/** The ClusterView handed to partitioners; the record's own topic is looked up without a map. */
class MetadataClusterView implements ClusterView {
  current: TopicMetadata | undefined;
  private readonly cache = new Map<string, TopicPartitions>();

  constructor(private readonly lookup: (topic: string) => TopicMetadata | undefined) {}

  partitionsForTopic(topic: string): readonly number[] {
    return this.partitions(topic)?.all ?? [];
  }

  availablePartitionsForTopic(topic: string): readonly number[] {
    return this.partitions(topic)?.available ?? [];
  }

  /** Recomputed only when the topic's metadata object changes. */
  private partitions(topic: string): TopicPartitions | undefined {
    const metadata = this.current?.name === topic ? this.current : this.lookup(topic);
    if (metadata === undefined) return undefined;
    const cached = this.cache.get(topic);
    if (cached && cached.metadata === metadata) return cached;
    const sorted = [...metadata.partitions].sort((a, b) => a.partition - b.partition);
    const entry = { metadata, all: sorted.map((p) => p.partition), available: sorted.filter((p) => p.leader >= 0).map((p) => p.partition) };
    this.cache.set(topic, entry);
    return entry;
  }
}

export class ProducerPartitioner {
  private readonly partitioner: Partitioner;
  private readonly cluster: MetadataClusterView;
  /** The built-in sticky partitioners answer keyless records from state that only choose() changes. */
  private readonly builtInSticky: boolean;
  /** The last keyless choice and the metadata it was made with (see choose()). */
  private lastMetadata: TopicMetadata | undefined = undefined;
  private lastPartition = -1;

  /** `random` (in [0, 1)) drives the default partitioner's sticky choice; tests inject a deterministic one. */
  constructor(random: () => number = Math.random, options: ProducerPartitionerOptions = {}) {
    this.partitioner = options.partitioner ? asPartitioner(options.partitioner) : new DefaultPartitioner(options.ignoreKeys ?? false, random);
    // Exactly the built-ins: a subclass may override partition().
    const kind = this.partitioner.constructor;
    this.builtInSticky = kind === DefaultPartitioner || kind === UniformStickyPartitioner;
    this.cluster = new MetadataClusterView(options.lookup ?? (() => undefined));
  }

  /**
   * @param hasOpenBatch whether a record of this size would join an existing open batch of a partition;
   *   when the chosen one has none, a new batch is about to start: onNewBatch, then the partitioner is asked again.
   * @param record the key and value before serialization, for custom partitioners (read here, not kept).
   */
  choose(metadata: TopicMetadata, keyBytes: Buffer | null, explicit: number | undefined, hasOpenBatch: (partition: number) => boolean,
    record: { key: unknown; value: unknown } = { key: keyBytes, value: null }): number {
    const count = metadata.partitions.length;
    if (explicit !== undefined) {
      if (!Number.isInteger(explicit) || explicit < 0 || explicit >= count) {
        throw userError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
          `Invalid partition given with record: ${explicit} is not in the range [0...${count}].`);
      }
      return explicit;
    }
    // A keyless record under a built-in sticky partitioner, with the same metadata object as the
    // last one (so the same topic and leaders) and that partition's batch still open: the
    // partitioner would answer the same partition and skip onNewBatch, so answer without asking.
    const fast = keyBytes === null && this.builtInSticky;
    if (fast && metadata === this.lastMetadata && hasOpenBatch(this.lastPartition)) return this.lastPartition;
    this.cluster.current = metadata;
    const topic = metadata.name;
    const p = this.partitioner;
    let partition = this.ask(topic, keyBytes, record, count);
    if (p.onNewBatch && !hasOpenBatch(partition)) {
      p.onNewBatch(topic, this.cluster, partition);
      partition = this.ask(topic, keyBytes, record, count);
    }
    if (fast) {
      this.lastMetadata = metadata;
      this.lastPartition = partition;
    }
    return partition;
  }

  /**
   * The partition choose() would answer at once for a keyless record with no explicit partition
   * and this metadata, provided that partition's open batch has room for it; -1 when choose() must
   * be asked. Lets the producer append to the batch it appended to last without asking again.
   */
  stickyPartition(metadata: TopicMetadata): number {
    return this.builtInSticky && metadata === this.lastMetadata ? this.lastPartition : -1;
  }

  close(): void {
    this.partitioner.close?.();
  }

  private ask(topic: string, keyBytes: Buffer | null, record: { key: unknown; value: unknown }, count: number): number {
    const partition = this.partitioner.partition(topic, record.key, keyBytes, record.value, this.cluster);
    if (!Number.isInteger(partition) || partition < 0 || partition >= count) {
      throw userError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
        `The partitioner returned partition ${String(partition)} for topic ${topic}, which is not in the range [0...${count}].`);
    }
    return partition;
  }
}
