/**
 * Kafka's Serializer/Deserializer contracts, TypeScript-shaped: a producer turns its record keys
 * and values into bytes with `serialize(topic, data, headers)`, a consumer turns bytes back with
 * `deserialize(topic, data, headers)`. The built-ins mirror Kafka's common ones (ByteArray,
 * String as UTF-8, Integer and Long as big-endian, the latter as bigint) plus JSON.
 *
 * Null stays null without calling a (de)serializer, as Kafka's consumer does for null keys and
 * values and as Kafka's built-in serializers do; a custom serializer never has to handle it.
 * The producer's default, BYTES_OR_STRING, keeps what send() always accepted: Buffers, other
 * Uint8Arrays and strings (UTF-8).
 */
import { RecordHeader } from '../record/record';
import { InvalidArgumentError } from './client-errors';

export interface Serializer<T> {
  /** The bytes for `data`; may add headers (the record's headers, mutable). */
  serialize(topic: string, data: T, headers: RecordHeader[]): Buffer;
}

export interface Deserializer<T> {
  /** The value for `data`; throwing makes poll() raise RecordDeserializationError. */
  deserialize(topic: string, data: Buffer, headers: readonly RecordHeader[]): T;
}

function bytesOf(data: unknown, what: string): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (data instanceof Uint8Array) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  throw new InvalidArgumentError(`${what} must be a Buffer or Uint8Array, got ${typeof data}`);
}

/** Kafka's ByteArraySerializer: Buffers (or any Uint8Array) as they are. */
export class BufferSerializer implements Serializer<Buffer | Uint8Array> {
  serialize(_topic: string, data: Buffer | Uint8Array): Buffer {
    return bytesOf(data, 'BufferSerializer input');
  }
}

/** Kafka's ByteArrayDeserializer: the bytes as they came (the consumer's default). */
export class BufferDeserializer implements Deserializer<Buffer> {
  deserialize(_topic: string, data: Buffer): Buffer {
    return data;
  }
}

/** Kafka's StringSerializer with its default encoding, UTF-8. */
export class StringSerializer implements Serializer<string> {
  serialize(_topic: string, data: string): Buffer {
    if (typeof data !== 'string') throw new InvalidArgumentError(`StringSerializer input must be a string, got ${typeof data}`);
    return Buffer.from(data, 'utf8');
  }
}

/**
 * Kafka's StringDeserializer (UTF-8). Like Java's decoder it replaces malformed sequences
 * with U+FFFD instead of failing.
 */
export class StringDeserializer implements Deserializer<string> {
  deserialize(_topic: string, data: Buffer): string {
    return data.toString('utf8');
  }
}

/** JSON text in UTF-8 (Kafka Connect's JsonSerializer without schemas). */
export class JsonSerializer<T = unknown> implements Serializer<T> {
  serialize(_topic: string, data: T): Buffer {
    const text = JSON.stringify(data);
    // JSON.stringify answers undefined for functions, symbols and undefined itself.
    if (text === undefined) throw new InvalidArgumentError(`JsonSerializer cannot serialize a ${typeof data}`);
    return Buffer.from(text, 'utf8');
  }
}

export class JsonDeserializer<T = unknown> implements Deserializer<T> {
  deserialize(_topic: string, data: Buffer): T {
    return JSON.parse(data.toString('utf8')) as T;
  }
}

/** Kafka's IntegerSerializer: a 32-bit signed integer, 4 bytes big-endian. */
export class Int32Serializer implements Serializer<number> {
  serialize(_topic: string, data: number): Buffer {
    if (!Number.isInteger(data) || data < -0x80000000 || data > 0x7fffffff) {
      throw new InvalidArgumentError(`Int32Serializer input must be an integer in [-2^31, 2^31-1], got ${String(data)}`);
    }
    const out = Buffer.allocUnsafe(4);
    out.writeInt32BE(data, 0);
    return out;
  }
}

/** Kafka's IntegerDeserializer: exactly 4 bytes, else "Size of data received by IntegerDeserializer is not 4". */
export class Int32Deserializer implements Deserializer<number> {
  deserialize(_topic: string, data: Buffer): number {
    if (data.length !== 4) throw new InvalidArgumentError('Size of data received by IntegerDeserializer is not 4');
    return data.readInt32BE(0);
  }
}

