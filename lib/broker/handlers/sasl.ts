/**
 * SaslHandshake and SaslAuthenticate: thin handlers over the listener-independent state machine
 * (lib/security/sasl/sasl-authenticator.ts). Served while the broker starts, since brokers
 * authenticate to each other before the controller has made this one ready.
 */
import { Infer } from '../../protocol/schema';
import {
  SaslAuthenticateRequest, SaslAuthenticateResponseData, SaslHandshakeRequest, SaslHandshakeResponseData,
} from '../../protocol/messages/sasl';
import { SaslAuthenticator } from '../../security/sasl/sasl-authenticator';
import { Handler } from '../request-context';

export function saslHandshakeHandler(authenticator: SaslAuthenticator): Handler<Infer<typeof SaslHandshakeRequest>, SaslHandshakeResponseData> {
  return (req, rc) => authenticator.handshake(req.mechanism, rc.session, rc.remoteAddress);
}

export function saslAuthenticateHandler(authenticator: SaslAuthenticator): Handler<Infer<typeof SaslAuthenticateRequest>, SaslAuthenticateResponseData> {
  return (req, rc) => authenticator.authenticate(req.authBytes, rc.session, rc.remoteAddress);
}
