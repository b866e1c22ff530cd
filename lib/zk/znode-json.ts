/**
 * Strict reading of the JSON stored in znodes, for the decoders in `znodes.ts`.
 *
 * Znodes are written by Samsa, by Kafka tools pointed at the same ZooKeeper, or by hand with
 * zkCli; a decoder that trusted them would fail far away with a TypeError. Every accessor here
 * checks the type and throws a `ZnodeFormatError` naming the znode and the offending field.
 */

export class ZnodeFormatError extends Error {
  readonly code = 'MALFORMED_ZNODE';
  readonly retriable = false;

  constructor(readonly path: string, detail: string) {
    super(`Malformed znode ${path}: ${detail}`);
    this.name = 'ZnodeFormatError';
  }
}

export function parseZnodeJson(path: string, data: Buffer | null): JsonObject {
  if (!data || data.length === 0) throw new ZnodeFormatError(path, 'no data');
  let value: unknown;
  try {
    value = JSON.parse(data.toString('utf8'));
  } catch (err) {
    throw new ZnodeFormatError(path, `invalid JSON (${(err as Error).message})`);
  }
  return new JsonObject(path, value, '');
}

/** A JSON object with typed, checked field access. `where` is the field path for messages. */
export class JsonObject {
  private readonly fields: Record<string, unknown>;

  constructor(readonly path: string, value: unknown, private readonly where: string) {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new ZnodeFormatError(path, `${where || 'the content'} should be a JSON object`);
    }
    this.fields = value as Record<string, unknown>;
  }

  has(key: string): boolean {
    return this.fields[key] !== undefined && this.fields[key] !== null;
  }

  keys(): string[] {
    return Object.keys(this.fields);
  }

  int(key: string): number {
    return this.check(key, this.fields[key], 'an integer', isInt) as number;
  }

  optionalInt(key: string, fallback: number): number {
    return this.has(key) ? this.int(key) : fallback;
  }

  string(key: string): string {
    return this.check(key, this.fields[key], 'a string', (v) => typeof v === 'string') as string;
  }

  optionalString(key: string): string | null {
    return this.has(key) ? this.string(key) : null;
  }

  /** An integer written either as a JSON number or as a decimal string (Kafka does both). */
  intOrIntString(key: string): number {
    const value = this.fields[key];
    if (typeof value === 'string' && /^-?\d+$/.test(value)) return Number(value);
    return this.int(key);
  }

  /** A decimal string holding a 64-bit integer, e.g. producer id block bounds. */
  bigintString(key: string): bigint {
    const value = this.fields[key];
    if (typeof value === 'string' && /^-?\d+$/.test(value)) return BigInt(value);
    if (isInt(value)) return BigInt(value as number);
    throw new ZnodeFormatError(this.path, `${this.name(key)} should be an integer string, got ${describe(value)}`);
  }

  intArray(key: string): number[] {
    return this.check(key, this.fields[key], 'an array of integers', (v) => Array.isArray(v) && v.every(isInt)) as number[];
  }

  object(key: string): JsonObject {
    return new JsonObject(this.path, this.fields[key], this.name(key));
  }

  optionalObject(key: string): JsonObject | null {
    return this.has(key) ? this.object(key) : null;
  }

  objectArray(key: string): JsonObject[] {
    const value = this.check(key, this.fields[key], 'an array', Array.isArray) as unknown[];
    return value.map((item, i) => new JsonObject(this.path, item, `${this.name(key)}[${i}]`));
  }

  stringArray(key: string): string[] {
    return this.check(key, this.fields[key], 'an array of strings', (v) => Array.isArray(v) && v.every((s) => typeof s === 'string')) as string[];
  }

  /** Every value of this object as a string (`{"retention.ms":"1000"}`). */
  stringValues(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const key of this.keys()) out[key] = this.string(key);
    return out;
  }

  /** Fails unless `version` is one of `supported` (numbers, or strings for /cluster/id). */
  requireVersion(...supported: Array<number | string>): number | string {
    const version = this.fields.version;
    if (!supported.includes(version as number | string)) {
      throw new ZnodeFormatError(this.path, `unsupported version ${describe(version)} (expected ${supported.map((v) => JSON.stringify(v)).join(' or ')})`);
    }
    return version as number | string;
  }

  private check(key: string, value: unknown, expected: string, test: (v: unknown) => boolean): unknown {
    if (!test(value)) throw new ZnodeFormatError(this.path, `${this.name(key)} should be ${expected}, got ${describe(value)}`);
    return value;
  }

  private name(key: string): string {
    return this.where ? `${this.where}.${key}` : key;
  }
}

function isInt(value: unknown): boolean {
  return typeof value === 'number' && Number.isSafeInteger(value);
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value);
  return text.length > 40 ? `${text.slice(0, 40)}...` : text;
}

export function encodeJson(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value), 'utf8');
}
