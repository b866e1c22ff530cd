/**
 * All partition logs of one broker, spread over the directories in `log.dirs`.
 *
 * Owns each log directory's root files: `meta.properties` (whose data this is),
 * `recovery-point-offset-checkpoint` (how far each log was fsynced),
 * `replication-offset-checkpoint` (each partition's high watermark, from the `highWatermarkOf`
 * hook, every `highWatermarkCheckpointIntervalMs` and at shutdown) and the clean-shutdown marker
 * `.samsa_cleanshutdown`. On startup it loads every `<topic>-<partition>` directory, recovering
 * the unflushed tail of each log when the marker is missing; on shutdown it flushes and closes
 * every log, writes the checkpoint, and only then the marker. Deleted logs are renamed to
 * `<topic>-<partition>.<uuid>-delete` first and removed in the background, as in Kafka, so a crash
 * mid-delete never leaves a half-deleted log that looks live. Every `retentionCheckIntervalMs` it
 * runs time- and size-based retention over all logs (see retention.ts), one log at a time, and
 * with `cleanerEnable` the log cleaner compacts `cleanup.policy=compact` logs in the background
 * (log-cleaner-manager.ts), keeping `cleaner-offset-checkpoint` in each directory.
 */
import { randomUUID } from 'crypto';
import { promises as fsp } from 'fs';
import * as path from 'path';
import { brokerConfigDefs } from '../config/broker-config-defs';
import { configDefault } from '../config/config-default';
import { ErrorCode, SamsaError } from '../protocol/errors';
import { getLogger } from '../util/logger';
import { formatBytes } from './format-bytes';
import { CleanerOutcome, LogCleanerManager, LogCleanerObserver } from './log-cleaner-manager';
import type { LogFlushObserver } from './partition-log-types';
import { DEFAULT_LOG_CONFIG, LogConfig, MAX_TIMER_MS } from './log-config';
import { ensureMetaProperties } from './meta-properties';
import { CheckpointEntry, readOptionalCheckpoint, writeCheckpoint } from './offset-checkpoint';
import { PartitionLog } from './partition-log';
import { RetentionResult } from './retention';

export const CLEAN_SHUTDOWN_FILE = '.samsa_cleanshutdown';
export const RECOVERY_POINT_CHECKPOINT_FILE = 'recovery-point-offset-checkpoint';
export const HIGH_WATERMARK_CHECKPOINT_FILE = 'replication-offset-checkpoint';
export { CLEANER_CHECKPOINT_FILE, CleanerOutcome } from './log-cleaner-manager';
export { formatBytes } from './format-bytes';
const DELETE_DIR_SUFFIX = '-delete';
/** Kafka's log.flush.offset.checkpoint.interval.ms, which Samsa does not expose as a broker key. */
const RECOVERY_POINT_CHECKPOINT_INTERVAL_MS_DEFAULT = 60000;

export interface LogManagerConfig {
  logDirs: string[];
  /** Told of every flush and cleaner pass (metrics). */
  observer?: LogFlushObserver & LogCleanerObserver;
  brokerId: number;
  /** Settings for logs created without an explicit config and for logs found on disk. */
  defaultConfig?: LogConfig;
  /** Settings for a log found on disk at startup (topic overrides); defaults to defaultConfig. */
  configFor?: (topic: string) => LogConfig;
  /** log.flush.offset.checkpoint.interval.ms (Kafka: 60000, not a Samsa key); 0 disables the periodic checkpoint. */
  recoveryPointCheckpointIntervalMs?: number;
  /** Logs opened at once during startup, per directory (Kafka's num.recovery.threads.per.data.dir). */
  loadConcurrency?: number;
  /** log.retention.check.interval.ms (default from its definition); 0 disables the periodic retention run. */
  retentionCheckIntervalMs?: number;
  /**
   * The partition's high watermark, if known: retention never deletes data at or past it, and it
   * is what `replication-offset-checkpoint` records.
   */
  highWatermarkOf?: (topic: string, partition: number) => number | undefined;
  /** replica.high.watermark.checkpoint.interval.ms (default from its definition); 0 disables the periodic checkpoint. */
  highWatermarkCheckpointIntervalMs?: number;
  /** producer.id.expiration.ms for every log (default 86400000), applied on the retention timer. */
  producerIdExpirationMs?: number;
  /** log.cleaner.enable (default true): compact `cleanup.policy=compact` logs in the background. */
  cleanerEnable?: boolean;
  /** log.cleaner.backoff.ms (Kafka: 15000): the cleaner's pause when no log needs cleaning. */
  cleanerBackoffMs?: number;
  /** Distinct keys one cleaner pass may hold in memory (default 500000); bigger logs take several passes. */
  cleanerMaxKeysPerPass?: number;
  clock?: () => number;
}

