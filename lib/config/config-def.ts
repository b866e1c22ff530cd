/**
 * A small typed configuration-definition framework, after Kafka's ConfigDef.
 *
 * Each key declares its type, default (or that it is required), validators, importance and doc.
 * `parseConfig` turns raw strings (from a properties file) or JS values (from code) into typed
 * values, applies defaults, collects keys it does not know so the caller can warn about each, and
 * throws a ConfigError naming the key and the bad value. Type conversion follows Kafka's
 * ConfigDef.parseType: surrounding whitespace is trimmed, booleans are case-insensitive, lists are
 * comma-separated.
 */
import { ConfigError } from './config-error';
import { Validator } from './validators';

export type ConfigType = 'INT' | 'LONG' | 'DOUBLE' | 'BOOLEAN' | 'STRING' | 'LIST' | 'ENUM';
export type Importance = 'HIGH' | 'MEDIUM' | 'LOW';

/** What a caller may hand us for one key. `null`/`undefined` mean "not set". */
export type RawValue = string | number | boolean | readonly string[] | null | undefined;
export type RawConfig = ReadonlyMap<string, RawValue> | Readonly<Record<string, RawValue>>;

type Converted<T> = { ok: true; value: T } | { ok: false; reason: string };

export interface KeyOptions<T> {
  /** Omit to make the key required; `null` means "unset unless configured". */
  default?: T | null;
  validate?: Validator<T> | readonly Validator<T>[];
  importance: Importance;
  doc: string;
  /** Accepted for compatibility with Kafka's files but has no effect in Samsa (the doc says why). */
  ignored?: boolean;
}

export interface ConfigKey<T> {
  readonly type: ConfigType;
  readonly required: boolean;
  readonly defaultValue: T | undefined;
  readonly validators: readonly Validator<NonNullable<T>>[];
  readonly importance: Importance;
  readonly doc: string;
  readonly ignored: boolean;
  /** For ENUM keys: the accepted values, in canonical spelling. */
  readonly validValues?: readonly string[];
  convert(raw: NonNullable<RawValue>): Converted<NonNullable<T>>;
}

export type ConfigDefs = Readonly<Record<string, ConfigKey<unknown>>>;
export type ValuesOf<D extends ConfigDefs> = { readonly [K in keyof D]: D[K] extends ConfigKey<infer T> ? T : never };

export interface ParsedConfig<D extends ConfigDefs> {
  values: ValuesOf<D>;
  /** Keys present in the input that no definition claims, in input order. */
  unknownKeys: string[];
  /** Keys present in the input whose definition is marked `ignored`. */
  ignoredKeys: string[];
  /** Known keys the input set explicitly (some rules depend on "set" versus "defaulted"). */
  providedKeys: ReadonlySet<string>;
}

interface KeyBuilder<T> {
  (options: KeyOptions<T> & { default: null }): ConfigKey<T | null>;
  (options: KeyOptions<T>): ConfigKey<T>;
}

function builder<T>(type: ConfigType, convert: (raw: NonNullable<RawValue>) => Converted<T>): KeyBuilder<T> {
  return ((options: KeyOptions<T>) => makeKey(type, convert, options)) as KeyBuilder<T>;
}

function makeKey<T>(
  type: ConfigType,
  convert: (raw: NonNullable<RawValue>) => Converted<T>,
  options: KeyOptions<T>,
  validValues?: readonly string[],
): ConfigKey<T | null> {
  const validate = options.validate;
  const validators = validate === undefined ? [] : Array.isArray(validate) ? validate : [validate as Validator<T>];
  return {
    type,
    required: options.default === undefined,
    defaultValue: options.default === undefined ? undefined : options.default,
    validators: validators as Validator<NonNullable<T | null>>[],
    importance: options.importance,
    doc: options.doc,
    ignored: options.ignored ?? false,
    validValues,
    convert: convert as ConfigKey<T | null>['convert'],
  };
}

const ok = <T>(value: T): Converted<T> => ({ ok: true, value });
const fail = <T>(reason: string): Converted<T> => ({ ok: false, reason });
const INTEGER = /^[+-]?\d+$/;
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

function convertInt(raw: NonNullable<RawValue>): Converted<number> {
  if (typeof raw === 'number') {
    return Number.isInteger(raw) && raw >= INT32_MIN && raw <= INT32_MAX ? ok(raw) : fail('Expected value to be a 32-bit integer');
  }
  const text = typeof raw === 'string' ? raw.trim() : '';
  if (!INTEGER.test(text)) return fail('Not a number of type INT');
  const value = Number(text);
  return value >= INT32_MIN && value <= INT32_MAX ? ok(value) : fail('Not a number of type INT');
}

/**
 * Kafka longs are int64; ours are JS numbers. Anything past 2^53 only ever means "practically
 * unlimited" (Long.MAX_VALUE is the usual spelling), so it is clamped to the safe-integer range.
 */
