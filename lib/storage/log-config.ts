/**
 * The per-partition settings a log obeys, with Kafka's defaults, checked once when a log opens.
 *
 * The broker builds a LogConfig from `log.*` broker keys and `/config/topics/<t>` overrides
 * (lib/config); storage only sees the resolved numbers. The defaults below are those keys'
 * defaults, read from their definitions. Values that would break file formats
 * (a segment larger than an int32 file position) are refused here rather than discovered on disk.
 */
import { brokerConfigDefs } from '../config/broker-config-defs';
import { configDefault } from '../config/config-default';
import { ErrorCode, SamsaError } from '../protocol/errors';
import { BATCH_HEADER_SIZE } from '../record/batch-header';

export type TimestampType = 'CreateTime' | 'LogAppendTime';
/** Kafka's cleanup.policy is a list: `compact,delete` compacts and also applies retention. */
export type CleanupPolicy = 'delete' | 'compact' | 'compact,delete' | 'delete,compact';

export interface LogConfig {
  /** segment.bytes: a segment rolls before it would grow past this. */
  segmentBytes: number;
  /** index.interval.bytes: bytes appended between two sparse index entries. */
  indexIntervalBytes: number;
  /** max.message.bytes: the largest batch accepted from a producer. */
  maxMessageBytes: number;
  /** segment.ms: a non-empty segment rolls once it is this old. */
  segmentMs: number;
  /** flush.messages: fsync after this many records; a huge value leaves durability to replication. */
  flushIntervalMessages: number;
  /** flush.ms: fsync at most this long after unflushed data arrives; huge values disable the timer. */
  flushIntervalMs: number;
  /** segment.index.bytes: a full offset or time index rolls the segment. */
  indexSizeMaxBytes: number;
  /** message.timestamp.type: LogAppendTime makes the broker stamp its clock into each batch. */
  messageTimestampType?: TimestampType;
  /** retention.ms: segments whose newest record is older than this are deleted; -1 (or absent) keeps forever. */
  retentionMs?: number;
  /** retention.bytes: oldest segments go while the rest stays at least this big; -1 (or absent) is unlimited. */
  retentionBytes?: number;
  /** cleanup.policy: retention deletes segments under 'delete' (the default); the log cleaner compacts under 'compact'. */
  cleanupPolicy?: CleanupPolicy;
  /** delete.retention.ms: how long a tombstone stays in the cleaned part of a compacted log. */
  deleteRetentionMs?: number;
  /** min.cleanable.dirty.ratio: the dirty share of a compacted log above which the cleaner takes it. */
  minCleanableDirtyRatio?: number;
  /** file.delete.delay.ms: how long a deleted segment's renamed files stay readable before removal. */
  fileDeleteDelayMs?: number;
  /** message.timestamp.difference.max.ms: a leader refuses CreateTime records further than this from its clock. */
  messageTimestampDifferenceMaxMs?: number;
  /** compression.type: `producer` keeps each batch's codec; otherwise a leader stores batches in this one (recompress.ts). */
  compressionType?: 'uncompressed' | 'zstd' | 'lz4' | 'snappy' | 'gzip' | 'producer';
  /** min.compaction.lag.ms: the cleaner leaves segments holding records younger than this. */
  minCompactionLagMs?: number;
  /** max.compaction.lag.ms: dirty records older than this get cleaned whatever the dirty ratio. */
  maxCompactionLagMs?: number;
}

const broker = <K extends keyof typeof brokerConfigDefs & string>(key: K) => configDefault(brokerConfigDefs, key);
const HOUR_MS = 60 * 60 * 1000;

/** log.cleaner.delete.retention.ms: tombstones survive a day in the cleaned part of the log. */
export const DEFAULT_DELETE_RETENTION_MS = broker('log.cleaner.delete.retention.ms');
export const DEFAULT_MIN_CLEANABLE_DIRTY_RATIO = broker('log.cleaner.min.cleanable.ratio');

/** Kafka's file.delete.delay.ms: readers that already hold a deleted segment get a minute to finish. */
export const DEFAULT_FILE_DELETE_DELAY_MS = 60000;

/** The broker keys' defaults (log.segment.bytes, log.index.interval.bytes, message.max.bytes, log.roll.hours, ...). */
export const DEFAULT_LOG_CONFIG: Readonly<LogConfig> = Object.freeze({
  segmentBytes: broker('log.segment.bytes'),
  indexIntervalBytes: broker('log.index.interval.bytes'),
  maxMessageBytes: broker('message.max.bytes'),
  segmentMs: broker('log.roll.hours') * HOUR_MS,
  flushIntervalMessages: broker('log.flush.interval.messages'),
  // log.flush.interval.ms defaults to unset: no flush timer.
  flushIntervalMs: Number.MAX_SAFE_INTEGER,
  indexSizeMaxBytes: broker('log.index.size.max.bytes'),
  messageTimestampType: broker('log.message.timestamp.type'),
  retentionMs: broker('log.retention.hours') * HOUR_MS,
  retentionBytes: broker('log.retention.bytes'),
  cleanupPolicy: broker('log.cleanup.policy'),
  deleteRetentionMs: DEFAULT_DELETE_RETENTION_MS,
  minCleanableDirtyRatio: DEFAULT_MIN_CLEANABLE_DIRTY_RATIO,
  fileDeleteDelayMs: DEFAULT_FILE_DELETE_DELAY_MS,
  messageTimestampDifferenceMaxMs: broker('log.message.timestamp.difference.max.ms'),
  minCompactionLagMs: broker('log.cleaner.min.compaction.lag.ms'),
  maxCompactionLagMs: broker('log.cleaner.max.compaction.lag.ms'),
});

