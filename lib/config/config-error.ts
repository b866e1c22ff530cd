/**
 * The single error type for bad configuration, worded like Kafka's ConfigException.
 *
 * Operators who know Kafka recognise `Invalid value -5 for configuration log.segment.bytes: Value
 * must be at least 14`, so we keep that wording. It extends SamsaError with INVALID_CONFIG so a
 * CreateTopics or AlterConfigs handler can report it per topic without translating it.
 */
import { ErrorCode, SamsaError } from '../protocol/errors';

export interface ConfigErrorOptions {
  /** The configuration key at fault, when there is one (a file that cannot be read has none). */
  key?: string;
  value?: unknown;
  cause?: unknown;
}

export class ConfigError extends SamsaError {
  readonly key: string | undefined;
  readonly value: unknown;

  constructor(message: string, options: ConfigErrorOptions = {}) {
    super(ErrorCode.INVALID_CONFIG, message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ConfigError';
    // SamsaError prefixes the wire name; configuration errors read better in Kafka's own words.
    this.message = message;
    this.key = options.key;
    this.value = options.value;
  }

  /** `Invalid value <v> for configuration <key>: <reason>`. */
  static invalidValue(key: string, value: unknown, reason?: string): ConfigError {
    const suffix = reason ? `: ${reason}` : '';
    return new ConfigError(`Invalid value ${formatConfigValue(value)} for configuration ${key}${suffix}`, { key, value });
  }

  static missing(key: string): ConfigError {
    return new ConfigError(`Missing required configuration "${key}" which has no default value.`, { key });
  }
}

/** Shows a value the way the user wrote it: strings verbatim, lists comma-joined. */
export function formatConfigValue(value: unknown): string {
  if (Array.isArray(value)) return value.map((v) => String(v)).join(',');
  return String(value);
}
