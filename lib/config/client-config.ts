/**
 * Typed producer and consumer configuration with Kafka's key names and defaults.
 *
 * The client API, the console tools (`--producer-property`, `--consumer-property`,
 * `--producer.config`) and the perf tools all accept Kafka-style keys; this module turns them
 * into camelCase objects and applies Kafka's cross-key rules (idempotence needs acks=all,
 * delivery.timeout.ms covers linger.ms + request.timeout.ms, heartbeats beat the session timeout),
 * so the producer and consumer never see an inconsistent combination.
 */
import { ClientSecurity } from '../security/client-security';
import { booleanKey, enumKey, intKey, listKey, longKey, parseConfig, RawConfig, stringKey, ValuesOf } from './config-def';
import { ConfigError } from './config-error';
import { HostPort, parseHostPort } from './endpoints';
import { atLeast, between, nonEmptyList, rule } from './validators';
import { clientSecurityKeys } from './security-config-defs';
import { clientSecurityFromProperties } from '../security/client-security-config';

export const PRODUCER_COMPRESSION_TYPES = ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const;
export type ProducerCompressionType = (typeof PRODUCER_COMPRESSION_TYPES)[number];
export type Acks = -1 | 0 | 1;
export type AutoOffsetReset = 'latest' | 'earliest' | 'none';
export type IsolationLevel = 'read_uncommitted' | 'read_committed';
export type AssignorName = 'range' | 'roundrobin' | 'sticky' | 'cooperative-sticky';

const INT_MAX = 2 ** 31 - 1;

/** Samsa's assignor names, plus the Kafka class names people paste from Java configs. */
const ASSIGNOR_ALIASES: Readonly<Record<string, AssignorName>> = {
  range: 'range',
  roundrobin: 'roundrobin',
  sticky: 'sticky',
  'cooperative-sticky': 'cooperative-sticky',
  'org.apache.kafka.clients.consumer.RangeAssignor': 'range',
  'org.apache.kafka.clients.consumer.RoundRobinAssignor': 'roundrobin',
  'org.apache.kafka.clients.consumer.StickyAssignor': 'sticky',
  'org.apache.kafka.clients.consumer.CooperativeStickyAssignor': 'cooperative-sticky',
};

const bootstrapShape = rule<readonly string[]>('host:port,...', (items) => {
  for (const item of items) {
    if (!parseHostPort(item).ok) return `Invalid url in bootstrap.servers: ${item}`;
  }
  return undefined;
});

const assignorShape = rule<readonly string[]>('range, roundrobin, sticky, cooperative-sticky', (items) => {
  const bad = items.find((item) => ASSIGNOR_ALIASES[item] === undefined);
  return bad === undefined ? undefined : `Unsupported assignor ${bad}; Samsa supports range, roundrobin, sticky and cooperative-sticky`;
});

const SERIALIZER_DOC = 'Kafka class name of a built-in (org.apache.kafka.common.serialization.StringSerializer, ByteArraySerializer, IntegerSerializer, LongSerializer; '
  + 'org.apache.kafka.connect.json.JsonSerializer), a short name (string, buffer, bytes, json, int32, int64) or a module path. Default: Buffers or strings as UTF-8.';
const DESERIALIZER_DOC = 'Kafka class name of a built-in (org.apache.kafka.common.serialization.StringDeserializer, ByteArrayDeserializer, IntegerDeserializer, LongDeserializer; '
  + 'org.apache.kafka.connect.json.JsonDeserializer), a short name (string, buffer, bytes, json, int32, int64) or a module path. Default: Buffers.';
const INTERCEPTORS_DOC = 'Comma-separated module paths (resolved from the working directory), each exporting an interceptor class or factory as `Interceptor` or default.';

