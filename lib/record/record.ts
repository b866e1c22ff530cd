/**
 * The shapes of a record as producers hand it in and as consumers get it back.
 *
 * These are the client-facing types of the RecordBatch v2 codec (record-batch.ts); the broker
 * never builds them, it moves batches as bytes.
 */

/** A record header. Kafka forbids null header keys but allows null values. */
export interface RecordHeader {
  key: string;
  value: Buffer | null;
}

/** What a producer appends. A missing timestamp becomes the encoder's `now`. */
export interface ProducerRecordData {
  key: Buffer | null;
  value: Buffer | null;
  headers?: RecordHeader[];
  timestamp?: number;
}

export type TimestampType = 'CreateTime' | 'LogAppendTime';

/**
 * A decoded record. `key`, `value` and header values of uncompressed batches are views into the
 * buffer that was decoded (no copy); copy them if that buffer is going to be reused.
 */
export interface ConsumedRecord {
  offset: number;
  timestamp: number;
  timestampType: TimestampType;
  key: Buffer | null;
  value: Buffer | null;
  headers: RecordHeader[];
  leaderEpoch: number;
}