/** setTimeout overflows above this and fires at once, so longer flush intervals mean "no timer". */
export const MAX_TIMER_MS = 0x7fffffff;

/** Throws INVALID_CONFIG when a value cannot work with the on-disk formats. */
export function validateLogConfig(config: LogConfig): void {
  const fail = (detail: string): never => {
    throw new SamsaError(ErrorCode.INVALID_CONFIG, detail);
  };
  // Offset index positions are int32, so no segment may outgrow an int32 file position.
  if (!Number.isInteger(config.segmentBytes) || config.segmentBytes < BATCH_HEADER_SIZE || config.segmentBytes > 0x7fffffff) {
    fail(`segmentBytes ${config.segmentBytes} must be an integer in [${BATCH_HEADER_SIZE}, 2^31-1]`);
  }
  if (!Number.isInteger(config.indexIntervalBytes) || config.indexIntervalBytes < 0) fail(`indexIntervalBytes ${config.indexIntervalBytes} must be >= 0`);
  if (!Number.isInteger(config.maxMessageBytes) || config.maxMessageBytes < 0) fail(`maxMessageBytes ${config.maxMessageBytes} must be >= 0`);
  if (!(config.segmentMs > 0)) fail(`segmentMs ${config.segmentMs} must be > 0`);
  if (!(config.flushIntervalMessages >= 1)) fail(`flushIntervalMessages ${config.flushIntervalMessages} must be >= 1`);
  if (!(config.flushIntervalMs >= 0)) fail(`flushIntervalMs ${config.flushIntervalMs} must be >= 0`);
  if (!Number.isInteger(config.indexSizeMaxBytes) || config.indexSizeMaxBytes < 4) fail(`indexSizeMaxBytes ${config.indexSizeMaxBytes} must be >= 4`);
  for (const name of ['retentionMs', 'retentionBytes'] as const) {
    const value = config[name];
    if (value !== undefined && (!Number.isInteger(value) || value < -1)) fail(`${name} ${value} must be an integer >= -1`);
  }
  const tombstoneMs = config.deleteRetentionMs;
  if (tombstoneMs !== undefined && (!Number.isInteger(tombstoneMs) || tombstoneMs < 0)) fail(`deleteRetentionMs ${tombstoneMs} must be an integer >= 0`);
  const ratio = config.minCleanableDirtyRatio;
  if (ratio !== undefined && !(ratio >= 0 && ratio <= 1)) fail(`minCleanableDirtyRatio ${ratio} must be in [0, 1]`);
  for (const name of ['messageTimestampDifferenceMaxMs', 'minCompactionLagMs'] as const) {
    const value = config[name];
    if (value !== undefined && !(value >= 0)) fail(`${name} ${value} must be >= 0`);
  }
  if (config.maxCompactionLagMs !== undefined && !(config.maxCompactionLagMs >= 1)) fail(`maxCompactionLagMs ${config.maxCompactionLagMs} must be >= 1`);
  const delay = config.fileDeleteDelayMs;
  if (delay !== undefined && (!Number.isInteger(delay) || delay < 0)) fail(`fileDeleteDelayMs ${delay} must be an integer >= 0`);
}

/** True when the log cleaner compacts this log (`compact` is one of the listed policies). */
export function isCompacted(config: Readonly<LogConfig>): boolean {
  return hasCleanupPolicy(config, 'compact');
}

/** True when retention deletes old segments of this log (`delete` is listed, or nothing is). */
export function deletesSegments(config: Readonly<LogConfig>): boolean {
  return hasCleanupPolicy(config, 'delete');
}

/**
 * How old the active segment may get before it rolls: segment.ms, or max.compaction.lag.ms when
 * that is shorter on a compacted log, since the cleaner never touches the active segment
 * (Kafka's LogConfig.maxSegmentMs).
 */
export function maxSegmentMs(config: Readonly<LogConfig>): number {
  const lag = config.maxCompactionLagMs;
  return lag !== undefined && lag > 0 && isCompacted(config) ? Math.min(config.segmentMs, lag) : config.segmentMs;
}

/**
 * message.timestamp.difference.max.ms when a leader must check it, else null: off by default
 * (Long.MAX_VALUE) and for LogAppendTime logs, whose timestamps are the broker's own.
 */
export function timestampDifferenceLimit(config: Readonly<LogConfig>): number | null {
  const max = config.messageTimestampDifferenceMaxMs;
  return max !== undefined && max < Number.MAX_SAFE_INTEGER && config.messageTimestampType !== 'LogAppendTime' ? max : null;
}

/** Asked on every append: the usual single policy is answered without splitting the list. */
function hasCleanupPolicy(config: Readonly<LogConfig>, policy: string): boolean {
  const value = config.cleanupPolicy ?? 'delete';
  if (value === policy) return true;
  return value.includes(policy) && cleanupPolicies(config).includes(policy);
}

function cleanupPolicies(config: Readonly<LogConfig>): string[] {
  return (config.cleanupPolicy ?? 'delete').split(',').map((p) => p.trim());
}
