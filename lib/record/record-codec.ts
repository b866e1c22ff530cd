/**
 * One record inside a RecordBatch v2: sizing, writing and bounds-checked reading.
 *
 * Wire form (docs/protocol.md, "RecordBatch v2"): `length varint | attributes int8 |
 * timestampDelta varlong | offsetDelta varint | keyLength varint (-1 = null) | key |
 * valueLength varint (-1 = null) | value | headerCount varint | headers`, each header being
 * `keyLength varint | key utf8 | valueLength varint (-1 = null) | value`. `length` counts the
 * bytes after itself. The batch encoder sizes every record first (recordBodySize) and then writes
 * all of them into one buffer (writeRecord), so no per-record buffers are allocated.
 */
import { CorruptRecordError, ErrorCode, SamsaError } from '../protocol/errors';
import { ConsumedRecord, ProducerRecordData, RecordHeader, TimestampType } from './record';
import { ByteCursor, readVarint, readVarlong, sizeOfVarint, sizeOfVarlong, writeVarint, writeVarlong } from './varint';

function sizeOfBytes(bytes: Buffer | null | undefined): number {
  return bytes == null ? 1 : sizeOfVarint(bytes.length) + bytes.length;
}

/**
 * Size of the record after its length prefix. Appends the UTF-8 length of each header key to
 * `headerKeyLengths` so writeRecord does not measure the strings twice.
 */
export function recordBodySize(record: ProducerRecordData, offsetDelta: number, timestampDelta: number, headerKeyLengths: number[]): number {
  let size = 1 + sizeOfVarlong(timestampDelta) + sizeOfVarint(offsetDelta) + sizeOfBytes(record.key) + sizeOfBytes(record.value);
  const headers = record.headers;
  if (headers == null) return size + 1;
  size += sizeOfVarint(headers.length);
  for (const header of headers) {
    if (typeof header.key !== 'string') {
      throw new SamsaError(ErrorCode.INVALID_RECORD, `record header keys must be strings, got ${header.key === null ? 'null' : typeof header.key}`);
    }
    const keyLength = Buffer.byteLength(header.key, 'utf8');
    headerKeyLengths.push(keyLength);
    size += sizeOfVarint(keyLength) + keyLength + sizeOfBytes(header.value);
  }
  return size;
}

/** Total bytes of a record whose body is `bodySize` bytes. */
export function recordSize(bodySize: number): number {
  return sizeOfVarint(bodySize) + bodySize;
}

/** Below this length a byte loop beats the native copy call (measured on Node 20). */
const SMALL_COPY_BYTES = 16;

function writeBytes(buf: Buffer, position: number, bytes: Buffer | null | undefined): number {
  if (bytes == null) return writeVarint(buf, position, -1);
  const length = bytes.length;
  position = writeVarint(buf, position, length);
  if (length <= SMALL_COPY_BYTES) {
    for (let i = 0; i < length; i++) buf[position + i] = bytes[i];
  } else {
    buf.set(bytes, position);
  }
  return position + length;
}

/**
 * Writes one record at `position` and returns the position after it. `headerKeyLengths[keyIndex..]`
 * are the lengths recordBodySize collected for this record's headers.
 */
export function writeRecord(
  buf: Buffer, position: number, record: ProducerRecordData, offsetDelta: number, timestampDelta: number,
  bodySize: number, headerKeyLengths: readonly number[], keyIndex: number,
): number {
  position = writeVarint(buf, position, bodySize);
  buf[position++] = 0; // record attributes: unused in v2
  position = writeVarlong(buf, position, timestampDelta);
  position = writeVarint(buf, position, offsetDelta);
  position = writeBytes(buf, position, record.key);
  position = writeBytes(buf, position, record.value);
  const headers = record.headers;
  if (headers == null) {
    buf[position++] = 0; // varint 0: no headers
    return position;
  }
  position = writeVarint(buf, position, headers.length);
  for (const header of headers) {
    const keyLength = headerKeyLengths[keyIndex++];
    position = writeVarint(buf, position, keyLength);
    position += buf.write(header.key, position, keyLength, 'utf8');
    position = writeBytes(buf, position, header.value);
  }
  return position;
}

/** Batch-level facts every record of a batch needs to become a ConsumedRecord. */
export interface RecordContext {
  baseOffset: number;
  firstTimestamp: number;
  maxTimestamp: number;
  timestampType: TimestampType;
  leaderEpoch: number;
}

export function readLength(cursor: ByteCursor, what: string): number {
  const start = cursor.position;
  const length = readVarint(cursor);
  if (length < -1) throw new CorruptRecordError(`${what} length ${length} at position ${start} is negative`);
  if (length > cursor.end - cursor.position) {
    throw new CorruptRecordError(`${what} length ${length} at position ${start} runs past the record (${cursor.end - cursor.position} bytes left)`);
  }
  return length;
}

function readNullableBytes(cursor: ByteCursor, what: string): Buffer | null {
  const length = readLength(cursor, what);
  if (length === -1) return null;
  const start = cursor.position;
  cursor.position = start + length;
  return cursor.buf.subarray(start, start + length);
}

export function readHeaders(cursor: ByteCursor): RecordHeader[] {
  const start = cursor.position;
  const count = readVarint(cursor);
  // Each header takes at least two bytes, which bounds a hostile count before any allocation.
  if (count < 0 || count * 2 > cursor.end - cursor.position) {
    throw new CorruptRecordError(`record header count ${count} at position ${start} does not fit the record`);
  }
  const headers: RecordHeader[] = new Array(count);
  for (let i = 0; i < count; i++) {
    const keyLength = readLength(cursor, 'header key');
    if (keyLength < 0) throw new CorruptRecordError(`header key at position ${cursor.position} is null`);
    const key = cursor.buf.toString('utf8', cursor.position, cursor.position + keyLength);
    cursor.position += keyLength;
    headers[i] = { key, value: readNullableBytes(cursor, 'header value') };
  }
  return headers;
}

/**
 * Reads the record at `cursor.position`, which must end by `cursor.end` (the end of the batch's
 * records). Throws CorruptRecordError if the record's length prefix and its fields disagree.
 */
export function readRecord(cursor: ByteCursor, context: RecordContext): ConsumedRecord {
  const start = cursor.position;
  const bodySize = readVarint(cursor);
  const bodyStart = cursor.position;
  if (bodySize < 0 || bodySize > cursor.end - bodyStart) {
    throw new CorruptRecordError(`record at position ${start} declares ${bodySize} bytes but ${cursor.end - bodyStart} remain in the batch`);
  }
  const recordEnd = bodyStart + bodySize;
  const body: ByteCursor = { buf: cursor.buf, position: bodyStart, end: recordEnd };
  if (body.position >= body.end) throw new CorruptRecordError(`record at position ${start} is empty`);
  body.position++; // record attributes: unused in v2
  const timestampDelta = readVarlong(body);
  const offsetDelta = readVarint(body);
  const key = readNullableBytes(body, 'record key');
  const value = readNullableBytes(body, 'record value');
  const headers = readHeaders(body);
  if (body.position !== recordEnd) {
    throw new CorruptRecordError(`record at position ${start} declares ${bodySize} bytes but its fields take ${body.position - bodyStart}`);
  }
  cursor.position = recordEnd;
  const logAppend = context.timestampType === 'LogAppendTime';
  return {
    offset: context.baseOffset + offsetDelta,
    timestamp: logAppend ? context.maxTimestamp : context.firstTimestamp + timestampDelta,
    timestampType: context.timestampType,
    key,
    value,
    headers,
    leaderEpoch: context.leaderEpoch,
  };
}
