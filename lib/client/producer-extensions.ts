/**
 * The producer's extension points from ProducerOptions — key/value serializers, interceptors,
 * the partitioner and partitioner.ignore.keys — checked and resolved in one place so the
 * producer gets working objects or the constructor throws INVALID_CONFIG naming the option.
 */
import { ErrorCode } from '../protocol/errors';
import { userError } from './client-errors';
import { ClientLogger } from './client-logger';
import { isPartitioner, Partitioner, PartitionerFunction } from './partitioners';
import { ProducerInterceptor, ProducerInterceptors } from './producer-interceptors';
import { defaultSerializers, RecordSerializers } from './producer-record';
import { isSerializer, Serializer } from './serializers';

/** The extension options of ProducerOptions (see there). */
export interface ProducerExtensionOptions<K, V> {
  keySerializer?: Serializer<K>;
  valueSerializer?: Serializer<V>;
  interceptors?: ProducerInterceptor<K, V>[];
  partitioner?: Partitioner | PartitionerFunction;
  partitionerIgnoreKeys?: boolean;
}

export interface ProducerExtensions<K, V> {
  serializers: RecordSerializers<K, V>;
  interceptors: ProducerInterceptors<K, V>;
  partitioner: Partitioner | PartitionerFunction | undefined;
  ignoreKeys: boolean;
}

function invalid(name: string, why: string): Error {
  return userError(ErrorCode.INVALID_CONFIG, `Invalid value for ${name}: ${why}`);
}

export function resolveProducerExtensions<K, V>(options: ProducerExtensionOptions<K, V>, log: ClientLogger): ProducerExtensions<K, V> {
  const defaults = defaultSerializers<K, V>();
  const { keySerializer, valueSerializer, interceptors = [], partitioner, partitionerIgnoreKeys = false } = options;
  if (keySerializer !== undefined && !isSerializer(keySerializer)) throw invalid('keySerializer', 'must have a serialize(topic, data, headers) method');
  if (valueSerializer !== undefined && !isSerializer(valueSerializer)) throw invalid('valueSerializer', 'must have a serialize(topic, data, headers) method');
  if (!Array.isArray(interceptors) || interceptors.some((i) => typeof i !== 'object' || i === null)) {
    throw invalid('interceptors', 'must be an array of ProducerInterceptor objects');
  }
  if (partitioner !== undefined && !isPartitioner(partitioner)) {
    throw invalid('partitioner', 'must be a function (topic, key, keyBytes, value, cluster) => partition or an object with partition()');
  }
  if (typeof partitionerIgnoreKeys !== 'boolean') throw invalid('partitionerIgnoreKeys', 'must be a boolean');
  return {
    serializers: { key: keySerializer ?? defaults.key, value: valueSerializer ?? defaults.value },
    interceptors: new ProducerInterceptors(interceptors, log),
    partitioner,
    ignoreKeys: partitionerIgnoreKeys,
  };
}