export const commonKeys = {
  'bootstrap.servers': listKey({ validate: [nonEmptyList(), bootstrapShape], importance: 'HIGH', doc: 'host:port pairs used to discover the cluster.' }),
  'client.id': stringKey({ default: '', importance: 'MEDIUM', doc: 'Name sent with every request, for broker logs.' }),
  ...clientSecurityKeys,
  'request.timeout.ms': intKey({ default: 30000, validate: atLeast(0), importance: 'MEDIUM', doc: 'How long to wait for a response before retrying or failing.' }),
  'retry.backoff.ms': longKey({ default: 100, validate: atLeast(0), importance: 'LOW', doc: 'Wait before retrying a failed request.' }),
  'retry.backoff.max.ms': longKey({ default: 1000, validate: atLeast(0), importance: 'LOW', doc: 'Cap of the exponential retry backoff.' }),
  'reconnect.backoff.ms': longKey({ default: 50, validate: atLeast(0), importance: 'LOW', doc: 'Wait before reconnecting to a broker.' }),
  'reconnect.backoff.max.ms': longKey({ default: 1000, validate: atLeast(0), importance: 'LOW', doc: 'Cap of the exponential reconnect backoff.' }),
  'metadata.max.age.ms': longKey({ default: 300000, validate: atLeast(0), importance: 'LOW', doc: 'Refresh metadata at least this often.' }),
  'socket.connection.setup.timeout.ms': longKey({ default: 10000, validate: atLeast(0), importance: 'MEDIUM', doc: 'How long a TCP connect may take.' }),
  'socket.connection.setup.timeout.max.ms': longKey({ default: 30000, validate: atLeast(0), importance: 'MEDIUM', doc: 'Cap of the exponential connect timeout.' }),
  'connections.max.idle.ms': longKey({ default: 540000, importance: 'MEDIUM', doc: 'Close connections idle this long.' }),
};

export const producerConfigDefs = {
  ...commonKeys,
  acks: enumKey(['all', '-1', '0', '1'], { default: 'all', importance: 'HIGH', doc: 'Acknowledgements required: all (-1) waits for the ISR, 1 for the leader, 0 for none.' }),
  'linger.ms': longKey({ default: 5, validate: atLeast(0), importance: 'MEDIUM', doc: 'How long a batch may wait for more records.' }),
  'batch.size': intKey({ default: 16384, validate: atLeast(0), importance: 'MEDIUM', doc: 'Target batch size per partition in bytes.' }),
  'buffer.memory': longKey({ default: 33554432, validate: atLeast(0), importance: 'HIGH', doc: 'Bytes of unsent records the producer may hold.' }),
  'max.block.ms': longKey({ default: 60000, validate: atLeast(0), importance: 'MEDIUM', doc: 'How long send() may block for metadata or buffer space.' }),
  'max.request.size': intKey({ default: 1048576, validate: atLeast(0), importance: 'MEDIUM', doc: 'Largest produce request.' }),
  'compression.type': enumKey(PRODUCER_COMPRESSION_TYPES, { default: 'none', importance: 'HIGH', doc: 'Batch compression codec.' }),
  retries: intKey({ default: INT_MAX, validate: between(0, INT_MAX), importance: 'HIGH', doc: 'Retries of a failed batch, bounded by delivery.timeout.ms.' }),
  'delivery.timeout.ms': intKey({ default: 120000, validate: atLeast(0), importance: 'MEDIUM', doc: 'Upper bound on reporting success or failure of a send.' }),
  'max.in.flight.requests.per.connection': intKey({ default: 5, validate: atLeast(1), importance: 'LOW', doc: 'Unacknowledged requests per connection.' }),
  'enable.idempotence': booleanKey({ default: true, importance: 'LOW', doc: 'Exactly-once per partition via producer ids and sequence numbers.' }),
  'key.serializer': stringKey({ default: null, importance: 'HIGH', doc: SERIALIZER_DOC }),
  'value.serializer': stringKey({ default: null, importance: 'HIGH', doc: SERIALIZER_DOC }),
  'interceptor.classes': listKey({ default: [], importance: 'LOW', doc: INTERCEPTORS_DOC }),
  'partitioner.class': stringKey({ default: null, importance: 'MEDIUM', doc: 'Partitioner: org.apache.kafka.clients.producer.RoundRobinPartitioner, ...UniformStickyPartitioner, ...internals.DefaultPartitioner (short names RoundRobinPartitioner, UniformStickyPartitioner, DefaultPartitioner), or a module path. Default: the default partitioner (murmur2 of keys, sticky without).' }),
  'partitioner.ignore.keys': booleanKey({ default: false, importance: 'MEDIUM', doc: 'When true the default partitioner ignores record keys (every record is partitioned as if keyless). No effect with partitioner.class.' }),
  'transactional.id': stringKey({ default: null, importance: 'LOW', doc: 'Enables transactions; the same id across restarts fences older instances. Implies enable.idempotence.' }),
  'transaction.timeout.ms': intKey({ default: 60000, validate: atLeast(1), importance: 'LOW', doc: 'How long the coordinator waits for a transaction to end before aborting it.' }),
};

