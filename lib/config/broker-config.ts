/**
 * The broker's typed configuration: loads `server.properties` plus `--override` flags, validates
 * every key, and resolves the relationships between keys into one camelCase object.
 *
 * Everything downstream (storage, controller, network) reads `BrokerConfig`, never raw strings,
 * so a typo in a value stops the broker at startup with a message naming the key, instead of
 * surfacing later as NaN. Unknown keys are returned rather than logged so the caller decides how
 * loudly to warn (the broker logs one warning per key, like Kafka).
 */
import * as path from 'path';
import { ConfigError } from './config-error';
import { parseConfig, RawConfig, ValuesOf } from './config-def';
import { parseSuperUsers } from '../security/acl/acl-match';
import { BrokerConfigDefs, brokerConfigDefs, CLEANUP_POLICIES, COMPRESSION_TYPES, LOG_LEVELS, TIMESTAMP_TYPES } from './broker-config-defs';
import { formatListener, HostPort, Listener, parseHttpListener, parseZookeeperConnect, ZookeeperConnect } from './endpoints';
import { resolveListeners } from './listener-config';
import { mergeProperties, parseOverrides, readPropertiesFile } from './properties';
import { refuseUnsupportedSecurity } from './unsupported-security';
import { isListenerSslKey, ListenerTls, resolveListenerTls } from '../security/tls/listener-tls';
import { usesTls } from '../security/security-protocol';
import { BrokerSaslConfig, resolveBrokerSasl } from '../security/sasl/broker-sasl-config';

