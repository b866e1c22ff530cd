/**
 * The log of one partition replica: an ordered list of segments with one writer and many readers.
 *
 * This is the broker's hot path, so nothing here blocks the event loop. An append is validated
 * and given its offsets synchronously, at call time, which fixes the order; the bytes then go
 * through a per-log queue whose single writer (log-writer.ts) coalesces everything pending into
 * one `writev` and rolls segments between batches when needed. The queue is bounded by bytes, so
 * an append past the bound is refused at once with a retriable error. A batch becomes visible to
 * readers (`logEndOffset`) only once its bytes are in the file; fsync and the recovery point
 * follow log-flusher.ts. Truncation, flush, close and the log cleaner's segment swaps are queued
 * behind pending appends so they see a settled log. Reads (log-reads.ts) use positional reads of
 * just the needed range and retry if a segment was removed underneath them. Leader epochs and
 * idempotent-producer state follow every append, truncation and retention run (replica-state.ts).
 * After a failed write or a broken invariant the log refuses appends until reopened (logFailure).
 */
import { promises as fsp } from 'fs';
import { ErrorCode, SamsaError } from '../protocol/errors';
import { assert } from '../util/assert';
import { getLogger, Logger } from '../util/logger';
import { appendResult, placeBatches, readProducerBatches } from './append-validation';
import { checkAppend } from './append-checks';
import { EpochEndOffset, LeaderEpochCache } from './leader-epoch-cache';
import { DEFAULT_FILE_DELETE_DELAY_MS, LogConfig, validateLogConfig } from './log-config';
import { LogFlusher } from './log-flusher';
import { loadSegments } from './log-loader';
import { LogReadView, offsetForTimestamp, readBatches } from './log-reads';
import { LogSegment } from './log-segment';
import { LogWriter, MAX_QUEUED_APPEND_BYTES, logFailure } from './log-writer';
import { AppendOptions, AppendResult, LogFlushObserver, OpenOptions, ReadOptions, ReadResult } from './partition-log-types';
import { BatchMetadata, ProducerBatch, ProducerEntry } from './producer-state';
import { ReplicaState } from './replica-state';
import { RetentionOptions, RetentionResult, applyRetention } from './retention';
import { SegmentList } from './segment-list';
import { swapInCleaned } from './segment-swap';

export { LogConfig } from './log-config';
export { AppendOptions, AppendResult, OpenOptions, ReadOptions, ReadResult } from './partition-log-types';
export { RetentionOptions, RetentionResult } from './retention';
export { MAX_QUEUED_APPEND_BYTES } from './log-writer';

/** Kafka's producer.id.expiration.ms default: one day. */
export const DEFAULT_PRODUCER_ID_EXPIRATION_MS = 86400000;

export class PartitionLog {
  /** The segment files and changes to their list (segment-list.ts). */
  private readonly segments: SegmentList;
  /** Next offset an append will get; runs ahead of logEndOffset while writes are queued. */
  private nextOffsetToAssign: number;
  private visibleEndOffset: number;
  /** The single writer: appends and queued operations, in order (log-writer.ts). */
  private readonly writer: LogWriter;
  private readonly flusher: LogFlusher;
  /** Why the log refuses appends: a SamsaError for an I/O failure, an AssertionError for a bug. */
  private failure: Error | null = null;
  private closing = false;
  private readonly logger: Logger;
  private epochFlushQueued = false;
  private readonly readView: LogReadView;
  /** Where the log cleaner's next pass starts (cleaner-offset-checkpoint); truncation pulls it back. */
  private cleanerCheckpointOffset: number | undefined;

  private constructor(
    readonly dir: string,
    readonly topic: string,
    readonly partition: number,
    private currentConfig: LogConfig,
    segments: LogSegment[],
    /** Leader epochs and producer state, kept in step with the batches (replica-state.ts). */
    private readonly replica: ReplicaState,
    private readonly clock: () => number,
    private readonly producerIdExpirationMs: number,
    maxQueuedAppendBytes: number,
    flushObserver: LogFlushObserver | undefined,
  ) {
    this.logger = getLogger('storage', { log: `${topic}-${partition}` });
    this.segments = new SegmentList(dir, segments, this.logger);
    this.readView = {
      name: `${topic}-${partition}`,
      current: () => {
        this.ensureOpen();
        return { segments: this.segments.all, logStartOffset: this.segments.logStartOffset, logEndOffset: this.visibleEndOffset };
      },
      generation: () => this.segments.generation,
      isClosing: () => this.closing,
    };
    this.visibleEndOffset = this.active.nextOffset;
    this.nextOffsetToAssign = this.visibleEndOffset;
    this.writer = new LogWriter({
      name: `${topic}-${partition}`,
      config: () => this.currentConfig,
      now: this.clock,
      activeSegment: () => this.active,
      logEndOffset: () => this.visibleEndOffset,
      roll: (baseOffset) => this.roll(baseOffset),
      afterWrite: (lastOffset, records, producerBatches) => this.afterWrite(lastOffset, records, producerBatches),
      fail: (err) => this.fail(err),
    }, maxQueuedAppendBytes);
    this.flusher = new LogFlusher({
      config: () => this.currentConfig,
      segments: () => this.segments.all,
      logEndOffset: () => this.visibleEndOffset,
      generation: () => this.segments.generation,
      isClosing: () => this.closing,
      requestFlush: () => this.flush(),
      logger: this.logger,
      observer: flushObserver,
    }, this.visibleEndOffset);
  }

