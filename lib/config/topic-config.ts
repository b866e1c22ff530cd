/**
 * Per-topic configuration: Kafka's topic-level keys, their validation, topic-name rules, and the
 * merge of topic overrides over broker defaults into the settings a partition log runs with.
 *
 * Topic overrides live in `/config/topics/<t>` as strings; CreateTopics and AlterConfigs validate
 * them here before anything is written, so a bad value is refused per topic (INVALID_CONFIG) and
 * never reaches a broker's log manager. A topic key that is not set falls back to the broker's
 * `log.*` default, exactly as in Kafka.
 */
import { ErrorCode, SamsaError } from '../protocol/errors';
import { booleanKey, doubleKey, enumKey, intKey, longKey, parseValue, rawEntries, RawConfig } from './config-def';
import { ConfigError } from './config-error';
import { CLEANUP_POLICIES, COMPRESSION_TYPES, TIMESTAMP_TYPES } from './broker-config-defs';
import { BrokerConfig, CleanupPolicy, CompressionType, TimestampType } from './broker-config';
import { atLeast, between } from './validators';
import { isThrottledReplicasKey, validateThrottledReplicas } from './replication-throttle-config';

/** Kafka's topic keys. Every default is null: an unset key inherits the broker's value. */
export const topicConfigDefs = {
  'cleanup.policy': enumKey(CLEANUP_POLICIES, { default: null, importance: 'MEDIUM', doc: 'delete old segments, or compact to the last value per key (log.cleanup.policy).' }),
  'retention.ms': longKey({ default: null, validate: atLeast(-1), importance: 'MEDIUM', doc: 'How long to keep data; -1 keeps forever (log.retention.ms).' }),
  'retention.bytes': longKey({ default: null, importance: 'MEDIUM', doc: 'Size per partition past which old segments go; -1 is unlimited (log.retention.bytes).' }),
  'segment.bytes': intKey({ default: null, validate: atLeast(14), importance: 'MEDIUM', doc: 'Segment file size (log.segment.bytes).' }),
  'segment.ms': longKey({ default: null, validate: atLeast(1), importance: 'MEDIUM', doc: 'Segment age before rolling (log.roll.ms).' }),
  'segment.index.bytes': intKey({ default: null, validate: atLeast(4), importance: 'MEDIUM', doc: 'Offset index size limit (log.index.size.max.bytes).' }),
  'index.interval.bytes': intKey({ default: null, validate: atLeast(0), importance: 'MEDIUM', doc: 'Bytes between offset index entries (log.index.interval.bytes).' }),
  'max.message.bytes': intKey({ default: null, validate: atLeast(0), importance: 'MEDIUM', doc: 'Largest record batch accepted (message.max.bytes).' }),
  'min.insync.replicas': intKey({ default: null, validate: atLeast(1), importance: 'MEDIUM', doc: 'Fewest in-sync replicas for acks=all (min.insync.replicas).' }),
  'flush.messages': longKey({ default: null, validate: atLeast(1), importance: 'MEDIUM', doc: 'Messages between fsyncs (log.flush.interval.messages).' }),
  'flush.ms': longKey({ default: null, validate: atLeast(0), importance: 'MEDIUM', doc: 'Maximum time between fsyncs (log.flush.interval.ms).' }),
  'unclean.leader.election.enable': booleanKey({ default: null, importance: 'MEDIUM', doc: 'Allow out-of-sync leaders (unclean.leader.election.enable).' }),
  'compression.type': enumKey(COMPRESSION_TYPES, { default: null, importance: 'MEDIUM', doc: 'Stored compression; producer keeps what was sent (compression.type).' }),
  'message.timestamp.type': enumKey(TIMESTAMP_TYPES, { default: null, importance: 'MEDIUM', doc: 'CreateTime or LogAppendTime (log.message.timestamp.type).' }),
  'delete.retention.ms': longKey({ default: null, validate: atLeast(0), importance: 'MEDIUM', doc: 'How long tombstones survive compaction (log.cleaner.delete.retention.ms).' }),
  'min.cleanable.dirty.ratio': doubleKey({ default: null, validate: between(0, 1), importance: 'MEDIUM', doc: 'Dirty fraction that triggers compaction (log.cleaner.min.cleanable.ratio).' }),
  'message.timestamp.difference.max.ms': longKey({ default: null, validate: atLeast(0), importance: 'MEDIUM', doc: 'Largest gap between a CreateTime timestamp and the broker clock (log.message.timestamp.difference.max.ms).' }),
  'min.compaction.lag.ms': longKey({ default: null, validate: atLeast(0), importance: 'MEDIUM', doc: 'Minimum age of a record before it may be compacted (log.cleaner.min.compaction.lag.ms).' }),
  'max.compaction.lag.ms': longKey({ default: null, validate: atLeast(1), importance: 'MEDIUM', doc: 'Maximum time a record stays uncompacted (log.cleaner.max.compaction.lag.ms).' }),
};

