/**
 * The single writer of a partition log: one queue of appends and log operations, drained in order.
 *
 * Appends arrive with their offsets already assigned (partition-log.ts fixes the order at call
 * time); the writer coalesces everything pending into one `writev` per segment (a group write),
 * rolls segments between batches when needed, and then lets the log make the bytes visible.
 * Operations (truncation, flush, retention, cleaner swaps, close) wait behind the appends queued
 * before them, so they see a settled log.
 *
 * The queue is bounded by bytes (`maxQueuedAppendBytes`): an append that would pass the bound is
 * refused at once, before it touches any log state, so a disk slower than the producers turns into
 * retriable errors instead of unbounded memory. Offsets only grow through here, which is asserted
 * against the log end before each batch gets a file position.
 */
import { ErrorCode, SamsaError } from '../protocol/errors';
import { assert, isAssertionError } from '../util/assert';
import type { Logger } from '../util/logger';
import type { ValidBatch } from './append-validation';
import { LogConfig, maxSegmentMs } from './log-config';
import type { LogSegment, SegmentConfig } from './log-segment';
import type { AppendResult } from './partition-log-types';
import type { ProducerBatch } from './producer-state';

/**
 * Default bound on the record bytes a log holds in memory waiting to be written (appended but not
 * yet on disk). At a few hundred MB/s of disk bandwidth this is a few hundred ms of backlog; one
 * produce request per partition, even a large one, fits. Not a broker config: Kafka has none for
 * it (its appends block the request thread instead), so it stays a storage constant.
 */
export const MAX_QUEUED_APPEND_BYTES = 64 * 1024 * 1024;
/** IOV_MAX on Linux: more buffers than this would split the writev anyway. */
const MAX_GROUP_BUFFERS = 1024;
/** Bounds how long the first append of a group waits for the ones coalesced behind it. */
const MAX_GROUP_BYTES = 4 * 1024 * 1024;

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

/** What the writer needs from its log. */
export interface LogWriterHost {
  /** `topic-partition`, for messages. */
  readonly name: string;
  config(): Readonly<LogConfig>;
  now(): number;
  activeSegment(): LogSegment;
  /** The offset after the last written batch. */
  logEndOffset(): number;
  /** Starts a new active segment at `baseOffset`. */
  roll(baseOffset: number): Promise<void>;
  /** A group's bytes are in the file, up to `lastOffset`: make them visible and apply the flush policy. */
  afterWrite(lastOffset: number, records: number, producerBatches: ProducerBatch[]): Promise<void>;
  /**
   * A group write failed: stop the log and reject every other queued append. Returns the error to
   * reject the group's appends with (logFailure's classification of `err`).
   */
  fail(err: unknown): Error;
}

export class LogWriter {
  private readonly queue: Array<PendingAppend | PendingOp> = [];
  private draining = false;
  private queuedBytes = 0;

  constructor(private readonly host: LogWriterHost, readonly maxQueuedAppendBytes: number = MAX_QUEUED_APPEND_BYTES) {
    assert(maxQueuedAppendBytes > 0, `maxQueuedAppendBytes must be positive, got ${maxQueuedAppendBytes}`);
  }

  /** Record bytes of appends accepted but not yet settled (written or failed). */
  get queuedAppendBytes(): number {
    return this.queuedBytes;
  }

  get hasQueuedAppends(): boolean {
    return this.queue.some((t) => t.kind === 'append');
  }

  /**
   * Throws REQUEST_TIMED_OUT when `bytes` more would pass the bound. An empty queue takes an append
   * of any size (validation already capped it), so one large request can always make progress.
   *
   * REQUEST_TIMED_OUT because it is retriable and means "the broker could not do it in time" to
   * every Kafka client, which back off and retry without a metadata refresh; nothing was appended,
   * so a retry cannot duplicate. KAFKA_STORAGE_ERROR would also be retried but reads as a disk
   * fault and makes clients and our replica fetcher look for a new leader; NOT_ENOUGH_REPLICAS
   * would blame the ISR. The broker already answers a full produce purgatory the same way.
   */
  checkRoom(bytes: number): void {
    if (this.queuedBytes > 0 && this.queuedBytes + bytes > this.maxQueuedAppendBytes) {
      throw new SamsaError(ErrorCode.REQUEST_TIMED_OUT,
        `${this.host.name}: ${this.queuedBytes} bytes are already waiting to be written (limit ${this.maxQueuedAppendBytes}); retry later`);
    }
  }

  /** Queues validated batches whose offsets are assigned; resolves with `result` once they are written. */
  append(records: Buffer, batches: ValidBatch[], result: AppendResult): Promise<AppendResult> {
    const size = records.length;
    this.queuedBytes += size;
    const settled = (): void => {
      this.queuedBytes -= size;
    };
    return new Promise<AppendResult>((resolve, reject) => {
      this.queue.push({
        kind: 'append', records, batches, next: 0, result,
        resolve: (r) => { settled(); resolve(r); },
        reject: (err) => { settled(); reject(err); },
      });
      this.startDraining();
    });
  }

