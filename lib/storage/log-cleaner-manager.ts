/**
 * The broker's log cleaner: which compacted log to clean next, when, and where each log's clean
 * part ends (Kafka's LogCleaner thread with its LogCleanerManager).
 *
 * One pass at a time over one log. Every `log.cleaner.backoff.ms` it takes, among the logs with a
 * `compact` cleanup policy, the one with the highest dirty ratio above its
 * `min.cleanable.dirty.ratio` or with records older than `max.compaction.lag.ms` (log-to-clean.ts,
 * compaction-lag.ts), cleans it (log-cleaner.ts) and records how far
 * it got in the log directory's `cleaner-offset-checkpoint` (Kafka's name and format, see
 * offset-checkpoint.ts); after a pass that cleaned something it looks again at once. A log whose
 * pass fails for any reason but a concurrent change is skipped until restart, as Kafka marks it
 * uncleanable. A log whose high watermark is unknown (its partition is not set up) is left alone.
 */
import * as path from 'path';
import { brokerConfigDefs } from '../config/broker-config-defs';
import { configDefault } from '../config/config-default';
import { getLogger } from '../util/logger';
import { formatBytes } from './format-bytes';
import { CleanerAbortedError, CleanerStats, cleanLog } from './log-cleaner';
import { DEFAULT_MIN_CLEANABLE_DIRTY_RATIO, MAX_TIMER_MS, isCompacted } from './log-config';
import { SegmentClosedError } from './segment-files';
import { LogToClean, logToClean } from './log-to-clean';
import { maxCompactionDelay } from './compaction-lag';
import { CheckpointEntry, formatCheckpoint, readOptionalCheckpoint, writeFileAtomically } from './offset-checkpoint';
import type { PartitionLog } from './partition-log';

export const CLEANER_CHECKPOINT_FILE = 'cleaner-offset-checkpoint';
export const DEFAULT_CLEANER_BACKOFF_MS = configDefault(brokerConfigDefs, 'log.cleaner.backoff.ms');
/**
 * Keys one pass may map. Kafka sizes its map by log.cleaner.dedupe.buffer.size (128 MiB, about
 * 5 million keys); a JavaScript Map entry costs more, so the default is smaller.
 */
export const DEFAULT_CLEANER_MAX_KEYS = 500_000;

export interface CleanerLogEntry {
  log: PartitionLog;
  logDir: string;
}

/** Told of every finished cleaner pass (metrics). */
export interface LogCleanerObserver {
  /** `bytesCleaned`: the cleaned segments' size before the pass; `bytesReclaimed`: how much smaller they got. */
  cleanerPassed(bytesCleaned: number, bytesReclaimed: number): void;
}

export interface LogCleanerManagerConfig {
  logDirs: readonly string[];
  /** The broker's logs right now. */
  logs: () => Iterable<CleanerLogEntry>;
  /** A partition's high watermark; without the hook the log end offset is used. */
  highWatermarkOf?: (topic: string, partition: number) => number | undefined;
  /** log.cleaner.backoff.ms: the pause when no log needs cleaning (default 15000). */
  backoffMs?: number;
  maxMapEntries?: number;
  clock?: () => number;
  observer?: LogCleanerObserver;
}

/** One finished pass. */
export interface CleanerOutcome extends CleanerStats {
  topic: string;
  partition: number;
  dirtyRatio: number;
  elapsedMs: number;
}

export class LogCleanerManager {
  private readonly logger = getLogger('log-cleaner');
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<CleanerOutcome | null> | null = null;
  private stopping = false;
  private readonly uncleanable = new WeakSet<PartitionLog>();
  private checkpointChain: Promise<void> = Promise.resolve();
  /** What each directory's checkpoint file holds, so unchanged ones are not rewritten. */
  private readonly written = new Map<string, string>();

  constructor(private readonly config: LogCleanerManagerConfig) {}

