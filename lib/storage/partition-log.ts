/**
 * The log of one partition replica: an ordered list of segments with one writer and many readers.
 *
 * This is the broker's hot path, so nothing here blocks the event loop. An append is validated
 * and given its offsets synchronously, at call time, which fixes the order; the bytes then go
 * through a per-log queue whose single writer coalesces everything pending into one `writev`
 * (a group write) and rolls segments between batches when needed. A batch becomes visible to
 * readers (`logEndOffset`) only once its bytes are in the file. Truncation, flush, close and the
 * log cleaner's segment swaps are queued behind pending appends so they see a settled log. Reads
 * (log-reads.ts) use positional reads of just the needed range and retry if a segment was removed
 * underneath them. Leader epochs and idempotent-producer state follow every append, truncation
 * and retention run (replica-state.ts).
 */
import { promises as fsp } from 'fs';
import { ErrorCode, SamsaError } from '../protocol/errors';
import { getLogger, Logger } from '../util/logger';
import {
  ValidBatch, applyLogAppendTime, assignOffsets, checkOffsetsIncrease, readProducerBatches, requireKeys, validateRecords,
} from './append-validation';
import { EpochEndOffset, LeaderEpochCache } from './leader-epoch-cache';
import { DEFAULT_FILE_DELETE_DELAY_MS, LogConfig, MAX_TIMER_MS, isCompacted, validateLogConfig } from './log-config';
import { loadSegments } from './log-loader';
import { floorSegment, LogReadView, offsetForTimestamp, readBatches } from './log-reads';
import { LogSegment, SegmentClosedError } from './log-segment';
import { AppendOptions, AppendResult, OpenOptions, ReadOptions, ReadResult } from './partition-log-types';
import { BatchMetadata, ProducerBatch, ProducerEntry } from './producer-state';
import { ReplicaState } from './replica-state';
import { RetentionOptions, RetentionResult, applyRetention } from './retention';
import { SegmentDeleter } from './segment-deleter';
import { swapInCleaned } from './segment-swap';

export { LogConfig } from './log-config';
export { AppendOptions, AppendResult, OpenOptions, ReadOptions, ReadResult } from './partition-log-types';
export { RetentionOptions, RetentionResult } from './retention';

interface PendingAppend {
  kind: 'append';
  records: Buffer;
  batches: ValidBatch[];
  /** Index of the first batch not yet given a file position. */
  next: number;
  result: AppendResult;
  resolve: (result: AppendResult) => void;
  reject: (err: unknown) => void;
}

interface PendingOp {
  kind: 'op';
  run: () => Promise<void>;
  resolve: () => void;
  reject: (err: unknown) => void;
}

/** IOV_MAX on Linux: more buffers than this would split the writev anyway. */
const MAX_GROUP_BUFFERS = 1024;
/** Bounds how long the first append of a group waits for the ones coalesced behind it. */
const MAX_GROUP_BYTES = 4 * 1024 * 1024;
/** Kafka's producer.id.expiration.ms default: one day. */
export const DEFAULT_PRODUCER_ID_EXPIRATION_MS = 86400000;

