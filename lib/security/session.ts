/**
 * What the broker knows about one client connection's identity. A connection starts with the
 * principal its transport gives (ANONYMOUS, or the mapped DN of a TLS client certificate); a
 * successful SASL exchange replaces it. Every request handler reads the principal from here,
 * so authorization never depends on which wire protocol carried the request.
 */
import { ANONYMOUS, KafkaPrincipal } from './principal';
import { SecurityProtocol } from './security-protocol';

export class ConnectionSession {
  private current: KafkaPrincipal;
  private saslDone = false;
  private closeReason: string | null = null;
  /**
   * Set after a Kafka SaslHandshake v0 (clients before Kafka 1.0, and librdkafka's probe): the
   * frames that follow are bare SASL tokens without a request header, each answered by a bare
   * challenge frame; null (answer nothing) means the exchange failed and the connection closes.
   */
  rawTokenExchange: ((token: Buffer) => Promise<Buffer | null>) | null = null;

  constructor(
    readonly listenerName: string,
    readonly securityProtocol: SecurityProtocol,
    /** The peer's IP address without port: what ACL host rules match. */
    readonly clientHost: string,
    transportPrincipal: KafkaPrincipal = ANONYMOUS,
  ) {
    this.current = transportPrincipal;
  }

  get principal(): KafkaPrincipal {
    return this.current;
  }

  /** True once the connection may send ordinary requests: always without SASL, after SaslAuthenticate with it. */
  get authenticated(): boolean {
    return this.saslDone || (this.securityProtocol !== 'SASL_PLAINTEXT' && this.securityProtocol !== 'SASL_SSL');
  }

  /** Records a completed SASL exchange. */
  authenticatedAs(principal: KafkaPrincipal): void {
    this.current = principal;
    this.saslDone = true;
  }

  /** Asks the connection to close once the response being prepared is written (a failed SASL exchange). */
  closeAfterResponse(reason: string): void {
    this.closeReason ??= reason;
  }

  /** Why the connection must close after its current response; null while it may stay open. */
  get closeRequested(): string | null {
    return this.closeReason;
  }
}
