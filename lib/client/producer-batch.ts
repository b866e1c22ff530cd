/**
 * One batch of records bound for one partition, from the first append to the broker's answer.
 *
 * Each record is encoded into the batch's buffer when it is appended (lib/record/batch-builder.ts),
 * so a waiting batch holds bytes, not record objects (those surviving young-generation
 * collections until the answer were most of the producer's GC work). Callbacks and timestamps
 * are kept as runs: consecutive records with the same callback (an application passing one
 * function to every send) or the same millisecond cost one entry, not one each. The header
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
  const headers = record.headers;
  if (headers === undefined || headers.length === 0) return estimatePlainRecordSize(record.key, record.value);
  let body = 1 + 3 + 3 + sizeOfBytes(record.key) + sizeOfBytes(record.value) + sizeOfVarint(headers.length);
  for (const h of headers) {
    const keyLength = Buffer.byteLength(h.key, 'utf8');
    body += sizeOfVarint(keyLength) + keyLength + sizeOfBytes(h.value);
  }
  return sizeOfVarint(body) + body;
}

/** estimateRecordSize of a record without headers, with no varint range checks (lengths are in range). */
function estimatePlainRecordSize(key: Buffer | null, value: Buffer | null): number {
  const body = 1 + 3 + 3 + (key == null ? 1 : smallVarintSize(key.length) + key.length)
    + (value == null ? 1 : smallVarintSize(value.length) + value.length) + 1;
  return smallVarintSize(body) + body;
}

/** sizeOfVarint of a non-negative int32. */
function smallVarintSize(n: number): number {
  if (n < 0x40) return 1;
  if (n < 0x2000) return 2;
  if (n < 0x100000) return 3;
  if (n < 0x8000000) return 4;
  return 5;
}

let nextBatchSequence = 0;

export class ProducerBatch {
  /** Runs of records, in order, reported through the same callback: callbacks[i] for counts[i] records. */
  private readonly callbacks: Completion[] = [];
  private readonly callbackCounts: number[] = [];
  /** Runs of records with the same timestamp. */
  private readonly timestamps: number[] = [];
  private readonly timestampCounts: number[] = [];
  private count = 0;
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
    return this.count;
  }

  /** True when a record of `recordBytes` fits under `batchSize` (an empty batch takes any record). */
  hasRoomFor(recordBytes: number, batchSize: number): boolean {
    return !this.closed && (this.count === 0 || this.sizeBytes + recordBytes <= batchSize);
  }

  /** Encodes the record into the batch; throws (leaving the batch unchanged) if it cannot be encoded. */
  append(record: ProducerRecordData, recordBytes: number, completion: Completion): void {
    const timestamp = record.timestamp as number;
    this.liveBuilder().append(record, timestamp);
    addToRuns(this.callbacks, this.callbackCounts, completion);
    // Timestamps inline rather than through addToRuns: a generic call would box each one.
    const timestamps = this.timestamps;
    const last = timestamps.length - 1;
    if (last >= 0 && timestamps[last] === timestamp) this.timestampCounts[last]++;
    else {
      timestamps.push(timestamp);
      this.timestampCounts.push(1);
    }
    this.count++;
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
    const { topic, partition, callbacks, callbackCounts, timestamps, timestampCounts } = this;
    let run = 0;
    let leftInRun = timestampCounts[0];
    let index = 0;
    for (let c = 0; c < callbacks.length; c++) {
      const callback = callbacks[c];
      for (let n = callbackCounts[c]; n > 0; n--) {
        if (leftInRun === 0) leftInRun = timestampCounts[++run];
        leftInRun--;
        callback(null, {
          topic,
          partition,
          offset: baseOffset < 0 ? -1 : baseOffset + index,
          timestamp: logAppendTimeMs >= 0 ? logAppendTimeMs : timestamps[run],
        });
        index++;
      }
    }
  }

  fail(err: Error): void {
    if (this.done) return;
    this.done = true;
    this.error = err;
    const partition = this.partition;
    for (let c = 0; c < this.callbacks.length; c++) {
      const callback = this.callbacks[c];
      for (let n = this.callbackCounts[c]; n > 0; n--) callback(err, undefined, partition);
    }
  }
}

/** Counts `value` as the next element of the run-length list (values[i] repeated counts[i] times). */
function addToRuns(values: Completion[], counts: number[], value: Completion): void {
  const last = values.length - 1;
  if (last >= 0 && values[last] === value) counts[last]++;
  else {
    values.push(value);
    counts.push(1);
  }
}