export type CleanupPolicy = (typeof CLEANUP_POLICIES)[number];
export type CompressionType = (typeof COMPRESSION_TYPES)[number];
export type TimestampType = (typeof TIMESTAMP_TYPES)[number];
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface BrokerConfig {
  brokerId: number;
  brokerRack: string | null;
  /** Every listener to bind (see listener-config.ts for the rules). */
  listeners: Listener[];
  /** What goes into `/brokers/ids/<id>`; a port of 0 means "the port the listener got bound to". */
  advertisedListeners: Listener[];
  /** A native-protocol listener: the controller and replica fetchers reach brokers through it. */
  interBrokerListenerName: string;
  /** TLS settings of every SSL and SASL_SSL listener, by listener name; stores already read and checked. */
  listenerTls: Readonly<Record<string, ListenerTls>>;
  /** Absolute data directories (relative paths were resolved against the working directory). */
  logDirs: string[];
  /** Absolute directory for server.log. */
  logsDir: string;
  logLevel: LogLevel;
  /** The connect string as configured, chroot included: node-zookeeper-client understands it. */
  zookeeperConnect: string;
  zookeeper: ZookeeperConnect;
  zookeeperSessionTimeoutMs: number;
  zookeeperConnectionTimeoutMs: number;
  numPartitions: number;
  defaultReplicationFactor: number;
  autoCreateTopicsEnable: boolean;
  deleteTopicEnable: boolean;
  segmentBytes: number;
  indexIntervalBytes: number;
  indexSizeMaxBytes: number;
  segmentMs: number;
  flushIntervalMessages: number;
  /** null: no time-based flush. */
  flushIntervalMs: number | null;
  /** -1: keep forever. */
  retentionMs: number;
  /** -1: unlimited. */
  retentionBytes: number;
  retentionCheckIntervalMs: number;
  cleanupPolicy: CleanupPolicy;
  logCleanerEnable: boolean;
  logCleanerBackoffMs: number;
  minCleanableDirtyRatio: number;
  deleteRetentionMs: number;
  messageTimestampType: TimestampType;
  /** log.message.timestamp.difference.max.ms */
  messageTimestampDifferenceMaxMs: number;
  /** log.cleaner.min.compaction.lag.ms / log.cleaner.max.compaction.lag.ms */
  minCompactionLagMs: number;
  maxCompactionLagMs: number;
  compressionType: CompressionType;
  messageMaxBytes: number;
  socketRequestMaxBytes: number;
  /** Also Samsa's bound on in-flight requests per connection. */
  queuedMaxRequests: number;
  requestTimeoutMs: number;
  replicaLagTimeMaxMs: number;
  minInsyncReplicas: number;
  uncleanLeaderElectionEnable: boolean;
  replicaFetchMaxBytes: number;
  replicaFetchWaitMaxMs: number;
  replicaFetchMinBytes: number;
  replicaFetchBackoffMs: number;
  replicaHighWatermarkCheckpointIntervalMs: number;
  producerIdExpirationMs: number;
  numReplicaFetchers: number;
  controlledShutdownEnable: boolean;
  autoLeaderRebalanceEnable: boolean;
  leaderImbalancePerBrokerPercentage: number;
  leaderImbalanceCheckIntervalSeconds: number;
  fetchMaxBytes: number;
  offsetsTopicNumPartitions: number;
  offsetsTopicReplicationFactor: number;
  offsetsTopicSegmentBytes: number;
  offsetsRetentionMinutes: number;
  offsetsRetentionCheckIntervalMs: number;
  offsetsCommitTimeoutMs: number;
  offsetMetadataMaxBytes: number;
  groupInitialRebalanceDelayMs: number;
  groupMinSessionTimeoutMs: number;
  groupMaxSessionTimeoutMs: number;
  /** transaction.* and transactional.id.expiration.ms (lib/transaction/txn-config.ts). */
  transactionStateLogNumPartitions: number;
  transactionStateLogReplicationFactor: number;
  transactionStateLogMinIsr: number;
  transactionStateLogSegmentBytes: number;
  transactionMaxTimeoutMs: number;
  transactionalIdExpirationMs: number;
  transactionAbortTimedOutTransactionCleanupIntervalMs: number;
  transactionRemoveExpiredTransactionCleanupIntervalMs: number;
  /** SASL listeners' mechanisms and PLAIN users, the inter-broker credentials (lib/security/sasl/broker-sasl-config.ts). */
  sasl: BrokerSaslConfig;
  /** `authorizer.class.name` resolved: the ACL authorizer, or null for none (everything allowed). */
  authorizer: 'acl' | null;
  /** `super.users`, as `User:name` strings. */
  superUsers: string[];
  allowEveryoneIfNoAclFound: boolean;
  authorizerAuditLogLevel: LogLevel;
  /** `http.listener`: where /health, /ready and /metrics are served; null when off. */
  httpListener: HostPort | null;
  /** `http.metrics.partition.enable`: per-partition log series on /metrics. */
  httpMetricsPartitionEnable: boolean;
  /** `http.console.write.enable`: the web console may create and delete topics. */
  httpConsoleWriteEnable: boolean;
  /** `http.console.group.lag.sample.interval.ms`: how often the console samples group lag (ms). */
  httpConsoleGroupLagSampleIntervalMs: number;
  /** quota.window.num / quota.window.size.seconds and their replication.quota.* pair (lib/broker/quota-rate.ts). */
  quotaWindow: { numSamples: number; windowMs: number };
  replicationQuotaWindow: { numSamples: number; windowMs: number };
}

export interface LoadedBrokerConfig {
  config: BrokerConfig;
  /** Keys no definition knows; log a warning for each. */
  unknownKeys: string[];
  /** Kafka keys that were set but have no effect in Samsa; worth an info line each. */
  ignoredKeys: string[];
}

type Values = ValuesOf<BrokerConfigDefs>;

const HOUR_MS = 3_600_000;
const MINUTE_MS = 60_000;

/** Reads `file`, applies `--override key=value` flags on top, and validates the result. */
export function loadBrokerConfig(file: string, overrides: readonly string[] = []): LoadedBrokerConfig {
  return buildBrokerConfig(mergeProperties(readPropertiesFile(file), parseOverrides(overrides)));
}

