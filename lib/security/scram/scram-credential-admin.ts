/**
 * The broker's side of KIP-554: what DescribeUserScramCredentials and AlterUserScramCredentials
 * answer, with Kafka 2.8's rules and messages (ZkAdminManager): per-user errors, never a failed
 * request; empty user names, unknown mechanisms and iteration counts outside [4096, 16384]
 * refused before anything is read; a user named twice for one mechanism refused as a whole;
 * deleting a credential that does not exist refused; every other user's change written in one
 * update of its znode. Kept apart from the wire handlers so both listeners and tests share it.
 */
import { ErrorCode } from '../../protocol/errors';
import type {
  AlterUserScramCredentialsRequestData, AlterUserScramCredentialsResponseData, DescribeUserScramCredentialsResponseData,
} from '../../protocol/messages/scram-credentials';
import { getLogger } from '../../util/logger';
import { mechanismForType, ScramCredential, SCRAM_MECHANISM_TYPES, ScramMechanism, SCRAM_MAX_ITERATIONS, SCRAM_MIN_ITERATIONS } from './scram-credential';
import {
  credentialFromSaltedPassword, credentialInfosOf, UserCredentialsStore,
} from './user-credentials-store';

const log = getLogger('scram-admin');

type DescribeResult = DescribeUserScramCredentialsResponseData['results'][number];
type AlterResult = AlterUserScramCredentialsResponseData['results'][number];

const USERNAME_MUST_NOT_BE_EMPTY = 'Username must not be empty';
const UNKNOWN_MECHANISM = 'Unknown SCRAM mechanism';
const ERROR_PROCESSING_DESCRIBE = 'Error processing describe user SCRAM credential configs request';

/** `users` null or empty: every user that has a credential, sorted by name. */
export async function describeUserScramCredentials(store: UserCredentialsStore, users: readonly string[] | null): Promise<DescribeUserScramCredentialsResponseData> {
  const answer: DescribeUserScramCredentialsResponseData = { throttleTimeMs: 0, errorCode: 0, errorMessage: null, results: [] };
  try {
    if (users === null || users.length === 0) {
      for (const user of await store.usersWithCredentials()) answer.results.push(await describeOne(store, user, false) as DescribeResult);
      return answer;
    }
    const counts = new Map<string, number>();
    for (const user of users) counts.set(user, (counts.get(user) ?? 0) + 1);
    for (const user of counts.keys()) {
      if (user === '') answer.results.push(failed(user, ErrorCode.RESOURCE_NOT_FOUND.code, USERNAME_MUST_NOT_BE_EMPTY));
      else if ((counts.get(user) ?? 0) > 1) {
        answer.results.push(failed(user, ErrorCode.DUPLICATE_RESOURCE.code, `Cannot describe SCRAM credentials for the same user twice in a single request: ${user}`));
      } else answer.results.push(await describeOne(store, user, true) as DescribeResult);
    }
  } catch (err) {
    // Only listing every user's znode can fail here: a ZooKeeper problem.
    log.error(`${ERROR_PROCESSING_DESCRIBE}: ${(err as Error).message}`);
    return { ...answer, errorCode: ErrorCode.UNKNOWN_SERVER_ERROR.code, errorMessage: ERROR_PROCESSING_DESCRIBE, results: [] };
  }
  return answer;
}

async function describeOne(store: UserCredentialsStore, user: string, explicit: boolean): Promise<DescribeResult | null> {
  try {
    const infos = credentialInfosOf(user, await store.userConfig(user));
    if (infos.length > 0) {
      return { user, errorCode: 0, errorMessage: null, credentialInfos: infos.map((i) => ({ mechanism: SCRAM_MECHANISM_TYPES[i.mechanism], iterations: i.iterations })) };
    }
    return explicit ? failed(user, ErrorCode.RESOURCE_NOT_FOUND.code, `Attempt to describe a user credential that does not exist: ${user}`) : null;
  } catch (err) {
    log.error(`${ERROR_PROCESSING_DESCRIBE} for user ${user}: ${(err as Error).message}`);
    return failed(user, ErrorCode.UNKNOWN_SERVER_ERROR.code, ErrorCode.UNKNOWN_SERVER_ERROR.message);
  }
}

function failed(user: string, errorCode: number, errorMessage: string): DescribeResult {
  return { user, errorCode, errorMessage, credentialInfos: [] };
}

