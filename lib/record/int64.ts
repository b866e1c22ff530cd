/**
 * INT64 header fields (offsets, timestamps, producer ids) as JavaScript numbers.
 *
 * The batch codec keeps these as `number` (all stay below 2^53 in practice) and converts with two
 * int32 halves, which is cheaper than a BigInt round trip on every batch. Values that do not fit
 * a safe integer throw: RangeError when writing (a caller bug), CorruptRecordError when reading.
 */
import { CorruptRecordError } from '../protocol/errors';

const TWO_POW_32 = 0x100000000;

export function writeInt64(buf: Buffer, offset: number, value: number, field: string): void {
  if (!Number.isSafeInteger(value)) throw new RangeError(`${field} ${value} is not a safe integer`);
  buf.writeInt32BE(Math.floor(value / TWO_POW_32), offset);
  buf.writeUInt32BE(value >>> 0, offset + 4);
}

export function readInt64(buf: Buffer, offset: number, field: string): number {
  const high = buf.readInt32BE(offset);
  const value = high * TWO_POW_32 + buf.readUInt32BE(offset + 4);
  if (!Number.isSafeInteger(value)) throw new CorruptRecordError(`${field} at position ${offset} is outside the safe integer range`);
  return value;
}