export const consumerConfigDefs = {
  ...commonKeys,
  'group.id': stringKey({ default: null, importance: 'HIGH', doc: 'Consumer group; needed for subscribe() and offset commits.' }),
  'group.instance.id': stringKey({ default: null, importance: 'MEDIUM', doc: 'Static membership (KIP-345): a member restarted within session.timeout.ms gets its partitions back without a rebalance.' }),
  'auto.offset.reset': enumKey(['latest', 'earliest', 'none'], { default: 'latest', importance: 'MEDIUM', doc: 'Where to start without a committed offset.' }),
  'enable.auto.commit': booleanKey({ default: true, importance: 'MEDIUM', doc: 'Commit consumed offsets periodically.' }),
  'auto.commit.interval.ms': intKey({ default: 5000, validate: atLeast(0), importance: 'LOW', doc: 'Auto-commit period.' }),
  'fetch.min.bytes': intKey({ default: 1, validate: atLeast(0), importance: 'HIGH', doc: 'Bytes a fetch waits for.' }),
  'fetch.max.bytes': intKey({ default: 52428800, validate: atLeast(0), importance: 'MEDIUM', doc: 'Largest fetch response requested.' }),
  'fetch.max.wait.ms': intKey({ default: 500, validate: atLeast(0), importance: 'LOW', doc: 'How long a fetch may wait for fetch.min.bytes.' }),
  'max.partition.fetch.bytes': intKey({ default: 1048576, validate: atLeast(0), importance: 'HIGH', doc: 'Bytes requested per partition.' }),
  'max.poll.records': intKey({ default: 500, validate: atLeast(1), importance: 'MEDIUM', doc: 'Records returned by one poll().' }),
  'session.timeout.ms': intKey({ default: 45000, importance: 'HIGH', doc: 'Missing heartbeats this long removes the member from the group.' }),
  'heartbeat.interval.ms': intKey({ default: 3000, importance: 'HIGH', doc: 'Heartbeat period; must be below session.timeout.ms.' }),
  'max.poll.interval.ms': intKey({ default: 300000, validate: atLeast(1), importance: 'MEDIUM', doc: 'Longest gap between polls before the member leaves the group.' }),
  'partition.assignment.strategy': listKey({ default: ['range'], validate: [nonEmptyList(), assignorShape], importance: 'MEDIUM', doc: 'Assignors in order of preference.' }),
  'isolation.level': enumKey(['read_uncommitted', 'read_committed'], { default: 'read_uncommitted', caseInsensitive: true, importance: 'MEDIUM', doc: 'read_committed returns only committed transactional records, up to the last stable offset.' }),
  'check.crcs': booleanKey({ default: true, importance: 'LOW', doc: 'Verify batch CRCs on receipt.' }),
  'exclude.internal.topics': booleanKey({ default: true, importance: 'MEDIUM', doc: 'Keep internal topics out of pattern subscriptions.' }),
  'allow.auto.create.topics': booleanKey({ default: true, importance: 'MEDIUM', doc: 'Let a subscription create a missing topic (if the broker allows it).' }),
  'default.api.timeout.ms': intKey({ default: 60000, validate: atLeast(0), importance: 'MEDIUM', doc: 'Timeout of blocking consumer calls without their own.' }),
  'key.deserializer': stringKey({ default: null, importance: 'HIGH', doc: DESERIALIZER_DOC }),
  'value.deserializer': stringKey({ default: null, importance: 'HIGH', doc: DESERIALIZER_DOC }),
  'interceptor.classes': listKey({ default: [], importance: 'LOW', doc: INTERCEPTORS_DOC }),
};

export interface CommonClientConfig {
  bootstrapServers: HostPort[];
  clientId: string;
  requestTimeoutMs: number;
  retryBackoffMs: number;
  retryBackoffMaxMs: number;
  reconnectBackoffMs: number;
  reconnectBackoffMaxMs: number;
  metadataMaxAgeMs: number;
  socketConnectionSetupTimeoutMs: number;
  socketConnectionSetupTimeoutMaxMs: number;
  connectionsMaxIdleMs: number;
  /** From security.protocol and ssl.* (lib/security/client-security-config.ts); undefined for PLAINTEXT. */
  security: ClientSecurity | undefined;
}

export interface ProducerConfig extends CommonClientConfig {
  /** Wire value: -1 for all. */
  acks: Acks;
  lingerMs: number;
  batchSize: number;
  bufferMemory: number;
  maxBlockMs: number;
  maxRequestSize: number;
  compressionType: ProducerCompressionType;
  retries: number;
  deliveryTimeoutMs: number;
  maxInFlightRequestsPerConnection: number;
  enableIdempotence: boolean;
  keySerializer: string | null;
  valueSerializer: string | null;
  interceptorClasses: string[];
  partitionerClass: string | null;
  partitionerIgnoreKeys: boolean;
  transactionalId: string | null;
  transactionTimeoutMs: number;
}

