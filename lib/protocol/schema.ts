/**
 * Messages defined once, as data: a schema is a tree of typed fields with version ranges, and
 * one generic walker encodes and decodes it. Broker and client share the same definitions, and
 * TypeScript infers each message's value type from its schema, so there is no second copy of a
 * message's shape to drift out of date.
 *
 * Field order is the order of keys in the `struct({...})` literal.
 */
import { ProtocolError } from './errors';
import { Reader } from './reader';
import { Writer } from './writer';

export interface Type<T> {
  readonly name: string;
  /** Lower bound on the encoded size, used to reject impossible array counts before allocating. */
  readonly minBytes: number;
  read(r: Reader, version: number): T;
  write(w: Writer, value: T, version: number): void;
}

function primitive<T>(name: string, minBytes: number, read: (r: Reader) => T, write: (w: Writer, v: T) => void): Type<T> {
  return { name, minBytes, read: (r) => read(r), write: (w, v) => write(w, v) };
}

export const int8 = primitive<number>('int8', 1, (r) => r.readInt8(), (w, v) => w.writeInt8(v));
export const int16 = primitive<number>('int16', 2, (r) => r.readInt16(), (w, v) => w.writeInt16(v));
export const int32 = primitive<number>('int32', 4, (r) => r.readInt32(), (w, v) => w.writeInt32(v));
export const int64 = primitive<number>('int64', 8, (r) => r.readInt64(), (w, v) => w.writeInt64(v));
export const boolean = primitive<boolean>('boolean', 1, (r) => r.readBoolean(), (w, v) => w.writeBoolean(v));
export const string = primitive<string>('string', 2, (r) => r.readString(), (w, v) => w.writeString(v));
export const nullableString = primitive<string | null>('nullableString', 2, (r) => r.readNullableString(), (w, v) => w.writeNullableString(v));
export const bytes = primitive<Buffer>('bytes', 4, (r) => r.readBytes(), (w, v) => w.writeBytes(v));
export const nullableBytes = primitive<Buffer | null>('nullableBytes', 4, (r) => r.readNullableBytes(), (w, v) => w.writeNullableBytes(v));
/** A RecordBatch v2 sequence carried as opaque bytes (see docs/protocol.md). */
export const records = primitive<Buffer | null>('records', 4, (r) => r.readNullableBytes(), (w, v) => w.writeNullableBytes(v));

export function array<T>(item: Type<T>): Type<T[]> {
  return {
    name: `[${item.name}]`,
    minBytes: 4,
    read(r, version) {
      const n = r.readArrayLength(item.minBytes);
      if (n === -1) throw new ProtocolError(`null array of ${item.name} where a value is required`);
      const out = new Array<T>(n);
      for (let i = 0; i < n; i++) out[i] = item.read(r, version);
      return out;
    },
    write(w, value, version) {
      w.writeArrayLength(value.length);
      for (const v of value) item.write(w, v, version);
    },
  };
}

export function nullableArray<T>(item: Type<T>): Type<T[] | null> {
  const inner = array(item);
  return {
    name: `[${item.name}]?`,
    minBytes: 4,
    read(r, version) {
      const save = r.offset;
      if (r.readInt32() === -1) return null;
      r.offset = save;
      return inner.read(r, version);
    },
    write(w, value, version) {
      if (value === null) w.writeArrayLength(null);
      else inner.write(w, value, version);
    },
  };
}

/** A field present only in versions [min, max]; older/newer versions read it as `defaultValue`. */
export interface Versioned<T> {
  readonly versioned: true;
  readonly type: Type<T>;
  readonly min: number;
  readonly max: number;
  readonly defaultValue: T;
}

export function since<T>(min: number, type: Type<T>, defaultValue: T): Versioned<T> {
  return { versioned: true, type, min, max: Number.MAX_SAFE_INTEGER, defaultValue };
}

export function between<T>(min: number, max: number, type: Type<T>, defaultValue: T): Versioned<T> {
  return { versioned: true, type, min, max, defaultValue };
}

type FieldSpec = Type<any> | Versioned<any>;
type FieldValue<F> = F extends Versioned<infer T> ? T : F extends Type<infer T> ? T : never;
export type StructValue<S extends Record<string, FieldSpec>> = { [K in keyof S]: FieldValue<S[K]> };
export type Infer<T> = T extends Type<infer V> ? V : never;

interface CompiledField {
  name: string;
  type: Type<unknown>;
  min: number;
  max: number;
  defaultValue: unknown;
}

export function struct<S extends Record<string, FieldSpec>>(spec: S, name = 'struct'): Type<StructValue<S>> {
  const fields: CompiledField[] = Object.entries(spec).map(([fieldName, f]) =>
    'versioned' in f
      ? { name: fieldName, type: f.type, min: f.min, max: f.max, defaultValue: f.defaultValue }
      : { name: fieldName, type: f, min: 0, max: Number.MAX_SAFE_INTEGER, defaultValue: undefined },
  );
  const minBytes = fields.filter((f) => f.min === 0).reduce((sum, f) => sum + f.type.minBytes, 0);
  return {
    name,
    minBytes,
    read(r, version) {
      const out: Record<string, unknown> = {};
      for (const f of fields) {
        out[f.name] = version >= f.min && version <= f.max ? f.type.read(r, version) : f.defaultValue;
      }
      return out as StructValue<S>;
    },
    write(w, value, version) {
      const v = value as Record<string, unknown>;
      for (const f of fields) {
        if (version < f.min || version > f.max) continue;
        const fieldValue = v[f.name];
        if (fieldValue === undefined) throw new TypeError(`${name}.${f.name} is missing (version ${version})`);
        f.type.write(w, fieldValue, version);
      }
    },
  };
}

export function decode<T>(type: Type<T>, buf: Buffer, version: number, offset = 0): T {
  const r = new Reader(buf, offset);
  const value = type.read(r, version);
  if (r.remaining !== 0) throw new ProtocolError(`${r.remaining} unexpected trailing bytes after ${type.name}`);
  return value;
}

export function encode<T>(type: Type<T>, value: T, version: number): Buffer {
  const w = new Writer();
  type.write(w, value, version);
  return w.toBuffer();
}
