/**
 * RecordBatch v2 encoder and decoder: the client's view of a batch, records included.
 *
 * The producer builds batches with encodeRecordBatch and the consumer reads fetch responses with
 * decodeRecordBatches. The broker does not use this module: it handles batches as bytes through
 * batch-header.ts. The layout is Kafka's DefaultRecordBatch (docs/protocol.md, "RecordBatch v2").
 * Encoding is synchronous and sizes the whole batch before writing it into a single buffer.
 */
import { ErrorCode, SamsaError, CorruptRecordError } from '../protocol/errors';
import {
  ATTRIBUTES_OFFSET, BASE_OFFSET_OFFSET, BASE_SEQUENCE_OFFSET, BATCH_LENGTH_OFFSET, COMPRESSION_CODEC_MASK,
  CONTROL_FLAG_MASK, CRC_OFFSET, CURRENT_MAGIC, FIRST_TIMESTAMP_OFFSET, LAST_OFFSET_DELTA_OFFSET, LOG_OVERHEAD, MAGIC_OFFSET,
  MAX_TIMESTAMP_OFFSET, PARTITION_LEADER_EPOCH_OFFSET, PRODUCER_EPOCH_OFFSET, PRODUCER_ID_OFFSET, RECORD_COUNT_OFFSET,
  RECORDS_OFFSET, TIMESTAMP_TYPE_MASK, TRANSACTIONAL_FLAG_MASK, completeBatchSizeAt, computeBatchCrc, validateBatch,
} from './batch-header';
import { COMPRESSION_IDS, CompressionType, compress, compressionTypeFromId, decompress } from './compression';
import { readInt64, writeInt64 } from './int64';
import { ConsumedRecord, ProducerRecordData, TimestampType } from './record';
import { RecordContext, readRecord, recordBodySize, recordSize, writeRecord } from './record-codec';
import { ByteCursor } from './varint';

export interface EncodeBatchOptions {
  /** Offset of the first record; producers leave it 0 and the broker stamps the real one. */
  baseOffset?: number;
  /** -1 (Kafka's NO_PARTITION_LEADER_EPOCH) unless set; the leader stamps its epoch on append. */
  partitionLeaderEpoch?: number;
  compression?: CompressionType;
  producerId?: number;
  producerEpoch?: number;
  baseSequence?: number;
  /** LogAppendTime gives every record the timestamp `now`, as Kafka's batch builder does. */
  timestampType?: TimestampType;
  transactional?: boolean;
  /** Marks a control batch (transaction markers); its records are written as given. */
  control?: boolean;
  /** Timestamp for records without one (and for LogAppendTime batches); defaults to Date.now(). */
  now?: number;
}

/** The batch header fields, decoded. */
export interface DecodedBatchHeader {
  baseOffset: number;
  /** baseOffset + lastOffsetDelta: the batch may be empty or sparse after compaction. */
  lastOffset: number;
  partitionLeaderEpoch: number;
  magic: number;
  crc: number;
  attributes: number;
  compression: CompressionType;
  timestampType: TimestampType;
  isTransactional: boolean;
  isControl: boolean;
  lastOffsetDelta: number;
  firstTimestamp: number;
  maxTimestamp: number;
  producerId: number;
  producerEpoch: number;
  baseSequence: number;
  recordCount: number;
  /** Whole batch, LOG_OVERHEAD included. */
  sizeInBytes: number;
}

export interface DecodedBatch extends DecodedBatchHeader {
  records: ConsumedRecord[];
}

/** The smallest possible record: length, attributes, timestamp, offset, key, value, header count. */
const MIN_RECORD_SIZE = 7;

function checkInt(field: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) throw new RangeError(`${field} ${value} is outside [${min}, ${max}]`);
  return value;
}

function recordTimestamp(record: ProducerRecordData, logAppendTime: boolean, now: number): number {
  const timestamp = logAppendTime ? now : (record.timestamp ?? now);
  if (!Number.isSafeInteger(timestamp)) {
    throw new SamsaError(ErrorCode.INVALID_TIMESTAMP, `record timestamp ${timestamp} is not an integer number of milliseconds`);
  }
  return timestamp;
}

function attributesFor(options: EncodeBatchOptions, compression: CompressionType): number {
  let attributes = COMPRESSION_IDS[compression];
  if (attributes === undefined) throw new SamsaError(ErrorCode.UNSUPPORTED_COMPRESSION_TYPE, `unknown compression type "${compression}"`);
  if (options.timestampType === 'LogAppendTime') attributes |= TIMESTAMP_TYPE_MASK;
  if (options.transactional) attributes |= TRANSACTIONAL_FLAG_MASK;
  if (options.control) attributes |= CONTROL_FLAG_MASK;
  return attributes;
}

