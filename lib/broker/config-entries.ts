/**
 * Config entries as Kafka's DescribeConfigs reports them: for a topic, every topic key with its
 * effective value, and for this broker, every key of its server.properties Samsa uses, each with
 * its source (topic override, static broker config, default) and its synonyms (the keys the value
 * could come from, highest precedence first), its type and its documentation.
 *
 * Kafka's precedence is the order of the synonyms: a topic override, then the broker's dynamic
 * per-broker value (`/config/brokers/<id>`), the dynamic cluster default (`/config/brokers/<default>`),
 * the value from server.properties, then the broker key's default. Keys that can change at runtime
 * (lib/config/dynamic-broker-keys.ts) are reported with readOnly false. BrokerConfig keeps
 * resolved values, not which keys the file set, so a broker key counts as set
 * (STATIC_BROKER_CONFIG) when its static value differs from the one the defaults give.
 */
import { brokerConfigDefs } from '../config/broker-config-defs';
import { BrokerConfig, buildBrokerConfig } from '../config/broker-config';
import { ConfigKey, ConfigType as DefType } from '../config/config-def';
import { formatListener, Listener } from '../config/endpoints';
import { describeTopicConfig, TopicConfigName, topicConfigDefs } from '../config/topic-config';
import { throttledReplicasDefs } from '../config/replication-throttle-config';
import { dynamicBrokerKeyDef, isDynamicBrokerKey } from '../config/dynamic-broker-keys';

/** The parts of a broker's config DescribeConfigs tells apart (lib/broker/dynamic-broker-config.ts keeps them). */
export interface DynamicConfigView {
  /** server.properties as the broker started with it. */
  readonly staticConfig: Readonly<BrokerConfig>;
  /** `/config/brokers/<id>` of this broker. */
  readonly perBroker: Readonly<Record<string, string>>;
  /** `/config/brokers/<default>`. */
  readonly clusterDefault: Readonly<Record<string, string>>;
}

/** A broker without dynamic configs: everything comes from its config. */
function staticView(broker: BrokerConfig): DynamicConfigView {
  return { staticConfig: broker, perBroker: {}, clusterDefault: {} };
}

/** DescribeConfigsResponse.ConfigSource, as Kafka numbers it. */
export const ConfigSource = {
  UNKNOWN: 0,
  TOPIC_CONFIG: 1,
  DYNAMIC_BROKER_CONFIG: 2,
  DYNAMIC_DEFAULT_BROKER_CONFIG: 3,
  STATIC_BROKER_CONFIG: 4,
  DEFAULT_CONFIG: 5,
  DYNAMIC_BROKER_LOGGER_CONFIG: 6,
} as const;

/** DescribeConfigsResponse.ConfigType, as Kafka numbers it. */
export const ConfigType = { UNKNOWN: 0, BOOLEAN: 1, STRING: 2, INT: 3, SHORT: 4, LONG: 5, DOUBLE: 6, LIST: 7, CLASS: 8, PASSWORD: 9 } as const;

export interface ConfigSynonym {
  name: string;
  value: string | null;
  source: number;
}

export interface ConfigEntry {
  name: string;
  value: string | null;
  readOnly: boolean;
  /** Kafka's v0 flag: for a topic, "not overridden"; for a broker, "not set in server.properties". */
  isDefault: boolean;
  configSource: number;
  isSensitive: boolean;
  /** Empty unless asked for. */
  synonyms: ConfigSynonym[];
  configType: number;
  /** null unless asked for. */
  documentation: string | null;
}

export interface DescribeOptions {
  includeSynonyms: boolean;
  includeDocumentation: boolean;
}

/** The broker key each topic key falls back to (Kafka's ServerTopicConfigSynonyms). */
const BROKER_SYNONYM: { readonly [K in TopicConfigName]: string } = {
  'cleanup.policy': 'log.cleanup.policy',
  'retention.ms': 'log.retention.ms',
  'retention.bytes': 'log.retention.bytes',
  'segment.bytes': 'log.segment.bytes',
  'segment.ms': 'log.roll.ms',
  'segment.index.bytes': 'log.index.size.max.bytes',
  'index.interval.bytes': 'log.index.interval.bytes',
  'max.message.bytes': 'message.max.bytes',
  'min.insync.replicas': 'min.insync.replicas',
  'flush.messages': 'log.flush.interval.messages',
  'flush.ms': 'log.flush.interval.ms',
  'unclean.leader.election.enable': 'unclean.leader.election.enable',
  'compression.type': 'compression.type',
  'message.timestamp.type': 'log.message.timestamp.type',
  'delete.retention.ms': 'log.cleaner.delete.retention.ms',
  'min.cleanable.dirty.ratio': 'log.cleaner.min.cleanable.ratio',
  'message.timestamp.difference.max.ms': 'log.message.timestamp.difference.max.ms',
  'min.compaction.lag.ms': 'log.cleaner.min.compaction.lag.ms',
  'max.compaction.lag.ms': 'log.cleaner.max.compaction.lag.ms',
};