export class PartitionLog {
  private segments: LogSegment[];
  /** Next offset an append will get; runs ahead of logEndOffset while writes are queued. */
  private nextOffsetToAssign: number;
  private visibleEndOffset: number;
  private recoveryPointOffset: number;
  private readonly queue: Array<PendingAppend | PendingOp> = [];
  private draining = false;
  private unflushedMessages = 0;
  private flushTimer: NodeJS.Timeout | null = null;
  private backgroundFlush: Promise<void> = Promise.resolve();
  /** Bumped by every truncation, so a flush that raced with one does not move the recovery point. */
  private generation = 0;
  private failure: SamsaError | null = null;
  private closing = false;
  private readonly logger: Logger;
  private readonly deleter: SegmentDeleter;
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
  ) {
    this.segments = segments;
    this.logger = getLogger('storage', { log: `${topic}-${partition}` });
    this.readView = {
      name: `${topic}-${partition}`,
      current: () => {
        this.ensureOpen();
        return { segments: this.segments, logEndOffset: this.visibleEndOffset };
      },
      generation: () => this.generation,
      isClosing: () => this.closing,
    };
    this.deleter = new SegmentDeleter(this.logger);
    this.visibleEndOffset = this.active.nextOffset;
    this.nextOffsetToAssign = this.visibleEndOffset;
    this.recoveryPointOffset = this.visibleEndOffset;
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
    return new PartitionLog(dir, topic, partition, { ...config }, segments, replica, clock, expirationMs);
  }

  get config(): Readonly<LogConfig> {
    return this.currentConfig;
  }

  /** Applies changed topic settings; they take effect for the next append and the next segment. */
  updateConfig(config: LogConfig): void {
    validateLogConfig(config);
    this.currentConfig = { ...config };
  }

  get logStartOffset(): number {
    return this.segments[0].baseOffset;
  }

  /** The offset after the last batch readers can see. */
  get logEndOffset(): number {
    return this.visibleEndOffset;
  }

  /** Every offset below this is fsynced; written to recovery-point-offset-checkpoint. */
  get recoveryPoint(): number {
    return this.recoveryPointOffset;
  }

  get segmentCount(): number {
    return this.segments.length;
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

  /** Size in bytes of all segments. */
  get size(): number {
    return this.segments.reduce((sum, s) => sum + s.size, 0);
  }

  private get active(): LogSegment {
    return this.segments[this.segments.length - 1];
  }

  /**
   * Appends the record batches in `batches`. The log owns the buffer until the promise settles:
   * offsets (and for LogAppendTime topics, timestamps) are stamped into it in place. Resolves once
   * the bytes are written and readable; rejects with CORRUPT_MESSAGE, MESSAGE_TOO_LARGE or
   * RECORD_LIST_TOO_LARGE without appending anything if any batch is invalid, and a leader of a
   * compacted topic with INVALID_RECORD if any record has no key.
   *
   * Batches with a producer id are checked against the producer state on the leader path
   * (producer-state.ts): a fenced epoch rejects with INVALID_PRODUCER_EPOCH, a sequence gap with
   * OUT_OF_ORDER_SEQUENCE_NUMBER, and a retry of a batch already in the log appends nothing and
   * resolves with the original offsets and `duplicate: true`. Both paths record new leader epochs.
   */
  append(batches: Buffer, opts: AppendOptions): Promise<AppendResult> {
    try {
      this.ensureWritable();
      const leader = opts.assignOffsets !== false;
      const valid = validateRecords(batches, this.currentConfig, leader);
      if (leader && isCompacted(this.currentConfig)) requireKeys(batches, valid, `${this.topic}-${this.partition}`);
      if (valid.length === 0) {
        return Promise.resolve({ baseOffset: -1, lastOffset: -1, logAppendTime: -1, recordCount: 0, sizeInBytes: 0 });
      }
      const producerBatches = readProducerBatches(batches, valid);
      if (producerBatches !== null && leader) {
        const original = this.replica.checkProducers(producerBatches, valid.length);
        if (original !== null) return this.duplicateResult(original);
      }
      let logAppendTime = -1;
      if (leader) {
        assignOffsets(batches, valid, this.nextOffsetToAssign, opts.leaderEpoch);
        if (this.currentConfig.messageTimestampType === 'LogAppendTime') {
          logAppendTime = this.clock();
          applyLogAppendTime(batches, valid, logAppendTime);
        }
      } else {
        checkOffsetsIncrease(valid, this.nextOffsetToAssign);
      }
      if (this.replica.recordAppend(batches, valid, producerBatches, leader ? opts.leaderEpoch : null)) this.queueEpochFlush();
      const last = valid[valid.length - 1];
      this.nextOffsetToAssign = last.lastOffset + 1;
      const result: AppendResult = {
        baseOffset: valid[0].baseOffset,
        lastOffset: last.lastOffset,
        logAppendTime,
        recordCount: valid.reduce((sum, b) => sum + b.recordCount, 0),
        sizeInBytes: batches.length,
      };
      return new Promise<AppendResult>((resolve, reject) => {
        this.queue.push({ kind: 'append', records: batches, batches: valid, next: 0, result, resolve, reject });
        this.startDraining();
      });
    } catch (err) {
      return Promise.reject(err);
    }
  }

  /** A retried batch: answered once everything queued before it (perhaps the original) is written. */
  private duplicateResult(original: BatchMetadata): Promise<AppendResult> {
    const result: AppendResult = {
      baseOffset: original.firstOffset, lastOffset: original.lastOffset, logAppendTime: -1, recordCount: 0, sizeInBytes: 0, duplicate: true,
    };
    return this.enqueueOp(async () => {
      if (this.failure) throw this.failure;
    }).then(() => result);
  }

  /** Makes the writer wait for the epoch checkpoint before the next batch, so the file never lags the data. */
  private queueEpochFlush(): void {
    if (this.epochFlushQueued) return;
    this.epochFlushQueued = true;
    void this.enqueueOp(async () => {
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

  /** Base offset of the first batch with a max timestamp >= `timestamp`; see log-reads.ts. */
  offsetForTimestamp(timestamp: number): Promise<number | null> {
    return offsetForTimestamp(this.readView, timestamp);
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
      return this.enqueueOp(() => this.truncateNow(offset));
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
      return this.enqueueOp(() => this.resetNow(offset));
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
      return this.enqueueOp(async () => {
        const expired = this.replica.expireProducers(nowMs, this.producerIdExpirationMs);
        if (expired > 0) this.logger.info(`Expired ${expired} idle producer id(s)`);
        result = await applyRetention({
          config: this.currentConfig,
          segments: () => this.segments,
          logEndOffset: this.visibleEndOffset,
          highWatermark: opts.highWatermark ?? this.visibleEndOffset,
          rollActive: () => this.roll(this.active.nextOffset),
          deleteOldest: (count) => this.deleteOldestSegments(count),
        }, nowMs);
      }).then(() => result as RetentionResult);
    } catch (err) {
      return Promise.reject(err);
    }
  }

  /** fsyncs everything appended before the call and advances the recovery point. */
  flush(): Promise<void> {
    try {
      this.ensureOpen();
      return this.enqueueOp(() => this.flushNow());
    } catch (err) {
      return Promise.reject(err);
    }
  }

  /** The current segments, oldest first, the last one active; the log cleaner reads them outside the writer queue. */
  segmentsView(): readonly LogSegment[] {
    this.ensureOpen();
    return this.segments;
  }

  get isClosed(): boolean {
    return this.closing;
  }

  /** Bumped by every truncation: the cleaner records a pass only if none happened meanwhile. */
  get truncations(): number {
    return this.generation;
  }

  /** Offsets below this have been compacted (cleaner-offset-checkpoint); undefined before the first pass. */
  get cleanerCheckpoint(): number | undefined {
    return this.cleanerCheckpointOffset;
  }

  /** Sets the cleaner checkpoint, unless a truncation happened since `truncations` read `generation`. */
  setCleanerCheckpoint(offset: number | undefined, generation = this.generation): boolean {
    if (generation !== this.generation) return false;
    this.cleanerCheckpointOffset = offset;
    return true;
  }

  /**
   * Puts the cleaned segment `cleaned` in place of `old` (segment-swap.ts), queued behind pending
   * appends. Resolves false, changing nothing, when the log no longer holds exactly `old`.
   */
  replaceSegments(old: readonly LogSegment[], cleaned: LogSegment): Promise<boolean> {
    let swapped = false;
    return this.enqueueOp(async () => {
      if (this.closing || this.failure) return;
      swapped = await swapInCleaned({
        segments: () => this.segments,
        setSegments: (segments) => {
          this.segments = segments;
        },
        retire: (segments) => this.deleter.retireAndSchedule(segments, this.currentConfig.fileDeleteDelayMs ?? DEFAULT_FILE_DELETE_DELAY_MS),
        logger: this.logger,
      }, old, cleaned);
    }).then(() => swapped);
  }

  /** Waits for queued work, writes the index files and closes every segment. Idempotent. */
  async close(): Promise<void> {
    if (this.closing) return;
    const drained = this.enqueueOp(async () => undefined);
    this.closing = true;
    await drained.catch(() => undefined);
    await this.backgroundFlush;
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = null;
    // With everything written, the producer state is exact: the next open starts from it.
    await this.replica.close(this.failure ? null : this.visibleEndOffset);
    for (const segment of this.segments) await segment.close();
    await this.deleter.deleteAllNow();
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

  private enqueueOp(run: () => Promise<void>): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ kind: 'op', run, resolve, reject });
      this.startDraining();
    });
  }

  private startDraining(): void {
    if (this.draining) return;
    this.draining = true;
    void this.drain();
  }

  private async drain(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        const task = this.queue[0];
        if (task.kind === 'op') {
          this.queue.shift();
          await task.run().then(task.resolve, task.reject);
          continue;
        }
        try {
          await this.writeGroup();
        } catch (err) {
          this.fail(err);
        }
      }
    } finally {
      this.draining = false;
    }
  }

  /**
   * Writes the appends at the head of the queue with one writev: as many as fit the group bounds
   * and the active segment. A segment roll ends the group; the next one starts in the new segment.
   */
  private async writeGroup(): Promise<void> {
    const head = this.queue[0] as PendingAppend;
    const now = this.clock();
    const first = head.batches[head.next];
    if (this.active.shouldRoll(first, this.currentConfig, now)) await this.roll(first.baseOffset);
    const segment = this.active;
    const position = segment.reservedSize;
    const buffers: Buffer[] = [];
    const completed: PendingAppend[] = [];
    const producerBatches: ProducerBatch[] = [];
    let bytes = 0;
    let records = 0;
    let lastOffset = -1;
    try {
      while (this.queue.length > 0 && this.queue[0].kind === 'append' && buffers.length < MAX_GROUP_BUFFERS && bytes < MAX_GROUP_BYTES) {
        const task = this.queue[0];
        const runStart = task.batches[task.next].position;
        let runEnd = runStart;
        let segmentFull = false;
        for (; task.next < task.batches.length; task.next++) {
          const batch = task.batches[task.next];
          if (lastOffset >= 0 && segment.shouldRoll(batch, this.currentConfig, now)) {
            segmentFull = true;
            break;
          }
          segment.reserve(batch, this.currentConfig.indexIntervalBytes, now);
          if (batch.producer) producerBatches.push(batch.producer);
          runEnd = batch.position + batch.sizeInBytes;
          bytes += batch.sizeInBytes;
          records += batch.recordCount;
          lastOffset = batch.lastOffset;
        }
        if (runEnd > runStart) buffers.push(runEnd - runStart === task.records.length ? task.records : task.records.subarray(runStart, runEnd));
        if (segmentFull) break;
        this.queue.shift();
        completed.push(task);
      }
      await segment.write(buffers, position);
      for (const batch of producerBatches) this.replica.commit(batch);
      this.visibleEndOffset = lastOffset + 1;
      this.unflushedMessages += records;
      if (this.unflushedMessages >= this.currentConfig.flushIntervalMessages) await this.flushNow();
      else this.scheduleFlushTimer();
    } catch (err) {
      for (const task of completed) task.reject(err);
      throw err;
    }
    for (const task of completed) task.resolve(task.result);
  }

  private async roll(baseOffset: number): Promise<void> {
    // Every batch below baseOffset is written, so the committed producer state is exactly theirs.
    this.replica.snapshotAt(baseOffset);
    const previous = this.active;
    const next = await LogSegment.create(this.dir, baseOffset, this.currentConfig);
    if (previous.reservedSize === 0) {
      // Only an offset jump (a follower copying a compacted leader) rolls an empty segment.
      await previous.delete();
      this.segments = [...this.segments.slice(0, -1), next];
      return;
    }
    this.segments = [...this.segments, next];
    this.logger.debug(`Rolled new segment ${next.logPath} at offset ${baseOffset}`);
    // Like Kafka, fsync the finished segment in the background so that after a crash only the
    // active segment needs recovery, without holding up appends to the new one.
    const generation = this.generation;
    this.backgroundFlush = this.backgroundFlush.then(async () => {
      try {
        await previous.flush();
        if (generation === this.generation && !previous.isClosed) {
          this.recoveryPointOffset = Math.max(this.recoveryPointOffset, Math.min(baseOffset, this.visibleEndOffset));
        }
      } catch (err) {
        if (!(err instanceof SegmentClosedError)) this.logger.error(`Flushing rolled segment ${previous.logPath} failed: ${(err as Error).message}`);
      }
    });
  }

  private async flushNow(): Promise<void> {
    const upTo = this.visibleEndOffset;
    const generation = this.generation;
    this.unflushedMessages = 0;
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = null;
    const segments = this.segments;
    for (let i = floorSegment(segments, this.recoveryPointOffset); i < segments.length; i++) await segments[i].flush();
    if (generation === this.generation) this.recoveryPointOffset = Math.max(this.recoveryPointOffset, upTo);
  }

  private scheduleFlushTimer(): void {
    if (this.flushTimer || this.unflushedMessages === 0 || this.currentConfig.flushIntervalMs > MAX_TIMER_MS) return;
    this.flushTimer = setTimeout(() => {
      this.flushTimer = null;
      if (this.closing) return;
      this.flush().catch((err) => this.logger.error(`Timed flush failed: ${(err as Error).message}`));
    }, this.currentConfig.flushIntervalMs);
    this.flushTimer.unref();
  }

  private async truncateNow(offset: number): Promise<void> {
    if (offset < this.logStartOffset) return this.resetNow(offset);
    this.generation++;
    const keep = this.segments.filter((s) => s.baseOffset <= offset);
    const drop = this.segments.filter((s) => s.baseOffset > offset);
    this.segments = keep;
    for (const s of drop) await s.delete();
    const removed = await this.active.truncateTo(offset);
    // Nothing at or past `offset` left in the last kept segment: offsets up to it are a compaction
    // gap, so the log ends at `offset` (as in Kafka), not below it.
    this.afterTruncation(removed === 0 ? Math.max(this.active.nextOffset, offset) : this.active.nextOffset);
    await this.replica.afterTruncation(this.segments);
    this.logger.info(`Truncated to offset ${offset}: removed ${drop.length} segment(s) and ${removed} bytes; log end offset ${this.visibleEndOffset}`);
  }

  private async resetNow(offset: number): Promise<void> {
    this.generation++;
    const old = this.segments;
    this.segments = [await LogSegment.create(this.dir, offset, this.currentConfig)];
    for (const s of old) await s.delete();
    this.afterTruncation(offset);
    await this.replica.afterReset();
    this.logger.info(`Deleted all segments; log restarts at offset ${offset}`);
  }

  /** Stops listing the first `count` segments (never all of them) and retires their files. */
  private async deleteOldestSegments(count: number): Promise<void> {
    if (count >= this.segments.length) throw new Error(`${this.topic}-${this.partition}: cannot delete all ${count} segments`);
    const doomed = this.segments.slice(0, count);
    this.segments = this.segments.slice(count);
    // Offsets below the log start no longer exist, so they count as flushed.
    this.recoveryPointOffset = Math.max(this.recoveryPointOffset, this.logStartOffset);
    await this.deleter.retireAndSchedule(doomed, this.currentConfig.fileDeleteDelayMs ?? DEFAULT_FILE_DELETE_DELAY_MS);
    await this.replica.afterLogStartMoved(this.logStartOffset);
  }

  private afterTruncation(endOffset: number): void {
    this.visibleEndOffset = endOffset;
    if (this.cleanerCheckpointOffset !== undefined) this.cleanerCheckpointOffset = Math.min(this.cleanerCheckpointOffset, endOffset);
    this.recoveryPointOffset = Math.min(this.recoveryPointOffset, endOffset);
    // Appends queued after the truncation already hold offsets from the requested point.
    if (!this.queue.some((t) => t.kind === 'append')) this.nextOffsetToAssign = endOffset;
  }

  /** A failed write leaves the file in an unknown state: refuse further appends until reopened (and recovered). */
  private fail(err: unknown): void {
    const failure = err instanceof SamsaError ? err
      : new SamsaError(ErrorCode.KAFKA_STORAGE_ERROR, `append to ${this.topic}-${this.partition} failed: ${(err as Error).message}`, { cause: err });
    this.failure = failure;
    this.replica.discardStaged();
    this.logger.error(`Log failed, refusing further appends: ${(err as Error).message}`);
    const pending = this.queue.filter((t): t is PendingAppend => t.kind === 'append');
    this.queue.splice(0, this.queue.length, ...this.queue.filter((t) => t.kind === 'op'));
    for (const task of pending) task.reject(failure);
  }
}
