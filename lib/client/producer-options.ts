/**
 * Producer options: the public interface, Kafka's defaults, and the mapping from Kafka property
 * names (`acks`, `linger.ms`, ...) through lib/config/client-config.ts, which owns validation of
 * properties. Defaults match that module so code and properties files behave alike, including
 * Kafka's idempotence rule: on by default, quietly off when acks, retries or in-flight settings
 * contradict it, an error when asked for explicitly against them.
 */
import { TRANSACTIONAL_NEEDS_IDEMPOTENCE, idempotenceConflicts, parseProducerConfig, producerConfigDefs } from '../config/client-config';
import { configDefault } from '../config/config-default';
import { ErrorCode } from '../protocol/errors';
import { CompressionType } from '../record/compression';
import { clientLogger } from './client-logger';
import { ClientOptions, commonClientOptions, ResolvedClientOptions, resolveClientOptions } from './client-options';
import { userError } from './client-errors';
import { loadPartitioner, loadProducerInterceptors, loadSerializer } from './client-plugins';
import type { ProducerExtensionOptions } from './producer-extensions';
import type { ProducerInterceptor } from './producer-interceptors';
import type { BytesOrString, Serializer } from './serializers';

/**
 * K and V are the record key and value types the serializers take (default: Buffers or strings).
 * The extension options (keySerializer, valueSerializer, interceptors, partitioner,
 * partitionerIgnoreKeys) are described in ProducerExtensionOptions and docs/client.md.
 */
export interface ProducerOptions<K = BytesOrString, V = BytesOrString> extends ClientOptions, ProducerExtensionOptions<K, V> {
  acks?: 0 | 1 | -1 | 'all';
  lingerMs?: number;
  batchSize?: number;
  compression?: CompressionType;
  retries?: number;
  deliveryTimeoutMs?: number;
  maxInFlightRequestsPerConnection?: number;
  maxRequestSize?: number;
  bufferMemory?: number;
  /** How long send() may wait for topic metadata or buffer space (Kafka's max.block.ms). Default 60000. */
  maxBlockMs?: number;
  /**
   * Kafka's enable.idempotence: producer id + per-partition sequence numbers, so retries never
   * duplicate or reorder records. Default true unless acks, retries or maxInFlightRequestsPerConnection rule it out.
   */
  enableIdempotence?: boolean;
  /**
   * Kafka's transactional.id: enables initTransactions() and the other transaction methods. A new
   * producer with the same id fences older ones. Implies idempotence. Default null (no transactions).
   */
  transactionalId?: string | null;
  /** How long the coordinator lets a transaction stay open before aborting it (Kafka's transaction.timeout.ms). Default 60000. */
  transactionTimeoutMs?: number;
}

export interface ResolvedProducerOptions extends ResolvedClientOptions {
  acks: -1 | 0 | 1;
  lingerMs: number;
  batchSize: number;
  compression: CompressionType;
  retries: number;
  deliveryTimeoutMs: number;
  maxInFlightRequestsPerConnection: number;
  maxRequestSize: number;
  bufferMemory: number;
  maxBlockMs: number;
  enableIdempotence: boolean;
  transactionalId: string | null;
  transactionTimeoutMs: number;
}

const producer = <K extends keyof typeof producerConfigDefs & string>(key: K) => configDefault(producerConfigDefs, key);

/** The property definitions' defaults, so code and properties files behave alike. */
export const PRODUCER_DEFAULTS = {
  lingerMs: producer('linger.ms'),
  batchSize: producer('batch.size'),
  compression: producer('compression.type'),
  retries: producer('retries'),
  deliveryTimeoutMs: producer('delivery.timeout.ms'),
  maxInFlightRequestsPerConnection: producer('max.in.flight.requests.per.connection'),
  maxRequestSize: producer('max.request.size'),
  bufferMemory: producer('buffer.memory'),
  maxBlockMs: producer('max.block.ms'),
  transactionTimeoutMs: producer('transaction.timeout.ms'),
} as const;

const COMPRESSIONS: readonly CompressionType[] = ['none', 'gzip', 'snappy', 'lz4', 'zstd'];

function invalid(name: string, value: unknown, why: string): Error {
  return userError(ErrorCode.INVALID_CONFIG, `Invalid value ${String(value)} for ${name}: ${why}`);
}

function count(name: string, value: number | undefined, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value < min) throw invalid(name, value, `must be a number >= ${min}`);
  return value;
}

function resolveAcks(acks: ProducerOptions['acks']): -1 | 0 | 1 {
  if (acks === undefined || acks === 'all' || acks === -1) return -1;
  if (acks === 0 || acks === 1) return acks;
  throw invalid('acks', acks, 'must be 0, 1, -1 or all');
}