  /** Hands each log of `dir` the offset its clean part ends at, from the directory's checkpoint file. */
  async loadCheckpoints(dir: string): Promise<void> {
    const file = path.join(dir, CLEANER_CHECKPOINT_FILE);
    const entries = await readOptionalCheckpoint(file, this.logger, 'Every compacted log counts as fully dirty: more work, never wrong.');
    if (!entries) return;
    this.written.set(dir, formatCheckpoint(entries));
    const offsets = new Map(entries.map((e) => [`${e.topic}-${e.partition}`, e.offset]));
    for (const { log, logDir } of this.config.logs()) {
      const offset = offsets.get(`${log.topic}-${log.partition}`);
      if (logDir === dir && offset !== undefined) log.setCleanerCheckpoint(offset);
    }
  }

  /** Starts the background loop. */
  start(): void {
    this.schedule(this.backoffMs);
  }

  /** Stops the loop and waits for (and cuts short) a pass under way. */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running?.catch(() => undefined);
  }

  /** Cleans the dirtiest cleanable log, if any; waits for a pass already under way first. */
  async cleanOnce(nowMs?: number): Promise<CleanerOutcome | null> {
    while (this.running !== null) await this.running.catch(() => undefined);
    if (this.stopping) return null;
    const run = this.pass(nowMs ?? (this.config.clock ?? Date.now)());
    this.running = run;
    try {
      const outcome = await run;
      if (outcome !== null) this.config.observer?.cleanerPassed(outcome.bytesBefore, Math.max(0, outcome.bytesBefore - outcome.bytesAfter));
      return outcome;
    } finally {
      if (this.running === run) this.running = null;
    }
  }

  /**
   * Brings every directory's checkpoint file up to the logs' current values: after a pass, at
   * shutdown, and on every cleaner tick, which also catches truncations (which pull a log's value
   * back) and deleted logs (whose entry goes). Files whose content would not change are left alone.
   */
  writeCheckpoints(dirs: readonly string[] = this.config.logDirs): Promise<void> {
    const run = async (): Promise<void> => {
      for (const dir of dirs) {
        const entries: CheckpointEntry[] = [];
        for (const { log, logDir } of this.config.logs()) {
          const offset = log.cleanerCheckpoint;
          if (logDir === dir && offset !== undefined) entries.push({ topic: log.topic, partition: log.partition, offset });
        }
        const text = formatCheckpoint(entries);
        if (this.written.get(dir) === text) continue;
        await writeFileAtomically(path.join(dir, CLEANER_CHECKPOINT_FILE), text);
        this.written.set(dir, text);
      }
    };
    this.checkpointChain = this.checkpointChain.then(run, run);
    return this.checkpointChain;
  }

  private get backoffMs(): number {
    return Math.min(this.backoffOverrideMs ?? this.config.backoffMs ?? DEFAULT_CLEANER_BACKOFF_MS, MAX_TIMER_MS);
  }

  private backoffOverrideMs: number | undefined;

  /** log.cleaner.backoff.ms changed at runtime (a dynamic broker config): the next pause takes it. */
  setBackoffMs(ms: number): void {
    this.backoffOverrideMs = ms;
  }

  private schedule(delayMs: number): void {
    if (this.stopping) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.cleanOnce().then(
        (outcome) => this.schedule(outcome !== null ? 0 : this.backoffMs),
        () => this.schedule(this.backoffMs),
      );
    }, delayMs);
    this.timer.unref();
  }

  private async pass(nowMs: number): Promise<CleanerOutcome | null> {
    await this.writeCheckpoints().catch((err) => this.logger.error(`Writing ${CLEANER_CHECKPOINT_FILE} failed: ${(err as Error).message}`));
    const chosen = await this.dirtiestLog(nowMs);
    if (chosen === null) return null;
    const { entry: { log, logDir }, range } = chosen;
    const name = `${log.topic}-${log.partition}`;
    const generation = log.truncations;
    const started = Date.now();
    let stats: CleanerStats;
    try {
      stats = await cleanLog(log, range, {
        nowMs,
        maxMapEntries: this.config.maxMapEntries ?? DEFAULT_CLEANER_MAX_KEYS,
        isAborted: () => this.stopping || log.isClosed,
      });
    } catch (err) {
      // A log changed (segments deleted) or closed under the pass is not a failure: a later pass retries.
      if (err instanceof CleanerAbortedError || err instanceof SegmentClosedError || log.isClosed) {
        this.logger.info(`Cleaning of ${name} stopped: ${(err as Error).message}`);
        return null;
      }
      this.uncleanable.add(log);
      this.logger.error(`Cleaning of ${name} failed; it is skipped until restart: ${(err as Error).message}`);
      return null;
    }
    if (log.setCleanerCheckpoint(stats.endOffset, generation)) await this.writeCheckpoints([logDir]);
    const outcome: CleanerOutcome = { topic: log.topic, partition: log.partition, dirtyRatio: range.dirtyRatio, elapsedMs: Date.now() - started, ...stats };
    this.logger.info(describe(name, outcome));
    return outcome;
  }

  /**
   * The compacted log with the highest dirty ratio among those above their threshold or overdue by
   * max.compaction.lag.ms (Kafka's grabFilthiestCompactedLog), with its cleanable range. Reads each
   * log's config now, so a topic switched to or from `compact` is picked up or dropped at once.
   */
  private async dirtiestLog(nowMs: number): Promise<{ entry: CleanerLogEntry; range: LogToClean } | null> {
    let best: { entry: CleanerLogEntry; range: LogToClean } | null = null;
    for (const entry of [...this.config.logs()]) {
      const { log } = entry;
      if (log.isClosed || !isCompacted(log.config) || this.uncleanable.has(log)) continue;
      const highWatermark = this.config.highWatermarkOf ? this.config.highWatermarkOf(log.topic, log.partition) : log.logEndOffset;
      if (highWatermark === undefined) continue;
      const segments = log.segmentsView();
      // Kafka never cleans past the first unstable offset: an open transaction's data is not yet known to be aborted.
      const stable = log.lastStableOffset(highWatermark);
      const range = logToClean(segments, log.logEndOffset, log.cleanerCheckpoint, stable, { nowMs, minCompactionLagMs: log.config.minCompactionLagMs });
      if (range.dirtyBytes === 0) continue;
      const threshold = log.config.minCleanableDirtyRatio ?? DEFAULT_MIN_CLEANABLE_DIRTY_RATIO;
      const overdue = range.dirtyRatio <= threshold && log.config.maxCompactionLagMs !== undefined
        && await maxCompactionDelay(segments, range.firstDirtyOffset, log.config.maxCompactionLagMs, nowMs).catch(() => 0) > 0;
      if (range.dirtyRatio <= threshold && !overdue) continue;
      if (best === null || range.dirtyRatio > best.range.dirtyRatio) best = { entry, range };
    }
    return best;
  }
}

/** Kafka-style summary of a pass. */
function describe(name: string, o: CleanerOutcome): string {
  const reduction = o.bytesBefore === 0 ? 0 : (100 * (o.bytesBefore - o.bytesAfter)) / o.bytesBefore;
  return `Cleaned log ${name} (dirty section = [${o.firstDirtyOffset}, ${o.endOffset}), dirty ratio ${o.dirtyRatio.toFixed(2)}) ` +
    `in ${o.elapsedMs} ms: ${o.segmentsBefore} segment(s) of ${formatBytes(o.bytesBefore)} became ${o.segmentsAfter} of ` +
    `${formatBytes(o.bytesAfter)} (${reduction.toFixed(1)}% smaller); removed ${o.recordsRemoved} of ${o.recordsRead} records ` +
    `(${o.tombstonesRemoved} tombstones, ${o.invalidRecords} without a key)`;
}