/** Validates raw properties (or JS values, for brokers started in-process by tests). */
export function buildBrokerConfig(raw: RawConfig): LoadedBrokerConfig {
  refuseUnsupportedSecurity(raw);
  const { values: v, unknownKeys: unknown, ignoredKeys, providedKeys } = parseConfig(brokerConfigDefs, raw);
  const unknownKeys = unknown.filter((key) => !isListenerSslKey(key));
  const network = resolveListeners(v, providedKeys.has('listener.wire.protocol.map'));
  const listenerTls = Object.fromEntries(network.listeners.filter((l) => usesTls(l.securityProtocol)).map((l) => [l.name, resolveListenerTls(raw, l.name)]));
  const zookeeper = parseZookeeperConnect(v['zookeeper.connect']);
  if (!zookeeper.ok) throw ConfigError.invalidValue('zookeeper.connect', v['zookeeper.connect'], zookeeper.reason);
  const sasl = resolveBrokerSasl(raw, v, network.listeners, network.interBrokerListenerName);
  const config: BrokerConfig = {
    brokerId: v['broker.id'],
    brokerRack: v['broker.rack'],
    ...network,
    listenerTls,
    ...resolveDirectories(v),
    logLevel: v['log.level'],
    zookeeperConnect: v['zookeeper.connect'],
    zookeeper: zookeeper.value,
    zookeeperSessionTimeoutMs: v['zookeeper.session.timeout.ms'],
    zookeeperConnectionTimeoutMs: v['zookeeper.connection.timeout.ms'] ?? v['zookeeper.session.timeout.ms'],
    ...logSettings(v),
    ...replicationSettings(v),
    ...groupSettings(v),
    ...transactionSettings(v),
    sasl: sasl.sasl,
    authorizer: v['authorizer.class.name'] === '' ? null : 'acl',
    superUsers: parseSuperUsers(v['super.users']),
    allowEveryoneIfNoAclFound: v['allow.everyone.if.no.acl.found'],
    authorizerAuditLogLevel: v['authorizer.audit.log.level'],
    httpListener: httpListener(v['http.listener']),
    httpMetricsPartitionEnable: v['http.metrics.partition.enable'],
    httpConsoleWriteEnable: v['http.console.write.enable'],
    httpConsoleGroupLagSampleIntervalMs: v['http.console.group.lag.sample.interval.ms'],
    quotaWindow: { numSamples: v['quota.window.num'], windowMs: v['quota.window.size.seconds'] * 1000 },
    replicationQuotaWindow: { numSamples: v['replication.quota.window.num'], windowMs: v['replication.quota.window.size.seconds'] * 1000 },
  };
  checkCrossKeyRules(config);
  return { config, unknownKeys: unknownKeys.filter((key) => !sasl.consumedKeys.has(key)), ignoredKeys };
}

function httpListener(value: string | null): HostPort | null {
  if (value === null) return null;
  const parsed = parseHttpListener(value);
  // The key's validator already rejected bad values; this keeps the types honest.
  if (!parsed.ok) throw ConfigError.invalidValue('http.listener', value, parsed.reason);
  return parsed.value;
}

function resolveDirectories(v: Values): Pick<BrokerConfig, 'logDirs' | 'logsDir'> {
  const dirs = (v['log.dirs'] ?? [v['log.dir']]).map((dir) => path.resolve(dir));
  if (new Set(dirs).size !== dirs.length) {
    throw ConfigError.invalidValue(v['log.dirs'] ? 'log.dirs' : 'log.dir', v['log.dirs'] ?? v['log.dir'], 'Each log directory must be listed once');
  }
  const logsDir = path.resolve(v['logs.dir'] ?? v['log.dir.logs'] ?? 'logs');
  return { logDirs: dirs, logsDir };
}

/** Kafka's precedence: ms beats minutes beats hours; any negative retention means "forever". */
function retentionMs(v: Values): number {
  const ms = v['log.retention.ms'] ?? (v['log.retention.minutes'] !== null ? v['log.retention.minutes'] * MINUTE_MS : v['log.retention.hours'] * HOUR_MS);
  return ms < 0 ? -1 : ms;
}

