/**
 * The Admin client's SCRAM credential calls (KIP-554), as Kafka's Admin offers them: describe
 * which mechanisms (and iteration counts) users have, and upsert or delete credentials. The
 * password never leaves the client: an upsertion sends a fresh random salt and
 * SaltedPassword = Hi(password, salt, iterations), from which the broker derives the keys it stores.
 */
import * as crypto from 'crypto';
import { Api } from '../protocol/api';
import { SamsaError } from '../protocol/errors';
import {
  isScramMechanism, mechanismForType, SCRAM_MECHANISM_TYPES, SCRAM_MIN_ITERATIONS, saltedPassword, ScramMechanism,
} from '../security/scram/scram-credential';
import { InvalidArgumentError, responseError } from './client-errors';
import { Connection } from './connection';

export interface ScramCredentialInfo {
  mechanism: ScramMechanism;
  iterations: number;
}

export interface UserScramCredentialsDescription {
  user: string;
  /** Empty when `error` is set. */
  credentialInfos: ScramCredentialInfo[];
  /** Why this user could not be described (RESOURCE_NOT_FOUND: the user has no credential). */
  error: SamsaError | null;
}

/** Kafka's UserScramCredentialUpsertion; iterations default to 4096, the salt to 32 random bytes. */
export interface ScramCredentialUpsertion {
  user: string;
  mechanism: ScramMechanism;
  password: string;
  iterations?: number;
  salt?: Buffer;
}

/** Kafka's UserScramCredentialDeletion. */
export interface ScramCredentialDeletion {
  user: string;
  mechanism: ScramMechanism;
  delete: true;
}

export type ScramCredentialAlteration = ScramCredentialUpsertion | ScramCredentialDeletion;

const SALT_BYTES = 32;

/** `users` undefined or empty: every user that has a credential. A request-level failure throws. */
export async function describeUserScramCredentials(conn: Connection, users?: readonly string[]): Promise<UserScramCredentialsDescription[]> {
  const response = await conn.send(Api.DescribeUserScramCredentials, {
    users: users === undefined || users.length === 0 ? null : users.map((name) => ({ name })),
  });
  if (response.errorCode !== 0) throw responseError(response.errorCode, response.errorMessage);
  return response.results.map((r) => ({
    user: r.user,
    credentialInfos: r.errorCode !== 0 ? [] : r.credentialInfos.flatMap((c) => {
      const mechanism = mechanismForType(c.mechanism);
      return mechanism ? [{ mechanism, iterations: c.iterations }] : [];
    }),
    error: r.errorCode === 0 ? null : responseError(r.errorCode, r.errorMessage),
  }));
}

/** Sends every alteration in one request; maps each user named to null (done) or its error. */
export async function alterUserScramCredentials(conn: Connection, alterations: readonly ScramCredentialAlteration[]): Promise<Map<string, SamsaError | null>> {
  const deletions: Array<{ name: string; mechanism: number }> = [];
  const upsertions: Array<{ name: string; mechanism: number; iterations: number; salt: Buffer; saltedPassword: Buffer }> = [];
  for (const a of alterations) {
    if (!isScramMechanism(a.mechanism)) throw new InvalidArgumentError(`Unknown SCRAM mechanism ${String(a.mechanism)}`);
    const mechanism = SCRAM_MECHANISM_TYPES[a.mechanism];
    if ('delete' in a) {
      deletions.push({ name: a.user, mechanism });
      continue;
    }
    const iterations = a.iterations ?? SCRAM_MIN_ITERATIONS;
    if (!Number.isInteger(iterations) || iterations <= 0) throw new InvalidArgumentError(`Invalid iterations ${iterations} for user ${a.user}`);
    const salt = a.salt ?? crypto.randomBytes(SALT_BYTES);
    upsertions.push({ name: a.user, mechanism, iterations, salt, saltedPassword: saltedPassword(a.mechanism, a.password, salt, iterations) });
  }
  const response = await conn.send(Api.AlterUserScramCredentials, { deletions, upsertions });
  const out = new Map<string, SamsaError | null>();
  for (const r of response.results) out.set(r.user, r.errorCode === 0 ? null : responseError(r.errorCode, r.errorMessage));
  return out;
}