  /** Runs `run` once everything queued before it is done. */
  op(run: () => Promise<void>): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ kind: 'op', run, resolve, reject });
      this.startDraining();
    });
  }

  /** Rejects every queued append with `err`; queued operations still run. */
  rejectAppends(err: unknown): void {
    const pending = this.queue.filter((t): t is PendingAppend => t.kind === 'append');
    this.queue.splice(0, this.queue.length, ...this.queue.filter((t) => t.kind === 'op'));
    for (const task of pending) task.reject(err);
  }

  /**
   * Drains at the end of this event-loop turn, not now: every append made while the turn handles
   * the socket reads in hand (all partitions of all requests read) joins one group, so a log gets
   * one writev per turn instead of one per request. Each write is a thread-pool round trip that
   * costs tens of µs of CPU, about as much as the bytes it writes (issue 17).
   */
  private startDraining(): void {
    if (this.draining) return;
    this.draining = true;
    setImmediate(this.drainNow);
  }

  private readonly drainNow = (): void => {
    void this.drain();
  };

  private async drain(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        const task = this.queue[0];
        if (task.kind === 'op') {
          this.queue.shift();
          await task.run().then(task.resolve, task.reject);
          continue;
        }
        await this.writeGroup();
      }
    } finally {
      this.draining = false;
    }
  }

  /**
   * Writes the appends at the head of the queue with one writev: as many as fit the group bounds
   * and the active segment. A segment roll ends the group; the next one starts in the new segment.
   * Never throws: a failure goes to the host, which stops the log.
   */
  private async writeGroup(): Promise<void> {
    const current = this.host.config();
    // Read once per group: a config change lands between groups, never inside one. (The four
    // fields, not a spread of the whole config: this runs per log per event-loop turn.)
    const config: SegmentConfig = {
      segmentBytes: current.segmentBytes, segmentMs: maxSegmentMs(current), indexIntervalBytes: current.indexIntervalBytes, indexSizeMaxBytes: current.indexSizeMaxBytes,
    };
    const head = this.queue[0] as PendingAppend;
    const now = this.host.now();
    const first = head.batches[head.next];
    const buffers: Buffer[] = [];
    const completed: PendingAppend[] = [];
    const producerBatches: ProducerBatch[] = [];
    let bytes = 0;
    let records = 0;
    let lastOffset = -1;
    let nextOffset = this.host.logEndOffset();
    try {
      if (this.host.activeSegment().shouldRoll(first, config, now)) await this.host.roll(first.baseOffset);
      const segment = this.host.activeSegment();
      const position = segment.reservedSize;
      while (this.queue.length > 0 && this.queue[0].kind === 'append' && buffers.length < MAX_GROUP_BUFFERS && bytes < MAX_GROUP_BYTES) {
        const task = this.queue[0];
        const runStart = task.batches[task.next].position;
        let runEnd = runStart;
        let segmentFull = false;
        for (; task.next < task.batches.length; task.next++) {
          const batch = task.batches[task.next];
          if (lastOffset >= 0 && segment.shouldRoll(batch, config, now)) {
            segmentFull = true;
            break;
          }
          // Offsets were assigned (or checked) at append time in queue order, and truncation resets
          // the log end below them, so a batch behind the log end means that bookkeeping broke.
          assert(batch.baseOffset >= nextOffset && batch.lastOffset >= batch.baseOffset,
            () => `${this.host.name}: batch [${batch.baseOffset}, ${batch.lastOffset}] would be written behind offset ${nextOffset}`);
          nextOffset = batch.lastOffset + 1;
          segment.reserve(batch, config.indexIntervalBytes, now);
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
      await this.host.afterWrite(lastOffset, records, producerBatches);
    } catch (err) {
      const failure = this.host.fail(err);
      for (const task of completed) task.reject(failure);
      return;
    }
    for (const task of completed) task.resolve(task.result);
  }
}

/**
 * Classifies and logs why a log stops taking appends. A failed write leaves the file in an unknown
 * state, so it becomes KAFKA_STORAGE_ERROR (a disk fault, retriable elsewhere) unless it already
 * has a code. A broken invariant stops the log too, but stays an AssertionError and is logged as a
 * bug, so that neither the log nor the client mistakes it for a disk fault.
 */
export function logFailure(err: unknown, logName: string, logger: Logger): Error {
  if (isAssertionError(err)) {
    logger.error(`Bug: ${err.message}; refusing further appends until the log is reopened`, { stack: err.stack });
    return err;
  }
  logger.error(`Log failed, refusing further appends: ${(err as Error).message}`);
  if (err instanceof SamsaError) return err;
  return new SamsaError(ErrorCode.KAFKA_STORAGE_ERROR, `append to ${logName} failed: ${(err as Error).message}`, { cause: err });
}
