/**
 * Incremental RecordBatch v2 encoder: the producer writes each record into its batch's buffer at
 * send() time, so a batch waiting for linger.ms or a free in-flight slot holds bytes, not one
 * object per record (those objects surviving young-generation collections were most of the
 * producer's garbage-collection time). The header and the CRC-32C are written once, by build().
 *
 * The bytes are those of encodeRecordBatch (record-batch.ts) for the same records and options:
 * records are written by the same record-codec functions, and a unit test compares the two.
 * Producers only build CreateTime, non-control batches; the broker-side options are not here.
 */
import { ErrorCode, SamsaError } from '../protocol/errors';
import {
  ATTRIBUTES_OFFSET, BASE_OFFSET_OFFSET, BASE_SEQUENCE_OFFSET, BATCH_LENGTH_OFFSET, CRC_OFFSET, CURRENT_MAGIC,
  FIRST_TIMESTAMP_OFFSET, LAST_OFFSET_DELTA_OFFSET, LOG_OVERHEAD, MAGIC_OFFSET, MAX_TIMESTAMP_OFFSET,
  PARTITION_LEADER_EPOCH_OFFSET, PRODUCER_EPOCH_OFFSET, PRODUCER_ID_OFFSET, RECORD_COUNT_OFFSET, RECORDS_OFFSET,
  TRANSACTIONAL_FLAG_MASK, computeBatchCrc,
} from './batch-header';
import { COMPRESSION_IDS, CompressionType, compress } from './compression';
import { writeInt64 } from './int64';
import { ProducerRecordData } from './record';
import { recordBodySize, recordSize, writeRecord } from './record-codec';
import { sizeOfVarlong, writeVarlong } from './varint';

/** The header fields a producer chooses; everything else follows from the records. */
export interface BuildBatchOptions {
  compression: CompressionType;
  producerId: number;
  producerEpoch: number;
  baseSequence: number;
  transactional: boolean;
}

/** Header key lengths of the record being appended (recordBodySize fills it, writeRecord reads it). */
const scratchKeyLengths: number[] = [];

export class BatchBuilder {
  private buf: Buffer;
  private position = RECORDS_OFFSET;
  private count = 0;
  private firstTimestamp = 0;
  private maxTimestamp = 0;

  /** `buffer` is written from byte 0; it grows (by copying) if a record does not fit. */
  constructor(buffer: Buffer) {
    if (buffer.length < RECORDS_OFFSET) throw new RangeError(`a batch buffer needs at least ${RECORDS_OFFSET} bytes`);
    this.buf = buffer;
  }

  get recordCount(): number {
    return this.count;
  }

  /** Bytes written so far, header included. */
  get sizeInBytes(): number {
    return this.position;
  }

  /** The buffer the batch is written into (a bigger one than given if a record did not fit). */
  get buffer(): Buffer {
    return this.buf;
  }

  /**
   * Writes `record` with its timestamp (the record's own; the caller has set it). Validates the
   * record completely before writing a byte, so a refused record leaves the batch as it was.
   */
  append(record: ProducerRecordData, timestamp: number): void {
    if (!Number.isSafeInteger(timestamp)) {
      throw new SamsaError(ErrorCode.INVALID_TIMESTAMP, `record timestamp ${timestamp} is not an integer number of milliseconds`);
    }
    const first = this.count === 0 ? timestamp : this.firstTimestamp;
    const delta = timestamp - first;
    if (record.headers == null) {
      this.appendWithoutHeaders(record.key, record.value, delta);
    } else {
      this.appendWithHeaders(record, delta);
    }
    if (this.count === 0 || timestamp > this.maxTimestamp) this.maxTimestamp = timestamp;
    this.firstTimestamp = first;
    this.count++;
  }

  /**
   * The common record (no headers) written field by field, the same bytes as record-codec's
   * writeRecord: the lengths are known-good integers here, so the varints skip the range checks.
   */
  private appendWithoutHeaders(key: Buffer | null, value: Buffer | null, timestampDelta: number): void {
    const offsetDelta = this.count;
    const keyLength = key === null ? -1 : key.length;
    const valueLength = value === null ? -1 : value.length;
    // A delta within int32 (any two records less than 24 days apart) zig-zags as a varint does.
    const smallDelta = timestampDelta === (timestampDelta | 0);
    const bodySize = 1 + (smallDelta ? unsignedVarintSize(zigzag(timestampDelta)) : sizeOfVarlong(timestampDelta)) + unsignedVarintSize(zigzag(offsetDelta))
      + unsignedVarintSize(zigzag(keyLength)) + (keyLength > 0 ? keyLength : 0)
      + unsignedVarintSize(zigzag(valueLength)) + (valueLength > 0 ? valueLength : 0) + 1;
    const needed = this.position + unsignedVarintSize(zigzag(bodySize)) + bodySize;
    if (needed > this.buf.length) this.grow(needed);
    const buf = this.buf;
    let position = writeUnsignedVarint(buf, this.position, zigzag(bodySize));
    buf[position++] = 0; // record attributes: unused in v2
    position = smallDelta ? writeUnsignedVarint(buf, position, zigzag(timestampDelta)) : writeVarlong(buf, position, timestampDelta);
    position = writeUnsignedVarint(buf, position, zigzag(offsetDelta));
    position = writeUnsignedVarint(buf, position, zigzag(keyLength));
    if (key !== null) position = copyBytes(buf, position, key);
    position = writeUnsignedVarint(buf, position, zigzag(valueLength));
    if (value !== null) position = copyBytes(buf, position, value);
    buf[position++] = 0; // varint 0: no headers
    this.position = position;
  }

