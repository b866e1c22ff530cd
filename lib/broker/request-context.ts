/** What a handler knows about the request it is serving, besides its body. */
import { RequestHeader } from '../protocol/frame';
import { ConnectionSession } from '../security/session';
import { RequestTiming } from './request-timing';

export interface RequestContext {
  readonly header: RequestHeader;
  readonly connectionId: string;
  readonly remoteAddress: string;
  /**
   * The listener the request arrived on (e.g. `PLAINTEXT`). Answers that name brokers (Metadata,
   * FindCoordinator) give that listener's endpoints, as Kafka does, so a client that came in on
   * an internal or external address keeps being sent to addresses of the same network.
   */
  readonly listenerName: string;
  /**
   * Who the connection is (lib/security/session.ts): the principal every authorization check
   * uses, and the SASL state the SaslHandshake/SaslAuthenticate handlers advance.
   */
  readonly session: ConnectionSession;
  /**
   * Where the request's time goes (request-timing.ts), when the connection measures it: a
   * handler that parks the request in a purgatory reports it so it counts as remote time.
   */
  readonly timing?: RequestTiming;
}

/**
 * A handler answers a decoded request with a response body, or `null` when the API sends no
 * response (Produce with acks=0). Handlers report errors per item; a throw becomes a header-level
 * UNKNOWN_SERVER_ERROR and is logged as a bug.
 */
export type Handler<Req, Resp> = (request: Req, ctx: RequestContext) => Promise<Resp | null> | Resp | null;