type Upsertion = AlterUserScramCredentialsRequestData['upsertions'][number];
type Deletion = AlterUserScramCredentialsRequestData['deletions'][number];

/** Why an upsertion is refused before anything is read, or null when it may go ahead. */
function illegalUpsertion(u: Upsertion): string | null {
  if (u.name === '') return USERNAME_MUST_NOT_BE_EMPTY;
  if (!mechanismForType(u.mechanism)) return UNKNOWN_MECHANISM;
  if (u.iterations < SCRAM_MIN_ITERATIONS) return 'Too few iterations';
  if (u.iterations > SCRAM_MAX_ITERATIONS) return 'Too many iterations';
  return null;
}

function illegalDeletion(d: Deletion): string | null {
  if (d.name === '') return USERNAME_MUST_NOT_BE_EMPTY;
  return mechanismForType(d.mechanism) ? null : UNKNOWN_MECHANISM;
}

export async function alterUserScramCredentials(store: UserCredentialsStore, req: AlterUserScramCredentialsRequestData): Promise<AlterUserScramCredentialsResponseData> {
  const results: AlterResult[] = [];
  // One message per user; an upsertion's reason wins over a deletion's, as in Kafka's map.
  const illegal = new Map<string, string>();
  for (const d of req.deletions) {
    const reason = illegalDeletion(d);
    if (reason) illegal.set(d.name, reason);
  }
  for (const u of req.upsertions) {
    const reason = illegalUpsertion(u);
    if (reason) illegal.set(u.name, reason);
  }
  for (const [user, reason] of illegal) {
    const code = reason === UNKNOWN_MECHANISM ? ErrorCode.UNSUPPORTED_SASL_MECHANISM.code : ErrorCode.UNACCEPTABLE_CREDENTIAL.code;
    results.push({ user, errorCode: code, errorMessage: reason });
  }

  const pairs = [...req.upsertions, ...req.deletions].filter((p) => !illegal.has(p.name));
  const seen = new Set<string>();
  const duplicated = new Set<string>();
  for (const p of pairs) {
    const key = `${p.mechanism}\u0000${p.name}`;
    if (seen.has(key)) duplicated.add(p.name);
    seen.add(key);
  }
  for (const user of duplicated) {
    results.push({ user, errorCode: ErrorCode.DUPLICATE_RESOURCE.code, errorMessage: 'A user credential cannot be altered twice in the same request' });
  }

  const candidates = [...new Set(pairs.map((p) => p.name))].filter((u) => !duplicated.has(u));
  const outcomes = await Promise.all(candidates.map((user) => alterOne(store, user, req)));
  // Kafka reports the missing-credential refusals before the writes' outcomes.
  results.push(...outcomes.filter((o) => o.errorCode === ErrorCode.RESOURCE_NOT_FOUND.code));
  results.push(...outcomes.filter((o) => o.errorCode !== ErrorCode.RESOURCE_NOT_FOUND.code));
  return { throttleTimeMs: 0, results };
}

async function alterOne(store: UserCredentialsStore, user: string, req: AlterUserScramCredentialsRequestData): Promise<AlterResult> {
  const deletions = req.deletions.filter((d) => d.name === user).map((d) => mechanismForType(d.mechanism) as ScramMechanism);
  const upsert = new Map<ScramMechanism, ScramCredential>();
  for (const u of req.upsertions.filter((x) => x.name === user)) {
    const mechanism = mechanismForType(u.mechanism) as ScramMechanism;
    upsert.set(mechanism, credentialFromSaltedPassword(mechanism, u.salt, u.saltedPassword, u.iterations));
  }
  try {
    const config = await store.userConfig(user);
    if (deletions.some((m) => config[m] === undefined)) {
      return { user, errorCode: ErrorCode.RESOURCE_NOT_FOUND.code, errorMessage: 'Attempt to delete a user credential that does not exist' };
    }
    await store.changeCredentials(user, { delete: deletions, upsert });
    log.info(`SCRAM credentials of user ${user} changed: ${[...upsert.keys()].map((m) => `+${m}`).concat(deletions.map((m) => `-${m}`)).join(' ')}`);
    return { user, errorCode: 0, errorMessage: null };
  } catch (err) {
    log.info(`Error encountered while altering user SCRAM credentials of ${user}: ${(err as Error).message}`);
    return { user, errorCode: ErrorCode.UNKNOWN_SERVER_ERROR.code, errorMessage: ErrorCode.UNKNOWN_SERVER_ERROR.message };
  }
}
