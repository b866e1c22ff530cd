/**
 * What the log cleaner does with transactions (Kafka's CleanedTransactionMetadata): data batches
 * of aborted transactions are removed, and a marker goes once no data of its transaction remains
 * (and, as for tombstones, its segment is older than the delete horizon; the cleaner checks that).
 *
 * The aborted transactions of the range being cleaned come from the `.txnindex` files, sorted by
 * first offset. Walking the batches in offset order, a transaction becomes "ongoing aborted" when
 * the walk reaches its first offset; its transactional batches are then discarded until its abort
 * marker, which is kept (with an entry in the cleaned segment's index) only if this pass still saw
 * batches of it. A commit marker is kept while this pass saw data of its transaction. The cleaner
 * never reaches past the last stable offset, so an open transaction's data is never judged here.
 * One decision per batch; only control batches are decoded, for their marker type.
 */
import { ATTRIBUTES_OFFSET, LAST_OFFSET_DELTA_OFFSET, readProducerId } from '../record/batch-header';
import { isControlAttributes, isTransactionalAttributes, readEndTxnMarker } from '../record/control-record';
import type { AbortedTxn, TransactionIndex } from './transaction-index';

export class CleanedTransactions {
  /** Aborted transactions not yet reached, by first offset descending (pop from the end). */
  private readonly pending: AbortedTxn[];
  private readonly ongoingAborted = new Map<number, { txn: AbortedTxn; sawData: boolean }>();
  private readonly ongoingCommitted = new Set<number>();

  constructor(aborted: readonly AbortedTxn[], private readonly cleanedIndex: TransactionIndex) {
    const unique = new Map(aborted.map((t) => [`${t.producerId}:${t.lastOffset}`, t]));
    this.pending = [...unique.values()].sort((a, b) => b.firstOffset - a.firstOffset);
  }

  /** Whether the batch at `at` (whole in `buf`, offsets [baseOffset, lastOffset]) may be discarded. */
  shouldDiscard(buf: Buffer, at: number, baseOffset: number): boolean {
    const attributes = buf.readInt16BE(at + ATTRIBUTES_OFFSET);
    const lastOffset = baseOffset + buf.readInt32BE(at + LAST_OFFSET_DELTA_OFFSET);
    this.reachUpTo(lastOffset);
    const producerId = readProducerId(buf, at);
    if (isControlAttributes(attributes)) return this.onMarker(buf, at, producerId);
    if (!isTransactionalAttributes(attributes) || producerId < 0) return false;
    const aborted = this.ongoingAborted.get(producerId);
    if (aborted !== undefined) {
      aborted.sawData = true;
      return true;
    }
    this.ongoingCommitted.add(producerId);
    return false;
  }

  private onMarker(buf: Buffer, at: number, producerId: number): boolean {
    let marker;
    try {
      marker = readEndTxnMarker(buf, at);
    } catch {
      return false;
    }
    // An emptied control batch: its transaction was cleaned away already.
    if (marker === null) return true;
    if (marker.committed) return !this.ongoingCommitted.delete(producerId);
    const aborted = this.ongoingAborted.get(producerId);
    this.ongoingAborted.delete(producerId);
    if (aborted !== undefined && aborted.sawData) {
      this.cleanedIndex.append(aborted.txn);
      return false;
    }
    return true;
  }

  private reachUpTo(offset: number): void {
    while (this.pending.length > 0 && this.pending[this.pending.length - 1].firstOffset <= offset) {
      const txn = this.pending.pop()!;
      if (!this.ongoingAborted.has(txn.producerId)) this.ongoingAborted.set(txn.producerId, { txn, sawData: false });
    }
  }
}
