/**
 * Which broker keys `samsa-configs` accepts for `--entity-type brokers` before anything is written,
 * with Kafka 2.8's words (DynamicBrokerConfig.validateConfigs): a key the broker reads only at
 * start-up is refused ("Cannot update these configs dynamically"), a value is checked against the
 * key's definition. Samsa also refuses keys it does not know, naming them, since a typo would
 * otherwise sit in ZooKeeper doing nothing.
 *
 * Replication throttles may be written through ZooKeeper while brokers run, as in Kafka
 * (BrokerConfigsUpdatableUsingZooKeeperWhileBrokerRunning); the rest only before the broker (or,
 * for the cluster default, every broker) has started.
 */
import { brokerConfigDefs } from '../config/broker-config-defs';
import { ConfigKey, longKey, parseValue } from '../config/config-def';
import { ConfigError } from '../config/config-error';
import { atLeast } from '../config/validators';
import { UsageError } from './options';

/** Kafka's replication quota keys (DynamicConfig.Broker), dynamic per broker and as a cluster default. */
const THROTTLE_KEY_DEFS: Readonly<Record<string, ConfigKey<unknown>>> = {
  'leader.replication.throttled.rate': longKey({ default: null, validate: atLeast(0), importance: 'MEDIUM', doc: 'Bytes/s for leader replication traffic of throttled replicas.' }),
  'follower.replication.throttled.rate': longKey({ default: null, validate: atLeast(0), importance: 'MEDIUM', doc: 'Bytes/s for follower replication traffic of throttled replicas.' }),
  'replica.alter.log.dirs.io.max.bytes.per.second': longKey({ default: null, validate: atLeast(0), importance: 'MEDIUM', doc: 'Bytes/s for moving replicas between log dirs.' }),
};

export const ZK_WRITABLE_WHILE_RUNNING: ReadonlySet<string> = new Set(Object.keys(THROTTLE_KEY_DEFS));

/** The broker keys Samsa changes at runtime (Kafka's DynamicBrokerConfig.AllDynamicConfigs that Samsa has). */
const DYNAMIC_BROKER_KEYS: ReadonlySet<string> = new Set([
  'log.segment.bytes', 'log.roll.ms', 'log.roll.hours', 'log.index.size.max.bytes', 'log.index.interval.bytes',
  'log.flush.interval.messages', 'log.flush.interval.ms', 'log.retention.ms', 'log.retention.minutes', 'log.retention.hours',
  'log.retention.bytes', 'log.cleanup.policy', 'log.cleaner.delete.retention.ms', 'log.cleaner.min.cleanable.ratio',
  'log.cleaner.backoff.ms', 'log.cleaner.threads', 'log.message.timestamp.type', 'compression.type', 'message.max.bytes',
  'min.insync.replicas', 'unclean.leader.election.enable', 'num.replica.fetchers', 'log.level',
]);

function keyDef(key: string): ConfigKey<unknown> | undefined {
  if (Object.prototype.hasOwnProperty.call(THROTTLE_KEY_DEFS, key)) return THROTTLE_KEY_DEFS[key];
  if (DYNAMIC_BROKER_KEYS.has(key) && Object.prototype.hasOwnProperty.call(brokerConfigDefs, key)) {
    return (brokerConfigDefs as Readonly<Record<string, ConfigKey<unknown>>>)[key];
  }
  return undefined;
}

function isStaticBrokerKey(key: string): boolean {
  return Object.prototype.hasOwnProperty.call(brokerConfigDefs, key) && keyDef(key) === undefined;
}

/** Scala's Set(...) as Kafka prints it in these messages. */
export function scalaSet(items: readonly string[]): string {
  return `Set(${items.join(', ')})`;
}

/**
 * Kafka's DynamicBrokerConfig.validateConfigs for the added keys. Throws ConfigError for what
 * Kafka reports as a ConfigException, UsageError for an unknown key.
 */
export function checkBrokerConfigs(adds: ReadonlyMap<string, string>): void {
  const keys = [...adds.keys()];
  const unknown = keys.filter((k) => keyDef(k) === undefined && !isStaticBrokerKey(k));
  if (unknown.length > 0) throw new UsageError(`Unknown broker config(s): ${unknown.join(',')}`);
  const fixed = keys.filter(isStaticBrokerKey);
  if (fixed.length > 0) throw new ConfigError(`Cannot update these configs dynamically: ${scalaSet(fixed)}`);
  for (const [key, value] of adds) parseValue(key, keyDef(key) as ConfigKey<unknown>, value);
}
