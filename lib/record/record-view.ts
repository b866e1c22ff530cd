/**
 * Allocation-free reading of records: a RecordView is one reusable object that a reader points
 * at each record in turn, holding where the key, value and headers sit instead of copies or
 * Buffer views of them. The consumer walks a fetched record set with it and only builds Buffers
 * (views, never copies) for the parts an application asks for; a reader that only needs sizes and
 * offsets allocates nothing per record.
 *
 * readRecordView checks a record exactly as record-codec.ts readRecord does (length prefix,
 * field bounds, header structure), so a corrupt record fails the same way whichever path reads it.
 */
import { CorruptRecordError } from '../protocol/errors';
import { RecordHeader, TimestampType } from './record';
import { RecordContext, readHeaders, readLength } from './record-codec';
import { readVarint, readVarlong } from './varint';

/** A cursor a reader owns and moves between batches (ByteCursor's fields are read-only). */
export interface MovableCursor {
  buf: Buffer;
  position: number;
  end: number;
}

const EMPTY = Buffer.alloc(0);

/** The record a reader last stopped at. Valid until the reader moves on; copy what you keep. */
export class RecordView {
  offset = 0;
  timestamp = 0;
  timestampType: TimestampType = 'CreateTime';
  leaderEpoch = -1;
  /** The bytes the record lives in: the fetched buffer, or its batch's decompressed records. */
  buf: Buffer = EMPTY;
  keyStart = 0;
  /** Key length in bytes, -1 for a null key (Kafka's serializedKeySize). */
  keySize = -1;
  valueStart = 0;
  /** Value length in bytes, -1 for a null value (Kafka's serializedValueSize). */
  valueSize = -1;
  /** Position of the header count varint, and the end of the record. */
  headersStart = 0;
  headersEnd = 0;
  headerCount = 0;

  /** The key as a view into `buf` (not a copy), or null. */
  key(): Buffer | null {
    return this.keySize < 0 ? null : this.buf.subarray(this.keyStart, this.keyStart + this.keySize);
  }

  /** The value as a view into `buf` (not a copy), or null. */
  value(): Buffer | null {
    return this.valueSize < 0 ? null : this.buf.subarray(this.valueStart, this.valueStart + this.valueSize);
  }

  /** The headers, decoded now (a new array each call; values are views into `buf`). */
  headers(): RecordHeader[] {
    if (this.headerCount === 0) return [];
    return readHeaders({ buf: this.buf, position: this.headersStart, end: this.headersEnd });
  }
}

/**
 * The one- and two-byte cases of a zigzag varint or varlong (values within ±8191: a 100-byte
 * value's length, a record's size, the offset deltas of a batch's records past the 64th), small
 * enough to inline; NaN when the value is longer or truncated, for the checked readers
 * (readVarint/readVarlong) to decode or refuse.
 */
function shortZigZag(cursor: MovableCursor): number {
  const position = cursor.position;
  const end = cursor.end;
  if (position >= end) return NaN;
  const buf = cursor.buf;
  const b0 = buf[position];
  if (b0 < 0x80) {
    cursor.position = position + 1;
    return (b0 >>> 1) ^ -(b0 & 1);
  }
  if (position + 1 >= end) return NaN;
  const b1 = buf[position + 1];
  if (b1 >= 0x80) return NaN;
  const zigzag = (b0 & 0x7f) | (b1 << 7);
  cursor.position = position + 2;
  return (zigzag >>> 1) ^ -(zigzag & 1);
}

function varint(cursor: MovableCursor): number {
  const value = shortZigZag(cursor);
  return Number.isNaN(value) ? readVarint(cursor) : value;
}

function varlong(cursor: MovableCursor): number {
  const value = shortZigZag(cursor);
  return Number.isNaN(value) ? readVarlong(cursor) : value;
}

/** A key or value length; anything readLength would refuse is re-read by it for its error. */
function length(cursor: MovableCursor, what: string): number {
  const start = cursor.position;
  const n = varint(cursor);
  if (n < -1 || n > cursor.end - cursor.position) {
    cursor.position = start;
    return readLength(cursor, what);
  }
  return n;
}

/** Skips `count` headers, checking their structure as readHeaders does, without decoding them. */
function skipHeaders(body: MovableCursor, count: number, start: number): void {
  // Each header takes at least two bytes, as in readHeaders.
  if (count < 0 || count * 2 > body.end - body.position) {
    throw new CorruptRecordError(`record header count ${count} at position ${start} does not fit the record`);
  }
  for (let i = 0; i < count; i++) {
    const keyLength = readLength(body, 'header key');
    if (keyLength < 0) throw new CorruptRecordError(`header key at position ${body.position} is null`);
    body.position += keyLength;
    const valueLength = readLength(body, 'header value');
    if (valueLength > 0) body.position += valueLength;
  }
}

/**
 * Points `view` at the record at `cursor.position` (which must end by `cursor.end`) and moves
 * the cursor past it. `body` is scratch space the caller reuses. Throws CorruptRecordError as
 * readRecord does.
 *
 * The common record (every varint within two bytes, no headers) is read here in straight-line
 * code, several times faster than the general reader (V8 does not inline five helper calls
 * here); anything else, including every malformed record, goes to readRecordViewChecked, so
 * results and errors are the same either way. Positions only move forward (sizes below -1 are
 * refused), so a field read past the record end shows in the final position check.
 */
