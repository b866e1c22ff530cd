/**
 * Consumer options: the public interface, Kafka's defaults, and the mapping from Kafka property
 * names (`auto.offset.reset`, `fetch.min.bytes`, `group.id`, ...) through
 * lib/config/client-config.ts. Group settings are checked here with Kafka's rules (heartbeats
 * beat the session timeout, assignor names exist), so the coordinator never sees a bad mix.
 */
import { IsolationLevel, consumerConfigDefs, parseConsumerConfig } from '../config/client-config';
import { configDefault } from '../config/config-default';
import { assignorsByNames, PartitionAssignor } from '../group/assignors';
import { ErrorCode } from '../protocol/errors';
import { clientLogger } from './client-logger';
import { ClientOptions, commonClientOptions, ResolvedClientOptions, resolveClientOptions } from './client-options';
import { userError } from './client-errors';
import { loadConsumerInterceptors, loadDeserializer } from './client-plugins';
import type { ConsumerExtensionOptions } from './consumer-extensions';
import type { ConsumerInterceptor } from './consumer-interceptors';
import type { Deserializer } from './serializers';

export type AutoOffsetReset = 'earliest' | 'latest' | 'none';

/**
 * K and V are what the deserializers return (default: Buffers). The extension options
 * (keyDeserializer, valueDeserializer, interceptors) are described in docs/client.md.
 */
export interface ConsumerOptions<K = Buffer, V = Buffer> extends ClientOptions, ConsumerExtensionOptions<K, V> {
  /** Where to start when a partition has no position or its position is out of range. Default 'latest'. */
  autoOffsetReset?: AutoOffsetReset;
  fetchMinBytes?: number;
  fetchMaxBytes?: number;
  fetchMaxWaitMs?: number;
  maxPartitionFetchBytes?: number;
  maxPollRecords?: number;
  /** The consumer group; needed for subscribe() and for committing offsets. */
  groupId?: string;
  /** group.instance.id: makes the member static (KIP-345); a restart within sessionTimeoutMs keeps its partitions. */
  groupInstanceId?: string;
  /** Keep internal topics (__consumer_offsets) out of pattern subscriptions. Default true. */
  excludeInternalTopics?: boolean;
  /** Missing heartbeats this long removes the member from the group. Default 45000. */
  sessionTimeoutMs?: number;
  /** Default 3000; must be below sessionTimeoutMs. */
  heartbeatIntervalMs?: number;
  /** Longest gap between poll() calls before the member leaves the group; also the rebalance timeout. Default 300000. */
  maxPollIntervalMs?: number;
  /** Assignor names in order of preference: range, roundrobin, sticky, cooperative-sticky (or Kafka's class names). Default ['range']. */
  partitionAssignmentStrategy?: string[];
  /** Commit positions every autoCommitIntervalMs, before a rebalance and on close. Default true with a groupId. */
  enableAutoCommit?: boolean;
  autoCommitIntervalMs?: number;
  /** Bound on blocking calls without their own timeout (commitSync, committed, close). Default 60000. */
  defaultApiTimeoutMs?: number;
  /**
   * 'read_committed' returns only records of committed transactions and stops at the last stable
   * offset (the first still-open transaction); 'read_uncommitted' returns everything up to the
   * high watermark. Control records (commit/abort markers) are never returned. Default 'read_uncommitted'.
   */
  isolationLevel?: IsolationLevel;
}

export interface ResolvedConsumerOptions extends ResolvedClientOptions {
  autoOffsetReset: AutoOffsetReset;
  fetchMinBytes: number;
  fetchMaxBytes: number;
  fetchMaxWaitMs: number;
  maxPartitionFetchBytes: number;
  maxPollRecords: number;
  groupId: string | null;
  groupInstanceId: string | null;
  excludeInternalTopics: boolean;
  sessionTimeoutMs: number;
  heartbeatIntervalMs: number;
  maxPollIntervalMs: number;
  /** In order of preference; JoinGroup advertises them in this order. */
  assignors: PartitionAssignor[];
  enableAutoCommit: boolean;
  autoCommitIntervalMs: number;
  defaultApiTimeoutMs: number;
  isolationLevel: IsolationLevel;
}

const consumer = <K extends keyof typeof consumerConfigDefs & string>(key: K) => configDefault(consumerConfigDefs, key);