export function resolveProducerOptions<K, V>(options: ProducerOptions<K, V>): ResolvedProducerOptions {
  const compression = options.compression ?? PRODUCER_DEFAULTS.compression;
  if (!COMPRESSIONS.includes(compression)) throw invalid('compression', compression, `must be one of ${COMPRESSIONS.join(', ')}`);
  const resolved: ResolvedProducerOptions = {
    ...resolveClientOptions(options),
    acks: resolveAcks(options.acks),
    lingerMs: count('lingerMs', options.lingerMs, PRODUCER_DEFAULTS.lingerMs, 0),
    batchSize: count('batchSize', options.batchSize, PRODUCER_DEFAULTS.batchSize, 0),
    compression,
    retries: count('retries', options.retries, PRODUCER_DEFAULTS.retries, 0),
    deliveryTimeoutMs: count('deliveryTimeoutMs', options.deliveryTimeoutMs, PRODUCER_DEFAULTS.deliveryTimeoutMs, 0),
    maxInFlightRequestsPerConnection: count('maxInFlightRequestsPerConnection', options.maxInFlightRequestsPerConnection,
      PRODUCER_DEFAULTS.maxInFlightRequestsPerConnection, 1),
    maxRequestSize: count('maxRequestSize', options.maxRequestSize, PRODUCER_DEFAULTS.maxRequestSize, 1),
    bufferMemory: count('bufferMemory', options.bufferMemory, PRODUCER_DEFAULTS.bufferMemory, 1),
    maxBlockMs: count('maxBlockMs', options.maxBlockMs, PRODUCER_DEFAULTS.maxBlockMs, 0),
    enableIdempotence: false,
    transactionalId: resolveTransactionalId(options.transactionalId),
    transactionTimeoutMs: count('transactionTimeoutMs', options.transactionTimeoutMs, PRODUCER_DEFAULTS.transactionTimeoutMs, 1),
  };
  if (resolved.transactionalId !== null && options.enableIdempotence === false) throw invalid('enableIdempotence', false, TRANSACTIONAL_NEEDS_IDEMPOTENCE);
  // A transactional id asks for idempotence explicitly: a contradicting setting is an error, not a quiet downgrade.
  resolved.enableIdempotence = resolveIdempotence(resolved.transactionalId !== null ? true : options.enableIdempotence, resolved);
  return resolved;
}

function resolveTransactionalId(id: string | null | undefined): string | null {
  if (id === undefined || id === null) return null;
  if (typeof id !== 'string' || id === '') throw invalid('transactionalId', id, 'must be a non-empty string');
  return id;
}

function resolveIdempotence(requested: boolean | undefined, resolved: ResolvedProducerOptions): boolean {
  if (requested === false) return false;
  const conflicts = idempotenceConflicts(resolved);
  if (conflicts.length === 0) return true;
  if (requested === true) throw invalid(...conflicts[0]);
  clientLogger(resolved.logger, 'producer').debug(`idempotence disabled: ${conflicts[0][2]}`);
  return false;
}

/**
 * Kafka property names → ProducerOptions; unknown keys are logged, invalid values throw
 * ConfigError. Plug-ins named by interceptor.classes, partitioner.class and the serializer keys
 * are loaded here (lib/client/client-plugins.ts) and configured with `props`.
 */
export function producerOptionsFromProperties<K = BytesOrString, V = BytesOrString>(props: Record<string, string>): ProducerOptions<K, V> {
  const { config, unknownKeys } = parseProducerConfig(props);
  return {
    keySerializer: config.keySerializer === null ? undefined : loadSerializer(config.keySerializer, 'key.serializer', props) as Serializer<K>,
    valueSerializer: config.valueSerializer === null ? undefined : loadSerializer(config.valueSerializer, 'value.serializer', props) as Serializer<V>,
    interceptors: loadProducerInterceptors(config.interceptorClasses, props) as ProducerInterceptor<K, V>[],
    partitioner: config.partitionerClass === null ? undefined : loadPartitioner(config.partitionerClass, config.partitionerIgnoreKeys, props),
    partitionerIgnoreKeys: config.partitionerIgnoreKeys,
    ...commonClientOptions(config, unknownKeys, clientLogger(undefined, 'producer')),
    acks: config.acks,
    lingerMs: config.lingerMs,
    batchSize: config.batchSize,
    compression: config.compressionType,
    retries: config.retries,
    deliveryTimeoutMs: config.deliveryTimeoutMs,
    maxInFlightRequestsPerConnection: config.maxInFlightRequestsPerConnection,
    maxRequestSize: config.maxRequestSize,
    bufferMemory: config.bufferMemory,
    maxBlockMs: config.maxBlockMs,
    enableIdempotence: config.enableIdempotence,
    transactionalId: config.transactionalId,
    transactionTimeoutMs: config.transactionTimeoutMs,
  };
}
