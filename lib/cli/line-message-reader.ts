/**
 * How `samsa-console-producer` turns a line of input into a record: Kafka's LineMessageReader,
 * configured by the same `--property` keys.
 *
 *   parse.key=true, key.separator (default TAB)          key<sep>value
 *   parse.headers=true, headers.delimiter (TAB),          h1:v1,h2:v2<delim>key<sep>value
 *     headers.separator (,), headers.key.separator (:)
 *   ignore.error=true                                     a line without separator becomes a value
 *   null.marker=<text>                                    that exact key/value/header value is null
 *
 * Errors carry Kafka's wording ("No key separator found on line number 3: 'abc'") because people
 * search for those strings.
 */

export interface ParsedLine {
  key: string | null;
  value: string | null;
  headers: Array<{ key: string; value: string | null }>;
}

export class LineParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LineParseError';
  }
}

function bool(props: Readonly<Record<string, string>>, key: string): boolean {
  return (props[key] ?? '').trim().toLowerCase() === 'true';
}

export class LineMessageReader {
  private readonly parseKey: boolean;
  private readonly keySeparator: string;
  private readonly parseHeaders: boolean;
  private readonly headersDelimiter: string;
  private readonly headersSeparator: string;
  private readonly headersKeySeparator: string;
  private readonly ignoreError: boolean;
  private readonly nullMarker: string | null;

  constructor(props: Readonly<Record<string, string>> = {}) {
    this.parseKey = bool(props, 'parse.key');
    this.keySeparator = props['key.separator'] ?? '\t';
    this.parseHeaders = bool(props, 'parse.headers');
    this.headersDelimiter = props['headers.delimiter'] ?? '\t';
    this.headersSeparator = props['headers.separator'] ?? ',';
    this.headersKeySeparator = props['headers.key.separator'] ?? ':';
    this.ignoreError = bool(props, 'ignore.error');
    this.nullMarker = props['null.marker'] ?? null;
    for (const [name, value] of [['key.separator', this.keySeparator], ['headers.delimiter', this.headersDelimiter]]) {
      if (value === '') throw new LineParseError(`${name} must not be empty`);
    }
  }

  /** Parses one line (without its line terminator); `lineNumber` counts from 1. */
  parse(line: string, lineNumber: number): ParsedLine {
    let rest = line;
    let headers: ParsedLine['headers'] = [];
    if (this.parseHeaders) {
      const at = rest.indexOf(this.headersDelimiter);
      if (at < 0) {
        if (this.ignoreError) return { key: null, value: this.nullable(line), headers: [] };
        throw new LineParseError(`No headers delimiter found on line number ${lineNumber}: '${line}'`);
      }
      headers = this.parseHeaderList(rest.slice(0, at), lineNumber);
      rest = rest.slice(at + this.headersDelimiter.length);
    }
    if (!this.parseKey) return { key: null, value: this.nullable(rest), headers };
    const at = rest.indexOf(this.keySeparator);
    if (at < 0) {
      if (this.ignoreError) return { key: null, value: this.nullable(rest), headers };
      throw new LineParseError(`No key separator found on line number ${lineNumber}: '${line}'`);
    }
    return {
      key: this.nullable(rest.slice(0, at)),
      value: this.nullable(rest.slice(at + this.keySeparator.length)),
      headers,
    };
  }

  private parseHeaderList(text: string, lineNumber: number): ParsedLine['headers'] {
    if (text === '') return [];
    return text.split(this.headersSeparator).map((pair) => {
      const at = pair.indexOf(this.headersKeySeparator);
      if (at < 0) {
        throw new LineParseError(`No header key separator found in pair '${pair}' on line number ${lineNumber}`);
      }
      const key = pair.slice(0, at);
      if (this.nullMarker !== null && key === this.nullMarker) {
        throw new LineParseError(`Header keys should not be equal to the null marker '${this.nullMarker}' as they can't be null`);
      }
      return { key, value: this.nullable(pair.slice(at + this.headersKeySeparator.length)) };
    });
  }

  private nullable(text: string): string | null {
    return this.nullMarker !== null && text === this.nullMarker ? null : text;
  }
}
