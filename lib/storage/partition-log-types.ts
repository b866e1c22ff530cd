/**
 * The options and results of PartitionLog's public methods, kept apart so callers (replica
 * manager, fetch handler, replication) can import the shapes without the class. Re-exported by
 * partition-log.ts.
 */

export interface AppendResult {
  /** Offset of the first record appended; -1 when `batches` was empty. */
  baseOffset: number;
  lastOffset: number;
  /** The broker time stamped into the batches for LogAppendTime topics, otherwise -1. */
  logAppendTime: number;
  recordCount: number;
  sizeInBytes: number;
  /**
   * True when the batch was a retry of one this log already holds (same producer id, epoch and
   * sequences): nothing was appended, baseOffset/lastOffset are the original batch's, and
   * recordCount and sizeInBytes are 0.
   */
  duplicate?: boolean;
}

export interface AppendOptions {
  leaderEpoch: number;
  /** Default true. False: a follower appends its leader's bytes as they are, offsets checked to increase. */
  assignOffsets?: boolean;
  /**
   * Who wrote the batches on the leader path (Kafka's AppendOrigin): only the transaction
   * coordinator's WriteTxnMarkers may append control batches. Default 'client'.
   */
  origin?: 'client' | 'coordinator';
}

export interface ReadOptions {
  /** Exclusive upper bound on returned offsets, e.g. the high watermark. */
  maxOffset?: number;
  /** Default true: return the first batch even if it is larger than maxBytes. */
  minOneBatch?: boolean;
  /**
   * Read into a slab leased from the read-buffer pool (read-buffer-pool.ts). Only for bytes that
   * go to a socket as they are (Fetch responses) and are dropped once written, since the
   * connection then hands the slab to the next read.
   */
  pooled?: boolean;
}

export interface ReadResult {
  /** Whole batches, possibly none. */
  records: Buffer;
  logStartOffset: number;
  logEndOffset: number;
}

/** Told how long each flush (flush.messages, flush.ms, or an explicit flush) took to fsync (metrics). */
export interface LogFlushObserver {
  logFlushed(seconds: number): void;
}

export interface OpenOptions {
  /** Rescan segments from `recoveryPoint` on: the clean-shutdown marker was missing. */
  recover?: boolean;
  recoveryPoint?: number;
  /** Base offset for the first segment of a new, empty log (default 0). */
  initialOffset?: number;
  /** Wall clock in ms; tests replace it to move segment age. */
  clock?: () => number;
  /** producer.id.expiration.ms: idempotent producers idle this long are forgotten (default 86400000). */
  producerIdExpirationMs?: number;
  /** Bound on record bytes waiting to be written (default MAX_QUEUED_APPEND_BYTES in log-writer.ts); tests lower it. */
  maxQueuedAppendBytes?: number;
  flushObserver?: LogFlushObserver;
}
