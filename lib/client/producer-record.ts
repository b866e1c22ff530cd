/**
 * The record shape applications hand to Producer.send(), and its conversion to the codec's
 * ProducerRecordData (key and value through the serializers, header maps to lists, a send-time
 * timestamp). Kept apart from the producer so the hot path's one allocation per record is easy to see;
 * the commonest record (Buffer or null key and value, no headers, no timestamp, default
 * serializers) is converted into a reused object instead (toPlainRecordData).
 */
import { ProducerRecordData, RecordHeader } from '../record/record';
import { InvalidArgumentError, SerializationError } from './client-errors';
import { SamsaError } from '../protocol/errors';
import { BytesOrString, BytesOrStringSerializer, Serializer } from './serializers';

export type HeaderValue = Buffer | string | null;

/** K and V are what the producer's serializers take: Buffers or strings by default. */
export interface ProducerRecord<K = BytesOrString, V = BytesOrString> {
  topic: string;
  partition?: number;
  key?: K | null;
  value: V | null;
  headers?: Record<string, HeaderValue> | Array<{ key: string; value: HeaderValue }>;
  timestamp?: number;
}

/** The serializers of one producer. */
export interface RecordSerializers<K, V> {
  key: Serializer<K>;
  value: Serializer<V>;
}

const DEFAULT_SERIALIZERS: RecordSerializers<BytesOrString, BytesOrString> = {
  key: new BytesOrStringSerializer('record key'),
  value: new BytesOrStringSerializer('record value'),
};

/** Shared by records without headers under the default serializers, which never add any. */
const NO_HEADERS = Object.freeze([]) as unknown as RecordHeader[];

export function defaultSerializers<K, V>(): RecordSerializers<K, V> {
  return DEFAULT_SERIALIZERS as unknown as RecordSerializers<K, V>;
}

function headerBytes(v: HeaderValue | undefined, what: string): Buffer | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') return Buffer.from(v, 'utf8');
  if (Buffer.isBuffer(v)) return v;
  const bytes: unknown = v;
  if (bytes instanceof Uint8Array) return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  throw new InvalidArgumentError(`record ${what} must be a Buffer, a string or null`);
}

function toHeaders(headers: ProducerRecord<unknown, unknown>['headers']): RecordHeader[] {
  const out: RecordHeader[] = [];
  if (headers === undefined || headers === null) return out;
  if (Array.isArray(headers)) {
    for (const h of headers) {
      if (typeof h.key !== 'string') throw new InvalidArgumentError('record header keys must be strings');
      out.push({ key: h.key, value: headerBytes(h.value, `header '${h.key}'`) });
    }
  } else {
    for (const key of Object.keys(headers)) out.push({ key, value: headerBytes(headers[key], `header '${key}'`) });
  }
  return out;
}

function serialize<T>(serializer: Serializer<T>, topic: string, data: T | null | undefined, headers: RecordHeader[], what: 'key' | 'value'): Buffer | null {
  if (data === null || data === undefined) return null;
  let bytes: unknown;
  try {
    bytes = serializer.serialize(topic, data, headers);
  } catch (err) {
    // The built-ins and the default throw InvalidArgumentError already; anything else is Kafka's SerializationException.
    throw err instanceof SamsaError ? err : new SerializationError(topic, what, err);
  }
  if (bytes === null || bytes === undefined) return null;
  if (!(bytes instanceof Uint8Array)) throw new SerializationError(topic, what, new TypeError('the serializer did not return a Buffer'));
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Converts and validates one record; `nowMs` is its timestamp unless it carries one. */
export function toRecordData<K, V>(record: ProducerRecord<K, V>, nowMs: number,
  serializers: RecordSerializers<K, V> = defaultSerializers<K, V>()): ProducerRecordData {
  if (record === null || typeof record !== 'object') throw new InvalidArgumentError('send() needs a record object');
  if (typeof record.topic !== 'string' || record.topic.length === 0) {
    throw new InvalidArgumentError('record topic must be a non-empty string');
  }
  const timestamp = record.timestamp ?? nowMs;
  if (!Number.isSafeInteger(timestamp) || timestamp < 0) {
    throw new InvalidArgumentError(`Invalid timestamp: ${String(record.timestamp)}. Timestamp should always be non-negative or null.`);
  }
  // Serializers may add headers (Kafka passes them the record's headers), so they come first. The
  // defaults never do, and return Buffers as they are: such a record allocates nothing more.
  // The producer holds its own {key, value} pair: compare the serializers, not the pair.
  if (record.headers == null && usesDefaultSerializers(serializers)) {
    const k: unknown = record.key;
    const v: unknown = record.value;
    const key = k == null ? null : Buffer.isBuffer(k) ? k : serialize(serializers.key, record.topic, record.key, NO_HEADERS, 'key');
    const value = v == null ? null : Buffer.isBuffer(v) ? v : serialize(serializers.value, record.topic, record.value, NO_HEADERS, 'value');
    return { key, value, headers: undefined, timestamp };
  }
  const headers = toHeaders(record.headers);
  const key = serialize(serializers.key, record.topic, record.key, headers, 'key');
  const value = serialize(serializers.value, record.topic, record.value, headers, 'value');
  return { key, value, headers: headers.length > 0 ? headers : undefined, timestamp };
}

/** Whether `serializers` are the defaults, under which Buffers pass through untouched. */
export function usesDefaultSerializers<K, V>(serializers: RecordSerializers<K, V>): boolean {
  return serializers.key === (DEFAULT_SERIALIZERS.key as unknown) && serializers.value === (DEFAULT_SERIALIZERS.value as unknown);
}

/**
 * toRecordData for the commonest record under the default serializers, without allocating: a
 * Buffer or null key and value, no headers and no timestamp of its own. Fills `out` (which the
 * caller reuses and must not keep) and returns it; returns null for any other record, which
 * toRecordData then converts (or refuses, with its error).
 */
export function toPlainRecordData<K, V>(record: ProducerRecord<K, V>, nowMs: number, out: ProducerRecordData): ProducerRecordData | null {
  if (record === null || typeof record !== 'object' || record.headers != null || record.timestamp != null) return null;
  const topic: unknown = record.topic;
  if (typeof topic !== 'string' || topic.length === 0) return null;
  const k: unknown = record.key;
  const v: unknown = record.value;
  if ((k != null && !Buffer.isBuffer(k)) || (v != null && !Buffer.isBuffer(v))) return null;
  out.key = k == null ? null : k as Buffer;
  out.value = v == null ? null : v as Buffer;
  out.timestamp = nowMs;
  return out;
}
