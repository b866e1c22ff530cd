/**
 * Which broker keys may change at runtime (`/config/brokers/<id>` and `/config/brokers/<default>`,
 * set through AlterConfigs/IncrementalAlterConfigs or samsa-configs), and the check a dynamic
 * broker config must pass before anything is written.
 *
 * The set is Kafka 2.8's (DynamicBrokerConfig.AllDynamicConfigs: DynamicLogConfig's log.*
 * defaults, the log cleaner's, the thread pools', and DynamicConfig.Broker's replication throttle
 * rates) limited to the keys Samsa defines and uses, plus Samsa's `log.level` and
 * `log.level.<subsystem>`. Any other key is refused with Kafka's message ("Cannot update these
 * configs dynamically: Set(zookeeper.connect)"), a bad value with one naming the key.
 */
import { ErrorCode, SamsaError } from '../protocol/errors';
import { brokerConfigDefs, LOG_LEVELS } from './broker-config-defs';
import { ConfigKey, enumKey, longKey } from './config-def';
import { ConfigError } from './config-error';
import { parseValue } from './config-def';
import { atLeast } from './validators';

/** Kafka 2.8's dynamic keys among KafkaConfig's; those Samsa does not define (or ignores) are dropped below. */
const KAFKA_DYNAMIC_KEYS = [
  // DynamicLogConfig: the broker-wide defaults of topic configs (LogConfig.TopicConfigSynonyms).
  'log.segment.bytes', 'log.roll.ms', 'log.roll.jitter.ms', 'log.index.size.max.bytes', 'log.flush.interval.messages',
  'log.flush.interval.ms', 'log.retention.bytes', 'log.retention.ms', 'message.max.bytes', 'log.index.interval.bytes',
  'log.cleaner.delete.retention.ms', 'log.cleaner.min.compaction.lag.ms', 'log.cleaner.max.compaction.lag.ms',
  'log.segment.delete.delay.ms', 'log.cleaner.min.cleanable.ratio', 'log.cleanup.policy', 'unclean.leader.election.enable',
  'min.insync.replicas', 'compression.type', 'log.preallocate', 'log.message.timestamp.type',
  'log.message.timestamp.difference.max.ms', 'log.message.downconversion.enable',
  // LogCleaner.ReconfigurableConfigs.
  'log.cleaner.threads', 'log.cleaner.io.max.bytes.per.second', 'log.cleaner.dedupe.buffer.size',
  'log.cleaner.io.buffer.size', 'log.cleaner.io.buffer.load.factor', 'log.cleaner.backoff.ms',
  // DynamicThreadPool.
  'num.io.threads', 'num.network.threads', 'num.replica.fetchers', 'num.recovery.threads.per.data.dir', 'background.threads',
  // Samsa: the root log level.
  'log.level',
] as const;

/** Kafka's ReplicationQuotaManagerConfig / DynamicConfig.Broker keys: stored with the broker, not in server.properties. */
export const THROTTLE_RATE_KEYS = ['leader.replication.throttled.rate', 'follower.replication.throttled.rate',
  'replica.alter.log.dirs.io.max.bytes.per.second'] as const;

const throttleRateKey = longKey({
  default: null, validate: atLeast(0), importance: 'MEDIUM',
  doc: 'Bytes per second a broker may spend on replication of throttled replicas (Kafka DynamicConfig.Broker); unset is unlimited.',
});

/** `log.level.<subsystem>`: one subsystem's level (subsystems are the `[name]` of server.log lines). */
export const SUBSYSTEM_LOG_LEVEL_PREFIX = 'log.level.';
const subsystemLevelKey = enumKey(LOG_LEVELS, {
  default: null, caseInsensitive: true, importance: 'LOW', doc: 'Samsa: the level of one subsystem\'s log lines.',
});

const BROKER_DEFS = brokerConfigDefs as Readonly<Record<string, ConfigKey<unknown>>>;

/** Dynamic keys Samsa defines and acts on (ignored keys such as num.io.threads are not among them). */
export const DYNAMIC_BROKER_KEYS: ReadonlySet<string> = new Set(KAFKA_DYNAMIC_KEYS.filter((k) => {
  const def = BROKER_DEFS[k];
  return def !== undefined && !def.ignored;
}));

/** The definition a dynamic key's value is checked against; undefined for a key that is not dynamic. */
export function dynamicBrokerKeyDef(name: string): ConfigKey<unknown> | undefined {
  if (DYNAMIC_BROKER_KEYS.has(name)) return BROKER_DEFS[name];
  if ((THROTTLE_RATE_KEYS as readonly string[]).includes(name)) return throttleRateKey as ConfigKey<unknown>;
  if (name.startsWith(SUBSYSTEM_LOG_LEVEL_PREFIX) && name.length > SUBSYSTEM_LOG_LEVEL_PREFIX.length) return subsystemLevelKey as ConfigKey<unknown>;
  return undefined;
}

export function isDynamicBrokerKey(name: string): boolean {
  return dynamicBrokerKeyDef(name) !== undefined;
}

/** Kafka's ConfigException for static keys, reported as INVALID_REQUEST as Kafka's AdminManager does. */
export class DynamicConfigError extends SamsaError {
  constructor(message: string) {
    super(ErrorCode.INVALID_REQUEST, message);
    this.name = 'DynamicConfigError';
    this.message = message;
  }
}

/**
 * Throws unless every key of `props` may be set dynamically and every value parses: a key Kafka
 * treats as static (DynamicConfigError, Kafka's words), an unknown key or a bad value
 * (ConfigError naming the key).
 */
export function validateDynamicBrokerConfig(props: Readonly<Record<string, string>>): void {
  const names = Object.keys(props);
  // Dynamic in Kafka, but a key Samsa ignores or lacks (num.io.threads, log.cleaner.threads): say so rather than "unknown".
  const unused = names.filter((n) => !isDynamicBrokerKey(n) && (KAFKA_DYNAMIC_KEYS as readonly string[]).includes(n));
  if (unused.length > 0) throw new DynamicConfigError(`Samsa does not use these configs, so they cannot be updated dynamically: Set(${unused.join(', ')})`);
  const unknown = names.filter((n) => !isDynamicBrokerKey(n) && BROKER_DEFS[n] === undefined);
  if (unknown.length > 0) throw new ConfigError(`Unknown broker config name: ${unknown.join(', ')}`, { key: unknown[0] });
  const nonDynamic = names.filter((n) => !isDynamicBrokerKey(n));
  if (nonDynamic.length > 0) throw new DynamicConfigError(`Cannot update these configs dynamically: Set(${nonDynamic.join(', ')})`);
  for (const name of names) parseValue(name, dynamicBrokerKeyDef(name) as ConfigKey<unknown>, props[name]);
}
