/**
 * Per-log state of idempotent producers (Kafka's ProducerStateManager, without transactions):
 * for each producer id, its current epoch and the sequence numbers and offsets of its last five
 * batches, which is what a leader needs to drop a retried batch and to refuse a gap or a fenced
 * (older-epoch) producer.
 *
 * Two layers keep this exact while appends are queued. `committed` describes exactly the batches
 * written to the log, so it can be snapshotted at a segment roll or at close and rebuilt after a
 * truncation; `pending` holds the view including batches that have offsets but are still queued
 * for the write, which is what the next append must be checked against. A batch moves from one to
 * the other when its bytes are written (`commit`). Batches without a producer id (-1) never get
 * here. A producer this log knows nothing about is accepted at any sequence: its state may have
 * been lost with the segments retention deleted, or expired after `producer.id.expiration.ms`
 * (timed by the batches' max timestamps, as in Kafka).
 */
import { ErrorCode, SamsaError } from '../protocol/errors';
import { readBaseSequence, readProducerEpoch, readProducerId } from '../record/batch-header';

/** Kafka's ProducerStateEntry.NumBatchesToRetain: how far back a retry is recognised. */
export const MAX_CACHED_BATCHES = 5;
const MAX_SEQUENCE = 0x7fffffff;

export interface BatchMetadata {
  firstSeq: number;
  lastSeq: number;
  firstOffset: number;
  lastOffset: number;
}

export interface ProducerEntry {
  epoch: number;
  /** Oldest first, at most MAX_CACHED_BATCHES, all of the current epoch. */
  batches: BatchMetadata[];
  /** Max timestamp of the producer's latest batch: expiration counts from here. */
  lastTimestamp: number;
}

/** The producer fields of one appended batch, with the offsets the log gave it. */
export interface ProducerBatch {
  producerId: number;
  producerEpoch: number;
  baseSequence: number;
  lastSequence: number;
  firstOffset: number;
  lastOffset: number;
  maxTimestamp: number;
}

/** Kafka's DefaultRecordBatch.incrementSequence: sequences wrap from int32 max to 0. */
export function incrementSequence(sequence: number, increment: number): number {
  return sequence > MAX_SEQUENCE - increment ? increment - (MAX_SEQUENCE - sequence) - 1 : sequence + increment;
}

/**
 * The producer fields of the batch at `position`, or null without a producer id. `firstOffset`
 * and `lastOffset` are the header's; a leader overwrites them once it assigns offsets.
 */
export function readProducerBatch(buf: Buffer, position: number, baseOffset: number, lastOffsetDelta: number, maxTimestamp: number): ProducerBatch | null {
  const producerId = readProducerId(buf, position);
  if (producerId < 0) return null;
  const baseSequence = readBaseSequence(buf, position);
  return {
    producerId,
    producerEpoch: readProducerEpoch(buf, position),
    baseSequence,
    lastSequence: baseSequence < 0 ? baseSequence : incrementSequence(baseSequence, lastOffsetDelta),
    firstOffset: baseOffset,
    lastOffset: baseOffset + lastOffsetDelta,
    maxTimestamp,
  };
}

/** `entry` after `batch` (a new epoch starts a new batch history); `entry` itself is not changed. */
function updatedEntry(entry: ProducerEntry | undefined, batch: ProducerBatch): ProducerEntry {
  const meta = { firstSeq: batch.baseSequence, lastSeq: batch.lastSequence, firstOffset: batch.firstOffset, lastOffset: batch.lastOffset };
  const history = entry && entry.epoch === batch.producerEpoch ? entry.batches.slice(-(MAX_CACHED_BATCHES - 1)) : [];
  history.push(meta);
  return { epoch: batch.producerEpoch, batches: history, lastTimestamp: Math.max(entry?.lastTimestamp ?? -1, batch.maxTimestamp) };
}

function inSequence(lastSeq: number, nextSeq: number): boolean {
  return nextSeq === lastSeq + 1 || (nextSeq === 0 && lastSeq === MAX_SEQUENCE);
}

export class ProducerStateManager {
  private committed = new Map<number, ProducerEntry>();
  private readonly pending = new Map<number, { entry: ProducerEntry; batches: number }>();

  /** Producers known to the log, counting those only queued batches mention. */
  get producerCount(): number {
    let count = this.committed.size;
    for (const id of this.pending.keys()) if (!this.committed.has(id)) count++;
    return count;
  }

