/** Kafka's SaslHandshake (key 17) and SaslAuthenticate (key 36) on the Kafka listener. */
import { bytes, int16, int64, nullableString, since, struct } from '../../schema';
import { SaslHandshakeRequest, SaslHandshakeResponse } from '../../messages/sasl';
import { kafkaApi } from '../kafka-api';

/**
 * SaslHandshake Request (v0-1) => mechanism; Response (v0-1) => errorCode [mechanisms]. Identical
 * to the native message. After v0 the tokens follow as bare size-prefixed frames without a
 * request header; after v1 they travel in SaslAuthenticate requests.
 */
export const KafkaSaslHandshake = kafkaApi(17, 'SaslHandshake', { min: 0, max: 1 }, SaslHandshakeRequest, SaslHandshakeResponse);

/** SaslAuthenticate Request (v0-2, flexible v2+) => authBytes */
const SaslAuthenticateRequest = struct({ authBytes: bytes }, 'KafkaSaslAuthenticateRequest');

/** SaslAuthenticate Response (v0-2) => errorCode errorMessage authBytes sessionLifetimeMs(v1+) */
const SaslAuthenticateResponse = struct({
  errorCode: int16,
  errorMessage: nullableString,
  authBytes: bytes,
  sessionLifetimeMs: since(1, int64, 0),
}, 'KafkaSaslAuthenticateResponse');

export const KafkaSaslAuthenticate = kafkaApi(36, 'SaslAuthenticate', { min: 0, max: 2, flexibleFrom: 2 }, SaslAuthenticateRequest, SaslAuthenticateResponse);
