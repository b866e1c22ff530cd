/**
 * One accepted client socket: splits frames, decodes headers and bodies, dispatches, and writes
 * responses back in request order while several requests are in flight.
 *
 * Bad bytes never escape as exceptions: an oversized frame, a truncated or garbage frame, an
 * unknown API key or version each get an error response when a correlation id can be read, one
 * log line, and the connection is closed after pending responses are flushed. Other clients are
 * unaffected.
 */
import * as net from 'net';
import { ErrorCode, ProtocolError, SamsaError } from '../protocol/errors';
import {
  encodeErrorResponseFrame, encodeResponseFrame, FrameDecoder, FrameTooLargeError, MIN_REQUEST_HEADER_BYTES,
  readRequestHeader, RequestHeader,
} from '../protocol/frame';
import { Reader } from '../protocol/reader';
import { Logger } from '../util/logger';
import { ApiDispatcher } from './api-dispatcher';
import { RequestContext } from './request-context';

export interface ClientConnectionOptions {
  /** The listener that accepted the connection; handed to handlers in each RequestContext. */
  listenerName: string;
  maxFrameBytes: number;
  /** queued.max.requests: requests decoded but not yet answered; reading pauses past it. */
  maxInFlightRequests: number;
  logger: Logger;
}

interface ResponseSlot {
  frame: Buffer[] | null;
  done: boolean;
}

export class ClientConnection {
  private readonly decoder: FrameDecoder;
  private readonly slots: ResponseSlot[] = [];
  private closing = false;
  private paused = false;
  private closed = false;
  readonly remoteAddress: string;