export type TopicConfigName = keyof typeof topicConfigDefs;

/** Settings a partition log runs with, after topic overrides are applied to broker defaults. */
export interface LogConfig {
  segmentBytes: number;
  segmentMs: number;
  indexIntervalBytes: number;
  indexSizeMaxBytes: number;
  maxMessageBytes: number;
  flushIntervalMessages: number;
  /** null: no time-based flush. */
  flushIntervalMs: number | null;
  /** -1: keep forever. */
  retentionMs: number;
  /** -1: unlimited. */
  retentionBytes: number;
  cleanupPolicy: CleanupPolicy;
  deleteRetentionMs: number;
  minCleanableDirtyRatio: number;
  minInsyncReplicas: number;
  uncleanLeaderElectionEnable: boolean;
  compressionType: CompressionType;
  messageTimestampType: TimestampType;
  messageTimestampDifferenceMaxMs: number;
  minCompactionLagMs: number;
  maxCompactionLagMs: number;
}

/** Typed topic overrides: only the keys a topic sets. */
export type TopicOverrides = Partial<LogConfig>;

/** Which LogConfig field each topic key sets. */
const FIELD_OF: { readonly [K in TopicConfigName]: keyof LogConfig } = {
  'cleanup.policy': 'cleanupPolicy',
  'retention.ms': 'retentionMs',
  'retention.bytes': 'retentionBytes',
  'segment.bytes': 'segmentBytes',
  'segment.ms': 'segmentMs',
  'segment.index.bytes': 'indexSizeMaxBytes',
  'index.interval.bytes': 'indexIntervalBytes',
  'max.message.bytes': 'maxMessageBytes',
  'min.insync.replicas': 'minInsyncReplicas',
  'flush.messages': 'flushIntervalMessages',
  'flush.ms': 'flushIntervalMs',
  'unclean.leader.election.enable': 'uncleanLeaderElectionEnable',
  'compression.type': 'compressionType',
  'message.timestamp.type': 'messageTimestampType',
  'delete.retention.ms': 'deleteRetentionMs',
  'min.cleanable.dirty.ratio': 'minCleanableDirtyRatio',
  'message.timestamp.difference.max.ms': 'messageTimestampDifferenceMaxMs',
  'min.compaction.lag.ms': 'minCompactionLagMs',
  'max.compaction.lag.ms': 'maxCompactionLagMs',
};

export function isTopicConfigName(name: string): name is TopicConfigName {
  return Object.prototype.hasOwnProperty.call(topicConfigDefs, name);
}

/**
 * Validates raw topic configs (as sent in CreateTopics or stored in ZooKeeper) and returns typed
 * overrides. An unknown key or bad value throws ConfigError (wire code INVALID_CONFIG).
 */
export function parseTopicConfig(raw: RawConfig): TopicOverrides {
  const overrides: Record<string, unknown> = {};
  for (const [name, value] of rawEntries(raw)) {
    if (isThrottledReplicasKey(name)) {
      // Replication throttles are not log settings: checked here, applied by lib/broker/replication-quotas.ts.
      if (value !== null && value !== undefined) validateThrottledReplicas(name, value);
      continue;
    }
    if (!isTopicConfigName(name)) throw new ConfigError(`Unknown topic config name: ${name}`, { key: name, value });
    if (value === null || value === undefined) continue;
    overrides[FIELD_OF[name]] = parseValue<unknown>(name, topicConfigDefs[name], value);
  }
  const typed = overrides as TopicOverrides;
  // Kafka's LogConfig.validateValues: a record cannot have to wait longer than it may stay dirty.
  if (typed.minCompactionLagMs !== undefined && typed.maxCompactionLagMs !== undefined && typed.minCompactionLagMs > typed.maxCompactionLagMs) {
    throw new ConfigError(`conflict topic config setting min.compaction.lag.ms (${typed.minCompactionLagMs}) > max.compaction.lag.ms (${typed.maxCompactionLagMs})`,
      { key: 'min.compaction.lag.ms', value: typed.minCompactionLagMs });
  }
  return typed;
}

/** The CreateTopics/AlterConfigs check: throws exactly what parseTopicConfig would. */
export function validateTopicConfig(raw: RawConfig): void {
  parseTopicConfig(raw);
}