export interface ConsumerConfig extends CommonClientConfig {
  groupId: string | null;
  groupInstanceId: string | null;
  autoOffsetReset: AutoOffsetReset;
  enableAutoCommit: boolean;
  autoCommitIntervalMs: number;
  fetchMinBytes: number;
  fetchMaxBytes: number;
  fetchMaxWaitMs: number;
  maxPartitionFetchBytes: number;
  maxPollRecords: number;
  sessionTimeoutMs: number;
  heartbeatIntervalMs: number;
  maxPollIntervalMs: number;
  partitionAssignmentStrategy: AssignorName[];
  isolationLevel: IsolationLevel;
  checkCrcs: boolean;
  excludeInternalTopics: boolean;
  allowAutoCreateTopics: boolean;
  defaultApiTimeoutMs: number;
  keyDeserializer: string | null;
  valueDeserializer: string | null;
  interceptorClasses: string[];
}

export interface ParsedClientConfig<C> {
  config: C;
  /** Keys no definition knows: Kafka logs "supplied but isn't a known config" for each. */
  unknownKeys: string[];
  ignoredKeys: string[];
}

/** The parsed security keys, handed on under their own names (unset ones left out). */
function pickSecurityValues(v: ValuesOf<typeof commonKeys>): Record<string, string | readonly string[]> {
  const picked: Record<string, string | readonly string[]> = {};
  for (const key of Object.keys(clientSecurityKeys) as (keyof typeof clientSecurityKeys)[]) {
    const value = v[key];
    if (value !== null && value !== undefined) picked[key] = value;
  }
  return picked;
}

function common(v: ValuesOf<typeof commonKeys>): CommonClientConfig {
  return {
    // Shapes were validated already, so every entry parses.
    bootstrapServers: v['bootstrap.servers'].map((s) => (parseHostPort(s) as { ok: true; value: HostPort }).value),
    clientId: v['client.id'],
    requestTimeoutMs: v['request.timeout.ms'],
    retryBackoffMs: v['retry.backoff.ms'],
    retryBackoffMaxMs: v['retry.backoff.max.ms'],
    reconnectBackoffMs: v['reconnect.backoff.ms'],
    reconnectBackoffMaxMs: v['reconnect.backoff.max.ms'],
    metadataMaxAgeMs: v['metadata.max.age.ms'],
    socketConnectionSetupTimeoutMs: v['socket.connection.setup.timeout.ms'],
    socketConnectionSetupTimeoutMaxMs: v['socket.connection.setup.timeout.max.ms'],
    connectionsMaxIdleMs: v['connections.max.idle.ms'],
    security: clientSecurityFromProperties(pickSecurityValues(v)),
  };
}

export function parseProducerConfig(raw: RawConfig): ParsedClientConfig<ProducerConfig> {
  const { values: v, unknownKeys, ignoredKeys, providedKeys } = parseConfig(producerConfigDefs, raw);
  const acks: Acks = v.acks === 'all' ? -1 : (Number(v.acks) as Acks);
  const config: ProducerConfig = {
    ...common(v),
    acks,
    lingerMs: v['linger.ms'],
    batchSize: v['batch.size'],
    bufferMemory: v['buffer.memory'],
    maxBlockMs: v['max.block.ms'],
    maxRequestSize: v['max.request.size'],
    compressionType: v['compression.type'],
    retries: v.retries,
    deliveryTimeoutMs: v['delivery.timeout.ms'],
    maxInFlightRequestsPerConnection: v['max.in.flight.requests.per.connection'],
    enableIdempotence: v['enable.idempotence'],
    keySerializer: v['key.serializer'],
    valueSerializer: v['value.serializer'],
    interceptorClasses: [...v['interceptor.classes']],
    partitionerClass: v['partitioner.class'],
    partitionerIgnoreKeys: v['partitioner.ignore.keys'],
    transactionalId: v['transactional.id'],
    transactionTimeoutMs: v['transaction.timeout.ms'],
  };
  resolveDeliveryTimeout(config, providedKeys);
  // A transactional id asks for idempotence as explicitly as enable.idempotence=true does (Kafka's rule).
  const transactional = config.transactionalId !== null;
  if (transactional && !config.enableIdempotence) throw ConfigError.invalidValue('enable.idempotence', false, TRANSACTIONAL_NEEDS_IDEMPOTENCE);
  resolveIdempotence(config, transactional || providedKeys.has('enable.idempotence'), v.acks);
  return { config, unknownKeys, ignoredKeys };
}

