/**
 * All partition logs of one broker, spread over the directories in `log.dirs`.
 *
 * Owns each log directory's root files: `meta.properties` (whose data this is),
 * `recovery-point-offset-checkpoint` (how far each log was fsynced),
 * `replication-offset-checkpoint` (each partition's high watermark, from the `highWatermarkOf`
 * hook, every `highWatermarkCheckpointIntervalMs` and at shutdown), `log-start-offset-checkpoint`
 * (log starts moved by DeleteRecords, log-start-checkpoint.ts) and the clean-shutdown marker
 * `.samsa_cleanshutdown`. On startup it loads every `<topic>-<partition>` directory, recovering
 * the unflushed tail of each log when the marker is missing; on shutdown it flushes and closes
 * every log, writes the checkpoint, and only then the marker. Deleted logs are renamed to
 * `<topic>-<partition>.<uuid>-delete` first and removed in the background, as in Kafka, so a crash
 * mid-delete never leaves a half-deleted log that looks live. Every `retentionCheckIntervalMs` it
 * runs time- and size-based retention over all logs (see retention.ts), one log at a time, and
 * with `cleanerEnable` the log cleaner compacts `cleanup.policy=compact` logs in the background
 * (log-cleaner-manager.ts), keeping `cleaner-offset-checkpoint` in each directory.
 *
 * A directory that fails (at startup, or an I/O error such as ENOSPC or EROFS from one of its
 * logs; see log-dir-failure.ts) goes offline as in Kafka: its logs are closed and forgotten,
 * their partitions answer KAFKA_STORAGE_ERROR, no checkpoint is written there again, and the
 * `onLogDirFailure` hook tells the broker, which reports it to the controller. The other
 * directories keep serving; with none left the hook decides to stop the broker.
 */
import { randomUUID } from 'crypto';
import { promises as fsp } from 'fs';
import * as path from 'path';
import { brokerConfigDefs } from '../config/broker-config-defs';
import { configDefault } from '../config/config-default';
import { ErrorCode, SamsaError } from '../protocol/errors';
import { getLogger } from '../util/logger';
import { formatBytes } from './format-bytes';
import { CleanerOutcome, LogCleanerManager } from './log-cleaner-manager';
import { DEFAULT_LOG_CONFIG, LogConfig, MAX_TIMER_MS } from './log-config';
import { ensureDirectory, exists, forEachLimited, isLogDirFailure, nextLogDir, offlineReplicaError, parseLogDirName } from './log-dirs';
export { parseLogDirName } from './log-dirs';
import { ensureMetaProperties, InconsistentBrokerMetadataError } from './meta-properties';
import { readLogStartOffsets, restoreLogStartOffset } from './log-start-checkpoint';
import { LogCheckpoints } from './log-checkpoints';
import { PartitionLog } from './partition-log';
import type { LogManagerConfig, LogRetentionOutcome } from './log-manager-config';

export const CLEAN_SHUTDOWN_FILE = '.samsa_cleanshutdown';
export { HIGH_WATERMARK_CHECKPOINT_FILE, RECOVERY_POINT_CHECKPOINT_FILE } from './log-checkpoints';
export { CLEANER_CHECKPOINT_FILE, CleanerOutcome } from './log-cleaner-manager';
export { formatBytes } from './format-bytes';
const DELETE_DIR_SUFFIX = '-delete';
export const FUTURE_DIR_SUFFIX = '-future';
/** Kafka's log.flush.offset.checkpoint.interval.ms, which Samsa does not expose as a broker key. */
const RECOVERY_POINT_CHECKPOINT_INTERVAL_MS_DEFAULT = 60000;

export type { LogManagerConfig, LogRetentionOutcome } from './log-manager-config';

interface ManagedLog {
  log: PartitionLog;
  logDir: string;
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
  private highWatermarkTimer: NodeJS.Timeout | null = null;
  private readonly checkpoints: LogCheckpoints;
  private retentionTimer: NodeJS.Timeout | null = null;
  /** The retention run under way, if any: runs never overlap. */
  private retentionRun: Promise<LogRetentionOutcome[]> | null = null;
  private state: 'new' | 'running' | 'stopped' = 'new';
  private readonly cleaner: LogCleanerManager;
  /** Failed directories → why, in the order they failed. */
  private readonly failedDirs = new Map<string, string>();
  /** Partitions whose log was in a directory that failed since startup → that directory. */
  private readonly offlineLogs = new Map<string, string>();
  private readonly preferredDirs = new Map<string, string>();