  static async open(dir: string, topic: string, partition: number, config: LogConfig, opts: OpenOptions = {}): Promise<PartitionLog> {
    validateLogConfig(config);
    const clock = opts.clock ?? Date.now;
    const logName = `${topic}-${partition}`;
    const logger = getLogger('storage', { log: logName });
    const segments = await loadSegments(dir, config, {
      recover: opts.recover ?? false,
      recoveryPoint: opts.recoveryPoint ?? 0,
      initialOffset: opts.initialOffset ?? 0,
      nowMs: clock(),
      logName,
      logger,
    });
    let replica: ReplicaState;
    try {
      replica = await ReplicaState.load(dir, segments, logger);
    } catch (err) {
      await Promise.allSettled(segments.map((s) => s.close()));
      throw err;
    }
    const expirationMs = opts.producerIdExpirationMs ?? DEFAULT_PRODUCER_ID_EXPIRATION_MS;
    const maxQueuedAppendBytes = opts.maxQueuedAppendBytes ?? MAX_QUEUED_APPEND_BYTES;
    return new PartitionLog(dir, topic, partition, { ...config }, segments, replica, clock, expirationMs, maxQueuedAppendBytes, opts.flushObserver);
  }

  get config(): Readonly<LogConfig> {
    return this.currentConfig;
  }

  /**
   * Applies changed topic settings (a live `/config/topics/<t>` change). Safe beside in-flight
   * appends: an append validates against the config current when it is called, the writer reads
   * it once per write group, so segment.bytes/segment.ms/index sizes apply from the next roll
   * check; retention and the cleaner read it on their next pass; the flush timer is re-armed.
   */
  updateConfig(config: LogConfig): void {
    validateLogConfig(config);
    this.currentConfig = { ...config };
    this.flusher.configChanged();
  }

  get logStartOffset(): number {
    return this.segments.logStartOffset;
  }

  /** The offset after the last batch readers can see. */
  get logEndOffset(): number {
    return this.visibleEndOffset;
  }

  /** Every offset below this is fsynced; written to recovery-point-offset-checkpoint. */
  get recoveryPoint(): number {
    return this.flusher.recoveryPoint;
  }

  /** Record bytes appended but not yet written; appends past the bound get REQUEST_TIMED_OUT (log-writer.ts). */
  get queuedAppendBytes(): number {
    return this.writer.queuedAppendBytes;
  }

  get segmentCount(): number {
    return this.segments.count;
  }

  /** Which leader epoch wrote which offsets (leader-epoch-cache.ts). */
  get leaderEpochs(): LeaderEpochCache {
    return this.replica.leaderEpochs;
  }

  /** OffsetForLeaderEpoch for this replica: where `epoch` ends here (see LeaderEpochCache.endOffsetFor). */
  endOffsetForEpoch(epoch: number): EpochEndOffset {
    return this.leaderEpochs.endOffsetFor(epoch, this.visibleEndOffset);
  }

  /** The latest state of an idempotent producer (queued batches included), for diagnostics and tests. */
  producerState(producerId: number): Readonly<ProducerEntry> | undefined {
    return this.replica.producerState(producerId);
  }

  /** Every producer of the written batches (DescribeProducers). */
  producerStates(): ReadonlyMap<number, Readonly<ProducerEntry>> {
    return this.replica.producerStates();
  }

  /** Kafka's LSO: the oldest unstable transaction's first offset (not below the log start), capped by `highWatermark`; forgets completed ones below it. */
  lastStableOffset(highWatermark: number): number {
    return Math.min(Math.max(this.replica.firstUnstableOffset(highWatermark) ?? highWatermark, this.logStartOffset), highWatermark);
  }

