/**
 * The committed offsets of one group, as the coordinator holds them in memory.
 *
 * The log is the truth; this is its materialised view, updated only after an append succeeded or
 * while replaying the log. Each entry remembers the log offset of the record that stored it, so
 * when two commits for the same partition complete out of order the one written later still
 * wins, exactly as compaction will decide (Kafka's CommitRecordMetadataAndOffset).
 */
import { TopicPartition, compareTopicPartitions, topicPartitionKey } from '../util/topic-partition';

export interface CommittedOffset {
  /** The next offset the group will consume. */
  readonly offset: number;
  readonly leaderEpoch: number;
  readonly metadata: string;
  readonly commitTimestamp: number;
  /** Set only by old (v1) records, which carried their own expiry; NO_TIMESTAMP (-1) otherwise. */
  readonly expireTimestamp: number;
  /** Offset of the `__consumer_offsets` record that stored this value. */
  readonly recordOffset: number;
}

export interface CommittedEntry extends TopicPartition {
  readonly value: CommittedOffset;
}

export class CommittedOffsets {
  private readonly entries = new Map<string, CommittedEntry>();

  get size(): number {
    return this.entries.size;
  }

  get(topic: string, partition: number): CommittedOffset | undefined {
    return this.entries.get(topicPartitionKey({ topic, partition }))?.value;
  }

  /** Stores `value` unless a record written later already stored this partition. */
  set(topic: string, partition: number, value: CommittedOffset): void {
    const key = topicPartitionKey({ topic, partition });
    const existing = this.entries.get(key);
    if (existing && existing.value.recordOffset > value.recordOffset) return;
    this.entries.set(key, { topic, partition, value });
  }

  delete(topic: string, partition: number): boolean {
    return this.entries.delete(topicPartitionKey({ topic, partition }));
  }

  /** Every committed offset, sorted by topic and partition. */
  all(): CommittedEntry[] {
    return [...this.entries.values()].sort(compareTopicPartitions);
  }

  /** Removes and returns the offsets selected by `expired`. */
  removeWhere(expired: (entry: CommittedEntry) => boolean): TopicPartition[] {
    const removed: TopicPartition[] = [];
    for (const [key, entry] of this.entries) {
      if (!expired(entry)) continue;
      this.entries.delete(key);
      removed.push({ topic: entry.topic, partition: entry.partition });
    }
    return removed;
  }
}