/** The property definitions' defaults, so code and properties files behave alike. */
export const CONSUMER_DEFAULTS = {
  autoOffsetReset: consumer('auto.offset.reset'),
  fetchMinBytes: consumer('fetch.min.bytes'),
  fetchMaxBytes: consumer('fetch.max.bytes'),
  fetchMaxWaitMs: consumer('fetch.max.wait.ms'),
  maxPartitionFetchBytes: consumer('max.partition.fetch.bytes'),
  maxPollRecords: consumer('max.poll.records'),
  sessionTimeoutMs: consumer('session.timeout.ms'),
  heartbeatIntervalMs: consumer('heartbeat.interval.ms'),
  maxPollIntervalMs: consumer('max.poll.interval.ms'),
  partitionAssignmentStrategy: consumer('partition.assignment.strategy'),
  autoCommitIntervalMs: consumer('auto.commit.interval.ms'),
  defaultApiTimeoutMs: consumer('default.api.timeout.ms'),
  isolationLevel: consumer('isolation.level'),
} as const;

/** The wire value of an isolation level (Fetch and ListOffsets): 0 read_uncommitted, 1 read_committed. */
export function isolationLevelId(level: IsolationLevel): 0 | 1 {
  return level === 'read_committed' ? 1 : 0;
}

let clientSequence = 0;

/** Kafka's default client.id for consumers: `consumer-<group>-<n>`, or `consumer-<n>` without a group. */
function defaultClientId(groupId: string | null): string {
  clientSequence++;
  return groupId === null ? `consumer-${clientSequence}` : `consumer-${groupId}-${clientSequence}`;
}

function count(name: string, value: number | undefined, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value < min) {
    throw userError(ErrorCode.INVALID_CONFIG, `Invalid value ${String(value)} for ${name}: must be a number >= ${min}`);
  }
  return value;
}

export function resolveConsumerOptions<K, V>(options: ConsumerOptions<K, V>): ResolvedConsumerOptions {
  const reset = options.autoOffsetReset ?? CONSUMER_DEFAULTS.autoOffsetReset;
  if (reset !== 'earliest' && reset !== 'latest' && reset !== 'none') {
    throw userError(ErrorCode.INVALID_CONFIG, `Invalid value ${String(reset)} for autoOffsetReset: must be earliest, latest or none`);
  }
  const groupId = options.groupId ?? null;
  if (groupId !== null && groupId.trim() === '') {
    throw userError(ErrorCode.INVALID_GROUP_ID, 'The configured groupId is invalid: it must not be empty');
  }
  const groupInstanceId = options.groupInstanceId ?? null;
  if (groupInstanceId !== null && !/^[a-zA-Z0-9._-]{1,249}$/.test(groupInstanceId)) {
    // Kafka's JoinGroupRequest.validateGroupInstanceId: the rules of topic names.
    throw userError(ErrorCode.INVALID_CONFIG, `Invalid value ${JSON.stringify(groupInstanceId)} for groupInstanceId: it must be 1-249 characters of ASCII alphanumerics, '.', '_' and '-'`);
  }
  const sessionTimeoutMs = count('sessionTimeoutMs', options.sessionTimeoutMs, CONSUMER_DEFAULTS.sessionTimeoutMs, 1);
  const heartbeatIntervalMs = count('heartbeatIntervalMs', options.heartbeatIntervalMs, CONSUMER_DEFAULTS.heartbeatIntervalMs, 1);
  if (heartbeatIntervalMs >= sessionTimeoutMs) {
    throw userError(ErrorCode.INVALID_CONFIG, `Invalid value ${heartbeatIntervalMs} for heartbeatIntervalMs: Heartbeat must be set lower than the session timeout (${sessionTimeoutMs})`);
  }
  const enableAutoCommit = options.enableAutoCommit ?? groupId !== null;
  if (enableAutoCommit && groupId === null) {
    throw userError(ErrorCode.INVALID_CONFIG, 'enableAutoCommit cannot be set to true when default group id (null) is used.');
  }
  const isolationLevel = options.isolationLevel ?? CONSUMER_DEFAULTS.isolationLevel;
  if (isolationLevel !== 'read_committed' && isolationLevel !== 'read_uncommitted') {
    throw userError(ErrorCode.INVALID_CONFIG, `Invalid value ${String(isolationLevel)} for isolationLevel: must be read_committed or read_uncommitted`);
  }
  const strategy = options.partitionAssignmentStrategy ?? [...CONSUMER_DEFAULTS.partitionAssignmentStrategy];
  if (strategy.length === 0) throw userError(ErrorCode.INVALID_CONFIG, 'partitionAssignmentStrategy must name at least one assignor');
  return {
    ...resolveClientOptions({ ...options, clientId: options.clientId ?? defaultClientId(groupId) }),
    autoOffsetReset: reset,
    fetchMinBytes: count('fetchMinBytes', options.fetchMinBytes, CONSUMER_DEFAULTS.fetchMinBytes, 0),
    fetchMaxBytes: count('fetchMaxBytes', options.fetchMaxBytes, CONSUMER_DEFAULTS.fetchMaxBytes, 1),
    fetchMaxWaitMs: count('fetchMaxWaitMs', options.fetchMaxWaitMs, CONSUMER_DEFAULTS.fetchMaxWaitMs, 0),
    maxPartitionFetchBytes: count('maxPartitionFetchBytes', options.maxPartitionFetchBytes, CONSUMER_DEFAULTS.maxPartitionFetchBytes, 1),
    maxPollRecords: count('maxPollRecords', options.maxPollRecords, CONSUMER_DEFAULTS.maxPollRecords, 1),
    groupId,
    groupInstanceId,
    excludeInternalTopics: options.excludeInternalTopics ?? consumer('exclude.internal.topics'),
    sessionTimeoutMs,
    heartbeatIntervalMs,
    maxPollIntervalMs: count('maxPollIntervalMs', options.maxPollIntervalMs, CONSUMER_DEFAULTS.maxPollIntervalMs, 1),
    assignors: assignorsByNames(strategy),
    enableAutoCommit,
    autoCommitIntervalMs: count('autoCommitIntervalMs', options.autoCommitIntervalMs, CONSUMER_DEFAULTS.autoCommitIntervalMs, 0),
    defaultApiTimeoutMs: count('defaultApiTimeoutMs', options.defaultApiTimeoutMs, CONSUMER_DEFAULTS.defaultApiTimeoutMs, 0),
    isolationLevel,
  };
}