/** The broker keys topic configs fall back to: changing one changes every log without that topic override. */
export const TOPIC_DEFAULT_BROKER_KEYS: ReadonlySet<string> = new Set(Object.values(BROKER_SYNONYM));

/**
 * The broker keys a broker resource lists, with the BrokerConfig field holding each one's
 * resolved value (log.retention.ms holds whichever of ms/minutes/hours won). Keys Samsa accepts
 * but ignores, and aliases, are left out: they have no value the broker runs with.
 */
const BROKER_FIELD: ReadonlyArray<readonly [keyof typeof brokerConfigDefs, keyof BrokerConfig]> = [
  ['broker.id', 'brokerId'], ['broker.rack', 'brokerRack'], ['listeners', 'listeners'],
  ['advertised.listeners', 'advertisedListeners'], ['inter.broker.listener.name', 'interBrokerListenerName'],
  ['zookeeper.connect', 'zookeeperConnect'], ['zookeeper.session.timeout.ms', 'zookeeperSessionTimeoutMs'],
  ['zookeeper.connection.timeout.ms', 'zookeeperConnectionTimeoutMs'],
  ['socket.request.max.bytes', 'socketRequestMaxBytes'], ['queued.max.requests', 'queuedMaxRequests'],
  ['request.timeout.ms', 'requestTimeoutMs'], ['log.dirs', 'logDirs'],
  ['num.partitions', 'numPartitions'], ['default.replication.factor', 'defaultReplicationFactor'],
  ['auto.create.topics.enable', 'autoCreateTopicsEnable'], ['delete.topic.enable', 'deleteTopicEnable'],
  ['log.segment.bytes', 'segmentBytes'], ['log.index.interval.bytes', 'indexIntervalBytes'],
  ['log.index.size.max.bytes', 'indexSizeMaxBytes'], ['log.roll.ms', 'segmentMs'],
  ['log.flush.interval.messages', 'flushIntervalMessages'], ['log.flush.interval.ms', 'flushIntervalMs'],
  ['log.retention.ms', 'retentionMs'], ['log.retention.bytes', 'retentionBytes'],
  ['log.retention.check.interval.ms', 'retentionCheckIntervalMs'], ['log.cleanup.policy', 'cleanupPolicy'],
  ['log.cleaner.enable', 'logCleanerEnable'], ['log.cleaner.backoff.ms', 'logCleanerBackoffMs'],
  ['log.cleaner.min.cleanable.ratio', 'minCleanableDirtyRatio'], ['log.cleaner.delete.retention.ms', 'deleteRetentionMs'],
  ['log.message.timestamp.type', 'messageTimestampType'], ['compression.type', 'compressionType'],
  ['log.message.timestamp.difference.max.ms', 'messageTimestampDifferenceMaxMs'],
  ['log.cleaner.min.compaction.lag.ms', 'minCompactionLagMs'], ['log.cleaner.max.compaction.lag.ms', 'maxCompactionLagMs'],
  ['message.max.bytes', 'messageMaxBytes'], ['replica.lag.time.max.ms', 'replicaLagTimeMaxMs'],
  ['min.insync.replicas', 'minInsyncReplicas'], ['unclean.leader.election.enable', 'uncleanLeaderElectionEnable'],
  ['replica.fetch.max.bytes', 'replicaFetchMaxBytes'], ['replica.fetch.wait.max.ms', 'replicaFetchWaitMaxMs'],
  ['replica.fetch.min.bytes', 'replicaFetchMinBytes'], ['replica.fetch.backoff.ms', 'replicaFetchBackoffMs'],
  ['replica.high.watermark.checkpoint.interval.ms', 'replicaHighWatermarkCheckpointIntervalMs'],
  ['producer.id.expiration.ms', 'producerIdExpirationMs'], ['num.replica.fetchers', 'numReplicaFetchers'],
  ['controlled.shutdown.enable', 'controlledShutdownEnable'], ['auto.leader.rebalance.enable', 'autoLeaderRebalanceEnable'],
  ['leader.imbalance.per.broker.percentage', 'leaderImbalancePerBrokerPercentage'],
  ['leader.imbalance.check.interval.seconds', 'leaderImbalanceCheckIntervalSeconds'], ['fetch.max.bytes', 'fetchMaxBytes'],
  ['offsets.topic.num.partitions', 'offsetsTopicNumPartitions'], ['offsets.topic.replication.factor', 'offsetsTopicReplicationFactor'],
  ['offsets.topic.segment.bytes', 'offsetsTopicSegmentBytes'], ['offsets.retention.minutes', 'offsetsRetentionMinutes'],
  ['offsets.retention.check.interval.ms', 'offsetsRetentionCheckIntervalMs'], ['offsets.commit.timeout.ms', 'offsetsCommitTimeoutMs'],
  ['offset.metadata.max.bytes', 'offsetMetadataMaxBytes'], ['group.initial.rebalance.delay.ms', 'groupInitialRebalanceDelayMs'],
  ['group.min.session.timeout.ms', 'groupMinSessionTimeoutMs'], ['group.max.session.timeout.ms', 'groupMaxSessionTimeoutMs'],
];
const BROKER_FIELD_OF = new Map<string, keyof BrokerConfig>(BROKER_FIELD);