/**
 * Encodes `records` as one RecordBatch v2. The first record's timestamp is the batch's
 * firstTimestamp (Kafka's baseTimestamp), so later records may carry negative deltas.
 */
export function encodeRecordBatch(records: readonly ProducerRecordData[], options: EncodeBatchOptions = {}): Buffer {
  const count = records.length;
  if (count === 0) throw new RangeError('a record batch needs at least one record');
  const compression = options.compression ?? 'none';
  const attributes = attributesFor(options, compression);
  const logAppendTime = options.timestampType === 'LogAppendTime';
  const now = options.now ?? Date.now();
  const firstTimestamp = recordTimestamp(records[0], logAppendTime, now);
  let maxTimestamp = firstTimestamp;

  const bodySizes = new Array<number>(count);
  const headerKeyLengths: number[] = [];
  let recordsSize = 0;
  for (let i = 0; i < count; i++) {
    const timestamp = recordTimestamp(records[i], logAppendTime, now);
    if (timestamp > maxTimestamp) maxTimestamp = timestamp;
    bodySizes[i] = recordBodySize(records[i], i, timestamp - firstTimestamp, headerKeyLengths);
    recordsSize += recordSize(bodySizes[i]);
  }

  let out: Buffer;
  if (compression === 'none') {
    out = Buffer.allocUnsafe(RECORDS_OFFSET + recordsSize);
    writeRecords(out, RECORDS_OFFSET, records, bodySizes, headerKeyLengths, firstTimestamp, logAppendTime, now);
  } else {
    const plain = Buffer.allocUnsafe(recordsSize);
    writeRecords(plain, 0, records, bodySizes, headerKeyLengths, firstTimestamp, logAppendTime, now);
    const compressed = compress(compression, plain);
    out = Buffer.allocUnsafe(RECORDS_OFFSET + compressed.length);
    compressed.copy(out, RECORDS_OFFSET);
  }
  writeHeader(out, options, attributes, count, firstTimestamp, maxTimestamp);
  return out;
}

function writeRecords(
  buf: Buffer, start: number, records: readonly ProducerRecordData[], bodySizes: readonly number[],
  headerKeyLengths: readonly number[], firstTimestamp: number, logAppendTime: boolean, now: number,
): void {
  let position = start;
  let keyIndex = 0;
  for (let i = 0; i < records.length; i++) {
    const record = records[i];
    const timestampDelta = (logAppendTime ? now : (record.timestamp ?? now)) - firstTimestamp;
    position = writeRecord(buf, position, record, i, timestampDelta, bodySizes[i], headerKeyLengths, keyIndex);
    keyIndex += record.headers?.length ?? 0;
  }
  // Pair assertion with the sizing pass: a mismatch is a codec bug, never a property of the input.
  if (position !== buf.length) throw new Error(`record batch encoder wrote ${position - start} bytes, sized ${buf.length - start}`);
}

function writeHeader(out: Buffer, options: EncodeBatchOptions, attributes: number, count: number, firstTimestamp: number, maxTimestamp: number): void {
  writeInt64(out, BASE_OFFSET_OFFSET, options.baseOffset ?? 0, 'baseOffset');
  out.writeInt32BE(out.length - LOG_OVERHEAD, BATCH_LENGTH_OFFSET);
  out.writeInt32BE(checkInt('partitionLeaderEpoch', options.partitionLeaderEpoch ?? -1, -0x80000000, 0x7fffffff), PARTITION_LEADER_EPOCH_OFFSET);
  out.writeInt8(CURRENT_MAGIC, MAGIC_OFFSET);
  out.writeInt16BE(attributes, ATTRIBUTES_OFFSET);
  out.writeInt32BE(count - 1, LAST_OFFSET_DELTA_OFFSET);
  writeInt64(out, FIRST_TIMESTAMP_OFFSET, firstTimestamp, 'firstTimestamp');
  writeInt64(out, MAX_TIMESTAMP_OFFSET, maxTimestamp, 'maxTimestamp');
  writeInt64(out, PRODUCER_ID_OFFSET, options.producerId ?? -1, 'producerId');
  out.writeInt16BE(checkInt('producerEpoch', options.producerEpoch ?? -1, -0x8000, 0x7fff), PRODUCER_EPOCH_OFFSET);
  out.writeInt32BE(checkInt('baseSequence', options.baseSequence ?? -1, -0x80000000, 0x7fffffff), BASE_SEQUENCE_OFFSET);
  out.writeInt32BE(count, RECORD_COUNT_OFFSET);
  // Last: the CRC covers attributes through the end of the records.
  out.writeUInt32BE(computeBatchCrc(out, 0, out.length), CRC_OFFSET);
}

