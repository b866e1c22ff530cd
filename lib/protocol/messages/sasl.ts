/**
 * SaslHandshake (key 17) and SaslAuthenticate (key 36) in Samsa's native protocol: the same
 * exchange as Kafka's (mechanism first, then opaque tokens until the mechanism completes),
 * documented in docs/protocol.md "SASL authentication".
 */
import { bytes, int16, int64, Infer, nullableString, array, string, struct } from '../schema';

/** SaslHandshake Request (v0) => mechanism */
export const SaslHandshakeRequest = struct({ mechanism: string }, 'SaslHandshakeRequest');

/** SaslHandshake Response (v0) => errorCode [mechanisms]; mechanisms: those enabled on the listener. */
export const SaslHandshakeResponse = struct({ errorCode: int16, mechanisms: array(string) }, 'SaslHandshakeResponse');

/** SaslAuthenticate Request (v0) => authBytes */
export const SaslAuthenticateRequest = struct({ authBytes: bytes }, 'SaslAuthenticateRequest');

/**
 * SaslAuthenticate Response (v0) => errorCode errorMessage authBytes sessionLifetimeMs
 * sessionLifetimeMs is always 0: Samsa does not re-authenticate connections (KIP-368).
 */
export const SaslAuthenticateResponse = struct({
  errorCode: int16,
  errorMessage: nullableString,
  authBytes: bytes,
  sessionLifetimeMs: int64,
}, 'SaslAuthenticateResponse');

export type SaslHandshakeResponseData = Infer<typeof SaslHandshakeResponse>;
export type SaslAuthenticateResponseData = Infer<typeof SaslAuthenticateResponse>;
