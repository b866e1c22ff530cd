/**
 * Per-log state of idempotent and transactional producers (Kafka's ProducerStateManager): for
 * each producer id, its current epoch, the sequence numbers and offsets of its last five batches,
 * the coordinator epoch of its last transaction marker and the first offset of its open
 * transaction. That is what a leader needs to drop a retried batch, to refuse a gap or a fenced
 * (older-epoch) producer or coordinator, and what the log needs for its last stable offset.
 *
 * Two layers keep this exact while appends are queued. `committed` describes exactly the batches
 * written to the log, so it can be snapshotted at a segment roll or at close and rebuilt after a
 * truncation; `pending` holds the view including batches that have offsets but are still queued
 * for the write, which is what the next append must be checked against. A batch moves from one to
 * the other when its bytes are written (`commit`). Batches without a producer id (-1) never get
 * here. A producer this log knows nothing about is accepted at any sequence: its state may have
 * been lost with the segments retention deleted, or expired after `producer.id.expiration.ms`
 * (timed by the batches' max timestamps, as in Kafka; a producer with an open transaction never
 * expires).
 *
 * Transactions (KIP-98): a transactional batch opens a transaction at its first offset unless one
 * is open; a control batch (commit or abort marker) closes it and becomes a CompletedTxn. A
 * completed transaction stays "unstable" until the high watermark passes its marker, since until
 * then a leader change could still cut the marker away (Kafka's unreplicatedTxns).
 */
import { ErrorCode, SamsaError } from '../protocol/errors';
import { ATTRIBUTES_OFFSET, readBaseSequence, readProducerEpoch, readProducerId } from '../record/batch-header';
import { EndTxnMarker, isControlAttributes, isTransactionalAttributes, readEndTxnMarker } from '../record/control-record';

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
  /** Coordinator epoch of the producer's last transaction marker, -1 before any. */
  coordinatorEpoch: number;
  /** First offset of the producer's open transaction on this partition, -1 when none is open. */
  currentTxnFirstOffset: number;
}

/** A transaction whose marker is in the log (Kafka's CompletedTxn). */
export interface CompletedTxn {
  producerId: number;
  firstOffset: number;
  /** Offset of the marker. */
  lastOffset: number;
  aborted: boolean;
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
  /** The batch has the transactional attribute bit. */
  transactional: boolean;
  /** Set for a control batch: the commit or abort marker it holds. */
  marker: EndTxnMarker | null;
}

/** Kafka's DefaultRecordBatch.incrementSequence: sequences wrap from int32 max to 0. */
export function incrementSequence(sequence: number, increment: number): number {
  return sequence > MAX_SEQUENCE - increment ? increment - (MAX_SEQUENCE - sequence) - 1 : sequence + increment;
}

/**
 * The producer fields of the batch at `position`, or null without a producer id. `firstOffset`
 * and `lastOffset` are the header's; a leader overwrites them once it assigns offsets. A control
 * batch is decoded (the whole batch must be in `buf`) for its marker; one that holds no marker
 * (emptied by the cleaner, or another control type) is null too, as Kafka ignores it. Throws
 * CorruptRecordError for a malformed control record.
 */
export function readProducerBatch(buf: Buffer, position: number, baseOffset: number, lastOffsetDelta: number, maxTimestamp: number): ProducerBatch | null {
  const producerId = readProducerId(buf, position);
  if (producerId < 0) return null;
  const attributes = buf.readInt16BE(position + ATTRIBUTES_OFFSET);
  let marker: EndTxnMarker | null = null;
  if (isControlAttributes(attributes)) {
    marker = readEndTxnMarker(buf, position);
    if (marker === null) return null;
  }
  const baseSequence = readBaseSequence(buf, position);
  return {
    producerId,
    producerEpoch: readProducerEpoch(buf, position),
    baseSequence,
    lastSequence: baseSequence < 0 ? baseSequence : incrementSequence(baseSequence, lastOffsetDelta),
    firstOffset: baseOffset,
    lastOffset: baseOffset + lastOffsetDelta,
    maxTimestamp,
    transactional: isTransactionalAttributes(attributes),
    marker,
  };
}

