/**
 * What the replica manager answers per partition for an append or a read, shared by the Produce,
 * Fetch and WriteTxnMarkers handlers.
 */
import type { AbortedTransaction } from '../storage/transaction-index';

export interface ProducePartitionResult {
  errorCode: number;
  errorMessage: string | null;
  baseOffset: number;
  logAppendTimeMs: number;
  logStartOffset: number;
}

export interface ReadPartitionResult {
  errorCode: number;
  highWatermark: number;
  logStartOffset: number;
  records: Buffer | null;
  /** Consumer reads: the partition's last stable offset (Kafka's LSO). */
  lastStableOffset?: number;
  /** read_committed consumer reads: the aborted transactions overlapping `records`; null otherwise. */
  abortedTransactions?: AbortedTransaction[] | null;
}