/** The configuration every key's default gives, to tell set keys from defaulted ones. */
let defaultsOnly: BrokerConfig | null = null;
function defaultBrokerConfig(): BrokerConfig {
  defaultsOnly ??= buildBrokerConfig({ 'broker.id': 0, 'zookeeper.connect': '127.0.0.1:2181' }).config;
  return defaultsOnly;
}

/** Kafka's ConfigDef.convertToString: lists comma-joined, null stays null. */
function configString(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (Array.isArray(value)) return value.map((v) => (typeof v === 'object' && v !== null ? formatListener(v as Listener) : String(v))).join(',');
  return String(value);
}

function kafkaType(type: DefType, name: string): number {
  // Kafka's cleanup.policy is a list ("compact,delete"); Samsa accepts one value of it.
  if (name === 'cleanup.policy' || name === 'log.cleanup.policy') return ConfigType.LIST;
  switch (type) {
    case 'BOOLEAN': return ConfigType.BOOLEAN;
    case 'INT': return ConfigType.INT;
    case 'LONG': return ConfigType.LONG;
    case 'DOUBLE': return ConfigType.DOUBLE;
    case 'LIST': return ConfigType.LIST;
    case 'STRING':
    case 'ENUM': return ConfigType.STRING;
    default: return ConfigType.UNKNOWN;
  }
}

/**
 * Keys that set the same value (Kafka's DynamicBrokerConfig.brokerConfigSynonyms), highest
 * precedence first: a default of `log.retention.hours` = 168 is where log.retention.ms comes from.
 */
const BROKER_KEY_ALIASES: Readonly<Record<string, readonly string[]>> = {
  'log.retention.ms': ['log.retention.ms', 'log.retention.minutes', 'log.retention.hours'],
  'log.roll.ms': ['log.roll.ms', 'log.roll.hours'],
};

/**
 * Where a broker key's value comes from, highest precedence first (Kafka's order: by source, then
 * by alias). BrokerConfig keeps the resolved value, not which alias the file set, so a static
 * value is reported under the key itself.
 */
function brokerSynonyms(view: DynamicConfigView, name: string): ConfigSynonym[] {
  const names = BROKER_KEY_ALIASES[name] ?? [name];
  const out: ConfigSynonym[] = [];
  for (const n of names) if (view.perBroker[n] !== undefined) out.push({ name: n, value: view.perBroker[n], source: ConfigSource.DYNAMIC_BROKER_CONFIG });
  for (const n of names) {
    if (view.clusterDefault[n] !== undefined) out.push({ name: n, value: view.clusterDefault[n], source: ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG });
  }
  const field = BROKER_FIELD_OF.get(name);
  const defs = brokerConfigDefs as Record<string, ConfigKey<unknown>>;
  const key = defs[name];
  if (field === undefined || key === undefined) return out;
  const value = configString(view.staticConfig[field]);
  if (key.required || value !== configString(defaultBrokerConfig()[field])) {
    out.push({ name, value, source: ConfigSource.STATIC_BROKER_CONFIG });
  }
  // Kafka lists a DEFAULT_CONFIG synonym only for keys whose definition has a default.
  for (const n of names) {
    const fallback = configString(defs[n]?.defaultValue);
    if (fallback !== null) out.push({ name: n, value: fallback, source: ConfigSource.DEFAULT_CONFIG });
  }
  return out;
}

/**
 * Kafka's PASSWORD-typed keys (JAAS entries, key store and key passwords, an inline private key),
 * plain or listener-prefixed: DescribeConfigs reports them with a null value and isSensitive, so a
 * secret never leaves the broker.
 */
export function isSensitiveConfigName(name: string): boolean {
  return name.endsWith('sasl.jaas.config') || name.endsWith('.password') || name.endsWith('ssl.keystore.key');
}

