/**
 * The seam between a connection and the protocol it speaks. A connection (client-connection.ts)
 * splits frames, keeps responses in request order and applies back-pressure; a codec turns one
 * frame into a request to run and its answer into response bytes. Samsa's native protocol
 * (native-codec.ts) and the Kafka protocol (kafka/kafka-codec.ts) differ only here: how a
 * header looks, and what a broken request gets (an error frame, or a closed connection).
 */
import { RequestContext } from './request-context';

/** A request decoded and routed to its handler, ready to run. */
export interface DecodedRequest {
  readonly apiName: string;
  /** Runs the handler: a response body, or null when the API sends none (Produce acks=0). */
  run(ctx: RequestContext): unknown;
  encode(response: unknown): Buffer[];
  /** The answer to a handler that threw; null closes the connection (protocols with no header error). */
  encodeError(err: unknown): Buffer[] | null;
  /** The answer to this request arriving before SASL authentication completed (then the connection closes); null for none. */
  rejectUnauthenticated(): Buffer[] | null;
  readonly header: RequestContext['header'];
  /** The decoded body, for the quota throttler (client-connection.ts). */
  readonly body: unknown;
}

/** A frame that cannot be served: what to send back (if anything), and whether to close. */
export interface RejectedFrame {
  readonly message: string;
  readonly reply: Buffer[] | null;
  /** Kafka's ApiVersions with a version too new is answered and the connection kept (KIP-511). */
  readonly keepOpen: boolean;
}

export type DecodeResult = { ok: true; request: DecodedRequest } | { ok: false; rejected: RejectedFrame };

export interface WireCodec {
  decode(frame: Buffer): DecodeResult;
  /** A frame whose size prefix is over the limit or negative; `head` is its first buffered bytes. */
  rejectStream(err: Error, head: Buffer): RejectedFrame;
}
