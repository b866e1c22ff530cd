/**
 * One batch of records bound for one partition, from the first append to the broker's answer.
 *
 * Each record is encoded into the batch's buffer when it is appended (lib/record/batch-builder.ts),
 * so a waiting batch holds bytes plus, per record, its completion callback and timestamp: no
 * record objects survive until the answer (they were most of the producer's GC work). The header
 * and CRC are written when the batch is first drained and the same bytes are resent on retry. An
 * idempotent producer stamps its producer id, epoch and base sequence first, so they are built
 * into the bytes (the CRC covers them); only a batch given a new sequence gets a new header.
 * Completing a batch is one loop over the callbacks: no per-record promise or timer is created.
 */
import { BATCH_HEADER_SIZE } from '../record/batch-header';
import { BatchBuilder } from '../record/batch-builder';
import { CompressionType } from '../record/compression';
import { ProducerRecordData } from '../record/record';
import { sizeOfVarint } from '../record/varint';

export interface RecordMetadata {
  topic: string;
  partition: number;
  /** -1 for acks=0, where the broker does not say. */
  offset: number;
  timestamp: number;
}

/**
 * How a record's outcome is reported: Kafka's send callback. `metadata` is set on success; on
 * failure `partition` is the batch's, for records that failed after joining one (interceptors report it).
 */
export type Completion = (err: Error | null, metadata?: RecordMetadata, partition?: number) => void;

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
  /** Per record, in order: how to report its outcome, and its timestamp. */
  readonly completions: Completion[] = [];
  private readonly timestamps: number[] = [];
  /** Null once the batch is done (its buffer may then be reused by another batch). */
  private builder: BatchBuilder | null;
  /** Estimated encoded size, header included (the estimate buffer.memory and batch.size count). */
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

  /** `buffer` receives the encoded records (at least batch.size bytes, or the first record's estimate). */
  constructor(readonly topic: string, readonly partition: number, readonly createdAtMs: number, buffer: Buffer = Buffer.allocUnsafe(1024)) {
    this.builder = new BatchBuilder(buffer);
  }

  get recordCount(): number {
    return this.completions.length;
  }

  /** True when a record of `recordBytes` fits under `batchSize` (an empty batch takes any record). */
  hasRoomFor(recordBytes: number, batchSize: number): boolean {
    return !this.closed && (this.completions.length === 0 || this.sizeBytes + recordBytes <= batchSize);
  }

  /** Encodes the record into the batch; throws (leaving the batch unchanged) if it cannot be encoded. */
  append(record: ProducerRecordData, recordBytes: number, completion: Completion): void {
    const timestamp = record.timestamp as number;
    this.liveBuilder().append(record, timestamp);
    this.completions.push(completion);
    this.timestamps.push(timestamp);
    this.sizeBytes += recordBytes;
  }

  /** Builds the header once; the batch is closed from then on, so the bytes always match the records. */
  encode(compression: CompressionType, transactional = false): Buffer {
    if (this.encoded === null) {
      this.closed = true;
      this.encoded = this.liveBuilder().build({
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

  /**
   * After the batch is done: its buffer, which nothing reads any more once the broker has
   * answered the request that carried it; null when already taken.
   */
  takeBuffer(): Buffer | null {
    const builder = this.builder;
    if (builder === null || !this.done) return null;
    this.builder = null;
    this.encoded = null;
    return builder.buffer;
  }

  private liveBuilder(): BatchBuilder {
    if (this.builder === null) throw new Error(`batch for ${this.topic}-${this.partition} was already released`);
    return this.builder;
  }

  /** Resolves every record; `logAppendTimeMs` is -1 unless the topic uses LogAppendTime. */
  complete(baseOffset: number, logAppendTimeMs: number): void {
    if (this.done) return;
    this.done = true;
    const { topic, partition, completions, timestamps } = this;
    for (let i = 0; i < completions.length; i++) {
      completions[i](null, {
        topic,
        partition,
        offset: baseOffset < 0 ? -1 : baseOffset + i,
        timestamp: logAppendTimeMs >= 0 ? logAppendTimeMs : timestamps[i],
      });
    }
  }

  fail(err: Error): void {
    if (this.done) return;
    this.done = true;
    this.error = err;
    const partition = this.partition;
    for (const completion of this.completions) completion(err, undefined, partition);
  }
}
