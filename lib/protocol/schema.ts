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
  /** The same bound in Kafka's flexible versions, where lengths are compact varints. */
  readonly minBytesFlexible: number;
  /**
   * `flexible` selects Kafka's flexible-version encoding (KIP-482): compact strings, bytes and
   * arrays, and a tagged-field section closing every struct. Samsa's native protocol never sets
   * it, so its bytes are those of the plain encoding.
   */
  read(r: Reader, version: number, flexible?: boolean): T;
  write(w: Writer, value: T, version: number, flexible?: boolean): void;
}

function primitive<T>(name: string, minBytes: number, read: (r: Reader) => T, write: (w: Writer, v: T) => void): Type<T> {
  return { name, minBytes, minBytesFlexible: minBytes, read: (r) => read(r), write: (w, v) => write(w, v) };
}

/** A type whose encoding differs in flexible versions (compact lengths). */
function dual<T>(name: string, minBytes: number, plain: Pick<Type<T>, 'read' | 'write'>, compact: Pick<Type<T>, 'read' | 'write'>): Type<T> {
  return {
    name,
    minBytes,
    minBytesFlexible: 1,
    read: (r, version, flexible) => (flexible ? compact.read(r, version) : plain.read(r, version)),
    write: (w, v, version, flexible) => (flexible ? compact.write(w, v, version) : plain.write(w, v, version)),
  };
}

export const int8 = primitive<number>('int8', 1, (r) => r.readInt8(), (w, v) => w.writeInt8(v));
export const int16 = primitive<number>('int16', 2, (r) => r.readInt16(), (w, v) => w.writeInt16(v));
export const uint16 = primitive<number>('uint16', 2, (r) => r.readUInt16(), (w, v) => w.writeUInt16(v));
export const int32 = primitive<number>('int32', 4, (r) => r.readInt32(), (w, v) => w.writeInt32(v));
export const int64 = primitive<number>('int64', 8, (r) => r.readInt64(), (w, v) => w.writeInt64(v));
export const float64 = primitive<number>('float64', 8, (r) => r.readFloat64(), (w, v) => w.writeFloat64(v));
export const boolean = primitive<boolean>('boolean', 1, (r) => r.readBoolean(), (w, v) => w.writeBoolean(v));
/** Kafka's UUID (topic ids), as 32 hex digits. */
export const uuid = primitive<string>('uuid', 16, (r) => r.readUuid(), (w, v) => w.writeUuid(v));
export const string = dual<string>('string', 2,
  { read: (r) => r.readString(), write: (w, v) => w.writeString(v) },
  { read: (r) => r.readCompactString(), write: (w, v) => w.writeCompactNullableString(v) });
export const nullableString = dual<string | null>('nullableString', 2,
  { read: (r) => r.readNullableString(), write: (w, v) => w.writeNullableString(v) },
  { read: (r) => r.readCompactNullableString(), write: (w, v) => w.writeCompactNullableString(v) });
export const bytes = dual<Buffer>('bytes', 4,
  { read: (r) => r.readBytes(), write: (w, v) => w.writeBytes(v) },
  { read: (r) => r.readCompactBytes(), write: (w, v) => w.writeCompactNullableBytes(v) });
export const nullableBytes = dual<Buffer | null>('nullableBytes', 4,
  { read: (r) => r.readNullableBytes(), write: (w, v) => w.writeNullableBytes(v) },
  { read: (r) => r.readCompactNullableBytes(), write: (w, v) => w.writeCompactNullableBytes(v) });
/** A RecordBatch v2 sequence carried as opaque bytes (see docs/protocol.md). */
export const records = dual<Buffer | null>('records', 4,
  { read: (r) => r.readNullableBytes(), write: (w, v) => w.writeNullableBytes(v) },
  { read: (r) => r.readCompactNullableBytes(), write: (w, v) => w.writeCompactNullableBytes(v) });

function readArrayItems<T>(r: Reader, item: Type<T>, n: number, version: number, flexible: boolean): T[] {
  const out = new Array<T>(n);
  for (let i = 0; i < n; i++) out[i] = item.read(r, version, flexible);
  return out;
}

function readArrayLength(r: Reader, item: Type<unknown>, flexible: boolean): number {
  return flexible ? r.readCompactArrayLength(item.minBytesFlexible) : r.readArrayLength(item.minBytes);
}