type LogSettings = Pick<BrokerConfig,
  | 'numPartitions' | 'defaultReplicationFactor' | 'autoCreateTopicsEnable' | 'deleteTopicEnable' | 'segmentBytes'
  | 'indexIntervalBytes' | 'indexSizeMaxBytes' | 'segmentMs' | 'flushIntervalMessages' | 'flushIntervalMs' | 'retentionMs'
  | 'retentionBytes' | 'retentionCheckIntervalMs' | 'cleanupPolicy' | 'logCleanerEnable' | 'logCleanerBackoffMs'
  | 'minCleanableDirtyRatio' | 'deleteRetentionMs' | 'messageTimestampType' | 'compressionType' | 'messageMaxBytes'
  | 'messageTimestampDifferenceMaxMs' | 'minCompactionLagMs' | 'maxCompactionLagMs'
  | 'socketRequestMaxBytes' | 'queuedMaxRequests' | 'requestTimeoutMs'>;

function logSettings(v: Values): LogSettings {
  return {
    numPartitions: v['num.partitions'],
    defaultReplicationFactor: v['default.replication.factor'],
    autoCreateTopicsEnable: v['auto.create.topics.enable'],
    deleteTopicEnable: v['delete.topic.enable'],
    segmentBytes: v['log.segment.bytes'],
    indexIntervalBytes: v['log.index.interval.bytes'],
    indexSizeMaxBytes: v['log.index.size.max.bytes'],
    segmentMs: v['log.roll.ms'] ?? v['log.roll.hours'] * HOUR_MS,
    flushIntervalMessages: v['log.flush.interval.messages'],
    flushIntervalMs: v['log.flush.interval.ms'],
    retentionMs: retentionMs(v),
    retentionBytes: v['log.retention.bytes'] < 0 ? -1 : v['log.retention.bytes'],
    retentionCheckIntervalMs: v['log.retention.check.interval.ms'],
    cleanupPolicy: v['log.cleanup.policy'],
    logCleanerEnable: v['log.cleaner.enable'],
    logCleanerBackoffMs: v['log.cleaner.backoff.ms'],
    minCleanableDirtyRatio: v['log.cleaner.min.cleanable.ratio'],
    deleteRetentionMs: v['log.cleaner.delete.retention.ms'],
    messageTimestampType: v['log.message.timestamp.type'],
    messageTimestampDifferenceMaxMs: v['log.message.timestamp.difference.max.ms'],
    minCompactionLagMs: v['log.cleaner.min.compaction.lag.ms'],
    maxCompactionLagMs: v['log.cleaner.max.compaction.lag.ms'],
    compressionType: v['compression.type'],
    messageMaxBytes: v['message.max.bytes'],
    socketRequestMaxBytes: v['socket.request.max.bytes'],
    queuedMaxRequests: v['queued.max.requests'],
    requestTimeoutMs: v['request.timeout.ms'],
  };
}

type ReplicationSettings = Pick<BrokerConfig,
  | 'replicaLagTimeMaxMs' | 'minInsyncReplicas' | 'uncleanLeaderElectionEnable' | 'replicaFetchMaxBytes' | 'replicaFetchWaitMaxMs'
  | 'replicaFetchMinBytes' | 'replicaFetchBackoffMs' | 'numReplicaFetchers' | 'controlledShutdownEnable' | 'autoLeaderRebalanceEnable'
  | 'replicaHighWatermarkCheckpointIntervalMs' | 'producerIdExpirationMs'
  | 'leaderImbalancePerBrokerPercentage' | 'leaderImbalanceCheckIntervalSeconds' | 'fetchMaxBytes'>;

function replicationSettings(v: Values): ReplicationSettings {
  return {
    replicaLagTimeMaxMs: v['replica.lag.time.max.ms'],
    minInsyncReplicas: v['min.insync.replicas'],
    uncleanLeaderElectionEnable: v['unclean.leader.election.enable'],
    replicaFetchMaxBytes: v['replica.fetch.max.bytes'],
    replicaFetchWaitMaxMs: v['replica.fetch.wait.max.ms'],
    replicaFetchMinBytes: v['replica.fetch.min.bytes'],
    replicaFetchBackoffMs: v['replica.fetch.backoff.ms'],
    replicaHighWatermarkCheckpointIntervalMs: v['replica.high.watermark.checkpoint.interval.ms'],
    producerIdExpirationMs: v['producer.id.expiration.ms'],
    numReplicaFetchers: v['num.replica.fetchers'],
    controlledShutdownEnable: v['controlled.shutdown.enable'],
    autoLeaderRebalanceEnable: v['auto.leader.rebalance.enable'],
    leaderImbalancePerBrokerPercentage: v['leader.imbalance.per.broker.percentage'],
    leaderImbalanceCheckIntervalSeconds: v['leader.imbalance.check.interval.seconds'],
    fetchMaxBytes: v['fetch.max.bytes'],
  };
}

