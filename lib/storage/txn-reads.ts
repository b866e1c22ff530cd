/**
 * The read_committed side of a Fetch (KIP-98): which aborted transactions overlap the records a
 * consumer gets, so it can drop their records without the broker decoding any.
 *
 * The answer comes from the segments' `.txnindex` files (transaction-index.ts), as Kafka's
 * Log.collectAbortedTransactions: from the segment holding the fetch offset on, until one says no
 * later segment can add an entry below the bound. The bound is the offset after the last batch
 * returned (Kafka's fetchUpperBoundOffset), read from that batch's header.
 */
import { BATCH_LENGTH_OFFSET, LAST_OFFSET_DELTA_OFFSET, LOG_OVERHEAD } from '../record/batch-header';
import type { LogSegment } from './log-segment';
import type { PartitionLog } from './partition-log';
import type { AbortedTransaction, AbortedTxn } from './transaction-index';

/** Kafka's Log.collectAbortedTransactions over `segments` (oldest first), whole index entries. */
export function collectAbortedTransactions(segments: readonly LogSegment[], fetchOffset: number, upperBoundOffset: number): AbortedTxn[] {
  const found: AbortedTxn[] = [];
  if (upperBoundOffset <= fetchOffset) return found;
  let start = 0;
  for (let i = 0; i < segments.length; i++) if (segments[i].baseOffset <= fetchOffset) start = i;
  for (let i = start; i < segments.length; i++) {
    const result = segments[i].txnIndex.collect(fetchOffset, upperBoundOffset);
    found.push(...result.found);
    if (result.complete) break;
  }
  return found;
}

/** read_committed: the aborted transactions overlapping what a read from `fetchOffset` returned (none for no records). */
export function abortedTransactionsIn(log: PartitionLog, fetchOffset: number, records: Buffer | null): AbortedTransaction[] {
  const upperBound = records === null ? -1 : offsetAfterBatches(records);
  if (upperBound < 0) return [];
  return collectAbortedTransactions(log.segmentsView(), fetchOffset, upperBound).map((t) => ({ producerId: t.producerId, firstOffset: t.firstOffset }));
}

/** The offset after the last whole batch in `records` (a read's result), or -1 when there is none. Reads headers only. */
export function offsetAfterBatches(records: Buffer): number {
  let position = 0;
  let after = -1;
  while (records.length - position >= LOG_OVERHEAD + LAST_OFFSET_DELTA_OFFSET) {
    const size = records.readInt32BE(position + BATCH_LENGTH_OFFSET) + LOG_OVERHEAD;
    if (size <= LOG_OVERHEAD || position + size > records.length) break;
    after = Number(records.readBigInt64BE(position)) + records.readInt32BE(position + LAST_OFFSET_DELTA_OFFSET) + 1;
    position += size;
  }
  return after;
}