  /** The latest state of `producerId`, queued batches included. */
  entry(producerId: number): Readonly<ProducerEntry> | undefined {
    return this.pending.get(producerId)?.entry ?? this.committed.get(producerId);
  }

  /** The state of the written batches only, for snapshots. */
  committedEntries(): ReadonlyMap<number, Readonly<ProducerEntry>> {
    return this.committed;
  }

  /**
   * Leader-path checks for one produce request, before any offset is assigned; changes nothing.
   * Returns the original offsets of a retried batch (the request's only batch), null to append,
   * or throws INVALID_PRODUCER_EPOCH or OUT_OF_ORDER_SEQUENCE_NUMBER for the whole request.
   */
  check(batches: ReadonlyArray<ProducerBatch>, batchCount: number): BatchMetadata | null {
    const seen = new Map<number, ProducerEntry>();
    for (const batch of batches) {
      const entry = seen.get(batch.producerId) ?? this.entry(batch.producerId);
      if (entry !== undefined) {
        const duplicate = this.checkAgainst(entry, batch);
        if (duplicate !== null) {
          // Appending the rest around a duplicate would split the request; idempotent clients never mix.
          if (batchCount > 1) throw outOfOrder(`a retried batch of producer ${batch.producerId} arrived together with ${batchCount - 1} other batch(es)`);
          return duplicate;
        }
      }
      seen.set(batch.producerId, updatedEntry(entry, batch));
    }
    return null;
  }

  private checkAgainst(entry: ProducerEntry, batch: ProducerBatch): BatchMetadata | null {
    const id = batch.producerId;
    if (batch.producerEpoch < entry.epoch) {
      throw new SamsaError(ErrorCode.INVALID_PRODUCER_EPOCH, `producer ${id} sent epoch ${batch.producerEpoch}, but epoch ${entry.epoch} fenced it`);
    }
    if (batch.producerEpoch > entry.epoch) {
      if (batch.baseSequence !== 0) throw outOfOrder(`producer ${id} started epoch ${batch.producerEpoch} at sequence ${batch.baseSequence}, not 0`);
      return null;
    }
    const duplicate = entry.batches.find((b) => b.firstSeq === batch.baseSequence && b.lastSeq === batch.lastSequence);
    if (duplicate) return duplicate;
    const last = entry.batches[entry.batches.length - 1];
    if (last && !inSequence(last.lastSeq, batch.baseSequence)) {
      throw outOfOrder(`producer ${id} (epoch ${batch.producerEpoch}) sent sequence ${batch.baseSequence}, expected ${incrementSequence(last.lastSeq, 1)}`);
    }
    return null;
  }

  /** Records batches that now have offsets and are queued for writing. */
  stage(batches: ReadonlyArray<ProducerBatch>): void {
    for (const batch of batches) {
      const pending = this.pending.get(batch.producerId);
      const entry = updatedEntry(pending?.entry ?? this.committed.get(batch.producerId), batch);
      this.pending.set(batch.producerId, { entry, batches: (pending?.batches ?? 0) + 1 });
    }
  }

  /** A staged batch reached the log file. */
  commit(batch: ProducerBatch): void {
    this.committed.set(batch.producerId, updatedEntry(this.committed.get(batch.producerId), batch));
    const pending = this.pending.get(batch.producerId);
    if (pending && --pending.batches <= 0) this.pending.delete(batch.producerId);
  }

  /** Applies a batch read back from the log (rebuild), unchecked. */
  replay(batch: ProducerBatch): void {
    this.committed.set(batch.producerId, updatedEntry(this.committed.get(batch.producerId), batch));
  }

  /** Forgets staged batches that will never be written (the log failed). */
  discardPending(): void {
    this.pending.clear();
  }

  /** Replaces the written-batch state (loaded from a snapshot, before a replay). */
  reset(entries: Map<number, ProducerEntry> = new Map()): void {
    this.committed = entries;
  }

  /** Drops producers idle for `expirationMs` (none with queued batches); returns how many. */
  expire(nowMs: number, expirationMs: number): number {
    let removed = 0;
    for (const [id, entry] of this.committed) {
      if (nowMs - entry.lastTimestamp >= expirationMs && !this.pending.has(id)) {
        this.committed.delete(id);
        removed++;
      }
    }
    return removed;
  }
}

function outOfOrder(message: string): SamsaError {
  return new SamsaError(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER, message);
}
