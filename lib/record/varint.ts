/**
 * Zig-zag varints as used inside RecordBatch v2 records (Kafka's ByteUtils.writeVarint/writeVarlong).
 *
 * Owns encoding, decoding and sizing of signed varints (int32) and varlongs (int64). Varlongs are
 * JavaScript `number`s, not `bigint`: every varlong in a record (timestamp delta, and nothing
 * else today) is far below 2^53, and `number` keeps the hot path free of BigInt allocations.
 * The accepted range is therefore the safe integers, [-(2^53 - 1), 2^53 - 1]. Encoding a value
 * outside it throws RangeError (a caller bug); decoding bytes that denote a value outside it
 * throws CorruptRecordError, like any other malformed input. Nothing wraps silently.
 */
import { CorruptRecordError } from '../protocol/errors';

/** A read position inside `buf` that may not pass `end`; reads advance `position`. */
export interface ByteCursor {
  readonly buf: Buffer;
  position: number;
  readonly end: number;
}

export function cursorOf(buf: Buffer, position = 0, end = buf.length): ByteCursor {
  return { buf, position, end };
}

const INT32_MIN = -0x80000000;
const INT32_MAX = 0x7fffffff;
const TWO_POW_27 = 0x8000000;

function checkInt32(value: number): void {
  if (!Number.isInteger(value) || value < INT32_MIN || value > INT32_MAX) {
    throw new RangeError(`varint value ${value} is not a 32-bit signed integer`);
  }
}

function checkSafeInteger(value: number): void {
  if (!Number.isSafeInteger(value)) {
    throw new RangeError(`varlong value ${value} is not a safe integer (|v| <= 2^53 - 1)`);
  }
}

/** Bytes needed for `value` as a zig-zag varint. */
export function sizeOfVarint(value: number): number {
  checkInt32(value);
  return sizeOfUnsignedVarint(((value << 1) ^ (value >> 31)) >>> 0);
}

function sizeOfUnsignedVarint(zigzag: number): number {
  if (zigzag < 0x80) return 1;
  if (zigzag < 0x4000) return 2;
  if (zigzag < 0x200000) return 3;
  if (zigzag < 0x10000000) return 4;
  return 5;
}

/** Bytes needed for `value` as a zig-zag varlong. */
export function sizeOfVarlong(value: number): number {
  if (value === (value | 0)) return sizeOfUnsignedVarint(((value << 1) ^ (value >> 31)) >>> 0);
  checkSafeInteger(value);
  // Beyond int32 the zig-zag value is 2m + sign with m = |value| or |value| - 1; count 7-bit groups.
  let magnitude = value >= 0 ? value : -value - 1;
  let size = 1;
  magnitude = Math.floor(magnitude / 64);
  while (magnitude > 0) {
    size++;
    magnitude = Math.floor(magnitude / 128);
  }
  return size;
}

/** Writes `value` as a zig-zag varint at `offset`; returns the offset after it. */
export function writeVarint(buf: Buffer, offset: number, value: number): number {
  checkInt32(value);
  let zigzag = ((value << 1) ^ (value >> 31)) >>> 0;
  while (zigzag > 0x7f) {
    buf[offset++] = (zigzag & 0x7f) | 0x80;
    zigzag >>>= 7;
  }
  buf[offset++] = zigzag;
  return offset;
}

/** Writes `value` as a zig-zag varlong at `offset`; returns the offset after it. */
export function writeVarlong(buf: Buffer, offset: number, value: number): number {
  if (value === (value | 0)) return writeVarint(buf, offset, value);
  checkSafeInteger(value);
  // The zig-zag value (2m + sign) can reach 2^54, past exact doubles, so emit it from m and sign.
  const negative = value < 0;
  let magnitude = negative ? -value - 1 : value;
  let group = ((magnitude % 64) * 2) + (negative ? 1 : 0);
  magnitude = Math.floor(magnitude / 64);
  while (magnitude > 0) {
    buf[offset++] = group | 0x80;
    group = magnitude % 128;
    magnitude = Math.floor(magnitude / 128);
  }
  buf[offset++] = group;
  return offset;
}

function truncated(kind: string, cursor: ByteCursor, start: number): CorruptRecordError {
  return new CorruptRecordError(`${kind} at position ${start} is truncated: input ends at ${cursor.end}`);
}

/** Reads a zig-zag varint; throws CorruptRecordError when truncated or longer than 5 bytes. */
export function readVarint(cursor: ByteCursor): number {
  const { buf, end } = cursor;
  const start = cursor.position;
  let position = start;
  let zigzag = 0;
  for (let shift = 0; shift < 28; shift += 7) {
    if (position >= end) throw truncated('varint', cursor, start);
    const b = buf[position++];
    zigzag |= (b & 0x7f) << shift;
    if (b < 0x80) {
      cursor.position = position;
      return (zigzag >>> 1) ^ -(zigzag & 1);
    }
  }
  if (position >= end) throw truncated('varint', cursor, start);
  const last = buf[position++];
  if (last > 0x0f) {
    throw new CorruptRecordError(`varint at position ${start} is longer than 5 bytes or exceeds 32 bits`);
  }
  zigzag |= last << 28;
  cursor.position = position;
  return (zigzag >>> 1) ^ -(zigzag & 1);
}

/**
 * Reads a zig-zag varlong; throws CorruptRecordError when truncated, longer than 10 bytes, or
 * outside the safe-integer range this codebase uses for varlongs.
 */
export function readVarlong(cursor: ByteCursor): number {
  const { buf, end } = cursor;
  const start = cursor.position;
  let position = start;
  let low = 0;
  // The first four bytes (28 bits) fit int32 arithmetic; most varlongs end here.
  for (let shift = 0; shift < 28; shift += 7) {
    if (position >= end) throw truncated('varlong', cursor, start);
    const b = buf[position++];
    low |= (b & 0x7f) << shift;
    if (b < 0x80) {
      cursor.position = position;
      return (low >>> 1) ^ -(low & 1);
    }
  }
  let high = 0;
  let multiplier = 1;
  for (let i = 4; i < 10; i++) {
    if (position >= end) throw truncated('varlong', cursor, start);
    const b = buf[position++];
    high += (b & 0x7f) * multiplier;
    multiplier *= 128;
    if (b < 0x80) {
      cursor.position = position;
      return fromZigzagParts(low, high, start);
    }
  }
  throw new CorruptRecordError(`varlong at position ${start} is longer than 10 bytes`);
}

/** zig-zag value = low + high * 2^28; returns the signed value without leaving exact doubles. */
function fromZigzagParts(low: number, high: number, start: number): number {
  const negative = (low & 1) === 1;
  const magnitude = (low >>> 1) + high * TWO_POW_27;
  const limit = negative ? Number.MAX_SAFE_INTEGER - 1 : Number.MAX_SAFE_INTEGER;
  if (magnitude > limit) {
    throw new CorruptRecordError(`varlong at position ${start} is outside the supported range of ±(2^53 - 1)`);
  }
  return negative ? -magnitude - 1 : magnitude;
}

/** Convenience for tests and one-off encodings; the codecs write into pre-sized buffers instead. */
export function encodeVarint(value: number): Buffer {
  const buf = Buffer.allocUnsafe(sizeOfVarint(value));
  writeVarint(buf, 0, value);
  return buf;
}

export function encodeVarlong(value: number): Buffer {
  const buf = Buffer.allocUnsafe(sizeOfVarlong(value));
  writeVarlong(buf, 0, value);
  return buf;
}