function convertLong(raw: NonNullable<RawValue>): Converted<number> {
  if (typeof raw === 'number') return Number.isInteger(raw) ? ok(clampSafe(raw)) : fail('Expected value to be a 64-bit integer');
  const text = typeof raw === 'string' ? raw.trim() : '';
  if (!INTEGER.test(text)) return fail('Not a number of type LONG');
  const big = BigInt(text);
  if (big < INT64_MIN || big > INT64_MAX) return fail('Not a number of type LONG');
  return ok(clampSafe(Number(big)));
}

function clampSafe(value: number): number {
  return Math.min(Number.MAX_SAFE_INTEGER, Math.max(Number.MIN_SAFE_INTEGER, value));
}

function convertDouble(raw: NonNullable<RawValue>): Converted<number> {
  if (typeof raw === 'number') return Number.isFinite(raw) ? ok(raw) : fail('Expected value to be a finite number');
  const text = typeof raw === 'string' ? raw.trim() : '';
  return DECIMAL.test(text) ? ok(Number(text)) : fail('Not a number of type DOUBLE');
}

function convertBoolean(raw: NonNullable<RawValue>): Converted<boolean> {
  if (typeof raw === 'boolean') return ok(raw);
  const text = typeof raw === 'string' ? raw.trim().toLowerCase() : '';
  if (text === 'true') return ok(true);
  if (text === 'false') return ok(false);
  return fail('Expected value to be either true or false');
}

function convertString(raw: NonNullable<RawValue>): Converted<string> {
  if (typeof raw === 'object') return fail('Expected value to be a string, but it was a list');
  return ok(String(raw).trim());
}

/** Empty entries (`a,,b` or a trailing comma) are dropped: they are always typos. */
function convertList(raw: NonNullable<RawValue>): Converted<string[]> {
  const items = typeof raw === 'object' ? raw.map((item) => String(item)) : String(raw).split(',');
  return ok(items.map((item) => item.trim()).filter((item) => item !== ''));
}

export const intKey = builder<number>('INT', convertInt);
export const longKey = builder<number>('LONG', convertLong);
export const doubleKey = builder<number>('DOUBLE', convertDouble);
export const booleanKey = builder<boolean>('BOOLEAN', convertBoolean);
export const stringKey = builder<string>('STRING', convertString);
export const listKey = builder<string[]>('LIST', convertList);

export interface EnumOptions<V extends string> extends KeyOptions<V> {
  /** Accept any letter case and return the canonical spelling (for values like log levels). */
  caseInsensitive?: boolean;
}

/** A string restricted to `values` (Kafka's ValidString), typed as their union. */
export function enumKey<const V extends string>(values: readonly V[], options: EnumOptions<V> & { default: null }): ConfigKey<V | null>;
export function enumKey<const V extends string>(values: readonly V[], options: EnumOptions<V>): ConfigKey<V>;
export function enumKey<const V extends string>(values: readonly V[], options: EnumOptions<V>): ConfigKey<V | null> {
  const convert = (raw: NonNullable<RawValue>): Converted<V> => {
    const text = convertString(raw);
    if (!text.ok) return text;
    const wanted = options.caseInsensitive ? text.value.toLowerCase() : text.value;
    const match = values.find((v) => (options.caseInsensitive ? v.toLowerCase() : v) === wanted);
    return match === undefined ? fail(`String must be one of: ${values.join(', ')}`) : ok(match);
  };
  return makeKey<V>('ENUM', convert, options, values);
}

/** Converts and validates one value for `name`; throws a ConfigError naming the key. */
export function parseValue<T>(name: string, key: ConfigKey<T>, raw: NonNullable<RawValue>): NonNullable<T> {
  const converted = key.convert(raw);
  if (!converted.ok) throw ConfigError.invalidValue(name, raw, converted.reason);
  for (const validator of key.validators) {
    const reason = validator.check(converted.value);
    if (reason !== undefined) throw ConfigError.invalidValue(name, raw, reason);
  }
  return converted.value;
}

export function rawEntries(raw: RawConfig): [string, RawValue][] {
  return raw instanceof Map ? [...raw.entries()] : Object.entries(raw as Record<string, RawValue>);
}

export function parseConfig<D extends ConfigDefs>(defs: D, raw: RawConfig): ParsedConfig<D> {
  const values: Record<string, unknown> = {};
  const unknownKeys: string[] = [];
  const ignoredKeys: string[] = [];
  const providedKeys = new Set<string>();
  for (const [name, rawValue] of rawEntries(raw)) {
    if (rawValue === undefined || rawValue === null) continue;
    if (!Object.prototype.hasOwnProperty.call(defs, name)) {
      unknownKeys.push(name);
      continue;
    }
    const key = defs[name];
    values[name] = parseValue(name, key, rawValue);
    providedKeys.add(name);
    if (key.ignored) ignoredKeys.push(name);
  }
  for (const [name, key] of Object.entries(defs)) {
    if (providedKeys.has(name)) continue;
    if (key.required) throw ConfigError.missing(name);
    values[name] = key.defaultValue;
  }
  return { values: values as ValuesOf<D>, unknownKeys, ignoredKeys, providedKeys };
}
