/**
 * What a LogManager is built with (log-manager.ts): its directories, the settings of the logs it
 * opens, its background timers, and the hooks through which the broker hears of it.
 */
import type { LogCleanerObserver } from './log-cleaner-manager';
import type { LogConfig } from './log-config';
import type { LogFlushObserver } from './partition-log-types';
import type { RetentionResult } from './retention';

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
  /** A directory just went offline (not called for those found failed at startup: see offlineDirs). */
  onLogDirFailure?: (dir: string, allFailed: boolean) => void;
}

/** One log's part of a retention run that deleted something. */
export interface LogRetentionOutcome extends RetentionResult {
  topic: string;
  partition: number;
}
