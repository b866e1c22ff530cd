/**
 * The client's SASL step on a freshly opened native connection (after TLS when there is TLS,
 * before the connection is handed out): SaslHandshake with the configured mechanism, then
 * SaslAuthenticate rounds until the mechanism completes. Any failure is a non-retriable
 * SamsaError (SASL_AUTHENTICATION_FAILED, UNSUPPORTED_SASL_MECHANISM, ILLEGAL_SASL_STATE): the
 * credentials will not get better by reconnecting.
 */
import { Api, ApiDef } from '../../protocol/api';
import { ErrorCode, errorForCode, SamsaError } from '../../protocol/errors';
import { ClientSaslCredentials } from '../client-security';
import { isScramMechanism } from '../scram/scram-credential';
import { PlainClient } from './plain';
import { SaslClientMechanism } from './sasl-mechanism';
import { ScramClient } from './scram-client';

/** Sends one request on the connection being authenticated. */
export type SaslSend = <Req, Resp>(api: ApiDef<Req, Resp>, body: Req) => Promise<Resp>;

/** More rounds than any supported mechanism needs means a confused broker, not a slow one. */
const MAX_ROUNDS = 4;

export function saslClientMechanism(credentials: ClientSaslCredentials): SaslClientMechanism {
  return isScramMechanism(credentials.mechanism)
    ? new ScramClient(credentials.mechanism, credentials.username, credentials.password)
    : new PlainClient(credentials.username, credentials.password);
}

export async function authenticateClient(send: SaslSend, credentials: ClientSaslCredentials, address: string): Promise<void> {
  const handshake = await send(Api.SaslHandshake, { mechanism: credentials.mechanism });
  if (handshake.errorCode === ErrorCode.UNSUPPORTED_SASL_MECHANISM.code) {
    throw new SamsaError(ErrorCode.UNSUPPORTED_SASL_MECHANISM,
      `the broker at ${address} does not enable SASL mechanism ${credentials.mechanism} (enabled: ${handshake.mechanisms.join(', ') || 'none'})`);
  }
  if (handshake.errorCode !== 0) {
    throw new SamsaError(errorForCode(handshake.errorCode), `SaslHandshake with ${address} failed (is its listener a SASL listener?)`);
  }
  const mechanism = saslClientMechanism(credentials);
  let token: Buffer | null = mechanism.initial();
  for (let round = 0; token !== null; round++) {
    if (round >= MAX_ROUNDS) throw new SamsaError(ErrorCode.ILLEGAL_SASL_STATE, `the ${credentials.mechanism} exchange with ${address} did not complete in ${MAX_ROUNDS} rounds`);
    const answer = await send(Api.SaslAuthenticate, { authBytes: token });
    if (answer.errorCode !== 0) throw new SamsaError(errorForCode(answer.errorCode), answer.errorMessage ?? `SaslAuthenticate with ${address} failed`);
    token = mechanism.respond(answer.authBytes);
  }
}
