/**
 * Java `.properties` files and `key=value` command-line overrides, as ordered string maps.
 *
 * Kafka's tools read `server.properties` with java.util.Properties and layer `--override` /
 * `--property` flags on top; we do the same so files copied from a Kafka install keep working.
 * The grammar (comments, escapes, continuation lines) is delegated to `dot-properties`, which
 * implements java.util.Properties#load. Files are read as UTF-8 rather than Java's ISO-8859-1:
 * every ASCII file reads the same, and `\uXXXX` escapes still work.
 */
import * as fs from 'fs';
import { parseLines, stringify } from 'dot-properties';
import { ConfigError } from './config-error';

/** Insertion-ordered; a key repeated in one source keeps its last value, as in Java. */
export type Properties = Map<string, string>;

/** Anything the merge helpers accept as a layer. */
export type PropertiesSource = ReadonlyMap<string, string> | Readonly<Record<string, string>> | undefined;

export function parseProperties(text: string): Properties {
  const props: Properties = new Map();
  for (const line of parseLines(text)) {
    if (Array.isArray(line)) props.set(line[0], line[1] ?? '');
  }
  return props;
}

/** Reads a properties file; a missing or unreadable file is a ConfigError naming the path. */
export function readPropertiesFile(file: string): Properties {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new ConfigError(`Cannot read configuration file ${file}: ${reason}`, { cause: err });
  }
  return parseProperties(text);
}

/**
 * Splits one `--override key=value` / `--property key=value` argument at its first `=`, so values
 * may themselves contain `=` (`--property key.separator==`). The key is trimmed; the value is kept
 * verbatim because separators like `" "` are meaningful.
 */
export function parseOverride(arg: string): [string, string] {
  const eq = arg.indexOf('=');
  if (eq < 0) {
    throw new ConfigError(`Invalid property override '${arg}': expected key=value`, { value: arg });
  }
  const key = arg.slice(0, eq).trim();
  if (key === '') {
    throw new ConfigError(`Invalid property override '${arg}': the key before '=' is empty`, { value: arg });
  }
  return [key, arg.slice(eq + 1)];
}

export function parseOverrides(args: readonly string[]): Properties {
  const props: Properties = new Map();
  for (const arg of args) {
    const [key, value] = parseOverride(arg);
    props.set(key, value);
  }
  return props;
}

/** Layers sources left to right: a key in a later source replaces the earlier value. */
export function mergeProperties(...sources: PropertiesSource[]): Properties {
  const merged: Properties = new Map();
  for (const source of sources) {
    if (!source) continue;
    const entries = source instanceof Map ? source.entries() : Object.entries(source);
    for (const [key, value] of entries) merged.set(key, value);
  }
  return merged;
}

export function propertiesToRecord(props: ReadonlyMap<string, string>): Record<string, string> {
  return Object.fromEntries(props);
}

/**
 * Renders properties in file form (used for files Samsa writes itself, like `meta.properties`).
 * Lines are not folded, so each key stays greppable on one line.
 */
export function formatProperties(props: PropertiesSource, header?: string): string {
  const lines: (string | string[])[] = [];
  if (header) for (const line of header.split('\n')) lines.push(`# ${line}`);
  for (const [key, value] of mergeProperties(props)) lines.push([key, value]);
  return `${stringify(lines, { keySep: '=', lineWidth: null })}\n`;
}
