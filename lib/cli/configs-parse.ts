/**
 * The value grammar of `samsa-configs --add-config`, as Kafka's ConfigCommand reads it:
 * comma-separated `key=value` pairs where square brackets group a value holding commas
 * (`SCRAM-SHA-256=[iterations=8192,password=a,b]`), and a SCRAM value of the form
 * `[iterations=<n>,]password=<password>`. Errors carry Kafka's wording; a password is never
 * repeated in a message (Kafka echoes it, Samsa prints `password=[hidden]`).
 */
import { ScramMechanism, SCRAM_MIN_ITERATIONS } from '../security/scram/scram-credential';
import { UsageError } from './options';

/** A comma or `=` not inside brackets: followed by no `]` before the next `[` or the end. */
const OUTSIDE_BRACKETS = '(?=[^\\]]*(?:\\[|$))';

/** Kafka's parseConfigsToBeAdded: pairs split outside brackets, keys trimmed, brackets removed from values. */
export function parseAddConfig(text: string): Map<string, string> {
  const items = text.split(new RegExp(`,${OUTSIDE_BRACKETS}`));
  // Java's String.split drops trailing empty strings.
  while (items.length > 0 && items[items.length - 1] === '') items.pop();
  const pairs = items.map((item) => item.split(new RegExp(`\\s*=\\s*${OUTSIDE_BRACKETS}`)));
  if (!pairs.every((p) => p.length === 2)) {
    throw new UsageError('Invalid entity config: all configs to be added must be in the format "key=val".');
  }
  return new Map(pairs.map(([k, v]) => [k.trim(), v.replace(/[[\]]/g, '').trim()]));
}

export interface ScramCredentialSpec {
  mechanism: ScramMechanism;
  iterations: number;
  password: string;
}

/** Kafka's internal enum name for the mechanism (SCRAM_SHA_256), which some of its messages print. */
function enumName(mechanism: ScramMechanism): string {
  return mechanism.replace(/-/g, '_');
}

/** Hides every `password=...` up to its closing bracket or the end of `text` (a password may hold commas or spaces). */
export function hidePasswords(text: string): string {
  return text.replace(/password=[^\]]*/g, 'password=[hidden]');
}

/**
 * A SCRAM value: `--bootstrap-server` (Kafka's alterUserScramCredentialConfigs) also takes
 * `iterations=-1` for the default; `--zookeeper` (preProcessScramCredentials) only digits.
 */
export function parseScramValue(mechanism: ScramMechanism, value: string, via: 'bootstrap' | 'zookeeper'): ScramCredentialSpec {
  const pattern = via === 'bootstrap' ? /^(?:iterations=(-?[0-9]*),)?password=(.*)$/ : /^(?:iterations=([0-9]*),)?password=(.*)$/;
  const match = pattern.exec(value);
  // Kafka takes an empty password (and fails on `iterations=,`); Samsa refuses both as malformed.
  if (!match || match[1] === '' || match[1] === '-' || match[2] === '') {
    throw new UsageError(`Invalid credential property ${enumName(mechanism)}=${hidePasswords(value)}`);
  }
  const iterations = match[1] === undefined || match[1] === '-1' ? SCRAM_MIN_ITERATIONS : Number(match[1]);
  if (iterations < SCRAM_MIN_ITERATIONS) {
    const name = via === 'bootstrap' ? mechanism : enumName(mechanism);
    throw new UsageError(`Iterations ${iterations} is less than the minimum ${SCRAM_MIN_ITERATIONS} required for ${name}`);
  }
  return { mechanism, iterations, password: match[2] };
}
