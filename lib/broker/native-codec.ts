/**
 * Samsa's native protocol as a wire codec: its request header, and an error response frame
 * (header errorCode + message) for whatever cannot be decoded or served, so the client learns
 * why before the connection closes.
 */
import { ErrorCode, ProtocolError, SamsaError } from '../protocol/errors';
import {
  encodeErrorResponseFrame, encodeResponseFrame, FrameTooLargeError, MIN_REQUEST_HEADER_BYTES, readRequestHeader, RequestHeader,
} from '../protocol/frame';
import { Reader } from '../protocol/reader';
import { Logger } from '../util/logger';
import { ApiDispatcher } from './api-dispatcher';
import { DecodeResult, RejectedFrame, WireCodec } from './wire-codec';

function reject(correlationId: number, errorCode: number, message: string): DecodeResult {
  return { ok: false, rejected: rejection(correlationId, errorCode, message) };
}

function rejection(correlationId: number, errorCode: number, message: string): RejectedFrame {
  return { message, reply: correlationId >= 0 ? encodeErrorResponseFrame(correlationId, errorCode, message) : null, keepOpen: false };
}

export class NativeCodec implements WireCodec {
  constructor(private readonly dispatcher: ApiDispatcher, private readonly logger: Logger, private readonly remoteAddress: string) {}

  decode(frame: Buffer): DecodeResult {
    if (frame.length < MIN_REQUEST_HEADER_BYTES) {
      return reject(-1, ErrorCode.INVALID_REQUEST.code, `frame of ${frame.length} bytes is shorter than a request header`);
    }
    const r = new Reader(frame);
    let header: RequestHeader;
    try {
      header = readRequestHeader(r);
    } catch (err) {
      return reject(frame.readInt32BE(4), ErrorCode.INVALID_REQUEST.code, `malformed request header: ${(err as Error).message}`);
    }
    const registration = this.dispatcher.lookup(header.apiKey);
    if (!registration) return reject(header.correlationId, ErrorCode.INVALID_REQUEST.code, `unknown API key ${header.apiKey}`);
    const { api, handler } = registration;
    if (header.apiVersion < api.minVersion || header.apiVersion > api.maxVersion) {
      return reject(header.correlationId, ErrorCode.UNSUPPORTED_VERSION.code,
        `${api.name} version ${header.apiVersion} is not supported (supported: ${api.minVersion}-${api.maxVersion})`);
    }
    let body: unknown;
    try {
      body = api.request.read(r, header.apiVersion);
      if (r.remaining !== 0) throw new ProtocolError(`${r.remaining} unexpected trailing bytes`);
    } catch (err) {
      return reject(header.correlationId, ErrorCode.INVALID_REQUEST.code, `malformed ${api.name} request: ${(err as Error).message}`);
    }
    return {
      ok: true,
      request: {
        apiName: api.name,
        header,
        body,
        run: (ctx) => handler(body, ctx),
        encode: (response) => encodeResponseFrame(header.correlationId, api.response, response, header.apiVersion),
        encodeError: (err) => {
          const code = err instanceof SamsaError ? err.code : ErrorCode.UNKNOWN_SERVER_ERROR.code;
          if (!(err instanceof SamsaError)) {
            this.logger.error(`Unexpected error handling ${api.name} from ${this.remoteAddress}: ${(err as Error)?.stack ?? String(err)}`);
          }
          return encodeErrorResponseFrame(header.correlationId, code, (err as Error)?.message ?? String(err));
        },
        rejectUnauthenticated: () => encodeErrorResponseFrame(header.correlationId, ErrorCode.ILLEGAL_SASL_STATE.code,
          `${api.name} is not served before SASL authentication: this listener requires SASL (clients set security.protocol, sasl.mechanism and sasl.jaas.config)`),
      },
    };
  }

  rejectStream(err: Error, head: Buffer): RejectedFrame {
    // size(4) apiKey(2) apiVersion(2) correlationId(4): the id is readable without buffering the frame.
    const correlationId = err instanceof FrameTooLargeError && head.length >= 12 ? head.readInt32BE(8) : -1;
    return rejection(correlationId, ErrorCode.INVALID_REQUEST.code, err.message);
  }
}
