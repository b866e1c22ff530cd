/**
 * Which fetched batches a read_committed consumer must drop: those of aborted transactions.
 *
 * The broker returns, with each read_committed fetch, the aborted transactions overlapping the
 * returned range as (producerId, firstOffset). This is Kafka's Fetcher algorithm: walk the batches
 * in offset order; before each batch of a producer, every aborted transaction starting at or
 * before the batch's last offset makes its producer "aborted"; a transactional batch of an aborted
 * producer is dropped; that producer's ABORT marker (a control batch) ends the aborted span. Kafka
 * keeps the aborted transactions in a min-heap by first offset; they never grow during the walk,
 * so a sorted array consumed from the front is the same heap.
 */
import { CONTROL_TYPE_ABORT, controlRecordType } from '../record/control-record';
import { DecodedBatch, DecodedBatchHeader } from '../record/record-batch';

export interface AbortedTransaction {
  producerId: number;
  firstOffset: number;
}

/** A batch as the filter sees it: a control batch comes decoded (its marker record is needed), others as a header. */
type FilteredBatch = DecodedBatch | DecodedBatchHeader;

/** True when a control batch holds an ABORT marker (Kafka's containsAbortMarker). */
export function isAbortMarker(batch: FilteredBatch): boolean {
  if (!batch.isControl || !('records' in batch) || batch.records.length === 0) return false;
  return controlRecordType(batch.records[0].key) === CONTROL_TYPE_ABORT;
}

export class AbortedTransactionFilter {
  private readonly pending: AbortedTransaction[];
  private next = 0;
  private readonly abortedProducers = new Set<number>();

  constructor(aborted: readonly AbortedTransaction[]) {
    this.pending = [...aborted].sort((a, b) => a.firstOffset - b.firstOffset);
  }

  /** Whether the batch's records are to be dropped; call once per batch, in offset order. */
  skip(batch: FilteredBatch): boolean {
    if (batch.producerId < 0) return false;
    while (this.next < this.pending.length && this.pending[this.next].firstOffset <= batch.lastOffset) {
      this.abortedProducers.add(this.pending[this.next++].producerId);
    }
    if (isAbortMarker(batch)) {
      this.abortedProducers.delete(batch.producerId);
      return true;
    }
    return batch.isTransactional && this.abortedProducers.has(batch.producerId);
  }
}
