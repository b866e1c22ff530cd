/**
 * Growable writer that produces a frame as a list of buffers.
 *
 * Small fields go into a scratch buffer; large byte fields (record batches) are kept as separate
 * chunks so a fetch response hands the log's bytes to the socket without copying them.
 */

const ZERO_COPY_THRESHOLD = 1024;

export class Writer {
  private scratch: Buffer;
  private pos = 0;
  private chunkStart = 0;
  private readonly chunks: Buffer[] = [];
  private total = 0;

  constructor(initialSize = 256) {
    this.scratch = Buffer.allocUnsafe(initialSize);
  }

  /** Bytes written so far. */
  get length(): number {
    return this.total + (this.pos - this.chunkStart);
  }

  private ensure(bytes: number): void {
    if (this.pos + bytes <= this.scratch.length) return;
    this.sealScratch();
    this.scratch = Buffer.allocUnsafe(Math.max(bytes, this.scratch.length * 2));
    this.pos = 0;
    this.chunkStart = 0;
  }

  private sealScratch(): void {
    if (this.pos > this.chunkStart) {
      const chunk = this.scratch.subarray(this.chunkStart, this.pos);
      this.chunks.push(chunk);
      this.total += chunk.length;
      this.chunkStart = this.pos;
    }
  }

  writeInt8(v: number): this {
    this.ensure(1);
    this.scratch.writeInt8(v, this.pos);
    this.pos += 1;
    return this;
  }

  writeBoolean(v: boolean): this {
    return this.writeInt8(v ? 1 : 0);
  }

  writeInt16(v: number): this {
    this.ensure(2);
    this.scratch.writeInt16BE(v, this.pos);
    this.pos += 2;
    return this;
  }

  writeInt32(v: number): this {
    this.ensure(4);
    this.scratch.writeInt32BE(v, this.pos);
    this.pos += 4;
    return this;
  }

  writeInt64(v: number): this {
    this.ensure(8);
    // Safe integers (offsets, timestamps) without allocating a BigInt: responses carry several each.
    if (Number.isSafeInteger(v)) {
      const high = Math.floor(v / 0x100000000);
      this.scratch.writeInt32BE(high, this.pos);
      this.scratch.writeUInt32BE(v - high * 0x100000000, this.pos + 4);
    } else {
      this.scratch.writeBigInt64BE(BigInt(v), this.pos);
    }
    this.pos += 8;
    return this;
  }

  writeBigInt64(v: bigint): this {
    this.ensure(8);
    this.scratch.writeBigInt64BE(v, this.pos);
    this.pos += 8;
    return this;
  }

  writeNullableString(v: string | null): this {
    if (v === null) return this.writeInt16(-1);
    const len = Buffer.byteLength(v, 'utf8');
    if (len > 0x7fff) throw new RangeError(`string of ${len} bytes exceeds the int16 length limit`);
    this.writeInt16(len);
    this.ensure(len);
    this.scratch.write(v, this.pos, len, 'utf8');
    this.pos += len;
    return this;
  }

  writeString(v: string): this {
    return this.writeNullableString(v);
  }

  writeNullableBytes(v: Buffer | null): this {
    if (v === null) return this.writeInt32(-1);
    this.writeInt32(v.length);
    return this.writeRaw(v);
  }

  writeBytes(v: Buffer): this {
    return this.writeNullableBytes(v);
  }

  writeRaw(v: Buffer): this {
    if (v.length >= ZERO_COPY_THRESHOLD) {
      this.sealScratch();
      this.chunks.push(v);
      this.total += v.length;
      return this;
    }
    this.ensure(v.length);
    v.copy(this.scratch, this.pos);
    this.pos += v.length;
    return this;
  }

  writeArrayLength(n: number | null): this {
    return this.writeInt32(n === null ? -1 : n);
  }

  /** The written bytes as chunks, in order. */
  toChunks(): Buffer[] {
    this.sealScratch();
    return this.chunks;
  }

  /** The written bytes as one buffer (copies when there is more than one chunk). */
  toBuffer(): Buffer {
    const chunks = this.toChunks();
    return chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, this.total);
  }

  // ---- Kafka's flexible versions (KIP-482) -------------------------------------------------

  writeUnsignedVarint(v: number): this {
    if (!Number.isInteger(v) || v < 0 || v > 0x7fffffff) throw new RangeError(`unsigned varint ${v} out of range`);
    this.ensure(5);
    let value = v;
    while (value > 0x7f) {
      this.scratch[this.pos++] = (value & 0x7f) | 0x80;
      value >>>= 7;
    }
    this.scratch[this.pos++] = value;
    return this;
  }

  writeCompactNullableString(v: string | null): this {
    if (v === null) return this.writeUnsignedVarint(0);
    const len = Buffer.byteLength(v, 'utf8');
    if (len > 0x7fff) throw new RangeError(`string of ${len} bytes exceeds the int16 length limit`);
    this.writeUnsignedVarint(len + 1);
    this.ensure(len);
    this.scratch.write(v, this.pos, len, 'utf8');
    this.pos += len;
    return this;
  }

  writeCompactNullableBytes(v: Buffer | null): this {
    if (v === null) return this.writeUnsignedVarint(0);
    this.writeUnsignedVarint(v.length + 1);
    return this.writeRaw(v);
  }

  writeCompactArrayLength(n: number | null): this {
    return this.writeUnsignedVarint(n === null ? 0 : n + 1);
  }

  writeUInt16(v: number): this {
    this.ensure(2);
    this.scratch.writeUInt16BE(v, this.pos);
    this.pos += 2;
    return this;
  }

  writeFloat64(v: number): this {
    this.ensure(8);
    this.scratch.writeDoubleBE(v, this.pos);
    this.pos += 8;
    return this;
  }

  /** A UUID given as 32 hex digits (dashes allowed). */
  writeUuid(v: string): this {
    const hex = v.replace(/-/g, '');
    if (!/^[0-9a-fA-F]{32}$/.test(hex)) throw new RangeError(`invalid UUID ${v}`);
    this.ensure(16);
    this.scratch.write(hex, this.pos, 16, 'hex');
    this.pos += 16;
    return this;
  }
}