  constructor(
    private readonly socket: net.Socket,
    readonly id: string,
    private readonly dispatcher: ApiDispatcher,
    private readonly options: ClientConnectionOptions,
    private readonly onClosed: (conn: ClientConnection) => void,
  ) {
    this.remoteAddress = `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`;
    this.decoder = new FrameDecoder(options.maxFrameBytes);
    socket.setNoDelay(true);
    socket.on('data', (chunk) => this.onData(chunk));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      this.closed = true;
      this.onClosed(this);
    });
  }

  get inFlight(): number {
    return this.slots.length;
  }

  private onData(chunk: Buffer): void {
    if (this.closing) return;
    let frames: Buffer[];
    try {
      frames = this.decoder.push(chunk);
    } catch (err) {
      this.rejectStream(err as Error);
      return;
    }
    for (const frame of frames) {
      if (this.closing) return;
      this.onFrame(frame);
    }
    if (!this.paused && this.slots.length >= this.options.maxInFlightRequests) {
      this.paused = true;
      this.socket.pause();
    }
  }

  /** The byte stream itself is broken: answer if a correlation id is readable, then close. */
  private rejectStream(err: Error): void {
    if (err instanceof FrameTooLargeError) {
      // size(4) apiKey(2) apiVersion(2) correlationId(4): the id is readable without buffering the frame.
      const head = this.decoder.peekPending(12);
      const correlationId = head.length >= 12 ? head.readInt32BE(8) : -1;
      this.failConnection(correlationId, ErrorCode.INVALID_REQUEST.code, err.message);
    } else {
      this.failConnection(-1, ErrorCode.INVALID_REQUEST.code, err.message);
    }
  }

  private onFrame(frame: Buffer): void {
    if (frame.length < MIN_REQUEST_HEADER_BYTES) {
      this.failConnection(-1, ErrorCode.INVALID_REQUEST.code, `frame of ${frame.length} bytes is shorter than a request header`);
      return;
    }
    const r = new Reader(frame);
    let header: RequestHeader;
    try {
      header = readRequestHeader(r);
    } catch (err) {
      this.failConnection(frame.readInt32BE(4), ErrorCode.INVALID_REQUEST.code, `malformed request header: ${(err as Error).message}`);
      return;
    }
    const registration = this.dispatcher.lookup(header.apiKey);
    if (!registration) {
      this.failConnection(header.correlationId, ErrorCode.INVALID_REQUEST.code, `unknown API key ${header.apiKey}`);
      return;
    }
    const { api } = registration;
    if (header.apiVersion < api.minVersion || header.apiVersion > api.maxVersion) {
      this.failConnection(header.correlationId, ErrorCode.UNSUPPORTED_VERSION.code,
        `${api.name} version ${header.apiVersion} is not supported (supported: ${api.minVersion}-${api.maxVersion})`);
      return;
    }
    let body: unknown;
    try {
      body = api.request.read(r, header.apiVersion);
      if (r.remaining !== 0) throw new ProtocolError(`${r.remaining} unexpected trailing bytes`);
    } catch (err) {
      this.failConnection(header.correlationId, ErrorCode.INVALID_REQUEST.code, `malformed ${api.name} request: ${(err as Error).message}`);
      return;
    }
    const slot: ResponseSlot = { frame: null, done: false };
    this.slots.push(slot);
    const ctx: RequestContext = { header, connectionId: this.id, remoteAddress: this.remoteAddress, listenerName: this.options.listenerName };
    let result: unknown;
    try {
      result = registration.handler(body, ctx);
    } catch (err) {
      this.completeWithError(slot, header, api.name, err);
      return;
    }
    if (result instanceof Promise) {
      result.then(
        (resp) => this.complete(slot, resp === null ? null : encodeResponseFrame(header.correlationId, api.response, resp, header.apiVersion)),
        (err) => this.completeWithError(slot, header, api.name, err),
      );
    } else {
      this.complete(slot, result === null ? null : encodeResponseFrame(header.correlationId, api.response, result, header.apiVersion));
    }
  }

  private completeWithError(slot: ResponseSlot, header: RequestHeader, apiName: string, err: unknown): void {
    const code = err instanceof SamsaError ? err.code : ErrorCode.UNKNOWN_SERVER_ERROR.code;
    if (!(err instanceof SamsaError)) {
      this.options.logger.error(`Unexpected error handling ${apiName} from ${this.remoteAddress}: ${(err as Error)?.stack ?? String(err)}`);
    }
    this.complete(slot, encodeErrorResponseFrame(header.correlationId, code, (err as Error)?.message ?? String(err)));
  }

  private complete(slot: ResponseSlot, frame: Buffer[] | null): void {
    slot.frame = frame;
    slot.done = true;
    this.flush();
  }

  /** Writes every finished response at the head of the queue, keeping request order. */
  private flush(): void {
    if (this.closed) {
      this.slots.length = 0;
      return;
    }
    let wrote = false;
    while (this.slots.length > 0 && this.slots[0].done) {
      const slot = this.slots.shift()!;
      if (slot.frame) {
        if (!wrote) this.socket.cork();
        wrote = true;
        for (const chunk of slot.frame) this.socket.write(chunk);
      }
    }
    if (wrote) this.socket.uncork();
    if (this.paused && this.slots.length < this.options.maxInFlightRequests && !this.closing) {
      this.paused = false;
      this.socket.resume();
    }
    if (this.closing && this.slots.length === 0) this.socket.end();
  }

  private failConnection(correlationId: number, errorCode: number, message: string): void {
    this.options.logger.warn(`Closing connection from ${this.remoteAddress}: ${message}`);
    this.closing = true;
    this.socket.pause();
    if (correlationId >= 0) {
      this.slots.push({ frame: encodeErrorResponseFrame(correlationId, errorCode, message), done: true });
    }
    this.flush();
    // A client that never reads must not hold the socket open forever.
    setTimeout(() => this.socket.destroy(), 5000).unref();
  }

  /** Stop reading new requests; answered requests still flush. */
  stopReading(): void {
    this.closing = true;
    this.socket.pause();
    if (this.slots.length === 0) this.socket.end();
  }

  destroy(): void {
    this.socket.destroy();
  }
}