/** The broker-level value each topic key falls back to. */
export function brokerLogDefaults(broker: BrokerConfig): LogConfig {
  return {
    segmentBytes: broker.segmentBytes,
    segmentMs: broker.segmentMs,
    indexIntervalBytes: broker.indexIntervalBytes,
    indexSizeMaxBytes: broker.indexSizeMaxBytes,
    maxMessageBytes: broker.messageMaxBytes,
    flushIntervalMessages: broker.flushIntervalMessages,
    flushIntervalMs: broker.flushIntervalMs,
    retentionMs: broker.retentionMs,
    retentionBytes: broker.retentionBytes,
    cleanupPolicy: broker.cleanupPolicy,
    deleteRetentionMs: broker.deleteRetentionMs,
    minCleanableDirtyRatio: broker.minCleanableDirtyRatio,
    minInsyncReplicas: broker.minInsyncReplicas,
    uncleanLeaderElectionEnable: broker.uncleanLeaderElectionEnable,
    compressionType: broker.compressionType,
    messageTimestampType: broker.messageTimestampType,
    messageTimestampDifferenceMaxMs: broker.messageTimestampDifferenceMaxMs,
    minCompactionLagMs: broker.minCompactionLagMs,
    maxCompactionLagMs: broker.maxCompactionLagMs,
  };
}

/**
 * Topic overrides win over broker defaults. `overrides` may be typed (from parseTopicConfig) or
 * the raw strings of `/config/topics/<t>`; raw input is validated on the way.
 */
export function effectiveLogConfig(broker: BrokerConfig, overrides: TopicOverrides | RawConfig = {}): LogConfig {
  const typed = looksRaw(overrides) ? parseTopicConfig(overrides as RawConfig) : (overrides as TopicOverrides);
  const result = brokerLogDefaults(broker);
  for (const [field, value] of Object.entries(typed) as [keyof LogConfig, unknown][]) {
    if (value !== undefined) (result as unknown as Record<string, unknown>)[field] = value;
  }
  // A negative retention anywhere means "forever"; keep one spelling of it.
  if (result.retentionMs < 0) result.retentionMs = -1;
  if (result.retentionBytes < 0) result.retentionBytes = -1;
  return result;
}

/** Raw topic configs use Kafka's dotted names; typed overrides use LogConfig's field names. */
function looksRaw(overrides: TopicOverrides | RawConfig): boolean {
  const keys = overrides instanceof Map ? [...overrides.keys()] : Object.keys(overrides);
  return keys.some((key) => !isLogConfigField(key));
}

const LOG_CONFIG_FIELDS = new Set<string>(Object.values(FIELD_OF));
function isLogConfigField(name: string): boolean {
  return LOG_CONFIG_FIELDS.has(name);
}

export interface TopicConfigEntry {
  name: TopicConfigName;
  value: string;
  /** True when the topic sets the key; false when the broker default shows through. */
  isOverride: boolean;
}

/** Every topic key with its effective value as a string, for DescribeConfigs and `--describe`. */
export function describeTopicConfig(broker: BrokerConfig, raw: RawConfig = {}): TopicConfigEntry[] {
  const overrides = parseTopicConfig(raw);
  const effective = effectiveLogConfig(broker, overrides);
  return (Object.keys(FIELD_OF) as TopicConfigName[]).map((name) => {
    const field = FIELD_OF[name];
    const value = effective[field];
    return { name, value: value === null ? '' : String(value), isOverride: overrides[field] !== undefined };
  });
}

export const MAX_TOPIC_NAME_LENGTH = 249;
const LEGAL_TOPIC_NAME = /^[a-zA-Z0-9._-]+$/;

/** Kafka's reason a topic name is invalid, or null when it is valid. */
export function topicNameProblem(name: string): string | null {
  if (name.length === 0) return 'Topic name is invalid: the empty string is not allowed';
  if (name === '.') return "Topic name is invalid: '.' is not allowed";
  if (name === '..') return "Topic name is invalid: '..' is not allowed";
  if (name.length > MAX_TOPIC_NAME_LENGTH) {
    return `Topic name is invalid: the length of '${name}' is longer than the max allowed length ${MAX_TOPIC_NAME_LENGTH}`;
  }
  if (!LEGAL_TOPIC_NAME.test(name)) {
    return `Topic name is invalid: '${name}' contains one or more characters other than ASCII alphanumerics, '.', '_' and '-'`;
  }
  return null;
}

export function isValidTopicName(name: string): boolean {
  return topicNameProblem(name) === null;
}

/** Throws SamsaError(INVALID_TOPIC_EXCEPTION) with Kafka's message when `name` breaks the rules. */
export function validateTopicName(name: string): void {
  const problem = topicNameProblem(name);
  if (problem !== null) throw new SamsaError(ErrorCode.INVALID_TOPIC_EXCEPTION, problem);
}