/**
 * Kafka property names → ConsumerOptions; unknown keys are logged, invalid values throw
 * ConfigError. Plug-ins named by interceptor.classes and the deserializer keys are loaded here
 * (lib/client/client-plugins.ts) and configured with `props`.
 */
export function consumerOptionsFromProperties<K = Buffer, V = Buffer>(props: Record<string, string>): ConsumerOptions<K, V> {
  const { config, unknownKeys } = parseConsumerConfig(props);
  return {
    keyDeserializer: config.keyDeserializer === null ? undefined : loadDeserializer(config.keyDeserializer, 'key.deserializer', props) as Deserializer<K>,
    valueDeserializer: config.valueDeserializer === null ? undefined : loadDeserializer(config.valueDeserializer, 'value.deserializer', props) as Deserializer<V>,
    interceptors: loadConsumerInterceptors(config.interceptorClasses, props) as ConsumerInterceptor<K, V>[],
    ...commonClientOptions(config, unknownKeys, clientLogger(undefined, 'consumer')),
    autoOffsetReset: config.autoOffsetReset,
    fetchMinBytes: config.fetchMinBytes,
    fetchMaxBytes: config.fetchMaxBytes,
    fetchMaxWaitMs: config.fetchMaxWaitMs,
    maxPartitionFetchBytes: config.maxPartitionFetchBytes,
    maxPollRecords: config.maxPollRecords,
    groupId: config.groupId ?? undefined,
    groupInstanceId: config.groupInstanceId ?? undefined,
    excludeInternalTopics: config.excludeInternalTopics,
    sessionTimeoutMs: config.sessionTimeoutMs,
    heartbeatIntervalMs: config.heartbeatIntervalMs,
    maxPollIntervalMs: config.maxPollIntervalMs,
    partitionAssignmentStrategy: config.partitionAssignmentStrategy,
    enableAutoCommit: config.enableAutoCommit,
    autoCommitIntervalMs: config.autoCommitIntervalMs,
    defaultApiTimeoutMs: config.defaultApiTimeoutMs,
    isolationLevel: config.isolationLevel,
  };
}