  private appendWithHeaders(record: ProducerRecordData, delta: number): void {
    scratchKeyLengths.length = 0;
    const bodySize = recordBodySize(record, this.count, delta, scratchKeyLengths);
    const needed = this.position + recordSize(bodySize);
    if (needed > this.buf.length) this.grow(needed);
    this.position = writeRecord(this.buf, this.position, record, this.count, delta, bodySize, scratchKeyLengths, 0);
  }

  private grow(needed: number): void {
    const bigger = Buffer.allocUnsafe(Math.max(needed, this.buf.length * 2));
    this.buf.copy(bigger, 0, 0, this.position);
    this.buf = bigger;
  }

  /**
   * The finished batch: a view of the buffer for uncompressed batches (header written in place,
   * so building again with other producer fields rewrites only the header), a new buffer otherwise.
   */
  build(options: BuildBatchOptions): Buffer {
    if (this.count === 0) throw new RangeError('a record batch needs at least one record');
    let attributes = COMPRESSION_IDS[options.compression];
    if (attributes === undefined) throw new SamsaError(ErrorCode.UNSUPPORTED_COMPRESSION_TYPE, `unknown compression type "${options.compression}"`);
    if (options.transactional) attributes |= TRANSACTIONAL_FLAG_MASK;
    let out: Buffer;
    if (options.compression === 'none') {
      out = this.buf.subarray(0, this.position);
    } else {
      const compressed = compress(options.compression, this.buf.subarray(RECORDS_OFFSET, this.position));
      out = Buffer.allocUnsafe(RECORDS_OFFSET + compressed.length);
      compressed.copy(out, RECORDS_OFFSET);
    }
    writeInt64(out, BASE_OFFSET_OFFSET, 0, 'baseOffset');
    out.writeInt32BE(out.length - LOG_OVERHEAD, BATCH_LENGTH_OFFSET);
    out.writeInt32BE(-1, PARTITION_LEADER_EPOCH_OFFSET);
    out.writeInt8(CURRENT_MAGIC, MAGIC_OFFSET);
    out.writeInt16BE(attributes, ATTRIBUTES_OFFSET);
    out.writeInt32BE(this.count - 1, LAST_OFFSET_DELTA_OFFSET);
    writeInt64(out, FIRST_TIMESTAMP_OFFSET, this.firstTimestamp, 'firstTimestamp');
    writeInt64(out, MAX_TIMESTAMP_OFFSET, this.maxTimestamp, 'maxTimestamp');
    writeInt64(out, PRODUCER_ID_OFFSET, options.producerId, 'producerId');
    out.writeInt16BE(options.producerEpoch, PRODUCER_EPOCH_OFFSET);
    out.writeInt32BE(options.baseSequence, BASE_SEQUENCE_OFFSET);
    out.writeInt32BE(this.count, RECORD_COUNT_OFFSET);
    // Last: the CRC covers attributes through the end of the records.
    out.writeUInt32BE(computeBatchCrc(out, 0, out.length), CRC_OFFSET);
    return out;
  }
}

/** Zig-zag of an int32 (every caller passes a length, a count, a record index or a checked delta). */
function zigzag(value: number): number {
  return ((value << 1) ^ (value >> 31)) >>> 0;
}

function unsignedVarintSize(value: number): number {
  if (value < 0x80) return 1;
  if (value < 0x4000) return 2;
  if (value < 0x200000) return 3;
  if (value < 0x10000000) return 4;
  return 5;
}

function writeUnsignedVarint(buf: Buffer, position: number, value: number): number {
  while (value > 0x7f) {
    buf[position++] = (value & 0x7f) | 0x80;
    value >>>= 7;
  }
  buf[position++] = value;
  return position;
}

/** Below this length a byte loop beats the native copy call (as in record-codec). */
const SMALL_COPY_BYTES = 16;

function copyBytes(buf: Buffer, position: number, bytes: Buffer): number {
  const length = bytes.length;
  if (length <= SMALL_COPY_BYTES) {
    for (let i = 0; i < length; i++) buf[position + i] = bytes[i];
  } else {
    buf.set(bytes, position);
  }
  return position + length;
}