export function array<T>(item: Type<T>): Type<T[]> {
  return {
    name: `[${item.name}]`,
    minBytes: 4,
    minBytesFlexible: 1,
    read(r, version, flexible = false) {
      const n = readArrayLength(r, item, flexible);
      if (n === -1) throw new ProtocolError(`null array of ${item.name} where a value is required`);
      return readArrayItems(r, item, n, version, flexible);
    },
    write(w, value, version, flexible = false) {
      if (flexible) w.writeCompactArrayLength(value.length);
      else w.writeArrayLength(value.length);
      for (const v of value) item.write(w, v, version, flexible);
    },
  };
}

export function nullableArray<T>(item: Type<T>): Type<T[] | null> {
  return {
    name: `[${item.name}]?`,
    minBytes: 4,
    minBytesFlexible: 1,
    read(r, version, flexible = false) {
      const n = readArrayLength(r, item, flexible);
      return n === -1 ? null : readArrayItems(r, item, n, version, flexible);
    },
    write(w, value, version, flexible = false) {
      const n = value === null ? null : value.length;
      if (flexible) w.writeCompactArrayLength(n);
      else w.writeArrayLength(n);
      if (value !== null) for (const v of value) item.write(w, v, version, flexible);
    },
  };
}

/**
 * Per-version nullability (Kafka's `nullableVersions`): `type` is the nullable form; a null in a
 * version below `fromVersion` is refused on read and on write.
 */
export function nullableSince<T>(fromVersion: number, type: Type<T | null>): Type<T | null> {
  return {
    ...type,
    name: `${type.name}(null since v${fromVersion})`,
    read(r, version, flexible) {
      const value = type.read(r, version, flexible);
      if (value === null && version < fromVersion) throw new ProtocolError(`null ${type.name} in version ${version} where a value is required`);
      return value;
    },
    write(w, value, version, flexible) {
      if (value === null && version < fromVersion) throw new TypeError(`${type.name} cannot be null in version ${version}`);
      type.write(w, value, version, flexible);
    },
  };
}

/**
 * `type` as it is encoded at Kafka's `version`, whatever version the caller asks for: one
 * versioned definition then also serves Samsa's native protocol, whose single version carries
 * the fields of one Kafka version (plain encoding, no tagged fields).
 */