/** Validates (size, magic, CRC) and decodes the header of the batch at `position`. */
export function decodeBatchHeader(buf: Buffer, position = 0): DecodedBatchHeader {
  const info = validateBatch(buf, position);
  const attributes = info.attributes;
  return {
    baseOffset: info.baseOffset,
    lastOffset: info.baseOffset + info.lastOffsetDelta,
    partitionLeaderEpoch: info.partitionLeaderEpoch,
    magic: buf.readInt8(position + MAGIC_OFFSET),
    crc: buf.readUInt32BE(position + CRC_OFFSET),
    attributes,
    compression: compressionTypeFromId(attributes & COMPRESSION_CODEC_MASK),
    timestampType: (attributes & TIMESTAMP_TYPE_MASK) !== 0 ? 'LogAppendTime' : 'CreateTime',
    isTransactional: (attributes & TRANSACTIONAL_FLAG_MASK) !== 0,
    isControl: (attributes & CONTROL_FLAG_MASK) !== 0,
    lastOffsetDelta: info.lastOffsetDelta,
    firstTimestamp: info.firstTimestamp,
    maxTimestamp: info.maxTimestamp,
    producerId: readInt64(buf, position + PRODUCER_ID_OFFSET, 'producerId'),
    producerEpoch: buf.readInt16BE(position + PRODUCER_EPOCH_OFFSET),
    baseSequence: buf.readInt32BE(position + BASE_SEQUENCE_OFFSET),
    recordCount: info.recordCount,
    sizeInBytes: info.sizeInBytes,
  };
}

/** Validates, decompresses and decodes the batch at `position` (bytes after the batch are ignored). */
export function decodeRecordBatch(buf: Buffer, position = 0): DecodedBatch {
  const header = decodeBatchHeader(buf, position);
  const recordsStart = position + RECORDS_OFFSET;
  const recordsEnd = position + header.sizeInBytes;
  let cursor: ByteCursor;
  if (header.compression === 'none') {
    cursor = { buf, position: recordsStart, end: recordsEnd };
  } else {
    const plain = decompress(header.compression, buf.subarray(recordsStart, recordsEnd));
    cursor = { buf: plain, position: 0, end: plain.length };
  }
  const context: RecordContext = {
    baseOffset: header.baseOffset,
    firstTimestamp: header.firstTimestamp,
    maxTimestamp: header.maxTimestamp,
    timestampType: header.timestampType,
    leaderEpoch: header.partitionLeaderEpoch,
  };
  const records = readRecords(cursor, header.recordCount, context);
  return { ...header, records };
}

function readRecords(cursor: ByteCursor, count: number, context: RecordContext): ConsumedRecord[] {
  const available = cursor.end - cursor.position;
  // Checked before allocating: a hostile recordCount must not size an array.
  if (count * MIN_RECORD_SIZE > available) {
    throw new CorruptRecordError(`record batch declares recordCount ${count} but has only ${available} bytes of records`);
  }
  const records = new Array<ConsumedRecord>(count);
  for (let i = 0; i < count; i++) {
    if (cursor.position >= cursor.end) {
      throw new CorruptRecordError(`record batch declares recordCount ${count} but holds only ${i} records`);
    }
    records[i] = readRecord(cursor, context);
  }
  if (cursor.position !== cursor.end) {
    throw new CorruptRecordError(`record batch has ${cursor.end - cursor.position} bytes after its ${count} declared records`);
  }
  return records;
}

/**
 * Decodes every complete batch in `buf` (a fetch response's record set). The response may end in
 * a batch cut short by the fetch size limit: those trailing bytes are not an error, they are
 * skipped and counted in `partialBytes`. A complete batch that fails validation throws.
 */
export function decodeRecordBatches(buf: Buffer): { batches: DecodedBatch[]; partialBytes: number } {
  const batches: DecodedBatch[] = [];
  let position = 0;
  while (position < buf.length) {
    const size = completeBatchSizeAt(buf, position);
    if (size === -1) break;
    batches.push(decodeRecordBatch(buf, position));
    position += size;
  }
  return { batches, partialBytes: buf.length - position };
}