/** `entry` after `batch` (a new epoch starts a new batch history); `entry` itself is not changed. */
function updatedEntry(entry: ProducerEntry | undefined, batch: ProducerBatch): ProducerEntry {
  const lastTimestamp = Math.max(entry?.lastTimestamp ?? -1, batch.maxTimestamp);
  const sameEpoch = entry !== undefined && entry.epoch === batch.producerEpoch;
  if (batch.marker !== null) {
    // Kafka's appendEndTxnMarker: the marker closes the transaction and may carry a new epoch.
    return { epoch: batch.producerEpoch, batches: sameEpoch ? entry.batches : [], lastTimestamp, coordinatorEpoch: batch.marker.coordinatorEpoch, currentTxnFirstOffset: -1 };
  }
  const meta = { firstSeq: batch.baseSequence, lastSeq: batch.lastSequence, firstOffset: batch.firstOffset, lastOffset: batch.lastOffset };
  const history = sameEpoch ? entry.batches.slice(-(MAX_CACHED_BATCHES - 1)) : [];
  history.push(meta);
  const openTxn = entry?.currentTxnFirstOffset ?? -1;
  return {
    epoch: batch.producerEpoch, batches: history, lastTimestamp, coordinatorEpoch: entry?.coordinatorEpoch ?? -1,
    currentTxnFirstOffset: batch.transactional && openTxn < 0 ? batch.firstOffset : openTxn,
  };
}

function inSequence(lastSeq: number, nextSeq: number): boolean {
  return nextSeq === lastSeq + 1 || (nextSeq === 0 && lastSeq === MAX_SEQUENCE);
}

export class ProducerStateManager {
  private committed = new Map<number, ProducerEntry>();
  private readonly pending = new Map<number, { entry: ProducerEntry; batches: number }>();
  /** First offsets of the open transactions in `committed`, by producer id. */
  private readonly openTxns = new Map<number, number>();
  /** Completed transactions whose marker the high watermark may not cover yet, in marker order. */
  private readonly unreplicated: CompletedTxn[] = [];

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
   * Kafka's firstUnstableOffset: the first offset of the oldest open transaction, or of a
   * completed one whose marker is at or past `highWatermark`; null when every transaction is
   * stable. Completed transactions the high watermark passed are forgotten here. O(open txns).
   */
  firstUnstableOffset(highWatermark: number): number | null {
    while (this.unreplicated.length > 0 && this.unreplicated[0].lastOffset < highWatermark) this.unreplicated.shift();
    let first = this.unreplicated.length > 0 ? this.unreplicated[0].firstOffset : Infinity;
    for (const offset of this.openTxns.values()) if (offset < first) first = offset;
    return first === Infinity ? null : first;
  }

  /** Open transactions in the written batches, as producer id → first offset. */
  openTransactions(): ReadonlyMap<number, number> {
    return this.openTxns;
  }

