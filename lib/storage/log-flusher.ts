/**
 * When a partition log's bytes are fsynced, and how far the recovery point has got.
 *
 * Appends reach the page cache at once; fsync follows flush.messages (count) and flush.ms (timer),
 * and a rolled segment is fsynced in the background so that after a crash only the active segment
 * needs recovery, without holding up appends to the new one (as in Kafka). Every offset below the
 * recovery point is on disk; it is written to recovery-point-offset-checkpoint. A flush that raced
 * with a truncation (the log's generation changed) does not move it.
 */
import { Logger } from '../util/logger';
import { LogConfig, MAX_TIMER_MS } from './log-config';
import { floorSegment } from './log-reads';
import type { LogSegment } from './log-segment';
import type { LogFlushObserver } from './partition-log-types';
import { SegmentClosedError } from './segment-files';

/** What the flusher needs from its log. */
export interface LogFlusherHost {
  config(): Readonly<LogConfig>;
  segments(): readonly LogSegment[];
  logEndOffset(): number;
  /** Bumped by every truncation. */
  generation(): number;
  isClosing(): boolean;
  /** Queues a flush behind pending appends (PartitionLog.flush). */
  requestFlush(): Promise<void>;
  readonly logger: Logger;
  readonly observer?: LogFlushObserver;
}

export class LogFlusher {
  private recoveryPointOffset: number;
  private unflushedMessages = 0;
  private timer: NodeJS.Timeout | null = null;
  private background: Promise<void> = Promise.resolve();

  constructor(private readonly host: LogFlusherHost, recoveryPoint: number) {
    this.recoveryPointOffset = recoveryPoint;
  }

  /** Every offset below this is fsynced. */
  get recoveryPoint(): number {
    return this.recoveryPointOffset;
  }

  /** `records` more records reached the file: fsync now if flush.messages says so, else arm the flush.ms timer. */
  async afterWrite(records: number): Promise<void> {
    this.unflushedMessages += records;
    if (this.unflushedMessages >= this.host.config().flushIntervalMessages) await this.flushNow();
    else this.scheduleTimer();
  }

  /** fsyncs every segment from the one holding the recovery point on; the caller runs it in the writer queue. */
  async flushNow(): Promise<void> {
    const upTo = this.host.logEndOffset();
    const generation = this.host.generation();
    this.unflushedMessages = 0;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const segments = this.host.segments();
    const observer = this.host.observer;
    const started = observer === undefined ? 0n : process.hrtime.bigint();
    for (let i = floorSegment(segments, this.recoveryPointOffset); i < segments.length; i++) await segments[i].flush();
    observer?.logFlushed(Number(process.hrtime.bigint() - started) / 1e9);
    if (generation === this.host.generation()) this.recoveryPointOffset = Math.max(this.recoveryPointOffset, upTo);
  }

  /** `previous` was just rolled at `baseOffset`: fsync it in the background, then advance the recovery point to it. */
  flushRolledSegment(previous: LogSegment, baseOffset: number): void {
    const generation = this.host.generation();
    this.background = this.background.then(async () => {
      try {
        await previous.flush();
        if (generation === this.host.generation() && !previous.isClosed) {
          this.recoveryPointOffset = Math.max(this.recoveryPointOffset, Math.min(baseOffset, this.host.logEndOffset()));
        }
      } catch (err) {
        if (!(err instanceof SegmentClosedError)) this.host.logger.error(`Flushing rolled segment ${previous.logPath} failed: ${(err as Error).message}`);
      }
    });
  }

  /** After a truncation the recovery point cannot stay above the log end. */
  clampTo(endOffset: number): void {
    this.recoveryPointOffset = Math.min(this.recoveryPointOffset, endOffset);
  }

  /** Offsets below the log start no longer exist, so they count as flushed. */
  advanceTo(logStartOffset: number): void {
    this.recoveryPointOffset = Math.max(this.recoveryPointOffset, logStartOffset);
  }

  /** flush.ms may have changed: unflushed data gets a timer with the new interval (or none). */
  configChanged(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.scheduleTimer();
  }

  /** Waits for background flushes and stops the timer. */
  async close(): Promise<void> {
    await this.background;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private scheduleTimer(): void {
    const flushIntervalMs = this.host.config().flushIntervalMs;
    if (this.timer || this.unflushedMessages === 0 || flushIntervalMs > MAX_TIMER_MS) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      if (this.host.isClosing()) return;
      this.host.requestFlush().catch((err) => this.host.logger.error(`Timed flush failed: ${(err as Error).message}`));
    }, flushIntervalMs);
    this.timer.unref();
  }
}