  /** Size in bytes of all segments. */
  get size(): number {
    return this.segments.sizeInBytes;
  }

  private get active(): LogSegment {
    return this.segments.active;
  }

  /**
   * Appends the record batches in `batches`. The log owns the buffer until the promise settles:
   * offsets (and for LogAppendTime topics, timestamps) are stamped into it in place. Resolves once
   * the bytes are written and readable; rejects with CORRUPT_MESSAGE, MESSAGE_TOO_LARGE or
   * RECORD_LIST_TOO_LARGE without appending anything if any batch is invalid, a leader of a
   * compacted topic with INVALID_RECORD if any record has no key, and REQUEST_TIMED_OUT (retriable,
   * nothing appended) if the bytes waiting to be written are already at the writer's bound.
   *
   * Batches with a producer id are checked against the producer state on the leader path
   * (producer-state.ts): a fenced epoch rejects with INVALID_PRODUCER_EPOCH, a sequence gap with
   * OUT_OF_ORDER_SEQUENCE_NUMBER, and a retry of a batch already in the log appends nothing and
   * resolves with the original offsets and `duplicate: true`. Both paths record new leader epochs.
   */
  append(batches: Buffer, opts: AppendOptions): Promise<AppendResult> {
    try {
      this.ensureWritable();
      // First, before any state changes: a refused append must leave no trace to retry over.
      this.writer.checkRoom(batches.length);
      const leader = opts.assignOffsets !== false;
      const checked = checkAppend(batches, this.currentConfig, leader, opts.origin === 'coordinator', `${this.topic}-${this.partition}`, this.clock);
      batches = checked.batches;
      const valid = checked.valid;
      if (valid.length === 0) {
        return Promise.resolve({ baseOffset: -1, lastOffset: -1, logAppendTime: -1, recordCount: 0, sizeInBytes: 0 });
      }
      const producerBatches = readProducerBatches(batches, valid);
      if (producerBatches !== null && leader) {
        const original = this.replica.checkProducers(producerBatches, valid.length);
        if (original !== null) return this.duplicateResult(original);
      }
      const leaderEpoch = leader ? opts.leaderEpoch : null;
      const logAppendTime = placeBatches(batches, valid, this.nextOffsetToAssign, leaderEpoch, this.currentConfig.messageTimestampType, this.clock);
      if (this.replica.recordAppend(batches, valid, producerBatches, leaderEpoch)) this.queueEpochFlush();
      this.nextOffsetToAssign = valid[valid.length - 1].lastOffset + 1;
      return this.writer.append(batches, valid, appendResult(batches, valid, logAppendTime));
    } catch (err) {
      return Promise.reject(err);
    }
  }

  /** A retried batch: answered once everything queued before it (perhaps the original) is written. */
  private duplicateResult(original: BatchMetadata): Promise<AppendResult> {
    const result: AppendResult = {
      baseOffset: original.firstOffset, lastOffset: original.lastOffset, logAppendTime: -1, recordCount: 0, sizeInBytes: 0, duplicate: true,
    };
    return this.writer.op(async () => {
      if (this.failure) throw this.failure;
    }).then(() => result);
  }

  /** Makes the writer wait for the epoch checkpoint before the next batch, so the file never lags the data. */
  private queueEpochFlush(): void {
    if (this.epochFlushQueued) return;
    this.epochFlushQueued = true;
    void this.writer.op(async () => {
      this.epochFlushQueued = false;
      try {
        await this.leaderEpochs.flush();
      } catch (err) {
        this.fail(err);
      }
    });
  }

  /** Whole batches from `fetchOffset` on; see readBatches in log-reads.ts. */
  read(fetchOffset: number, maxBytes: number, opts: ReadOptions = {}): Promise<ReadResult> {
    return readBatches(this.readView, fetchOffset, maxBytes, opts);
  }

  /** Base offset of the first batch at or after `fromOffset` with a max timestamp >= `timestamp`; see log-reads.ts. */
  offsetForTimestamp(timestamp: number, fromOffset = 0): Promise<number | null> {
    return offsetForTimestamp(this.readView, timestamp, fromOffset);
  }