type GroupSettings = Pick<BrokerConfig,
  | 'offsetsTopicNumPartitions' | 'offsetsTopicReplicationFactor' | 'offsetsTopicSegmentBytes' | 'offsetsRetentionMinutes'
  | 'offsetsRetentionCheckIntervalMs' | 'offsetsCommitTimeoutMs' | 'offsetMetadataMaxBytes'
  | 'groupInitialRebalanceDelayMs' | 'groupMinSessionTimeoutMs' | 'groupMaxSessionTimeoutMs'>;

function groupSettings(v: Values): GroupSettings {
  return {
    offsetsTopicNumPartitions: v['offsets.topic.num.partitions'],
    offsetsTopicReplicationFactor: v['offsets.topic.replication.factor'],
    offsetsTopicSegmentBytes: v['offsets.topic.segment.bytes'],
    offsetsRetentionMinutes: v['offsets.retention.minutes'],
    offsetsRetentionCheckIntervalMs: v['offsets.retention.check.interval.ms'],
    offsetsCommitTimeoutMs: v['offsets.commit.timeout.ms'],
    offsetMetadataMaxBytes: v['offset.metadata.max.bytes'],
    groupInitialRebalanceDelayMs: v['group.initial.rebalance.delay.ms'],
    groupMinSessionTimeoutMs: v['group.min.session.timeout.ms'],
    groupMaxSessionTimeoutMs: v['group.max.session.timeout.ms'],
  };
}

function transactionSettings(v: Values): Pick<BrokerConfig, Extract<keyof BrokerConfig, `transaction${string}`>> {
  return {
    transactionStateLogNumPartitions: v['transaction.state.log.num.partitions'],
    transactionStateLogReplicationFactor: v['transaction.state.log.replication.factor'],
    transactionStateLogMinIsr: v['transaction.state.log.min.isr'],
    transactionStateLogSegmentBytes: v['transaction.state.log.segment.bytes'],
    transactionMaxTimeoutMs: v['transaction.max.timeout.ms'],
    transactionalIdExpirationMs: v['transactional.id.expiration.ms'],
    transactionAbortTimedOutTransactionCleanupIntervalMs: v['transaction.abort.timed.out.transaction.cleanup.interval.ms'],
    transactionRemoveExpiredTransactionCleanupIntervalMs: v['transaction.remove.expired.transaction.cleanup.interval.ms'],
  };
}

/** Rules that span keys; each error names the key a user would edit. */
function checkCrossKeyRules(c: BrokerConfig): void {
  if (c.groupMaxSessionTimeoutMs < c.groupMinSessionTimeoutMs) {
    throw ConfigError.invalidValue('group.max.session.timeout.ms', c.groupMaxSessionTimeoutMs,
      `Value must be at least group.min.session.timeout.ms (${c.groupMinSessionTimeoutMs})`);
  }
}

function show(value: unknown, key = ''): string {
  // Key stores and passwords stay out of the startup log: only which listeners use TLS.
  if (key === 'listenerTls') return Object.keys(value as object).join(',');
  if (Array.isArray(value)) return value.map((item) => show(item)).join(',');
  if (value !== null && typeof value === 'object') return 'securityProtocol' in value ? formatListener(value as Listener) : JSON.stringify(value);
  return String(value);
}

/** `key = value` lines for the startup log, like Kafka's "KafkaConfig values:" dump. */
export function describeBrokerConfig(config: BrokerConfig): string[] {
  return Object.entries(config).map(([key, value]) => `${key} = ${show(value, key)}`);
}