/** One log's part of a retention run that deleted something. */
export interface LogRetentionOutcome extends RetentionResult {
  topic: string;
  partition: number;
}

interface ManagedLog {
  log: PartitionLog;
  logDir: string;
}

/** Splits `<topic>-<partition>` at the last '-': topic names may themselves contain '-' and '.'. */
export function parseLogDirName(name: string): { topic: string; partition: number } | null {
  const dash = name.lastIndexOf('-');
  if (dash <= 0) return null;
  const partitionText = name.slice(dash + 1);
  if (!/^\d+$/.test(partitionText)) return null;
  return { topic: name.slice(0, dash), partition: Number(partitionText) };
}

function key(topic: string, partition: number): string {
  return `${topic}-${partition}`;
}

export class LogManager {
  private readonly logs = new Map<string, ManagedLog>();
  private readonly creating = new Map<string, { promise: Promise<PartitionLog>; logDir: string }>();
  private readonly pendingDeletes = new Set<Promise<void>>();
  private readonly logger = getLogger('storage');
  private readonly defaultConfig: LogConfig;
  private checkpointTimer: NodeJS.Timeout | null = null;
  private checkpointChain: Promise<void> = Promise.resolve();
  private highWatermarkTimer: NodeJS.Timeout | null = null;
  private highWatermarkChain: Promise<void> = Promise.resolve();
  /** High watermarks read from the checkpoints at startup, clamped to each log's end. */
  private readonly checkpointedHighWatermarks = new Map<string, number>();
  private retentionTimer: NodeJS.Timeout | null = null;
  /** The retention run under way, if any: runs never overlap. */
  private retentionRun: Promise<LogRetentionOutcome[]> | null = null;
  private state: 'new' | 'running' | 'stopped' = 'new';
  private readonly cleaner: LogCleanerManager;

  constructor(private readonly config: LogManagerConfig) {
    if (config.logDirs.length === 0) throw new SamsaError(ErrorCode.INVALID_CONFIG, 'log.dirs is empty');
    this.defaultConfig = config.defaultConfig ?? { ...DEFAULT_LOG_CONFIG };
    this.cleaner = new LogCleanerManager({
      logDirs: config.logDirs,
      logs: () => this.logs.values(),
      highWatermarkOf: config.highWatermarkOf,
      backoffMs: config.cleanerBackoffMs,
      maxMapEntries: config.cleanerMaxKeysPerPass,
      clock: config.clock,
      observer: config.observer,
    });
  }

  get logDirs(): readonly string[] {
    return this.config.logDirs;
  }

  /** Claims or checks every log directory, then loads (and if needed recovers) every log in them. */
  async startup(): Promise<void> {
    if (this.state !== 'new') throw new Error('LogManager.startup() called twice');
    for (const dir of this.config.logDirs) {
      await fsp.mkdir(dir, { recursive: true });
      await ensureMetaProperties(dir, this.config.brokerId);
    }
    try {
      for (const dir of this.config.logDirs) await this.loadLogDir(dir);
    } catch (err) {
      await Promise.allSettled([...this.logs.values()].map((m) => m.log.close()));
      this.logs.clear();
      throw err;
    }
    this.state = 'running';
    const interval = this.config.recoveryPointCheckpointIntervalMs ?? RECOVERY_POINT_CHECKPOINT_INTERVAL_MS_DEFAULT;
    if (interval > 0) {
      this.checkpointTimer = setInterval(() => {
        this.checkpointRecoveryPoints().catch((err) => this.logger.error(`Recovery point checkpoint failed: ${(err as Error).message}`));
      }, interval);
      this.checkpointTimer.unref();
    }
    const highWatermarkInterval = this.config.highWatermarkCheckpointIntervalMs ?? configDefault(brokerConfigDefs, 'replica.high.watermark.checkpoint.interval.ms');
    if (highWatermarkInterval > 0) {
      this.highWatermarkTimer = setInterval(() => {
        this.checkpointHighWatermarks().catch((err) => this.logger.error(`High watermark checkpoint failed: ${(err as Error).message}`));
      }, Math.min(highWatermarkInterval, MAX_TIMER_MS));
      this.highWatermarkTimer.unref();
    }
    const retentionInterval = this.config.retentionCheckIntervalMs ?? configDefault(brokerConfigDefs, 'log.retention.check.interval.ms');
    if (retentionInterval > 0) {
      this.retentionTimer = setInterval(() => {
        // A run slower than the interval just makes the next tick a no-op.
        if (this.retentionRun === null) void this.runRetention();
      }, Math.min(retentionInterval, MAX_TIMER_MS));
      this.retentionTimer.unref();
    }
    if (this.config.cleanerEnable ?? true) this.cleaner.start();
  }

