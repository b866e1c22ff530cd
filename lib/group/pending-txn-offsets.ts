/**
 * The offsets a group's transactional producers committed with TxnOffsetCommit whose transaction
 * has not ended yet (Kafka's GroupMetadata.pendingTransactionalOffsetCommits).
 *
 * They are kept per producer id, apart from the committed offsets, so OffsetFetch never shows
 * them: they become committed when the producer's commit marker lands on the group's
 * `__consumer_offsets` partition and vanish when the abort marker does. An entry exists from the
 * moment the commit is accepted (`prepare`, no log offset yet) so a concurrent OffsetFetch with
 * requireStable already sees the partition as unstable; the append fills in the log offset
 * (`appended`) or takes the entry back (`failed`).
 */
import { CommittedEntry, CommittedOffset } from './committed-offsets';
import { topicPartitionKey, TopicPartition } from '../util/topic-partition';

/** An offset as the TxnOffsetCommit carried it; `recordOffset` is -1 until the append returns. */
export type PendingOffset = CommittedOffset;

interface PendingEntry extends TopicPartition {
  value: PendingOffset;
}

/** No log offset yet: the append is still in flight. */
export const NOT_APPENDED = -1;

export class PendingTxnOffsets {
  private readonly byProducer = new Map<number, Map<string, PendingEntry>>();

  /** How many producers have offsets pending. */
  get producerCount(): number {
    return this.byProducer.size;
  }

  get isEmpty(): boolean {
    return this.byProducer.size === 0;
  }

  hasProducer(producerId: number): boolean {
    return this.byProducer.has(producerId);
  }

  /** Whether any producer has an offset pending for this partition (OffsetFetch's requireStable). */
  hasPartition(topic: string, partition: number): boolean {
    const key = topicPartitionKey({ topic, partition });
    for (const offsets of this.byProducer.values()) if (offsets.has(key)) return true;
    return false;
  }

  /** Accepted, before the append: the offset is pending but has no log offset yet. */
  prepare(producerId: number, topic: string, partition: number, value: Omit<PendingOffset, 'recordOffset'>): void {
    this.offsetsOf(producerId, true).set(topicPartitionKey({ topic, partition }), { topic, partition, value: { ...value, recordOffset: NOT_APPENDED } });
  }

  /**
   * The append of a prepared offset succeeded at `recordOffset`. Ignored when the entry is gone
   * (the transaction ended meanwhile) or another commit of the same partition replaced it.
   */
  appended(producerId: number, topic: string, partition: number, value: Omit<PendingOffset, 'recordOffset'>, recordOffset: number): void {
    const entry = this.offsetsOf(producerId, false)?.get(topicPartitionKey({ topic, partition }));
    if (!entry || entry.value.recordOffset !== NOT_APPENDED || !sameOffset(entry.value, value)) return;
    entry.value = { ...entry.value, recordOffset };
  }

  /** The append of a prepared offset failed: the entry goes, unless a later commit replaced it. */
  failed(producerId: number, topic: string, partition: number, value: Omit<PendingOffset, 'recordOffset'>): void {
    const offsets = this.offsetsOf(producerId, false);
    const key = topicPartitionKey({ topic, partition });
    const entry = offsets?.get(key);
    if (!offsets || !entry || entry.value.recordOffset !== NOT_APPENDED || !sameOffset(entry.value, value)) return;
    offsets.delete(key);
    if (offsets.size === 0) this.byProducer.delete(producerId);
  }

  /** Replaying the log: a transactional record (null value = a tombstone inside the transaction). */
  loaded(producerId: number, topic: string, partition: number, value: PendingOffset | null): void {
    const key = topicPartitionKey({ topic, partition });
    if (value === null) {
      const offsets = this.offsetsOf(producerId, false);
      offsets?.delete(key);
      if (offsets?.size === 0) this.byProducer.delete(producerId);
      return;
    }
    this.offsetsOf(producerId, true).set(key, { topic, partition, value });
  }

  /**
   * The producer's transaction ended with a marker at `markerOffset`. Returns the offsets that
   * become committed (none on abort). Offsets appended after the marker belong to the producer's
   * next transaction and stay pending; ones still in flight are dropped with the transaction,
   * as Kafka drops everything the producer had pending.
   */
  complete(producerId: number, committed: boolean, markerOffset: number): CommittedEntry[] {
    const offsets = this.byProducer.get(producerId);
    if (!offsets) return [];
    const done: CommittedEntry[] = [];
    for (const [key, entry] of offsets) {
      if (entry.value.recordOffset > markerOffset) continue;
      offsets.delete(key);
      if (committed && entry.value.recordOffset !== NOT_APPENDED) done.push({ topic: entry.topic, partition: entry.partition, value: entry.value });
    }
    if (offsets.size === 0) this.byProducer.delete(producerId);
    return done;
  }

  /** Every pending offset of every producer (for describing and tests). */
  all(): Array<{ producerId: number } & CommittedEntry> {
    const out: Array<{ producerId: number } & CommittedEntry> = [];
    for (const [producerId, offsets] of this.byProducer) {
      for (const e of offsets.values()) out.push({ producerId, topic: e.topic, partition: e.partition, value: e.value });
    }
    return out;
  }

  private offsetsOf(producerId: number, create: true): Map<string, PendingEntry>;
  private offsetsOf(producerId: number, create: false): Map<string, PendingEntry> | undefined;
  private offsetsOf(producerId: number, create: boolean): Map<string, PendingEntry> | undefined {
    let offsets = this.byProducer.get(producerId);
    if (!offsets && create) this.byProducer.set(producerId, (offsets = new Map()));
    return offsets;
  }
}

function sameOffset(a: Omit<PendingOffset, 'recordOffset'>, b: Omit<PendingOffset, 'recordOffset'>): boolean {
  return a.offset === b.offset && a.leaderEpoch === b.leaderEpoch && a.metadata === b.metadata && a.commitTimestamp === b.commitTimestamp;
}