export function readRecordView(cursor: MovableCursor, body: MovableCursor, context: RecordContext, view: RecordView): void {
  const buf = cursor.buf;
  const start = cursor.position;
  fast: {
    if (start + 2 > cursor.end) break fast;
    let p = start;
    let b = buf[p];
    let z: number;
    if (b < 0x80) { z = b; p += 1; } else { const b1 = buf[p + 1]; if (b1 >= 0x80) break fast; z = (b & 0x7f) | (b1 << 7); p += 2; }
    const bodySize = (z >>> 1) ^ -(z & 1);
    const recordEnd = p + bodySize;
    if (bodySize < 1 || recordEnd > cursor.end) break fast;
    p += 1; // record attributes: unused in v2
    b = buf[p];
    if (b < 0x80) { z = b; p += 1; } else { const b1 = buf[p + 1]; if (b1 >= 0x80) break fast; z = (b & 0x7f) | (b1 << 7); p += 2; }
    const timestampDelta = (z >>> 1) ^ -(z & 1);
    b = buf[p];
    if (b < 0x80) { z = b; p += 1; } else { const b1 = buf[p + 1]; if (b1 >= 0x80) break fast; z = (b & 0x7f) | (b1 << 7); p += 2; }
    const offsetDelta = (z >>> 1) ^ -(z & 1);
    b = buf[p];
    if (b < 0x80) { z = b; p += 1; } else { const b1 = buf[p + 1]; if (b1 >= 0x80) break fast; z = (b & 0x7f) | (b1 << 7); p += 2; }
    const keySize = (z >>> 1) ^ -(z & 1);
    if (keySize < -1) break fast;
    const keyStart = p;
    if (keySize > 0) p += keySize;
    b = buf[p];
    if (b < 0x80) { z = b; p += 1; } else { const b1 = buf[p + 1]; if (b1 >= 0x80) break fast; z = (b & 0x7f) | (b1 << 7); p += 2; }
    const valueSize = (z >>> 1) ^ -(z & 1);
    if (valueSize < -1) break fast;
    const valueStart = p;
    if (valueSize > 0) p += valueSize;
    // No headers: a header count of 0 is the record's last byte.
    if (p + 1 !== recordEnd || buf[p] !== 0) break fast;
    cursor.position = recordEnd;
    fillView(view, buf, context, offsetDelta, timestampDelta, keyStart, keySize, valueStart, valueSize, p, recordEnd, 0);
    return;
  }
  readRecordViewChecked(cursor, body, context, view);
}

/** readRecordView for any record, with every check of record-codec.ts readRecord. */
function readRecordViewChecked(cursor: MovableCursor, body: MovableCursor, context: RecordContext, view: RecordView): void {
  const start = cursor.position;
  const bodySize = varint(cursor);
  const bodyStart = cursor.position;
  if (bodySize < 0 || bodySize > cursor.end - bodyStart) {
    throw new CorruptRecordError(`record at position ${start} declares ${bodySize} bytes but ${cursor.end - bodyStart} remain in the batch`);
  }
  const recordEnd = bodyStart + bodySize;
  if (bodyStart >= recordEnd) throw new CorruptRecordError(`record at position ${start} is empty`);
  const buf = cursor.buf;
  body.buf = buf;
  body.position = bodyStart + 1; // record attributes: unused in v2
  body.end = recordEnd;
  const timestampDelta = varlong(body);
  const offsetDelta = varint(body);
  const keySize = length(body, 'record key');
  const keyStart = body.position;
  if (keySize > 0) body.position += keySize;
  const valueSize = length(body, 'record value');
  const valueStart = body.position;
  if (valueSize > 0) body.position += valueSize;
  const headersStart = body.position;
  const headerCount = varint(body);
  if (headerCount !== 0) skipHeaders(body, headerCount, headersStart);
  if (body.position !== recordEnd) {
    throw new CorruptRecordError(`record at position ${start} declares ${bodySize} bytes but its fields take ${body.position - bodyStart}`);
  }
  cursor.position = recordEnd;
  fillView(view, buf, context, offsetDelta, timestampDelta, keyStart, keySize, valueStart, valueSize, headersStart, recordEnd, headerCount);
}

/** Points `view` at one record's fields (small enough for V8 to inline into both readers). */
function fillView(view: RecordView, buf: Buffer, context: RecordContext, offsetDelta: number, timestampDelta: number,
  keyStart: number, keySize: number, valueStart: number, valueSize: number, headersStart: number, recordEnd: number, headerCount: number): void {
  view.buf = buf;
  view.offset = context.baseOffset + offsetDelta;
  view.timestamp = context.timestampType === 'LogAppendTime' ? context.maxTimestamp : context.firstTimestamp + timestampDelta;
  view.timestampType = context.timestampType;
  view.leaderEpoch = context.leaderEpoch;
  view.keyStart = keyStart;
  view.keySize = keySize;
  view.valueStart = valueStart;
  view.valueSize = valueSize;
  view.headersStart = headersStart;
  view.headersEnd = recordEnd;
  view.headerCount = headerCount;
}

