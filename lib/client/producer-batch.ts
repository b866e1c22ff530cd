/**
 * One batch of records bound for one partition, from the first append to the broker's answer.
 *
 * Holds the records and the resolve/reject functions of their send() promises side by side in
 * arrays, so completing a batch is one loop and no per-record promise or timer is created. The
 * batch is encoded once, when first drained, and the same bytes are resent on retry. An
 * idempotent producer stamps its producer id, epoch and base sequence first, so they are built
 * into the bytes (the CRC covers them); only a batch given a new sequence is encoded again.
 */
import { BATCH_HEADER_SIZE } from '../record/batch-header';
import { CompressionType } from '../record/compression';
import { ProducerRecordData } from '../record/record';
import { encodeRecordBatch } from '../record/record-batch';
import { sizeOfVarint } from '../record/varint';

export interface RecordMetadata {
  topic: string;
  partition: number;
  /** -1 for acks=0, where the broker does not say. */
  offset: number;
  timestamp: number;
}

export type Resolve = (metadata: RecordMetadata) => void;
/** `partition` is the batch's, for records that failed after joining one (interceptors report it). */
export type Reject = (err: Error, partition?: number) => void;

function sizeOfBytes(bytes: Buffer | null | undefined): number {
  return bytes == null ? 1 : sizeOfVarint(bytes.length) + bytes.length;
}

/**
 * The record's encoded size inside a batch, assuming a 3-byte timestamp delta and offset delta
 * (records of one batch are rarely more than a few seconds apart). Used for batch.size and
 * buffer.memory accounting; the exact size is known when the batch is encoded.
 */
export function estimateRecordSize(record: ProducerRecordData): number {
  let body = 1 + 3 + 3 + sizeOfBytes(record.key) + sizeOfBytes(record.value);
  const headers = record.headers;
  if (headers === undefined || headers.length === 0) {
    body += 1;
  } else {
    body += sizeOfVarint(headers.length);
    for (const h of headers) {
      const keyLength = Buffer.byteLength(h.key, 'utf8');
      body += sizeOfVarint(keyLength) + keyLength + sizeOfBytes(h.value);
    }
  }
  return sizeOfVarint(body) + body;
}

let nextBatchSequence = 0;

export class ProducerBatch {
  readonly records: ProducerRecordData[] = [];
  readonly resolvers: Resolve[] = [];
  readonly rejecters: Reject[] = [];
  /** Estimated encoded size, header included. */
  sizeBytes = BATCH_HEADER_SIZE;
  /** No more appends: the batch filled up or was drained. */
  closed = false;
  /** How many times the batch has been sent. */
  attempts = 0;
  /** Not before this time (retry backoff). */
  retryAtMs = 0;
  encoded: Buffer | null = null;
  done = false;
  /** Why the batch failed for good (the transaction manager looks at it); null otherwise. */
  error: Error | null = null;
  /** Creation order across the producer, so retried batches go back in their original order. */
  readonly sequence = nextBatchSequence++;
  /** Idempotence: -1 until a sequence is assigned (lib/client/producer-idempotence.ts). */
  producerId = -1;
  producerEpoch = -1;
  baseSequence = -1;

  constructor(readonly topic: string, readonly partition: number, readonly createdAtMs: number) {}

  get recordCount(): number {
    return this.records.length;
  }

  /** True when a record of `recordBytes` fits under `batchSize` (an empty batch takes any record). */
  hasRoomFor(recordBytes: number, batchSize: number): boolean {
    return !this.closed && (this.records.length === 0 || this.sizeBytes + recordBytes <= batchSize);
  }

  append(record: ProducerRecordData, recordBytes: number, resolve: Resolve, reject: Reject): void {
    this.records.push(record);
    this.resolvers.push(resolve);
    this.rejecters.push(reject);
    this.sizeBytes += recordBytes;
  }

  /** Encodes once; the batch is closed from then on, so the bytes always match the records. */
  encode(compression: CompressionType, transactional = false): Buffer {
    if (this.encoded === null) {
      this.closed = true;
      this.encoded = encodeRecordBatch(this.records, {
        compression, producerId: this.producerId, producerEpoch: this.producerEpoch, baseSequence: this.baseSequence, transactional,
      });
    }
    return this.encoded;
  }

  /** Sets the idempotence header fields; bytes encoded with other values are dropped. */
  setProducerState(producerId: number, producerEpoch: number, baseSequence: number): void {
    if (this.producerId === producerId && this.producerEpoch === producerEpoch && this.baseSequence === baseSequence) return;
    this.producerId = producerId;
    this.producerEpoch = producerEpoch;
    this.baseSequence = baseSequence;
    this.encoded = null;
  }

  /** Resolves every record; `logAppendTimeMs` is -1 unless the topic uses LogAppendTime. */
  complete(baseOffset: number, logAppendTimeMs: number): void {
    if (this.done) return;
    this.done = true;
    const { topic, partition, records, resolvers } = this;
    for (let i = 0; i < resolvers.length; i++) {
      resolvers[i]({
        topic,
        partition,
        offset: baseOffset < 0 ? -1 : baseOffset + i,
        timestamp: logAppendTimeMs >= 0 ? logAppendTimeMs : (records[i].timestamp as number),
      });
    }
  }

  fail(err: Error): void {
    if (this.done) return;
    this.done = true;
    this.error = err;
    for (const reject of this.rejecters) reject(err, this.partition);
  }
}