  /**
   * Leader-path checks for one produce request, before any offset is assigned; changes nothing.
   * Returns the original offsets of a retried batch (the request's only batch), null to append,
   * or throws for the whole request: INVALID_PRODUCER_EPOCH (older epoch), OUT_OF_ORDER_SEQUENCE_NUMBER,
   * INVALID_TXN_STATE (a non-transactional batch while a transaction is open), or for a marker
   * TRANSACTION_COORDINATOR_FENCED (older coordinator epoch).
   */
  check(batches: ReadonlyArray<ProducerBatch>, batchCount: number): BatchMetadata | null {
    const seen = new Map<number, ProducerEntry>();
    for (const batch of batches) {
      const entry = seen.get(batch.producerId) ?? this.entry(batch.producerId);
      if (entry !== undefined) {
        const duplicate = batch.marker !== null ? checkMarker(entry, batch) : this.checkAgainst(entry, batch);
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
    if (entry.currentTxnFirstOffset >= 0 && !batch.transactional) {
      throw new SamsaError(ErrorCode.INVALID_TXN_STATE, `producer ${id} sent a non-transactional batch while its transaction from offset ${entry.currentTxnFirstOffset} is open`);
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

  /** A staged batch reached the log file; returns the transaction its marker completed, if any. */
  commit(batch: ProducerBatch): CompletedTxn | null {
    const completed = this.apply(batch);
    const pending = this.pending.get(batch.producerId);
    if (pending && --pending.batches <= 0) this.pending.delete(batch.producerId);
    return completed;
  }

  /** Applies a batch read back from the log (rebuild), unchecked; returns the transaction a marker completed. */
  replay(batch: ProducerBatch): CompletedTxn | null {
    return this.apply(batch);
  }

  private apply(batch: ProducerBatch): CompletedTxn | null {
    const before = this.committed.get(batch.producerId);
    const after = updatedEntry(before, batch);
    this.committed.set(batch.producerId, after);
    if (after.currentTxnFirstOffset >= 0) this.openTxns.set(batch.producerId, after.currentTxnFirstOffset);
    else this.openTxns.delete(batch.producerId);
    if (batch.marker === null) return null;
    // Kafka: a marker without an open transaction completes an empty one at the marker itself.
    const openedAt = before !== undefined && before.currentTxnFirstOffset >= 0 ? before.currentTxnFirstOffset : batch.firstOffset;
    const completed = { producerId: batch.producerId, firstOffset: openedAt, lastOffset: batch.lastOffset, aborted: !batch.marker.committed };
    this.unreplicated.push(completed);
    return completed;
  }

  /**
   * Kafka's lastStableOffset(completedTxn), stored in the aborted-transaction index: the first
   * offset of the oldest other open transaction, else the offset after the marker.
   */
  lastStableOffsetAfter(completed: CompletedTxn): number {
    let first = completed.lastOffset + 1;
    for (const [id, offset] of this.openTxns) if (id !== completed.producerId && offset < first) first = offset;
    return first;
  }

  /** Forgets staged batches that will never be written (the log failed). */
  discardPending(): void {
    this.pending.clear();
  }

  /** Replaces the written-batch state (loaded from a snapshot, before a replay). */
  reset(entries: Map<number, ProducerEntry> = new Map()): void {
    this.committed = entries;
    this.openTxns.clear();
    this.unreplicated.length = 0;
    for (const [id, entry] of entries) if (entry.currentTxnFirstOffset >= 0) this.openTxns.set(id, entry.currentTxnFirstOffset);
  }

  /** Drops producers idle for `expirationMs` (none with queued batches or an open transaction); returns how many. */
  expire(nowMs: number, expirationMs: number): number {
    let removed = 0;
    for (const [id, entry] of this.committed) {
      if (nowMs - entry.lastTimestamp >= expirationMs && !this.pending.has(id) && entry.currentTxnFirstOffset < 0) {
        this.committed.delete(id);
        removed++;
      }
    }
    return removed;
  }
}

/** A marker from the coordinator: Kafka's checkProducerEpoch and checkCoordinatorEpoch. Never a duplicate. */
function checkMarker(entry: ProducerEntry, batch: ProducerBatch): null {
  const id = batch.producerId;
  if (batch.producerEpoch < entry.epoch) {
    throw new SamsaError(ErrorCode.INVALID_PRODUCER_EPOCH, `marker for producer ${id} has epoch ${batch.producerEpoch}, but epoch ${entry.epoch} fenced it`);
  }
  const coordinatorEpoch = batch.marker?.coordinatorEpoch ?? -1;
  if (coordinatorEpoch < entry.coordinatorEpoch) {
    throw new SamsaError(ErrorCode.TRANSACTION_COORDINATOR_FENCED,
      `marker for producer ${id} has coordinator epoch ${coordinatorEpoch}, older than the last seen ${entry.coordinatorEpoch}`);
  }
  return null;
}

function outOfOrder(message: string): SamsaError {
  return new SamsaError(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER, message);
}
