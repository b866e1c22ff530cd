/**
 * The entity types `samsa-configs` knows, as Kafka 2.8's ConfigCommand names them: the
 * `--entity-type` value, the shorthand flags (`--user alice`, `--user-defaults`), how an entity
 * is named in output (`user-principal 'alice'`), and which connection may reach it. Each type
 * says where Samsa implements it yet (users: both ways; topics: --zookeeper); the rest are
 * refused with a pointer to issue 11, so adding brokers or clients is a matter of flipping
 * `supported` and writing its runner (configs.ts picks the runner by type).
 */

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

const NOT_YET = { zookeeper: false, bootstrap: false } as const;

/** In Kafka's ConfigType.all order (topics, clients, users, brokers, ips), then broker-loggers. */
export const ENTITY_TYPES: readonly EntityTypeSpec[] = [
  { type: 'topics', displayName: 'topic', flag: 'topic', zookeeper: true, supported: { zookeeper: true, bootstrap: false } },
  { type: 'clients', displayName: 'client-id', flag: 'client', defaultsFlag: 'client-defaults', zookeeper: true, supported: NOT_YET },
  { type: 'users', displayName: 'user-principal', flag: 'user', defaultsFlag: 'user-defaults', zookeeper: true, supported: { zookeeper: true, bootstrap: true } },
  { type: 'brokers', displayName: 'brokers', flag: 'broker', defaultsFlag: 'broker-defaults', zookeeper: true, supported: NOT_YET },
  { type: 'ips', displayName: 'ips', flag: 'ip', defaultsFlag: 'ip-defaults', zookeeper: true, supported: NOT_YET },
  { type: 'broker-loggers', displayName: 'broker-loggers', flag: 'broker-logger', zookeeper: false, supported: NOT_YET },
];

/** The quota keys Kafka 2.8 takes for users (DynamicConfig.User, besides SCRAM); quotas come with issue 11. */
export const USER_QUOTA_KEYS: ReadonlySet<string> = new Set(['producer_byte_rate', 'consumer_byte_rate', 'request_percentage', 'controller_mutation_rate']);

export function entityTypeSpec(type: string): EntityTypeSpec | undefined {
  return ENTITY_TYPES.find((t) => t.type === type);
}

/** ConfigCommand's Entity.toString: `user-principal 'alice'`, or `default user-principal` for '' (the default entity). */
export function describeEntity(spec: EntityTypeSpec, name: string): string {
  return name === '' ? `default ${spec.displayName}` : `${spec.displayName} '${name}'`;
}
