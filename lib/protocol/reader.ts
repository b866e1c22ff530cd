/**
 * Bounds-checked reader over one frame's bytes.
 *
 * Every read checks `remaining` first and throws ProtocolError, so a short or lying frame from a
 * client becomes a clean error response instead of a RangeError escaping into the event loop.
 */
import { ProtocolError } from './errors';

export class Reader {
  offset: number;

  constructor(readonly buffer: Buffer, offset = 0, private readonly end = buffer.length) {
    this.offset = offset;
  }

  get remaining(): number {
    return this.end - this.offset;
  }

  private need(bytes: number, what: string): void {
    if (this.end - this.offset < bytes) {
      throw new ProtocolError(`truncated ${what}: need ${bytes} bytes at position ${this.offset}, have ${this.end - this.offset}`);
    }
  }

  readInt8(): number {
    this.need(1, 'int8');
    return this.buffer.readInt8(this.offset++);
  }

  readBoolean(): boolean {
    return this.readInt8() !== 0;
  }

  readInt16(): number {
    this.need(2, 'int16');
    const v = this.buffer.readInt16BE(this.offset);
    this.offset += 2;
    return v;
  }

  readInt32(): number {
    this.need(4, 'int32');
    const v = this.buffer.readInt32BE(this.offset);
    this.offset += 4;
    return v;
  }

  /** INT64 on the wire; Samsa's offsets and timestamps are numbers, so values beyond ±2^53 are refused here, in one place. */
  readInt64(): number {
    this.need(8, 'int64');
    const high = this.buffer.readInt32BE(this.offset);
    const low = this.buffer.readUInt32BE(this.offset + 4);
    this.offset += 8;
    const v = high * 0x100000000 + low;
    if (!Number.isSafeInteger(v)) throw new ProtocolError(`int64 value at position ${this.offset - 8} is outside ±2^53`);
    return v;
  }

  readBigInt64(): bigint {
    this.need(8, 'int64');
    const v = this.buffer.readBigInt64BE(this.offset);
    this.offset += 8;
    return v;
  }

  private readLength(kind: string, lengthBytes: 2 | 4): number {
    const len = lengthBytes === 2 ? this.readInt16() : this.readInt32();
    if (len < -1) throw new ProtocolError(`negative ${kind} length ${len} at position ${this.offset - lengthBytes}`);
    if (len > this.remaining) throw new ProtocolError(`${kind} length ${len} exceeds the ${this.remaining} bytes left in the frame`);
    return len;
  }

  readNullableString(): string | null {
    const len = this.readLength('string', 2);
    if (len === -1) return null;
    const s = this.buffer.toString('utf8', this.offset, this.offset + len);
    this.offset += len;
    return s;
  }

  readString(): string {
    const s = this.readNullableString();
    if (s === null) throw new ProtocolError(`null string at position ${this.offset - 2} where a value is required`);
    return s;
  }

  /** A view into the frame, not a copy: record batches pass through the broker without being copied. */
  readNullableBytes(): Buffer | null {
    const len = this.readLength('bytes', 4);
    if (len === -1) return null;
    const b = this.buffer.subarray(this.offset, this.offset + len);
    this.offset += len;
    return b;
  }

  readBytes(): Buffer {
    const b = this.readNullableBytes();
    if (b === null) throw new ProtocolError(`null bytes at position ${this.offset - 4} where a value is required`);
    return b;
  }

  /** Array length; -1 is null. The count is checked against the bytes left so a lying count cannot allocate gigabytes. */
  readArrayLength(minItemBytes: number): number {
    const len = this.readInt32();
    if (len < -1) throw new ProtocolError(`negative array length ${len} at position ${this.offset - 4}`);
    if (len > 0 && len * Math.max(minItemBytes, 1) > this.remaining) {
      throw new ProtocolError(`array of ${len} items cannot fit in the ${this.remaining} bytes left in the frame`);
    }
    return len;
  }

  // ---- Kafka's flexible versions (KIP-482): unsigned varints, compact lengths, UUIDs --------

  /** An unsigned varint of at most 5 bytes (31 bits of value), as Kafka's compact lengths and tags use. */
  readUnsignedVarint(): number {
    let value = 0;
    for (let shift = 0; shift <= 28; shift += 7) {
      this.need(1, 'unsigned varint');
      const b = this.buffer[this.offset++];
      value |= (b & 0x7f) << shift;
      if ((b & 0x80) === 0) {
        if (value < 0) throw new ProtocolError(`unsigned varint at position ${this.offset} exceeds 31 bits`);
        return value;
      }
    }
    throw new ProtocolError(`unsigned varint at position ${this.offset} is longer than 5 bytes`);
  }

  /** A compact length: N+1 on the wire, 0 = null (returned as -1), checked against the bytes left. */
  private readCompactLength(kind: string): number {
    const len = this.readUnsignedVarint() - 1;
    if (len > this.remaining) throw new ProtocolError(`${kind} length ${len} exceeds the ${this.remaining} bytes left in the frame`);
    return len;
  }

  readCompactNullableString(): string | null {
    const len = this.readCompactLength('compact string');
    if (len === -1) return null;
    const s = this.buffer.toString('utf8', this.offset, this.offset + len);
    this.offset += len;
    return s;
  }

  readCompactString(): string {
    const s = this.readCompactNullableString();
    if (s === null) throw new ProtocolError(`null compact string at position ${this.offset - 1} where a value is required`);
    return s;
  }

  /** A view into the frame, like readNullableBytes. */
  readCompactNullableBytes(): Buffer | null {
    const len = this.readCompactLength('compact bytes');
    if (len === -1) return null;
    const b = this.buffer.subarray(this.offset, this.offset + len);
    this.offset += len;
    return b;
  }

  readCompactBytes(): Buffer {
    const b = this.readCompactNullableBytes();
    if (b === null) throw new ProtocolError(`null compact bytes at position ${this.offset - 1} where a value is required`);
    return b;
  }

  /** Compact array length; -1 is null. Checked against the bytes left like readArrayLength. */
  readCompactArrayLength(minItemBytes: number): number {
    const len = this.readUnsignedVarint() - 1;
    if (len > 0 && len * Math.max(minItemBytes, 1) > this.remaining) {
      throw new ProtocolError(`array of ${len} items cannot fit in the ${this.remaining} bytes left in the frame`);
    }
    return len;
  }

  readUInt16(): number {
    this.need(2, 'uint16');
    const v = this.buffer.readUInt16BE(this.offset);
    this.offset += 2;
    return v;
  }

  readFloat64(): number {
    this.need(8, 'float64');
    const v = this.buffer.readDoubleBE(this.offset);
    this.offset += 8;
    return v;
  }

  /** A UUID as 32 lowercase hex digits (no dashes), Kafka's topic id form on the wire. */
  readUuid(): string {
    this.need(16, 'uuid');
    const s = this.buffer.toString('hex', this.offset, this.offset + 16);
    this.offset += 16;
    return s;
  }

  /** Skips `bytes` bytes (an unknown tagged field). */
  skip(bytes: number): void {
    this.need(bytes, 'tagged field');
    this.offset += bytes;
  }
}