  /**
   * Moves the log start offset up to `offset` (DeleteRecords on the leader, a follower following
   * its leader's start): offsets below it are gone for readers, whole segments below it are
   * deleted, the segment holding it stays. Resolves true if the start moved. Queued behind
   * pending appends; `offset` past the log end is refused with OFFSET_OUT_OF_RANGE.
   */
  advanceLogStartOffset(offset: number): Promise<boolean> {
    try {
      this.ensureWritable();
      let moved = false;
      return this.writer.op(async () => {
        if (offset <= this.logStartOffset) return;
        if (offset > this.visibleEndOffset) {
          throw new SamsaError(ErrorCode.OFFSET_OUT_OF_RANGE, `cannot move the log start of ${this.topic}-${this.partition} to ${offset}, past its end ${this.visibleEndOffset}`);
        }
        this.segments.advanceStart(offset);
        const below = this.segments.countBelow(offset);
        if (below > 0) await this.segments.dropOldest(below, this.fileDeleteDelayMs);
        this.flusher.advanceTo(this.logStartOffset);
        await this.replica.afterLogStartMoved(this.logStartOffset);
        moved = true;
        this.logger.info(`Log start offset moved to ${offset}; deleted ${below} segment(s) below it`);
      }).then(() => moved);
    } catch (err) {
      return Promise.reject(err);
    }
  }

  /**
   * Removes every batch that holds an offset >= `offset` (a whole batch goes if it straddles it);
   * a no-op at or past the end. Queued behind pending appends.
   */
  truncateTo(offset: number): Promise<void> {
    try {
      this.ensureOpen();
      if (!(offset >= 0)) throw new RangeError(`cannot truncate ${this.topic}-${this.partition} to ${offset}`);
      if (offset >= this.nextOffsetToAssign) return Promise.resolve();
      this.nextOffsetToAssign = offset;
      // Now, not when the queue gets there: appends queued behind the truncation record their epochs already.
      this.leaderEpochs.truncateFromEnd(offset);
      return this.writer.op(() => this.truncateNow(offset));
    } catch (err) {
      return Promise.reject(err);
    }
  }

  /** Deletes everything and restarts the log empty at `offset` (a follower behind its leader's log start). */
  truncateFullyAndStartAt(offset: number): Promise<void> {
    try {
      this.ensureOpen();
      this.nextOffsetToAssign = offset;
      this.leaderEpochs.clear();
      return this.writer.op(() => this.resetNow(offset));
    } catch (err) {
      return Promise.reject(err);
    }
  }

  /**
   * Deletes the oldest segments that retention.ms or retention.bytes no longer keep (rules in
   * retention.ts), advancing the log start offset. Queued behind pending appends. Dropped files
   * stay readable as `*.deleted` for fileDeleteDelayMs so reads already under way can finish.
   */
  deleteRetentionExpiredSegments(nowMs: number = this.clock(), opts: RetentionOptions = {}): Promise<RetentionResult> {
    try {
      this.ensureWritable();
      let result: RetentionResult | undefined;
      return this.writer.op(async () => {
        const expired = this.replica.expireProducers(nowMs, this.producerIdExpirationMs);
        if (expired > 0) this.logger.info(`Expired ${expired} idle producer id(s)`);
        result = await applyRetention({
          config: this.currentConfig,
          segments: () => this.segments.all,
          logEndOffset: this.visibleEndOffset,
          highWatermark: opts.highWatermark ?? this.visibleEndOffset,
          rollActive: () => this.roll(this.active.nextOffset),
          deleteOldest: (count) => this.deleteOldestSegments(count),
        }, nowMs);
        result.logStartOffset = this.logStartOffset;
      }).then(() => result as RetentionResult);
    } catch (err) {
      return Promise.reject(err);
    }
  }

  /** fsyncs everything appended before the call and advances the recovery point. */
  flush(): Promise<void> {
    try {
      this.ensureOpen();
      return this.writer.op(() => this.flusher.flushNow());
    } catch (err) {
      return Promise.reject(err);
    }
  }

  /** The current segments, oldest first, the last one active; the log cleaner reads them outside the writer queue. */
  segmentsView(): readonly LogSegment[] {
    this.ensureOpen();
    return this.segments.all;
  }

  get isClosed(): boolean {
    return this.closing;
  }

  /** Bumped by every truncation: the cleaner records a pass only if none happened meanwhile. */
  get truncations(): number {
    return this.segments.generation;
  }

  /** Offsets below this have been compacted (cleaner-offset-checkpoint); undefined before the first pass. */
  get cleanerCheckpoint(): number | undefined {
    return this.cleanerCheckpointOffset;
  }

  /** Sets the cleaner checkpoint, unless a truncation happened since `truncations` read `generation`. */
  setCleanerCheckpoint(offset: number | undefined, generation = this.segments.generation): boolean {
    if (generation !== this.segments.generation) return false;
    this.cleanerCheckpointOffset = offset;
    return true;
  }

