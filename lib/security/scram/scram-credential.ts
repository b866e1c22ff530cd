/**
 * SCRAM credentials as Kafka stores them (RFC 5802 / 7677; kafka.security.scram.ScramCredentialUtils):
 * `salt=<b64>,stored_key=<b64>,server_key=<b64>,iterations=<n>` under the mechanism name in
 * `/config/users/<user>`. The broker never sees a password: it keeps StoredKey (to check the
 * client's proof) and ServerKey (to prove itself back). The same derivation serves the client
 * side of the exchange and the tools that create users.
 */
import * as crypto from 'crypto';

export const SCRAM_MECHANISMS = { 'SCRAM-SHA-256': 'sha256', 'SCRAM-SHA-512': 'sha512' } as const;
export type ScramMechanism = keyof typeof SCRAM_MECHANISMS;
/** Kafka refuses fewer (ScramMechanism.minIterations) and, since KIP-554, more than 16384. */
export const SCRAM_MIN_ITERATIONS = 4096;
export const SCRAM_MAX_ITERATIONS = 16384;

export interface ScramCredential {
  readonly salt: Buffer;
  readonly storedKey: Buffer;
  readonly serverKey: Buffer;
  readonly iterations: number;
}

export function isScramMechanism(name: string): name is ScramMechanism {
  return Object.prototype.hasOwnProperty.call(SCRAM_MECHANISMS, name);
}

function hashName(mechanism: ScramMechanism): string {
  return SCRAM_MECHANISMS[mechanism];
}

export function hmac(mechanism: ScramMechanism, key: Buffer, data: Buffer | string): Buffer {
  return crypto.createHmac(hashName(mechanism), key).update(data).digest();
}

export function hash(mechanism: ScramMechanism, data: Buffer): Buffer {
  return crypto.createHash(hashName(mechanism)).update(data).digest();
}

/** Hi() of RFC 5802: PBKDF2 with the mechanism's HMAC. */
export function saltedPassword(mechanism: ScramMechanism, password: string, salt: Buffer, iterations: number): Buffer {
  const digest = hashName(mechanism);
  const length = crypto.createHash(digest).digest().length;
  return crypto.pbkdf2Sync(Buffer.from(password.normalize('NFKC'), 'utf8'), salt, iterations, length, digest);
}

export function clientKey(mechanism: ScramMechanism, salted: Buffer): Buffer {
  return hmac(mechanism, salted, 'Client Key');
}

export function serverKey(mechanism: ScramMechanism, salted: Buffer): Buffer {
  return hmac(mechanism, salted, 'Server Key');
}

export function checkIterations(mechanism: ScramMechanism, iterations: number): string | undefined {
  if (!Number.isInteger(iterations) || iterations < SCRAM_MIN_ITERATIONS) return `Iterations ${iterations} is less than the minimum ${SCRAM_MIN_ITERATIONS} required for ${mechanism}`;
  if (iterations > SCRAM_MAX_ITERATIONS) return `Iterations ${iterations} is more than the maximum ${SCRAM_MAX_ITERATIONS} allowed for ${mechanism}`;
  return undefined;
}

/** A fresh credential for `password` with a random salt. */
export function createCredential(mechanism: ScramMechanism, password: string, iterations = SCRAM_MIN_ITERATIONS, salt = crypto.randomBytes(32)): ScramCredential {
  const problem = checkIterations(mechanism, iterations);
  if (problem) throw new RangeError(problem);
  const salted = saltedPassword(mechanism, password, salt, iterations);
  return { salt, storedKey: hash(mechanism, clientKey(mechanism, salted)), serverKey: serverKey(mechanism, salted), iterations };
}

export function formatCredential(c: ScramCredential): string {
  return `salt=${c.salt.toString('base64')},stored_key=${c.storedKey.toString('base64')},server_key=${c.serverKey.toString('base64')},iterations=${c.iterations}`;
}

/** Parses Kafka's stored form; undefined when a field is missing or malformed. */
export function parseCredential(text: string): ScramCredential | undefined {
  const fields = new Map<string, string>();
  for (const part of text.split(',')) {
    const eq = part.indexOf('=');
    if (eq <= 0) return undefined;
    fields.set(part.slice(0, eq), part.slice(eq + 1));
  }
  const salt = fields.get('salt');
  const stored = fields.get('stored_key');
  const server = fields.get('server_key');
  const iterations = Number(fields.get('iterations'));
  if (!salt || !stored || !server || !Number.isInteger(iterations) || iterations <= 0) return undefined;
  return { salt: Buffer.from(salt, 'base64'), storedKey: Buffer.from(stored, 'base64'), serverKey: Buffer.from(server, 'base64'), iterations };
}

/** Where the broker looks credentials up; the ZooKeeper-backed cache implements it, tests may use a map. */
export interface ScramCredentialSource {
  credential(mechanism: ScramMechanism, username: string): ScramCredential | undefined;
}

/** Kafka's ScramMechanism type bytes on the wire (0 is UNKNOWN). */
export const SCRAM_MECHANISM_TYPES: Readonly<Record<ScramMechanism, number>> = { 'SCRAM-SHA-256': 1, 'SCRAM-SHA-512': 2 };

export function mechanismForType(type: number): ScramMechanism | undefined {
  return (Object.keys(SCRAM_MECHANISM_TYPES) as ScramMechanism[]).find((m) => SCRAM_MECHANISM_TYPES[m] === type);
}