  private async loadLogDir(dir: string): Promise<void> {
    const marker = path.join(dir, CLEAN_SHUTDOWN_FILE);
    const clean = await exists(marker);
    const recoveryPoints = new Map<string, number>();
    if (!clean) {
      for (const e of await this.readRecoveryPoints(dir)) recoveryPoints.set(key(e.topic, e.partition), e.offset);
    }
    const found: Array<{ name: string; topic: string; partition: number }> = [];
    for (const entry of await fsp.readdir(dir, { withFileTypes: true })) {
      if (!entry.isDirectory()) continue;
      if (entry.name.endsWith(DELETE_DIR_SUFFIX)) {
        this.scheduleRemoval(path.join(dir, entry.name));
        continue;
      }
      const parsed = parseLogDirName(entry.name);
      if (parsed) found.push({ name: entry.name, ...parsed });
    }
    if (!clean && found.length > 0) this.logger.info(`No clean shutdown marker in ${dir}: recovering unflushed log tails`);
    await forEachLimited(found, this.config.loadConcurrency ?? 4, async ({ name, topic, partition }) => {
      const k = key(topic, partition);
      const other = this.logs.get(k);
      if (other) throw new SamsaError(ErrorCode.KAFKA_STORAGE_ERROR, `duplicate log directories for ${k}: ${other.log.dir} and ${path.join(dir, name)}`);
      const config = this.config.configFor?.(topic) ?? this.defaultConfig;
      const log = await PartitionLog.open(path.join(dir, name), topic, partition, config, {
        recover: !clean, recoveryPoint: recoveryPoints.get(k) ?? 0, clock: this.config.clock,
        producerIdExpirationMs: this.config.producerIdExpirationMs, flushObserver: this.config.observer,
      });
      this.logs.set(k, { log, logDir: dir });
    });
    await this.loadHighWatermarks(dir);
    await this.cleaner.loadCheckpoints(dir);
    // From here on a crash is unclean again.
    await fsp.rm(marker, { force: true });
    this.logger.info(`Loaded ${found.length} log(s) from ${dir}${clean ? '' : ' after recovery'}`);
  }

  private async readRecoveryPoints(dir: string): Promise<CheckpointEntry[]> {
    const file = path.join(dir, RECOVERY_POINT_CHECKPOINT_FILE);
    return await readOptionalCheckpoint(file, this.logger, 'Every log is rescanned from its start: slower, never wrong.') ?? [];
  }

  /** Remembers the checkpointed high watermark of every log loaded from `dir`, clamped to its end. */
  private async loadHighWatermarks(dir: string): Promise<void> {
    const file = path.join(dir, HIGH_WATERMARK_CHECKPOINT_FILE);
    const entries = await readOptionalCheckpoint(file, this.logger, 'Partitions start from high watermark 0 and learn the real one from their leader.');
    if (!entries) return;
    for (const e of entries) {
      const managed = this.logs.get(key(e.topic, e.partition));
      if (managed?.logDir !== dir) continue;
      this.checkpointedHighWatermarks.set(key(e.topic, e.partition), Math.max(0, Math.min(e.offset, managed.log.logEndOffset)));
    }
  }

  /** The high watermark `replication-offset-checkpoint` held for the log at startup, if any. */
  checkpointedHighWatermark(topic: string, partition: number): number | undefined {
    return this.checkpointedHighWatermarks.get(key(topic, partition));
  }

  /**
   * Writes every directory's `replication-offset-checkpoint`. A log whose hook has no answer yet
   * (its partition is not set up since the restart) keeps the value read at startup, so an early
   * checkpoint does not erase it.
   */
  checkpointHighWatermarks(): Promise<void> {
    const run = async (): Promise<void> => {
      for (const dir of this.config.logDirs) {
        const entries: CheckpointEntry[] = [];
        for (const [k, m] of this.logs) {
          if (m.logDir !== dir) continue;
          const offset = this.config.highWatermarkOf?.(m.log.topic, m.log.partition) ?? this.checkpointedHighWatermarks.get(k);
          if (offset !== undefined) entries.push({ topic: m.log.topic, partition: m.log.partition, offset });
        }
        await writeCheckpoint(path.join(dir, HIGH_WATERMARK_CHECKPOINT_FILE), entries);
      }
    };
    this.highWatermarkChain = this.highWatermarkChain.then(run, run);
    return this.highWatermarkChain;
  }

