// Hex spelled out field by field from Kafka's message specifications, for golden tests. These
// helpers only format one primitive each (big-endian numbers, a length then UTF-8), so a
// fixture is the spec's field list written down by hand, independent of the schema encoder.
import { expect } from 'chai';
import { AnyKafkaApiDef, isFlexible } from '../../../lib/protocol/kafka/kafka-api';
import { decode, encode } from '../../../lib/protocol/schema';

function fixed(bytes: number, n: number | bigint): string {
  const b = Buffer.alloc(bytes);
  if (bytes === 8) b.writeBigInt64BE(BigInt(n));
  else b.writeIntBE(Number(n), 0, bytes);
  return b.toString('hex');
}

export const i8 = (n: number) => fixed(1, n);
export const i16 = (n: number) => fixed(2, n);
export const i32 = (n: number) => fixed(4, n);
export const i64 = (n: number) => fixed(8, n);
export const bool = (b: boolean) => (b ? '01' : '00');

/** Unsigned varint; the fixtures only need values below 128, one byte. */
function uvarint(n: number): string {
  if (n < 0 || n > 127) throw new RangeError(`fixture varint ${n} needs more than one byte`);
  return i8(n);
}

const utf8 = (s: string) => Buffer.from(s, 'utf8').toString('hex');

/** STRING: int16 length, bytes. */
export const str = (s: string) => i16(Buffer.byteLength(s)) + utf8(s);
/** NULLABLE_STRING: as STRING, or length -1. */
export const nstr = (s: string | null) => (s === null ? 'ffff' : str(s));
/** COMPACT_STRING: unsigned varint length + 1, bytes. */
export const cstr = (s: string) => uvarint(Buffer.byteLength(s) + 1) + utf8(s);
/** COMPACT_NULLABLE_STRING: as COMPACT_STRING, or 0. */
export const cnstr = (s: string | null) => (s === null ? '00' : cstr(s));
/** BYTES: int32 length, bytes. */
export const byt = (hex: string) => i32(hex.length / 2) + hex;
/** COMPACT_BYTES: unsigned varint length + 1, bytes. */
export const cbyt = (hex: string) => uvarint(hex.length / 2 + 1) + hex;
/** ARRAY count: int32 (-1 = null). */
export const arr = (n: number) => i32(n);
/** COMPACT_ARRAY count: unsigned varint count + 1 (0 = null). */
export const carr = (n: number) => uvarint(n + 1);
/** An empty tagged-field section. */
export const TAGS = '00';

export type Direction = 'request' | 'response';

/** Decodes the hand-written bytes to `value`, and encodes `value` back to the same bytes. */
export function golden(api: AnyKafkaApiDef, direction: Direction, version: number, hex: string, value: unknown): void {
  const type = api[direction];
  const flexible = isFlexible(api, version);
  const bytes = Buffer.from(hex, 'hex');
  expect(decode(type, bytes, version, 0, flexible), `${api.name} v${version} ${direction} decoded`).to.deep.equal(value);
  expect(encode(type, value, version, flexible).toString('hex'), `${api.name} v${version} ${direction} encoded`).to.equal(hex);
}

/** Every served version: encoding a value and decoding the bytes gives bytes that encode the same again. */
export function roundTripsAtEveryVersion(api: AnyKafkaApiDef, direction: Direction, value: unknown): void {
  for (let v = api.minVersion; v <= api.maxVersion; v++) {
    const flexible = isFlexible(api, v);
    const once = encode(api[direction], value, v, flexible);
    const back = decode(api[direction], once, v, 0, flexible);
    expect(encode(api[direction], back, v, flexible).toString('hex'), `${api.name} v${v} ${direction}`).to.equal(once.toString('hex'));
  }
}