function entry(name: string, value: string | null, synonyms: ConfigSynonym[], key: ConfigKey<unknown>, readOnly: boolean,
  isDefault: boolean, options: DescribeOptions): ConfigEntry {
  const sensitive = isSensitiveConfigName(name);
  return {
    name,
    value: sensitive ? null : value,
    readOnly,
    isDefault,
    configSource: synonyms[0]?.source ?? ConfigSource.DEFAULT_CONFIG,
    isSensitive: sensitive,
    synonyms: !options.includeSynonyms ? [] : sensitive ? synonyms.map((syn) => ({ ...syn, value: null })) : synonyms,
    configType: sensitive ? ConfigType.PASSWORD : kafkaType(key.type, name),
    documentation: options.includeDocumentation ? key.doc : null,
  };
}

/**
 * Every topic key of a topic with `overrides` (as stored in `/config/topics/<t>`, or as sent in
 * CreateTopics), each with its effective value: overrides first, then the rest, each group in key order.
 * `broker` is the live config (dynamic values applied); `view` tells where each broker value came from.
 */
export function topicConfigEntries(broker: BrokerConfig, overrides: Record<string, string>, options: DescribeOptions,
  view: DynamicConfigView = staticView(broker)): ConfigEntry[] {
  const entries = describeTopicConfig(broker, overrides).map(({ name, value: shown, isOverride }) => {
    // describeTopicConfig shows an unset value (flush.ms: no flush timer) as ''; Kafka's null.
    const value = shown === '' ? null : shown;
    const synonyms = [
      ...(isOverride ? [{ name, value, source: ConfigSource.TOPIC_CONFIG }] : []),
      ...brokerSynonyms(view, BROKER_SYNONYM[name]),
    ];
    return entry(name, value, synonyms, topicConfigDefs[name] as ConfigKey<unknown>, false, !isOverride, options);
  });
  // The replication throttle lists (replication-throttle-config.ts): not log settings, no broker synonym, '' by default.
  for (const [name, def] of Object.entries(throttledReplicasDefs)) {
    const value = overrides[name];
    entries.push(entry(name, value ?? '', value === undefined ? [] : [{ name, value, source: ConfigSource.TOPIC_CONFIG }], def as ConfigKey<unknown>, false, value === undefined, options));
  }
  return [...entries.filter((e) => !e.isDefault), ...entries.filter((e) => e.isDefault)];
}

/**
 * This broker's keys with the values it runs with (`broker`, dynamic values applied), then the
 * dynamic keys that have no server.properties counterpart (throttle rates, `log.level.<subsystem>`)
 * when set. Keys that cannot change at runtime are read-only.
 */
export function brokerConfigEntries(broker: BrokerConfig, options: DescribeOptions, view: DynamicConfigView = staticView(broker)): ConfigEntry[] {
  const known = BROKER_FIELD.map(([name, field]) => {
    const synonyms = brokerSynonyms(view, name);
    const key = brokerConfigDefs[name] as ConfigKey<unknown>;
    const isDefault = (synonyms[0]?.source ?? ConfigSource.DEFAULT_CONFIG) === ConfigSource.DEFAULT_CONFIG;
    return entry(name, configString(broker[field]), synonyms, key, !isDynamicBrokerKey(name), isDefault, options);
  });
  const extra = [...new Set([...Object.keys(view.perBroker), ...Object.keys(view.clusterDefault)])]
    .filter((name) => !BROKER_FIELD_OF.has(name)).sort()
    .map((name) => {
      const synonyms = brokerSynonyms(view, name);
      return entry(name, synonyms[0].value, synonyms, dynamicBrokerKeyDef(name) as ConfigKey<unknown>, false, false, options);
    });
  return [...known, ...extra];
}

/** A broker's loggers and their levels (BROKER_LOGGER resource), root first. */
export function loggerConfigEntries(levels: ReadonlyArray<{ name: string; level: string }>, options: DescribeOptions): ConfigEntry[] {
  return levels.map(({ name, level }) => ({
    name, value: level, readOnly: false, isDefault: false, configSource: ConfigSource.DYNAMIC_BROKER_LOGGER_CONFIG, isSensitive: false,
    synonyms: options.includeSynonyms ? [{ name, value: level, source: ConfigSource.DYNAMIC_BROKER_LOGGER_CONFIG }] : [],
    configType: ConfigType.STRING, documentation: null,
  }));
}

/** The cluster-wide dynamic defaults (broker resource ''), as Kafka lists them: only the keys set. */
export function clusterDefaultConfigEntries(view: DynamicConfigView, options: DescribeOptions): ConfigEntry[] {
  return Object.keys(view.clusterDefault).sort().flatMap((name) => {
    const key = dynamicBrokerKeyDef(name);
    if (key === undefined) return [];
    const value = view.clusterDefault[name];
    return [entry(name, value, [{ name, value, source: ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG }], key, false, false, options)];
  });
}
