/**
 * SCRAM credential administration (KIP-554): DescribeUserScramCredentials (key 50) and
 * AlterUserScramCredentials (key 51). Kafka serves only v0, which is flexible; the Kafka listener
 * uses these same definitions with flexible encoding, the native protocol the plain one.
 * Mechanism bytes: 1 = SCRAM-SHA-256, 2 = SCRAM-SHA-512 (0 is Kafka's UNKNOWN).
 */
import { array, bytes, Infer, int16, int32, int8, nullableArray, nullableString, string, struct } from '../schema';

/**
 * DescribeUserScramCredentials Request (v0) => [users]?
 *   users => name
 * A null (or empty) list asks for every user that has credentials.
 */
export const DescribeUserScramCredentialsRequest = struct({
  users: nullableArray(struct({ name: string }, 'UserName')),
}, 'DescribeUserScramCredentialsRequest');

/**
 * DescribeUserScramCredentials Response (v0) => throttleTimeMs errorCode errorMessage [results]
 *   results => user errorCode errorMessage [credentialInfos]
 *   credentialInfos => mechanism iterations
 * Only mechanisms and iteration counts: salts and keys never leave the broker.
 */
export const DescribeUserScramCredentialsResponse = struct({
  throttleTimeMs: int32,
  errorCode: int16,
  errorMessage: nullableString,
  results: array(struct({
    user: string,
    errorCode: int16,
    errorMessage: nullableString,
    credentialInfos: array(struct({ mechanism: int8, iterations: int32 }, 'CredentialInfo')),
  }, 'DescribeUserScramCredentialsResult')),
}, 'DescribeUserScramCredentialsResponse');

/**
 * AlterUserScramCredentials Request (v0) => [deletions] [upsertions]
 *   deletions => name mechanism
 *   upsertions => name mechanism iterations salt saltedPassword
 * saltedPassword is Hi(password, salt, iterations), computed by the client.
 */
export const AlterUserScramCredentialsRequest = struct({
  deletions: array(struct({ name: string, mechanism: int8 }, 'ScramCredentialDeletion')),
  upsertions: array(struct({
    name: string,
    mechanism: int8,
    iterations: int32,
    salt: bytes,
    saltedPassword: bytes,
  }, 'ScramCredentialUpsertion')),
}, 'AlterUserScramCredentialsRequest');

/**
 * AlterUserScramCredentials Response (v0) => throttleTimeMs [results]
 *   results => user errorCode errorMessage
 */
export const AlterUserScramCredentialsResponse = struct({
  throttleTimeMs: int32,
  results: array(struct({ user: string, errorCode: int16, errorMessage: nullableString }, 'AlterUserScramCredentialsResult')),
}, 'AlterUserScramCredentialsResponse');

export type DescribeUserScramCredentialsRequestData = Infer<typeof DescribeUserScramCredentialsRequest>;
export type DescribeUserScramCredentialsResponseData = Infer<typeof DescribeUserScramCredentialsResponse>;
export type AlterUserScramCredentialsRequestData = Infer<typeof AlterUserScramCredentialsRequest>;
export type AlterUserScramCredentialsResponseData = Infer<typeof AlterUserScramCredentialsResponse>;