/** Kafka's LongSerializer: a 64-bit signed integer as bigint, 8 bytes big-endian. */
export class Int64Serializer implements Serializer<bigint> {
  serialize(_topic: string, data: bigint): Buffer {
    if (typeof data !== 'bigint' || data < -(2n ** 63n) || data >= 2n ** 63n) {
      throw new InvalidArgumentError(`Int64Serializer input must be a bigint in [-2^63, 2^63-1], got ${String(data)}`);
    }
    const out = Buffer.allocUnsafe(8);
    out.writeBigInt64BE(data, 0);
    return out;
  }
}

/** Kafka's LongDeserializer: exactly 8 bytes, else "Size of data received by LongDeserializer is not 8". */
export class Int64Deserializer implements Deserializer<bigint> {
  deserialize(_topic: string, data: Buffer): bigint {
    if (data.length !== 8) throw new InvalidArgumentError('Size of data received by LongDeserializer is not 8');
    return data.readBigInt64BE(0);
  }
}

/** What the producer takes without a serializer: Buffers or strings as UTF-8 (other Uint8Arrays work too). */
export type BytesOrString = Buffer | string;

/** The producer's default serializer, with the messages send() has always given. */
export class BytesOrStringSerializer implements Serializer<BytesOrString> {
  constructor(private readonly what = 'record value') {}

  serialize(_topic: string, data: BytesOrString): Buffer {
    if (typeof data === 'string') return Buffer.from(data, 'utf8');
    if (Buffer.isBuffer(data)) return data;
    const bytes: unknown = data;
    if (bytes instanceof Uint8Array) return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    throw new InvalidArgumentError(`${this.what} must be a Buffer, a string or null`);
  }
}

/** Kafka's class names (and Samsa's short names) for the built-ins; `new` one per client. */
const SERIALIZERS: Readonly<Record<string, () => Serializer<never>>> = {
  'org.apache.kafka.common.serialization.ByteArraySerializer': () => new BufferSerializer(),
  'org.apache.kafka.common.serialization.ByteBufferSerializer': () => new BufferSerializer(),
  'org.apache.kafka.common.serialization.BytesSerializer': () => new BufferSerializer(),
  'org.apache.kafka.common.serialization.StringSerializer': () => new StringSerializer(),
  'org.apache.kafka.common.serialization.IntegerSerializer': () => new Int32Serializer(),
  'org.apache.kafka.common.serialization.LongSerializer': () => new Int64Serializer(),
  'org.apache.kafka.connect.json.JsonSerializer': () => new JsonSerializer(),
  buffer: () => new BufferSerializer(),
  bytes: () => new BytesOrStringSerializer(),
  string: () => new StringSerializer(),
  json: () => new JsonSerializer(),
  int32: () => new Int32Serializer(),
  int64: () => new Int64Serializer(),
};

const DESERIALIZERS: Readonly<Record<string, () => Deserializer<unknown>>> = {
  'org.apache.kafka.common.serialization.ByteArrayDeserializer': () => new BufferDeserializer(),
  'org.apache.kafka.common.serialization.ByteBufferDeserializer': () => new BufferDeserializer(),
  'org.apache.kafka.common.serialization.BytesDeserializer': () => new BufferDeserializer(),
  'org.apache.kafka.common.serialization.StringDeserializer': () => new StringDeserializer(),
  'org.apache.kafka.common.serialization.IntegerDeserializer': () => new Int32Deserializer(),
  'org.apache.kafka.common.serialization.LongDeserializer': () => new Int64Deserializer(),
  'org.apache.kafka.connect.json.JsonDeserializer': () => new JsonDeserializer(),
  buffer: () => new BufferDeserializer(),
  bytes: () => new BufferDeserializer(),
  string: () => new StringDeserializer(),
  json: () => new JsonDeserializer(),
  int32: () => new Int32Deserializer(),
  int64: () => new Int64Deserializer(),
};

/** The built-in serializer named `name` (Kafka class name or short name), or undefined. */
export function builtInSerializer(name: string): Serializer<unknown> | undefined {
  return SERIALIZERS[name]?.() as Serializer<unknown> | undefined;
}

export function builtInDeserializer(name: string): Deserializer<unknown> | undefined {
  return DESERIALIZERS[name]?.();
}

export function isSerializer(v: unknown): v is Serializer<unknown> {
  return typeof v === 'object' && v !== null && typeof (v as Serializer<unknown>).serialize === 'function';
}

export function isDeserializer(v: unknown): v is Deserializer<unknown> {
  return typeof v === 'object' && v !== null && typeof (v as Deserializer<unknown>).deserialize === 'function';
}