export function atVersion<T>(type: Type<T>, version: number): Type<T> {
  return {
    ...type,
    name: `${type.name}@v${version}`,
    read: (r) => type.read(r, version, false),
    write: (w, value) => type.write(w, value, version, false),
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

/**
 * A tagged field (KIP-482): present only in flexible versions within [min, max], written only
 * when its value differs from `defaultValue`, and skipped by readers that do not know its tag.
 */
export interface Tagged<T> {
  readonly tagged: true;
  readonly tag: number;
  readonly type: Type<T>;
  readonly min: number;
  readonly max: number;
  readonly defaultValue: T;
}

export function tagged<T>(tag: number, type: Type<T>, defaultValue: T, min?: number, max?: number): Tagged<T>;
/** A tagged struct absent by default (Kafka's tagged fields whose default is "not present"). */
export function tagged<T>(tag: number, type: Type<T>, defaultValue: null, min?: number, max?: number): Tagged<T | null>;
export function tagged<T>(tag: number, type: Type<T>, defaultValue: T | null, min = 0, max = Number.MAX_SAFE_INTEGER): Tagged<T | null> {
  return { tagged: true, tag, type: type as Type<T | null>, min, max, defaultValue };
}

type FieldSpec = Type<any> | Versioned<any> | Tagged<any>;
type FieldValue<F> = F extends Versioned<infer T> ? T : F extends Tagged<infer T> ? T : F extends Type<infer T> ? T : never;
export type StructValue<S extends Record<string, FieldSpec>> = { [K in keyof S]: FieldValue<S[K]> };
export type Infer<T> = T extends Type<infer V> ? V : never;

interface CompiledField {
  name: string;
  type: Type<unknown>;
  min: number;
  max: number;
  /** undefined for fields every version carries: a missing value is a bug, not a default. */
  defaultValue: unknown;
  hasDefault: boolean;
}

interface CompiledTag extends CompiledField {
  tag: number;
}

const ALL_VERSIONS = Number.MAX_SAFE_INTEGER;

function compileField(name: string, f: FieldSpec): CompiledField {
  if ('tagged' in f) return { name, type: f.type, min: f.min, max: f.max, defaultValue: f.defaultValue, hasDefault: true };
  if ('versioned' in f) return { name, type: f.type, min: f.min, max: f.max, defaultValue: f.defaultValue, hasDefault: true };
  return { name, type: f, min: 0, max: ALL_VERSIONS, defaultValue: undefined, hasDefault: false };
}

function isDefault(value: unknown, defaultValue: unknown): boolean {
  if (value === defaultValue) return true;
  if (Array.isArray(value) && Array.isArray(defaultValue)) return value.length === 0 && defaultValue.length === 0;
  return false;
}

function readTaggedFields(r: Reader, tags: ReadonlyMap<number, CompiledTag>, out: Record<string, unknown>, version: number): void {
  const count = r.readUnsignedVarint();
  let previous = -1;
  for (let i = 0; i < count; i++) {
    const tag = r.readUnsignedVarint();
    if (tag <= previous) throw new ProtocolError(`tagged field ${tag} out of order (after ${previous})`);
    previous = tag;
    const size = r.readUnsignedVarint();
    const field = tags.get(tag);
    if (!field || version < field.min || version > field.max) {
      r.skip(size);
      continue;
    }
    if (size > r.remaining) throw new ProtocolError(`tagged field ${tag} of ${size} bytes exceeds the ${r.remaining} bytes left`);
    const end = r.offset + size;
    const sub = new Reader(r.buffer, r.offset, end);
    out[field.name] = field.type.read(sub, version, true);
    if (sub.remaining !== 0) throw new ProtocolError(`tagged field ${tag} has ${sub.remaining} unexpected trailing bytes`);
    r.offset = end;
  }
}

function writeTaggedFields(w: Writer, tags: readonly CompiledTag[], v: Record<string, unknown>, version: number): void {
  const present = tags.filter((f) => version >= f.min && version <= f.max && v[f.name] !== undefined && !isDefault(v[f.name], f.defaultValue));
  w.writeUnsignedVarint(present.length);
  for (const f of present) {
    const inner = new Writer(64);
    f.type.write(inner, v[f.name], version, true);
    w.writeUnsignedVarint(f.tag).writeUnsignedVarint(inner.length);
    for (const chunk of inner.toChunks()) w.writeRaw(chunk);
  }
}

export function struct<S extends Record<string, FieldSpec>>(spec: S, name = 'struct'): Type<StructValue<S>> {
  const entries = Object.entries(spec);
  const fields = entries.filter(([, f]) => !('tagged' in f)).map(([n, f]) => compileField(n, f));
  const tagList = entries.filter(([, f]) => 'tagged' in f)
    .map(([n, f]) => ({ ...compileField(n, f), tag: (f as Tagged<unknown>).tag }))
    .sort((a, b) => a.tag - b.tag);
  const tags = new Map(tagList.map((t) => [t.tag, t]));
  if (tags.size !== tagList.length) throw new Error(`${name} defines a tag twice`);
  // Only fields every version carries count towards the lower bound, or it would overestimate.
  const always = fields.filter((f) => f.min === 0 && f.max === ALL_VERSIONS);
  return {
    name,
    minBytes: always.reduce((sum, f) => sum + f.type.minBytes, 0),
    minBytesFlexible: always.reduce((sum, f) => sum + f.type.minBytesFlexible, 1),
    read(r, version, flexible = false) {
      const out: Record<string, unknown> = {};
      for (const f of fields) {
        out[f.name] = version >= f.min && version <= f.max ? f.type.read(r, version, flexible) : f.defaultValue;
      }
      for (const t of tagList) out[t.name] = t.defaultValue;
      if (flexible) readTaggedFields(r, tags, out, version);
      return out as StructValue<S>;
    },
    write(w, value, version, flexible = false) {
      const v = value as Record<string, unknown>;
      for (const f of fields) {
        if (version < f.min || version > f.max) continue;
        let fieldValue = v[f.name];
        if (fieldValue === undefined) {
          if (!f.hasDefault) throw new TypeError(`${name}.${f.name} is missing (version ${version})`);
          fieldValue = f.defaultValue;
        }
        f.type.write(w, fieldValue, version, flexible);
      }
      if (flexible) writeTaggedFields(w, tagList, v, version);
    },
  };
}

export function decode<T>(type: Type<T>, buf: Buffer, version: number, offset = 0, flexible = false): T {
  const r = new Reader(buf, offset);
  const value = type.read(r, version, flexible);
  if (r.remaining !== 0) throw new ProtocolError(`${r.remaining} unexpected trailing bytes after ${type.name}`);
  return value;
}

export function encode<T>(type: Type<T>, value: T, version: number, flexible = false): Buffer {
  const w = new Writer();
  type.write(w, value, version, flexible);
  return w.toBuffer();
}
