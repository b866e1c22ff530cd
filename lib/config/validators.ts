/**
 * Value validators for configuration keys, with Kafka's wording for the common ones.
 *
 * A validator returns the reason a value is bad (or undefined), never throws: the config
 * framework owns the key name and the raw value and builds the ConfigError, so every message
 * names the key consistently. `description` feeds the "valid values" column of generated docs.
 */

export interface Validator<T> {
  readonly description: string;
  /** The reason `value` is invalid, or undefined when it is fine. */
  check(value: T): string | undefined;
}

export function atLeast(min: number): Validator<number> {
  return {
    description: `[${min},...]`,
    check: (value) => (value < min ? `Value must be at least ${min}` : undefined),
  };
}

export function between(min: number, max: number): Validator<number> {
  return {
    description: `[${min},...,${max}]`,
    check(value) {
      if (value < min) return `Value must be at least ${min}`;
      if (value > max) return `Value must be no more than ${max}`;
      return undefined;
    },
  };
}

export function nonEmptyString(): Validator<string> {
  return {
    description: 'non-empty string',
    check: (value) => (value.length === 0 ? 'String must be non-empty' : undefined),
  };
}

export function nonEmptyList(): Validator<readonly string[]> {
  return {
    description: 'non-empty list',
    check: (value) => (value.length === 0 ? 'List must contain at least one entry' : undefined),
  };
}

/** Every list entry must be one of `allowed` (Kafka's ValidList). */
export function listOf(allowed: readonly string[]): Validator<readonly string[]> {
  return {
    description: `[${allowed.join(', ')}]`,
    check(value) {
      const bad = value.find((item) => !allowed.includes(item));
      return bad === undefined ? undefined : `Invalid value ${bad}; list entries must be one of: ${allowed.join(', ')}`;
    },
  };
}

/** Adapts a function that returns a reason; for rules too specific to deserve a name here. */
export function rule<T>(description: string, check: (value: T) => string | undefined): Validator<T> {
  return { description, check };
}
