/**
 * The consumer's extension points from ConsumerOptions — key/value deserializers and
 * interceptors — and the last step of poll() that uses them: turn the fetched Buffers into the
 * application's types, then let onConsume see the records.
 *
 * A deserializer that throws stops delivery at that record, as in Kafka 2.8: records before it
 * are returned; it and everything after it are handed back (the consumer rewinds to them), so
 * the poll that reaches it throws RecordDeserializationError and the partition's position stays
 * at the bad record until the application seeks past it.
 */
import { ErrorCode } from '../protocol/errors';
import { RecordDeserializationError, userError } from './client-errors';
import { ClientLogger } from './client-logger';
import { ConsumerInterceptor, ConsumerInterceptors } from './consumer-interceptors';
import type { ConsumerRecord } from './partition-state';
import { BufferDeserializer, Deserializer, isDeserializer } from './serializers';

/** The extension options of ConsumerOptions (see there). */
export interface ConsumerExtensionOptions<K, V> {
  keyDeserializer?: Deserializer<K>;
  valueDeserializer?: Deserializer<V>;
  interceptors?: ConsumerInterceptor<K, V>[];
}

function invalid(name: string, why: string): Error {
  return userError(ErrorCode.INVALID_CONFIG, `Invalid value for ${name}: ${why}`);
}

export class ConsumerDelivery<K, V> {
  readonly interceptors: ConsumerInterceptors<K, V>;
  private readonly keyDeserializer: Deserializer<K> | null;
  private readonly valueDeserializer: Deserializer<V> | null;

  constructor(options: ConsumerExtensionOptions<K, V>, log: ClientLogger) {
    const { keyDeserializer, valueDeserializer, interceptors = [] } = options;
    if (keyDeserializer !== undefined && !isDeserializer(keyDeserializer)) throw invalid('keyDeserializer', 'must have a deserialize(topic, data, headers) method');
    if (valueDeserializer !== undefined && !isDeserializer(valueDeserializer)) throw invalid('valueDeserializer', 'must have a deserialize(topic, data, headers) method');
    if (!Array.isArray(interceptors) || interceptors.some((i) => typeof i !== 'object' || i === null)) {
      throw invalid('interceptors', 'must be an array of ConsumerInterceptor objects');
    }
    // Buffers need no pass over the records: null marks "as fetched".
    const identity = (d: unknown): boolean => d === undefined || d instanceof BufferDeserializer;
    this.keyDeserializer = identity(keyDeserializer) ? null : (keyDeserializer as Deserializer<K>);
    this.valueDeserializer = identity(valueDeserializer) ? null : (valueDeserializer as Deserializer<V>);
    this.interceptors = new ConsumerInterceptors(interceptors, log);
  }

  /** True when records reach the application as fetched: Buffer deserializers, no interceptors. */
  get passesBytes(): boolean {
    return this.keyDeserializer === null && this.valueDeserializer === null && this.interceptors.empty;
  }

  /**
   * The records the application gets for `fetched`; `handBack` receives the ones not delivered
   * (from a record that failed to deserialize on), which the consumer rewinds to.
   */
  deliver(fetched: ConsumerRecord[], handBack: (unseen: readonly ConsumerRecord[]) => void): ConsumerRecord<K, V>[] {
    let records = fetched as unknown as ConsumerRecord<K, V>[];
    if (this.keyDeserializer !== null || this.valueDeserializer !== null) {
      records = [];
      for (let i = 0; i < fetched.length; i++) {
        let record: ConsumerRecord<K, V>;
        try {
          record = this.deserialize(fetched[i]);
        } catch (err) {
          handBack(fetched.slice(i));
          if (i === 0) throw err;
          break;
        }
        records.push(record);
      }
    }
    return this.interceptors.empty ? records : this.interceptors.onConsume(records);
  }

  private deserialize(r: ConsumerRecord): ConsumerRecord<K, V> {
    const key = this.part(this.keyDeserializer, r, r.key, 'key');
    const value = this.part(this.valueDeserializer, r, r.value, 'value');
    return { ...r, key, value } as ConsumerRecord<K, V>;
  }

  private part<T>(d: Deserializer<T> | null, r: ConsumerRecord, data: Buffer | null, which: 'key' | 'value'): T | Buffer | null {
    if (d === null || data === null) return data;
    try {
      return d.deserialize(r.topic, data, r.headers);
    } catch (err) {
      throw new RecordDeserializationError(r.topic, r.partition, r.offset, which, err);
    }
  }
}