  getLog(topic: string, partition: number): PartitionLog | undefined {
    return this.logs.get(key(topic, partition))?.log;
  }

  allLogs(): PartitionLog[] {
    return [...this.logs.values()].map((m) => m.log);
  }

  /**
   * The log for topic-partition, created in the log directory holding the fewest partitions if
   * absent. A config given for an existing log replaces its settings (topic config changes).
   */
  async getOrCreateLog(topic: string, partition: number, config?: LogConfig): Promise<PartitionLog> {
    this.ensureRunning();
    const k = key(topic, partition);
    const existing = this.logs.get(k);
    if (existing) {
      if (config) existing.log.updateConfig(config);
      return existing.log;
    }
    const pending = this.creating.get(k);
    if (pending) return pending.promise;
    const logDir = this.leastLoadedDir();
    const opts = { clock: this.config.clock, producerIdExpirationMs: this.config.producerIdExpirationMs, flushObserver: this.config.observer };
    const promise = PartitionLog.open(path.join(logDir, k), topic, partition, config ?? this.defaultConfig, opts)
      .then((log) => {
        this.logs.set(k, { log, logDir });
        this.logger.info(`Created log for ${k} in ${logDir}`);
        return log;
      })
      .finally(() => this.creating.delete(k));
    this.creating.set(k, { promise, logDir });
    return promise;
  }

  /** Closes the log, renames its directory to `<name>.<uuid>-delete` and removes it in the background. */
  async deleteLog(topic: string, partition: number): Promise<void> {
    const k = key(topic, partition);
    await this.creating.get(k)?.promise.catch(() => undefined);
    const managed = this.logs.get(k);
    if (!managed) return;
    this.logs.delete(k);
    this.checkpointedHighWatermarks.delete(k);
    await managed.log.close();
    // As Kafka does: a log recreated under the same name must not inherit the old clean point.
    await this.cleaner.writeCheckpoints([managed.logDir]).catch((err) => this.logger.error(`Cleaner checkpoint after deleting ${k} failed: ${(err as Error).message}`));
    const renamed = path.join(managed.logDir, `${k}.${randomUUID().replace(/-/g, '')}${DELETE_DIR_SUFFIX}`);
    await fsp.rename(managed.log.dir, renamed);
    this.scheduleRemoval(renamed);
    this.logger.info(`Scheduled deletion of log ${k} (${renamed})`);
  }

  /** Writes every directory's recovery-point checkpoint from the logs' current recovery points. */
  checkpointRecoveryPoints(): Promise<void> {
    const run = async (): Promise<void> => {
      for (const dir of this.config.logDirs) {
        const entries = [...this.logs.values()]
          .filter((m) => m.logDir === dir)
          .map((m) => ({ topic: m.log.topic, partition: m.log.partition, offset: m.log.recoveryPoint }));
        await writeCheckpoint(path.join(dir, RECOVERY_POINT_CHECKPOINT_FILE), entries);
      }
    };
    this.checkpointChain = this.checkpointChain.then(run, run);
    return this.checkpointChain;
  }

  /**
   * Applies retention to every log, one at a time, and logs one line per log that lost segments.
   * Waits for a run already under way first. A log that fails is logged and skipped.
   */
  async runRetention(nowMs?: number): Promise<LogRetentionOutcome[]> {
    while (this.retentionRun !== null) await this.retentionRun.catch(() => undefined);
    if (this.state !== 'running') return [];
    const run = this.retentionPass(nowMs ?? (this.config.clock ?? Date.now)());
    this.retentionRun = run;
    try {
      return await run;
    } finally {
      if (this.retentionRun === run) this.retentionRun = null;
    }
  }