  constructor(private readonly config: LogManagerConfig) {
    if (config.logDirs.length === 0) throw new SamsaError(ErrorCode.INVALID_CONFIG, 'log.dirs is empty');
    this.defaultConfig = config.defaultConfig ?? { ...DEFAULT_LOG_CONFIG };
    this.checkpoints = new LogCheckpoints({
      liveDirs: () => this.liveLogDirs, logsIn: (dir) => this.logsIn(dir), highWatermarkOf: config.highWatermarkOf,
      failed: (dir, err) => this.checkpointFailed(dir, err), logger: this.logger,
    });
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

  /** The directories still in service, in log.dirs order. */
  get liveLogDirs(): string[] {
    return this.config.logDirs.filter((d) => !this.failedDirs.has(d));
  }

  /** Failed directories, in the order they failed. */
  offlineDirs(): string[] {
    return [...this.failedDirs.keys()];
  }

  /** True when the partition's log was in a directory that failed since startup. */
  isOffline(topic: string, partition: number): boolean {
    return this.offlineLogs.has(key(topic, partition));
  }

  /**
   * Takes the directory of `log` offline if `err` is a disk failure (log-dir-failure.ts); returns
   * whether it did. Callers that hit an I/O error on a log call this, as Kafka's code reports
   * every IOException to its LogDirFailureChannel.
   */
  maybeFailLogDir(log: PartitionLog, err: unknown): boolean {
    if (!isLogDirFailure(err)) return false;
    const managed = this.logs.get(key(log.topic, log.partition));
    const dir = managed?.log === log ? managed.logDir : path.dirname(log.dir);
    if (!this.config.logDirs.includes(dir)) return false;
    this.failLogDir(dir, err);
    return true;
  }

  /** Takes `dir` offline: closes and forgets its logs, and tells the hook. */
  failLogDir(dir: string, err: unknown): void {
    if (this.failedDirs.has(dir) || this.state !== 'running') return;
    const reason = (err as Error).message ?? String(err);
    this.failedDirs.set(dir, reason);
    const affected = [...this.logs].filter(([, m]) => m.logDir === dir);
    for (const [k, m] of affected) { this.logs.delete(k); this.offlineLogs.set(k, dir); this.checkpoints.forget(m.log.topic, m.log.partition); }
    this.logger.error(`Error in log dir ${dir}: ${reason}. Stopping serving logs in dir ${dir} (${affected.length} partition(s) offline: ` +
      `${affected.map(([k]) => k).join(', ') || 'none'})`);
    // Closing may fail on the broken disk; the logs are gone from service either way.
    void Promise.allSettled(affected.map(([, m]) => m.log.close()));
    const allFailed = this.liveLogDirs.length === 0;
    if (allFailed) this.logger.error(`Shutdown broker because all log dirs in ${this.config.logDirs.join(', ')} have failed`);
    this.config.onLogDirFailure?.(dir, allFailed);
  }

  /** Claims or checks every log directory, then loads (and if needed recovers) every log in them. */
  async startup(): Promise<void> {
    if (this.state !== 'new') throw new Error('LogManager.startup() called twice');
    for (const dir of this.config.logDirs) {
      try {
        await ensureDirectory(dir);
        await ensureMetaProperties(dir, this.config.brokerId);
        await this.loadLogDir(dir);
      } catch (err) {
        const fatal = err instanceof InconsistentBrokerMetadataError || !isLogDirFailure(err) || this.config.logDirs.length === 1;
        await this.dropLogs(fatal ? undefined : dir);
        if (fatal) throw err;
        this.failedDirs.set(dir, (err as Error).message);
        this.logger.error(`Error while loading log dir ${dir}: ${(err as Error).message}. This log dir is offline; its partitions are not served`);
      }
    }
    if (this.liveLogDirs.length === 0) throw new SamsaError(ErrorCode.KAFKA_STORAGE_ERROR, `All log dirs in ${this.config.logDirs.join(', ')} have failed`);
    this.state = 'running';
    const interval = this.config.recoveryPointCheckpointIntervalMs ?? RECOVERY_POINT_CHECKPOINT_INTERVAL_MS_DEFAULT;
    if (interval > 0) {
      this.checkpointTimer = setInterval(() => {
        this.checkpointRecoveryPoints().catch((err) => this.logger.error(`Recovery point checkpoint failed: ${(err as Error).message}`));
        this.checkpointLogStartOffsets().catch((err) => this.logger.error(`Log start offset checkpoint failed: ${(err as Error).message}`));
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

  /** Closes and forgets the logs loaded from `dir` (every log if undefined) when loading failed. */
  private async dropLogs(dir: string | undefined): Promise<void> {
    const loaded = [...this.logs].filter(([, m]) => dir === undefined || m.logDir === dir);
    for (const [k] of loaded) this.logs.delete(k);
    await Promise.allSettled(loaded.map(([, m]) => m.log.close()));
  }

  private async loadLogDir(dir: string): Promise<void> {
    const marker = path.join(dir, CLEAN_SHUTDOWN_FILE);
    const clean = await exists(marker);
    const recoveryPoints = new Map<string, number>();
    if (!clean) {
      for (const e of await this.checkpoints.readRecoveryPoints(dir)) recoveryPoints.set(key(e.topic, e.partition), e.offset);
    }
    const logStarts = await readLogStartOffsets(dir, this.logger);
    const found: Array<{ name: string; topic: string; partition: number }> = [];
    for (const entry of await fsp.readdir(dir, { withFileTypes: true })) {
      if (!entry.isDirectory()) continue;
      // A future log left by a move the broker did not finish is dropped: the move starts over when asked again.
      if (entry.name.endsWith(DELETE_DIR_SUFFIX) || entry.name.endsWith(FUTURE_DIR_SUFFIX)) {
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
      await restoreLogStartOffset(log, logStarts.get(k), this.logger);
    });
    await this.checkpoints.loadHighWatermarks(dir);
    await this.cleaner.loadCheckpoints(dir);
    // From here on a crash is unclean again.
    await fsp.rm(marker, { force: true });
    this.logger.info(`Loaded ${found.length} log(s) from ${dir}${clean ? '' : ' after recovery'}`);
  }

  /** The live directory the partition's log is in, if it has one here. */
  logDirOf(topic: string, partition: number): string | undefined {
    return this.logs.get(key(topic, partition))?.logDir;
  }

  getLog(topic: string, partition: number): PartitionLog | undefined {
    return this.logs.get(key(topic, partition))?.log;
  }

  /** The logs held in `dir`. */
  logsIn(dir: string): PartitionLog[] {
    return [...this.logs.values()].filter((m) => m.logDir === dir).map((m) => m.log);
  }

  allLogs(): PartitionLog[] {
    return [...this.logs.values()].map((m) => m.log);
  }

  /**
   * The log for topic-partition, created in the log directory holding the fewest partitions if
   * absent. A config given for an existing log replaces its settings (topic config changes).
   */
  async getOrCreateLog(topic: string, partition: number, config?: LogConfig, isNew = true): Promise<PartitionLog> {
    this.ensureRunning();
    const k = key(topic, partition);
    if (this.offlineLogs.has(k)) throw offlineReplicaError(topic, partition, this.offlineLogs.get(k));
    const existing = this.logs.get(k);
    if (existing) {
      if (config) existing.log.updateConfig(config);
      return existing.log;
    }
    const pending = this.creating.get(k);
    if (pending) return pending.promise;
    // As Kafka: an existing replica missing here may be in a directory that failed at startup.
    if (!isNew && this.failedDirs.size > 0) {
      throw new SamsaError(ErrorCode.KAFKA_STORAGE_ERROR, `Can not create log for ${k} because log directories ${this.offlineDirs().join(',')} are offline`);
    }
    const preferred = this.preferredDirs.get(k);
    const logDir = preferred !== undefined && !this.failedDirs.has(preferred) ? preferred : this.leastLoadedDir();
    const promise = this.openLogAt(path.join(logDir, k), topic, partition, config ?? this.defaultConfig)
      .then((log) => {
        if (this.failedDirs.has(logDir)) throw offlineReplicaError(topic, partition, logDir, log.close());
        this.logs.set(k, { log, logDir });
        this.logger.info(`Created log for ${k} in ${logDir}`);
        return log;
      })
      .catch((err: unknown) => {
        if (isLogDirFailure(err)) this.failLogDir(logDir, err);
        throw err;
      })
      .finally(() => this.creating.delete(k));
    this.creating.set(k, { promise, logDir });
    return promise;
  }

  /** Closes the log, renames its directory to `<name>.<uuid>-delete` and removes it in the background. */
  async deleteLog(topic: string, partition: number): Promise<void> {
    const k = key(topic, partition);
    await this.creating.get(k)?.promise.catch(() => undefined);
    this.offlineLogs.delete(k);
    const managed = this.logs.get(k);
    if (!managed) return;
    this.logs.delete(k);
    this.checkpoints.forget(topic, partition);
    await this.retireLog(managed.log, managed.logDir);
  }

  /** Closes `log`, renames its directory to `<name>.<uuid>-delete` and removes it in the background. */
  async retireLog(log: PartitionLog, logDir = path.dirname(log.dir)): Promise<void> {
    const k = key(log.topic, log.partition);
    await log.close();
    // As Kafka does: a log recreated under the same name must not inherit the old clean point.
    await this.cleaner.writeCheckpoints([logDir]).catch((err) => this.logger.error(`Cleaner checkpoint after deleting ${k} failed: ${(err as Error).message}`));
    const renamed = path.join(logDir, `${k}.${randomUUID().replace(/-/g, '')}${DELETE_DIR_SUFFIX}`);
    await fsp.rename(log.dir, renamed);
    this.scheduleRemoval(renamed);
    this.logger.info(`Scheduled deletion of log ${k} (${renamed})`);
  }

  /** Opens the log at `dir` (a future log being filled, or one just promoted) with this manager's options. */
  openLogAt(dir: string, topic: string, partition: number, config: LogConfig): Promise<PartitionLog> {
    return PartitionLog.open(dir, topic, partition, config, { clock: this.config.clock, producerIdExpirationMs: this.config.producerIdExpirationMs, flushObserver: this.config.observer });
  }

  /** Makes `log`, in `logDir`, the partition's log; returns the one it replaces (the caller retires it). */
  swapLog(log: PartitionLog, logDir: string): PartitionLog | undefined {
    const k = key(log.topic, log.partition);
    const old = this.logs.get(k)?.log;
    this.logs.set(k, { log, logDir });
    return old;
  }

  /** Where the partition's log goes if it is created here later (AlterReplicaLogDirs before the replica exists). */
  preferLogDir(topic: string, partition: number, dir: string): void {
    this.preferredDirs.set(key(topic, partition), dir);
  }

  /** Writes every directory's recovery-point checkpoint from the logs' current recovery points. */
  checkpointRecoveryPoints(): Promise<void> {
    return this.checkpoints.writeRecoveryPoints();
  }

  /** Writes every directory's `replication-offset-checkpoint` (LogCheckpoints.writeHighWatermarks). */
  checkpointHighWatermarks(): Promise<void> {
    return this.checkpoints.writeHighWatermarks();
  }

  /** The high watermark `replication-offset-checkpoint` held for the log at startup, if any. */
  checkpointedHighWatermark(topic: string, partition: number): number | undefined {
    return this.checkpoints.checkpointedHighWatermark(topic, partition);
  }

  /** Writes every directory's log-start-offset-checkpoint (log-start-checkpoint.ts); DeleteRecords calls it at once. */
  checkpointLogStartOffsets(): Promise<void> {
    return this.checkpoints.writeLogStartOffsets();
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
    // While the logs are open: it reads their first segments.
    await this.checkpointLogStartOffsets().catch((err) => this.logger.error(`Log start offset checkpoint at shutdown failed: ${(err as Error).message}`));
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
    for (const dir of this.liveLogDirs) {
      // A directory whose logs could not be flushed must be recovered next time.
      if (!failedDirs.has(dir)) await fsp.writeFile(path.join(dir, CLEAN_SHUTDOWN_FILE), '').catch((err) => this.logger.error(`Writing the clean shutdown marker in ${dir} failed: ${(err as Error).message}`));
    }
    await Promise.allSettled([...this.pendingDeletes]);
    this.logs.clear();
  }

  private ensureRunning(): void {
    if (this.state !== 'running') throw new SamsaError(ErrorCode.KAFKA_STORAGE_ERROR, `log manager is ${this.state === 'new' ? 'not started' : 'shut down'}`);
  }

  private leastLoadedDir(): string {
    const live = this.liveLogDirs;
    if (live.length === 0) throw new SamsaError(ErrorCode.KAFKA_STORAGE_ERROR, 'every log directory is offline');
    return nextLogDir(live, [...this.logs.values(), ...this.creating.values()].map((m) => m.logDir));
  }

  /** A checkpoint write failed: a disk failure takes the directory offline, anything else is logged. */
  private checkpointFailed(dir: string, err: unknown): void {
    if (isLogDirFailure(err)) this.failLogDir(dir, err);
    else this.logger.error(`Checkpoint in ${dir} failed: ${(err as Error).message}`);
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
