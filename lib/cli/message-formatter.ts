/**
 * How `samsa-console-consumer` renders a record: Kafka's DefaultMessageFormatter, configured by
 * the same `--property` keys (print.timestamp, print.partition, print.offset, print.headers,
 * print.key, print.value, key.separator, line.separator, headers.separator, null.literal).
 *
 * Field order is Kafka's: `CreateTime:<ts>`, `Partition:<p>`, `Offset:<o>`, headers (`k:v,k2:v2` or
 * `NO_HEADERS`), key, value — joined by key.separator, ended by line.separator. Keys and values are
 * written as raw bytes, not re-encoded, so binary payloads survive a pipe — unless
 * key.deserializer/value.deserializer name one (Kafka's class names, short names or a module, as
 * for the clients): then the deserialized value is printed as text.
 */
import { loadDeserializer } from '../client/client-plugins';
import type { ConsumerRecord } from '../client/consumer';
import type { Deserializer } from '../client/serializers';

export interface FormatterSettings {
  printTimestamp: boolean;
  printPartition: boolean;
  printOffset: boolean;
  printHeaders: boolean;
  printKey: boolean;
  printValue: boolean;
  keySeparator: Buffer;
  lineSeparator: Buffer;
  headersSeparator: Buffer;
  nullLiteral: Buffer;
}

/** Kafka reads booleans as "true" (any case, trimmed) and everything else as false. */
function bool(props: Readonly<Record<string, string>>, key: string, fallback: boolean): boolean {
  const raw = props[key];
  return raw === undefined ? fallback : raw.trim().toLowerCase() === 'true';
}

function bytes(props: Readonly<Record<string, string>>, key: string, fallback: string): Buffer {
  return Buffer.from(props[key] ?? fallback, 'utf8');
}

export function formatterSettings(props: Readonly<Record<string, string>> = {}): FormatterSettings {
  return {
    printTimestamp: bool(props, 'print.timestamp', false),
    printPartition: bool(props, 'print.partition', false),
    printOffset: bool(props, 'print.offset', false),
    printHeaders: bool(props, 'print.headers', false),
    printKey: bool(props, 'print.key', false),
    printValue: bool(props, 'print.value', true),
    keySeparator: bytes(props, 'key.separator', '\t'),
    lineSeparator: bytes(props, 'line.separator', '\n'),
    headersSeparator: bytes(props, 'headers.separator', ','),
    nullLiteral: bytes(props, 'null.literal', 'null'),
  };
}

export class DefaultMessageFormatter {
  readonly settings: FormatterSettings;
  private readonly keyDeserializer: Deserializer<unknown> | undefined;
  private readonly valueDeserializer: Deserializer<unknown> | undefined;

  constructor(props: Readonly<Record<string, string>> = {}) {
    this.settings = formatterSettings(props);
    const deserializer = (key: string): Deserializer<unknown> | undefined => (props[key] === undefined ? undefined : loadDeserializer(props[key], key, props));
    this.keyDeserializer = deserializer('key.deserializer');
    this.valueDeserializer = deserializer('value.deserializer');
  }

  /** The bytes for one record. A record with every field disabled yields an empty buffer. */
  format(record: ConsumerRecord): Buffer {
    const s = this.settings;
    const fields: Buffer[] = [];
    if (s.printTimestamp) fields.push(Buffer.from(`${record.timestampType}:${record.timestamp}`, 'utf8'));
    if (s.printPartition) fields.push(Buffer.from(`Partition:${record.partition}`, 'utf8'));
    if (s.printOffset) fields.push(Buffer.from(`Offset:${record.offset}`, 'utf8'));
    if (s.printHeaders) fields.push(this.formatHeaders(record));
    if (s.printKey) fields.push(this.render(this.keyDeserializer, record, record.key));
    if (s.printValue) fields.push(this.render(this.valueDeserializer, record, record.value));
    if (fields.length === 0) return Buffer.alloc(0);

    const parts: Buffer[] = [];
    fields.forEach((field, i) => {
      if (i > 0) parts.push(s.keySeparator);
      parts.push(field);
    });
    // Kafka writes key.separator between fields and line.separator after the last printed one,
    // whichever field that is (print.value=false still ends the line).
    parts.push(s.lineSeparator);
    return Buffer.concat(parts);
  }

  /** Raw bytes, or the deserialized value as text (JSON for objects, as Java's JsonNode.toString). */
  private render(d: Deserializer<unknown> | undefined, record: ConsumerRecord, bytes: Buffer | null): Buffer {
    if (bytes === null) return this.settings.nullLiteral;
    if (d === undefined) return bytes;
    const v = d.deserialize(record.topic, bytes, record.headers);
    if (Buffer.isBuffer(v)) return v;
    return Buffer.from(typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v), 'utf8');
  }

  private formatHeaders(record: ConsumerRecord): Buffer {
    if (record.headers.length === 0) return Buffer.from('NO_HEADERS', 'utf8');
    const parts: Buffer[] = [];
    record.headers.forEach((header, i) => {
      if (i > 0) parts.push(this.settings.headersSeparator);
      parts.push(Buffer.from(`${header.key}:`, 'utf8'), header.value ?? this.settings.nullLiteral);
    });
    return Buffer.concat(parts);
  }
}
