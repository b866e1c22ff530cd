/** What a handler knows about the request it is serving, besides its body. */
import { RequestHeader } from '../protocol/frame';

export interface RequestContext {
  readonly header: RequestHeader;
  readonly connectionId: string;
  readonly remoteAddress: string;
}

/**
 * A handler answers a decoded request with a response body, or `null` when the API sends no
 * response (Produce with acks=0). Handlers report errors per item; a throw becomes a header-level
 * UNKNOWN_SERVER_ERROR and is logged as a bug.
 */
export type Handler<Req, Resp> = (request: Req, ctx: RequestContext) => Promise<Resp | null> | Resp | null;
