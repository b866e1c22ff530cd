/**
 * The entity types `samsa-configs` knows, as Kafka 2.8's ConfigCommand names them: the
 * `--entity-type` value, the shorthand flags (`--user alice`, `--user-defaults`), how an entity
 * is named in output (`user-principal 'alice'`), and which connection may reach it. Each type
 * says which connections Samsa implements for it; the rest (ips: connection quotas) are refused
 * with a clear message. configs.ts picks the runner by type.
 */
import { QUOTA_KEYS } from '../broker/client-quota-config';
import { ConfigKey, doubleKey, longKey, parseValue } from '../config/config-def';

export type EntityTypeName = 'topics' | 'clients' | 'users' | 'brokers' | 'ips' | 'broker-loggers';

export interface EntityTypeSpec {
  readonly type: EntityTypeName;
  /** How ConfigCommand's Entity.toString names one entity of this type. */
  readonly displayName: string;
  /** The shorthand flag taking an entity name (`--user <name>`). */
  readonly flag: string;
  /** The shorthand flag for the default entity (`--user-defaults`), where one exists. */
  readonly defaultsFlag?: string;
  /** Reachable with --zookeeper (Kafka's ZkSupportedConfigTypes); all are with --bootstrap-server. */
  readonly zookeeper: boolean;
  /** Implemented by samsa-configs today, per connection kind. */
  readonly supported: { readonly zookeeper: boolean; readonly bootstrap: boolean };
}

const NEITHER = { zookeeper: false, bootstrap: false } as const;
const BOTH = { zookeeper: true, bootstrap: true } as const;

/** In Kafka's ConfigType.all order (topics, clients, users, brokers, ips), then broker-loggers. */
export const ENTITY_TYPES: readonly EntityTypeSpec[] = [
  { type: 'topics', displayName: 'topic', flag: 'topic', zookeeper: true, supported: BOTH },
  { type: 'clients', displayName: 'client-id', flag: 'client', defaultsFlag: 'client-defaults', zookeeper: true, supported: BOTH },
  { type: 'users', displayName: 'user-principal', flag: 'user', defaultsFlag: 'user-defaults', zookeeper: true, supported: BOTH },
  { type: 'brokers', displayName: 'brokers', flag: 'broker', defaultsFlag: 'broker-defaults', zookeeper: true, supported: BOTH },
  { type: 'ips', displayName: 'ips', flag: 'ip', defaultsFlag: 'ip-defaults', zookeeper: true, supported: NEITHER },
  { type: 'broker-loggers', displayName: 'broker-loggers', flag: 'broker-logger', zookeeper: false, supported: { zookeeper: false, bootstrap: true } },
];

/**
 * The quota keys (helper C's QUOTA_KEYS, Kafka 2.8's DynamicConfig.Client; users add SCRAM
 * credentials) as config definitions, so a bad value gets ConfigDef's message naming the key.
 */
const QUOTA_KEY_DEFS: ReadonlyMap<string, ConfigKey<number | null>> = new Map([...QUOTA_KEYS].map(([key, type]) => {
  const options = { default: null, importance: 'HIGH', doc: `Quota ${key}.` } as const;
  return [key, type === 'LONG' ? longKey(options) : doubleKey(options)];
}));

export function isQuotaKey(key: string): boolean {
  return QUOTA_KEY_DEFS.has(key);
}

/** Checks a quota value as ZooKeeper will hold it; throws ConfigError (`Not a number of type LONG`). */
export function checkQuotaValue(key: string, value: string): void {
  parseValue(key, QUOTA_KEY_DEFS.get(key) as ConfigKey<number | null>, value);
}

export function entityTypeSpec(type: string): EntityTypeSpec | undefined {
  return ENTITY_TYPES.find((t) => t.type === type);
}
