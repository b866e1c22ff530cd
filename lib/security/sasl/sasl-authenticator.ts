/**
 * The broker's SASL state machine for one listener's connections, shared by the native and the
 * Kafka SaslHandshake/SaslAuthenticate handlers (Kafka's SaslServerAuthenticator):
 *
 *   HANDSHAKE --SaslHandshake(enabled mechanism)--> AUTHENTICATE --tokens...--> DONE
 *
 * - SaslHandshake with a mechanism not enabled on the listener: UNSUPPORTED_SASL_MECHANISM with
 *   the enabled list, then the connection closes.
 * - SaslHandshake twice, SaslAuthenticate before the handshake, either after authentication or on
 *   a listener without SASL: ILLEGAL_SASL_STATE (the connection closes unless already authenticated).
 * - A failed exchange: SASL_AUTHENTICATION_FAILED with the generic message, one log line with the
 *   peer address and the reason (never a password), answered after
 *   `connection.failed.authentication.delay.ms`, then the connection closes.
 * - Success: the session becomes `User:<name>`; sessionLifetimeMs is 0 (no re-authentication).
 */
import { ErrorCode } from '../../protocol/errors';
import { SaslAuthenticateResponseData, SaslHandshakeResponseData } from '../../protocol/messages/sasl';
import { Logger } from '../../util/logger';
import { sleep } from '../../util/time';
import { userPrincipal } from '../principal';
import { ScramCredentialSource } from '../scram/scram-credential';
import { isScramMechanism } from '../scram/scram-credential';
import { usesSasl } from '../security-protocol';
import { ConnectionSession } from '../session';
import { BrokerSaslConfig } from './broker-sasl-config';
import { FailedAuthenticationThrottle, MAX_FAILURES_PER_WINDOW, WINDOW_MS } from './failed-auth-throttle';
import { PlainServer } from './plain';
import { genericFailureMessage, SaslAuthenticationError } from './sasl-errors';
import { isSaslMechanism, SaslServerMechanism } from './sasl-mechanism';
import { ScramServer } from './scram-server';

export interface SaslAuthenticatorDeps {
  readonly config: BrokerSaslConfig;
  readonly credentials: ScramCredentialSource;
  readonly logger: Logger;
  readonly throttle?: FailedAuthenticationThrottle;
}

type State = { step: 'authenticate'; server: SaslServerMechanism } | { step: 'failed' };

export class SaslAuthenticator {
  private readonly states = new WeakMap<ConnectionSession, State>();
  private readonly throttle: FailedAuthenticationThrottle;

  constructor(private readonly deps: SaslAuthenticatorDeps) {
    this.throttle = deps.throttle ?? new FailedAuthenticationThrottle();
  }

  handshake(mechanism: string, session: ConnectionSession, remoteAddress: string): SaslHandshakeResponseData {
    const listener = this.deps.config.listeners.get(session.listenerName);
    const enabled = listener ? [...listener.mechanisms] : [];
    if (!listener || !usesSasl(session.securityProtocol) || session.authenticated || this.states.has(session)) {
      if (!session.authenticated) session.closeAfterResponse('SaslHandshake out of order');
      return { errorCode: ErrorCode.ILLEGAL_SASL_STATE.code, mechanisms: enabled };
    }
    if (!isSaslMechanism(mechanism) || !listener.mechanisms.includes(mechanism)) {
      this.deps.logger.info(`Unsupported SASL mechanism ${JSON.stringify(mechanism.slice(0, 64))} requested by ${remoteAddress} on listener ${session.listenerName}; enabled: ${enabled.join(',')}`);
      session.closeAfterResponse('unsupported SASL mechanism');
      return { errorCode: ErrorCode.UNSUPPORTED_SASL_MECHANISM.code, mechanisms: enabled };
    }
    const server: SaslServerMechanism = isScramMechanism(mechanism)
      ? new ScramServer(mechanism, this.deps.credentials)
      : new PlainServer(listener.plainUsers);
    this.states.set(session, { step: 'authenticate', server });
    return { errorCode: 0, mechanisms: enabled };
  }

  async authenticate(authBytes: Buffer, session: ConnectionSession, remoteAddress: string): Promise<SaslAuthenticateResponseData> {
    const state = this.states.get(session);
    if (session.authenticated || state?.step !== 'authenticate') {
      const why = session.authenticated ? 'SaslAuthenticate request received after successful authentication' : 'SaslAuthenticate request received before a successful SaslHandshake';
      if (!session.authenticated) session.closeAfterResponse(why);
      return { errorCode: ErrorCode.ILLEGAL_SASL_STATE.code, errorMessage: why, authBytes: Buffer.alloc(0), sessionLifetimeMs: 0 };
    }
    const { server } = state;
    const ip = session.clientHost;
    if (this.throttle.isBlocked(ip)) {
      // Logged once, when the address crossed the bound; refusals after that would only flood the log.
      this.deps.logger.debug(`Refused SASL authentication from ${remoteAddress} without checking: too many failures from ${ip}`);
      return this.failed(server.mechanism, session);
    }
    try {
      const challenge = server.evaluate(authBytes);
      if (server.authenticatedUser !== undefined) {
        session.authenticatedAs(userPrincipal(server.authenticatedUser));
        this.states.delete(session);
        this.deps.logger.debug(`${remoteAddress} authenticated as User:${server.authenticatedUser} with ${server.mechanism} on ${session.listenerName}`);
      }
      return { errorCode: 0, errorMessage: null, authBytes: challenge, sessionLifetimeMs: 0 };
    } catch (err) {
      if (!(err instanceof SaslAuthenticationError)) throw err;
      const failures = this.throttle.recordFailure(ip);
      // Kafka's line, with the peer as Java prints an address (`/ip`), as the TLS failure line does.
      this.deps.logger.warn(`Failed authentication with /${remoteAddress} (${err.message}: ${err.reason})`);
      if (failures === MAX_FAILURES_PER_WINDOW) {
        this.deps.logger.warn(`${failures} failed SASL authentications from ${ip} within ${WINDOW_MS / 1000} s: refusing its further attempts until the window ends`);
      }
      return this.failed(server.mechanism, session);
    }
  }

  /** The generic failure, answered after connection.failed.authentication.delay.ms; the connection then closes. */
  private async failed(mechanism: string, session: ConnectionSession): Promise<SaslAuthenticateResponseData> {
    this.states.set(session, { step: 'failed' });
    session.closeAfterResponse('failed authentication');
    await sleep(this.deps.config.failedAuthenticationDelayMs);
    return { errorCode: ErrorCode.SASL_AUTHENTICATION_FAILED.code, errorMessage: genericFailureMessage(mechanism), authBytes: Buffer.alloc(0), sessionLifetimeMs: 0 };
  }
}