  /**
   * Puts the cleaned segment `cleaned` in place of `old` (segment-swap.ts), queued behind pending
   * appends. Resolves false, changing nothing, when the log no longer holds exactly `old`.
   */
  replaceSegments(old: readonly LogSegment[], cleaned: LogSegment): Promise<boolean> {
    let swapped = false;
    return this.writer.op(async () => {
      if (this.closing || this.failure) return;
      swapped = await swapInCleaned(this.segments.swapTarget(this.fileDeleteDelayMs), old, cleaned);
    }).then(() => swapped);
  }

  /** Waits for queued work, writes the index files and closes every segment. Idempotent. */
  async close(): Promise<void> {
    if (this.closing) return;
    const drained = this.writer.op(async () => undefined);
    this.closing = true;
    await drained.catch(() => undefined);
    await this.flusher.close();
    // With everything written, the producer state is exact: the next open starts from it.
    await this.replica.close(this.failure ? null : this.visibleEndOffset);
    await this.segments.close();
  }

  /** Closes the log and removes its directory. */
  async deleteFiles(): Promise<void> {
    await this.close();
    await fsp.rm(this.dir, { recursive: true, force: true });
  }

  private ensureOpen(): void {
    if (this.closing) throw new SamsaError(ErrorCode.KAFKA_STORAGE_ERROR, `log ${this.topic}-${this.partition} is closed`);
  }

  private ensureWritable(): void {
    this.ensureOpen();
    if (this.failure) throw this.failure;
  }

  /** The writer wrote a group up to `lastOffset`: commit its producer state, make it visible, apply the flush policy. */
  private async afterWrite(lastOffset: number, records: number, producerBatches: ProducerBatch[]): Promise<void> {
    // Pair assertion with the writer's check before reserve: the log end only grows by appends.
    assert(lastOffset >= this.visibleEndOffset, () => `${this.topic}-${this.partition}: write ending at ${lastOffset} is behind log end ${this.visibleEndOffset}`);
    for (const batch of producerBatches) this.replica.commit(batch, this.active);
    this.visibleEndOffset = lastOffset + 1;
    await this.flusher.afterWrite(records);
  }

  private async roll(baseOffset: number): Promise<void> {
    // Every batch below baseOffset is written, so the committed producer state is exactly theirs.
    this.replica.snapshotAt(baseOffset);
    const previous = await this.segments.roll(baseOffset, this.currentConfig);
    if (previous !== null) this.flusher.flushRolledSegment(previous, baseOffset);
  }

  private async truncateNow(offset: number): Promise<void> {
    if (offset < this.logStartOffset) return this.resetNow(offset);
    const { endOffset, droppedSegments, removedBytes } = await this.segments.truncateTo(offset);
    this.afterTruncation(endOffset);
    await this.replica.afterTruncation(this.segments.all);
    this.logger.info(`Truncated to offset ${offset}: removed ${droppedSegments} segment(s) and ${removedBytes} bytes; log end offset ${endOffset}`);
  }

  private async resetNow(offset: number): Promise<void> {
    await this.segments.reset(offset, this.currentConfig);
    this.afterTruncation(offset);
    await this.replica.afterReset();
    this.logger.info(`Deleted all segments; log restarts at offset ${offset}`);
  }

  private async deleteOldestSegments(count: number): Promise<void> {
    await this.segments.dropOldest(count, this.fileDeleteDelayMs);
    this.flusher.advanceTo(this.logStartOffset);
    await this.replica.afterLogStartMoved(this.logStartOffset);
  }

  private get fileDeleteDelayMs(): number {
    return this.currentConfig.fileDeleteDelayMs ?? DEFAULT_FILE_DELETE_DELAY_MS;
  }

  private afterTruncation(endOffset: number): void {
    this.visibleEndOffset = endOffset;
    if (this.cleanerCheckpointOffset !== undefined) this.cleanerCheckpointOffset = Math.min(this.cleanerCheckpointOffset, endOffset);
    this.flusher.clampTo(endOffset);
    // Appends queued after the truncation already hold offsets from the requested point.
    if (!this.writer.hasQueuedAppends) this.nextOffsetToAssign = endOffset;
  }

  /** A failed write or a broken invariant: refuse further appends until reopened (see logFailure). */
  private fail(err: unknown): Error {
    const failure = logFailure(err, `${this.topic}-${this.partition}`, this.logger);
    this.failure = failure;
    this.replica.discardStaged();
    this.writer.rejectAppends(failure);
    return failure;
  }
}
