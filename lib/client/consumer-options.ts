/**
 * Consumer options: the public interface, Kafka's defaults, and the mapping from Kafka property
 * names (`auto.offset.reset`, `fetch.min.bytes`, ...) through lib/config/client-config.ts.
 */
import { parseConsumerConfig } from '../config/client-config';
import { ErrorCode } from '../protocol/errors';
import { getLogger } from '../util/logger';
import { ClientOptions, commonClientOptions, ResolvedClientOptions, resolveClientOptions } from './client-options';
import { userError } from './client-errors';

const log = getLogger('consumer');

export type AutoOffsetReset = 'earliest' | 'latest' | 'none';

export interface ConsumerOptions extends ClientOptions {
  /** Where to start when a partition has no position or its position is out of range. Default 'latest'. */
  autoOffsetReset?: AutoOffsetReset;
  fetchMinBytes?: number;
  fetchMaxBytes?: number;
  fetchMaxWaitMs?: number;
  maxPartitionFetchBytes?: number;
  maxPollRecords?: number;
  /** Accepted; group membership comes in a later issue. */
  groupId?: string;
}

export interface ResolvedConsumerOptions extends ResolvedClientOptions {
  autoOffsetReset: AutoOffsetReset;
  fetchMinBytes: number;
  fetchMaxBytes: number;
  fetchMaxWaitMs: number;
  maxPartitionFetchBytes: number;
  maxPollRecords: number;
  groupId: string | null;
}

export const CONSUMER_DEFAULTS = {
  autoOffsetReset: 'latest',
  fetchMinBytes: 1,
  fetchMaxBytes: 52428800,
  fetchMaxWaitMs: 500,
  maxPartitionFetchBytes: 1048576,
  maxPollRecords: 500,
} as const;

function count(name: string, value: number | undefined, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value < min) {
    throw userError(ErrorCode.INVALID_CONFIG, `Invalid value ${String(value)} for ${name}: must be a number >= ${min}`);
  }
  return value;
}

export function resolveConsumerOptions(options: ConsumerOptions): ResolvedConsumerOptions {
  const reset = options.autoOffsetReset ?? CONSUMER_DEFAULTS.autoOffsetReset;
  if (reset !== 'earliest' && reset !== 'latest' && reset !== 'none') {
    throw userError(ErrorCode.INVALID_CONFIG, `Invalid value ${String(reset)} for autoOffsetReset: must be earliest, latest or none`);
  }
  return {
    ...resolveClientOptions(options),
    autoOffsetReset: reset,
    fetchMinBytes: count('fetchMinBytes', options.fetchMinBytes, CONSUMER_DEFAULTS.fetchMinBytes, 0),
    fetchMaxBytes: count('fetchMaxBytes', options.fetchMaxBytes, CONSUMER_DEFAULTS.fetchMaxBytes, 1),
    fetchMaxWaitMs: count('fetchMaxWaitMs', options.fetchMaxWaitMs, CONSUMER_DEFAULTS.fetchMaxWaitMs, 0),
    maxPartitionFetchBytes: count('maxPartitionFetchBytes', options.maxPartitionFetchBytes, CONSUMER_DEFAULTS.maxPartitionFetchBytes, 1),
    maxPollRecords: count('maxPollRecords', options.maxPollRecords, CONSUMER_DEFAULTS.maxPollRecords, 1),
    groupId: options.groupId ?? null,
  };
}

/** Kafka property names → ConsumerOptions; unknown keys are logged, invalid values throw ConfigError. */
export function consumerOptionsFromProperties(props: Record<string, string>): ConsumerOptions {
  const { config, unknownKeys } = parseConsumerConfig(props);
  return {
    ...commonClientOptions(config, unknownKeys, log),
    autoOffsetReset: config.autoOffsetReset,
    fetchMinBytes: config.fetchMinBytes,
    fetchMaxBytes: config.fetchMaxBytes,
    fetchMaxWaitMs: config.fetchMaxWaitMs,
    maxPartitionFetchBytes: config.maxPartitionFetchBytes,
    maxPollRecords: config.maxPollRecords,
    groupId: config.groupId ?? undefined,
  };
}