/** Kafka raises a too-small delivery.timeout.ms only when the user set it; a default is stretched. */
function resolveDeliveryTimeout(config: ProducerConfig, provided: ReadonlySet<string>): void {
  const floor = config.lingerMs + config.requestTimeoutMs;
  if (config.deliveryTimeoutMs >= floor) return;
  if (provided.has('delivery.timeout.ms')) {
    throw ConfigError.invalidValue('delivery.timeout.ms', config.deliveryTimeoutMs, 'delivery.timeout.ms should be equal to or larger than linger.ms + request.timeout.ms');
  }
  config.deliveryTimeoutMs = floor;
}

/**
 * The settings that rule out the idempotent producer, as [key, value, Kafka's message]; empty when
 * none does. Shared with the producer's code options (lib/client/producer-options.ts).
 */
export function idempotenceConflicts(
  settings: { acks: Acks; retries: number; maxInFlightRequestsPerConnection: number }, rawAcks: unknown = settings.acks,
): [string, unknown, string][] {
  const conflicts: [string, unknown, string][] = [];
  if (settings.acks !== -1) conflicts.push(['acks', rawAcks, 'Must set acks to all in order to use the idempotent producer. Otherwise we cannot guarantee idempotence.']);
  if (settings.retries === 0) conflicts.push(['retries', settings.retries, 'Must set retries to non-zero when using the idempotent producer.']);
  if (settings.maxInFlightRequestsPerConnection > 5) {
    conflicts.push(['max.in.flight.requests.per.connection', settings.maxInFlightRequestsPerConnection, 'Must set max.in.flight.requests.per.connection to at most 5 to use the idempotent producer.']);
  }
  return conflicts;
}

/** Kafka's ConfigException message for transactional.id with enable.idempotence=false. */
export const TRANSACTIONAL_NEEDS_IDEMPOTENCE = 'Cannot set a transactional.id without also enabling idempotence.';

/**
 * Idempotence is on by default but quietly yields to settings that contradict it; asked for
 * explicitly, a contradiction is an error (Kafka 3.x behaviour).
 */
function resolveIdempotence(config: ProducerConfig, explicit: boolean, rawAcks: string): void {
  if (!config.enableIdempotence) return;
  const conflicts = idempotenceConflicts(config, rawAcks);
  if (conflicts.length === 0) return;
  if (explicit) throw ConfigError.invalidValue(...conflicts[0]);
  config.enableIdempotence = false;
}

export function parseConsumerConfig(raw: RawConfig): ParsedClientConfig<ConsumerConfig> {
  const { values: v, unknownKeys, ignoredKeys, providedKeys } = parseConfig(consumerConfigDefs, raw);
  const config: ConsumerConfig = {
    ...common(v),
    groupId: v['group.id'],
    groupInstanceId: v['group.instance.id'],
    autoOffsetReset: v['auto.offset.reset'],
    enableAutoCommit: v['enable.auto.commit'],
    autoCommitIntervalMs: v['auto.commit.interval.ms'],
    fetchMinBytes: v['fetch.min.bytes'],
    fetchMaxBytes: v['fetch.max.bytes'],
    fetchMaxWaitMs: v['fetch.max.wait.ms'],
    maxPartitionFetchBytes: v['max.partition.fetch.bytes'],
    maxPollRecords: v['max.poll.records'],
    sessionTimeoutMs: v['session.timeout.ms'],
    heartbeatIntervalMs: v['heartbeat.interval.ms'],
    maxPollIntervalMs: v['max.poll.interval.ms'],
    partitionAssignmentStrategy: v['partition.assignment.strategy'].map((name) => ASSIGNOR_ALIASES[name]),
    isolationLevel: v['isolation.level'],
    checkCrcs: v['check.crcs'],
    excludeInternalTopics: v['exclude.internal.topics'],
    allowAutoCreateTopics: v['allow.auto.create.topics'],
    defaultApiTimeoutMs: v['default.api.timeout.ms'],
    keyDeserializer: v['key.deserializer'],
    valueDeserializer: v['value.deserializer'],
    interceptorClasses: [...v['interceptor.classes']],
  };
  if (config.heartbeatIntervalMs >= config.sessionTimeoutMs) {
    throw ConfigError.invalidValue('heartbeat.interval.ms', config.heartbeatIntervalMs, `Heartbeat must be set lower than the session timeout (${config.sessionTimeoutMs})`);
  }
  if (config.groupId === null && config.enableAutoCommit) {
    // Without a group there is nowhere to commit; only an explicit request for it is an error.
    if (providedKeys.has('enable.auto.commit')) {
      throw ConfigError.invalidValue('enable.auto.commit', true, 'enable.auto.commit cannot be set to true when default group id (null) is used.');
    }
    config.enableAutoCommit = false;
  }
  return { config, unknownKeys, ignoredKeys };
}