  private async retentionPass(nowMs: number): Promise<LogRetentionOutcome[]> {
    const outcomes: LogRetentionOutcome[] = [];
    for (const [k, managed] of [...this.logs]) {
      const { log } = managed;
      if (this.state !== 'running' || this.logs.get(k) !== managed) continue;
      try {
        const highWatermark = this.config.highWatermarkOf?.(log.topic, log.partition);
        const result = await log.deleteRetentionExpiredSegments(nowMs, { highWatermark });
        if (result.segmentsDeleted === 0) continue;
        outcomes.push({ topic: log.topic, partition: log.partition, ...result });
        this.logger.info(`Deleted ${result.segmentsDeleted} segment(s) (${formatBytes(result.bytesDeleted)}) of ${k} ` +
          `by ${result.reasons.join(' and ')}; log start offset now ${result.logStartOffset}`);
      } catch (err) {
        // The log may have been deleted or closed while the run was waiting for it.
        if (this.logs.get(k) === managed) this.logger.error(`Retention of ${k} failed: ${(err as Error).message}`);
      }
    }
    return outcomes;
  }

  /** The log cleaner, which a dynamic log.cleaner.backoff.ms reconfigures. */
  get logCleaner(): LogCleanerManager {
    return this.cleaner;
  }

  /**
   * One log cleaner pass over the dirtiest compacted log, if any is over its
   * min.cleanable.dirty.ratio; waits for a pass under way first. The background loop calls the
   * same thing; tests and tools call it directly.
   */
  runCleaner(nowMs?: number): Promise<CleanerOutcome | null> {
    if (this.state !== 'running') return Promise.resolve(null);
    return this.cleaner.cleanOnce(nowMs);
  }

  /** Flushes and closes every log, writes the checkpoints and then each directory's clean-shutdown marker. */
  async shutdown(): Promise<void> {
    if (this.state !== 'running') return;
    this.state = 'stopped';
    if (this.checkpointTimer) clearInterval(this.checkpointTimer);
    if (this.highWatermarkTimer) clearInterval(this.highWatermarkTimer);
    if (this.retentionTimer) clearInterval(this.retentionTimer);
    await this.retentionRun?.catch(() => undefined);
    await this.cleaner.stop();
    await Promise.allSettled([...this.creating.values()].map((c) => c.promise));
    const failedDirs = new Set<string>();
    await Promise.all([...this.logs.values()].map(async ({ log, logDir }) => {
      try {
        await log.flush();
      } catch (err) {
        failedDirs.add(logDir);
        this.logger.error(`Flushing ${log.topic}-${log.partition} at shutdown failed: ${(err as Error).message}`);
      }
      await log.close();
    }));
    await this.checkpointRecoveryPoints();
    await this.cleaner.writeCheckpoints().catch((err) => this.logger.error(`Cleaner checkpoint at shutdown failed: ${(err as Error).message}`));
    await this.checkpointHighWatermarks().catch((err) => this.logger.error(`High watermark checkpoint at shutdown failed: ${(err as Error).message}`));
    for (const dir of this.config.logDirs) {
      // A directory whose logs could not be flushed must be recovered next time.
      if (!failedDirs.has(dir)) await fsp.writeFile(path.join(dir, CLEAN_SHUTDOWN_FILE), '');
    }
    await Promise.allSettled([...this.pendingDeletes]);
    this.logs.clear();
  }

  private ensureRunning(): void {
    if (this.state !== 'running') throw new SamsaError(ErrorCode.KAFKA_STORAGE_ERROR, `log manager is ${this.state === 'new' ? 'not started' : 'shut down'}`);
  }

  private leastLoadedDir(): string {
    const counts = new Map(this.config.logDirs.map((d) => [d, 0]));
    for (const m of [...this.logs.values(), ...this.creating.values()]) counts.set(m.logDir, (counts.get(m.logDir) ?? 0) + 1);
    let best = this.config.logDirs[0];
    for (const d of this.config.logDirs) if ((counts.get(d) ?? 0) < (counts.get(best) ?? 0)) best = d;
    return best;
  }

  private scheduleRemoval(dir: string): void {
    const removal: Promise<void> = fsp.rm(dir, { recursive: true, force: true })
      .catch((err) => {
        this.logger.error(`Removing ${dir} failed: ${(err as Error).message}`);
      })
      .finally(() => this.pendingDeletes.delete(removal));
    this.pendingDeletes.add(removal);
  }
}

async function exists(file: string): Promise<boolean> {
  try {
    await fsp.access(file);
    return true;
  } catch {
    return false;
  }
}

/** Runs `work` over `items` with at most `limit` in flight; the first failure rejects after all settle. */
async function forEachLimited<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const errors: unknown[] = [];
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next++];
      await work(item).catch((err) => errors.push(err));
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  if (errors.length > 0) throw errors[0];
}
