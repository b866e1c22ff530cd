/**
 * One accepted client socket: splits frames, hands each to the listener's wire codec (native or
 * Kafka), runs the handler, and writes responses back in request order while several requests
 * are in flight.
 *
 * Bad bytes never escape as exceptions: an oversized frame, a truncated or garbage frame, an
 * unknown API key or version each get what the codec decides (an error response, or none), one
 * log line, and the connection is closed after pending responses are flushed. Other clients are
 * unaffected.
 */
import * as net from 'net';
import { FrameDecoder } from '../protocol/frame';
import { Logger } from '../util/logger';
import { ConnectionSession } from '../security/session';
import { ANONYMOUS, KafkaPrincipal } from '../security/principal';
import { SecurityProtocol } from '../security/security-protocol';
import { readBufferPool, requestFramePool } from '../storage/read-buffer-pool';
import { RequestObserver } from './api-dispatcher';
import { RequestContext } from './request-context';
import { Clock, monotonicMs, RequestTiming } from './request-timing';
import { DecodedRequest, RejectedFrame, WireCodec } from './wire-codec';

export interface ClientConnectionOptions {
  /** The listener that accepted the connection; handed to handlers in each RequestContext. */
  listenerName: string;
  /** The listener's security protocol; PLAINTEXT when absent. */
  securityProtocol?: SecurityProtocol;
  maxFrameBytes: number;
  /** queued.max.requests: requests decoded but not yet answered; reading pauses past it. */
  maxInFlightRequests: number;
  logger: Logger;
  /** Told each request's time split once its response is written (the broker's metrics). */
  observer?: RequestObserver;
  /** For tests: the clock request timings read; a monotonic one by default. */
  clock?: Clock;
  /** Client quotas (lib/broker/request-throttle.ts): records each answered request and says how long to mute the client. */
  throttler?: RequestThrottler;
}

/** What the throttler sees of one answered request. */
export interface AnsweredRequest {
  readonly header: RequestContext['header'];
  /** The decoded request body (Fetch: is it a follower's; Produce: its acks). */
  readonly body: unknown;
  readonly session: ConnectionSession;
  /** Size of the request frame: what a producer's byte rate counts. */
  readonly requestBytes: number;
  /** Time the handler itself took (not parked in a purgatory): what request_percentage counts. */
  readonly handlerMs: number;
}

/**
 * Decides a request's throttle once it is answered, as Kafka's quota managers do in KafkaApis:
 * returns the response bytes to send (with throttle_time_ms set; a throttled Fetch answered
 * empty) and how long to stop reading from the connection. `response` is null when the API
 * sends none (Produce acks=0); the connection is muted all the same.
 */
export interface RequestThrottler {
  answered(request: AnsweredRequest, response: unknown | null, encode: (response: unknown) => Buffer[]): { frame: Buffer[] | null; throttleMs: number };
}

/**
 * What a SASL listener serves before authentication (Kafka's SaslServerAuthenticator): ApiVersions,
 * SaslHandshake and SaslAuthenticate, with the same keys in both wire protocols.
 */
const PRE_AUTHENTICATION_API_KEYS: ReadonlySet<number> = new Set([17, 18, 36]);

interface ResponseSlot {
  frame: Buffer[] | null;
  done: boolean;
  /** Present when an observer or the throttler measures requests; absent for rejections and raw SASL tokens. */
  timing?: RequestTiming;
  /** Size of the request frame, for the throttler. */
  requestBytes?: number;
  /** A Produce request's frame leased from requestFramePool, released once answered. */
  leasedFrame?: Buffer;
}

/** Produce has key 0 in both protocols. */
const PRODUCE_API_KEY = 0;
/** Frames at least this long spread over socket reads are copied into pooled buffers (smaller ones are cheap to allocate). */
const POOLED_FRAME_MIN_BYTES = 8 * 1024;

function allocateFrame(length: number): Buffer {
  return length >= POOLED_FRAME_MIN_BYTES ? requestFramePool.acquire(length).subarray(0, length) : Buffer.allocUnsafe(length);
}

export class ClientConnection {
  private readonly decoder: FrameDecoder;
  private readonly codec: WireCodec;
  private readonly slots: ResponseSlot[] = [];
  private closing = false;
  private paused = false;
  private closed = false;
  private readonly observer: RequestObserver | undefined;
  private readonly clock: Clock;
  /** Timings of responses handed to the socket, in write order: the write callbacks come in that order. */
  private readonly sending: RequestTiming[] = [];
  /** Set while a quota throttle mutes the connection: frames already read wait in `held`. */
  private muteTimer: NodeJS.Timeout | null = null;
  private mutedUntilMs = 0;
  private readonly held: Array<{ frame: Buffer; receivedMs: number }> = [];
  private dispatching = false;
  private flushScheduled = false;
  /**
   * Set by a throttle until a request goes unthrottled: requests are then served one at a time,
   * as Kafka serves every connection, so the pipeline a client wrote during the mute is not all
   * admitted at once when reading resumes.
   */
  private serial = false;
  readonly remoteAddress: string;
  readonly session: ConnectionSession;

  constructor(
    private readonly socket: net.Socket,
    readonly id: string,
    codecFor: (remoteAddress: string) => WireCodec,
    private readonly options: ClientConnectionOptions,
    private readonly onClosed: (conn: ClientConnection) => void,
    /** Who the transport says the peer is: a TLS client certificate's mapped DN, else ANONYMOUS. */
    transportPrincipal: KafkaPrincipal = ANONYMOUS,
  ) {
    this.observer = options.observer;
    this.clock = options.clock ?? monotonicMs;
    this.remoteAddress = `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`;
    this.session = new ConnectionSession(options.listenerName, options.securityProtocol ?? 'PLAINTEXT', socket.remoteAddress ?? '', transportPrincipal);
    this.codec = codecFor(this.remoteAddress);
    this.decoder = new FrameDecoder(options.maxFrameBytes, allocateFrame);
    socket.setNoDelay(true);
    socket.on('data', (chunk) => {
      // A bug in decoding must cost this connection, never the broker: no throw leaves a data handler.
      try {
        this.onData(chunk);
      } catch (err) {
        options.logger.error(`Bug while reading from ${this.remoteAddress}: ${(err as Error).stack ?? String(err)}`);
        socket.destroy();
      }
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      this.closed = true;
      if (this.muteTimer !== null) clearTimeout(this.muteTimer);
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
    // One clock read per socket read: a frame's queue time includes the frames before it.
    const receivedMs = this.measured && frames.length > 0 ? this.clock() : 0;
    for (const frame of frames) {
      if (this.closing) return;
      // A request answered synchronously may have muted us: the rest waits out the throttle.
      if (this.muteTimer !== null || this.held.length > 0 || (this.serial && this.slots.length > 0)) this.held.push({ frame, receivedMs });
      else this.onFrame(frame, receivedMs);
    }
    this.updateReading();
  }

  private get measured(): boolean {
    return this.observer !== undefined || this.options.throttler !== undefined;
  }

  /**
   * Kafka's channel muting for quotas: no request is read from this client until `throttleMs`
   * has passed, so a client over its quota cannot take the broker's time from others.
   */
  private mute(throttleMs: number): void {
    const until = Date.now() + throttleMs;
    if (this.closed || until <= this.mutedUntilMs) return;
    this.mutedUntilMs = until;
    this.serial = true;
    if (this.muteTimer !== null) clearTimeout(this.muteTimer);
    this.muteTimer = setTimeout(() => this.unmute(), throttleMs);
    // A muted client must not keep a stopping broker's process alive.
    this.muteTimer.unref();
    this.updateReading();
  }

  private unmute(): void {
    this.muteTimer = null;
    this.mutedUntilMs = 0;
    this.dispatchHeld();
    this.updateReading();
  }

  /**
   * Serves the requests read while muted one at a time, each once the one before is answered, as
   * Kafka serves a connection: started together, they would all be recorded before the first
   * throttle could hold the rest back, letting a throttled client overshoot by its whole pipeline.
   */
  private dispatchHeld(): void {
    if (this.dispatching) return;
    this.dispatching = true;
    try {
      while (this.held.length > 0 && this.muteTimer === null && !this.closing && this.slots.length === 0) {
        const { frame, receivedMs } = this.held.shift()!;
        this.onFrame(frame, receivedMs);
      }
    } finally {
      this.dispatching = false;
    }
  }

  /** Reads from the socket unless closing, muted by a throttle (or serving what was read meanwhile), or at the in-flight bound. */
  private updateReading(): void {
    const pause = this.closing || this.muteTimer !== null || this.held.length > 0 || this.slots.length >= this.options.maxInFlightRequests
      || (this.serial && this.slots.length > 0);
    if (pause && !this.paused) {
      this.paused = true;
      this.socket.pause();
    } else if (!pause && this.paused) {
      this.paused = false;
      this.socket.resume();
    }
  }

  /** The byte stream itself is broken: answer if the codec can, then close. */
  private rejectStream(err: Error): void {
    this.failConnection(this.codec.rejectStream(err, this.decoder.peekPending(12)));
  }

  private onFrame(frame: Buffer, receivedMs: number): void {
    const exchange = this.session.rawTokenExchange;
    if (exchange && !this.session.authenticated) {
      this.onRawSaslToken(frame, exchange);
      return;
    }
    const decoded = this.codec.decode(frame);
    if (!decoded.ok) {
      if (decoded.rejected.keepOpen) this.answerAndContinue(decoded.rejected);
      else this.failConnection(decoded.rejected);
      return;
    }
    const request = decoded.request;
    if (!this.session.authenticated && !PRE_AUTHENTICATION_API_KEYS.has(request.header.apiKey)) {
      // Kafka closes the connection too: nothing but the SASL exchange is served before it completes.
      this.failConnection({ message: `Unexpected request of type ${request.apiName} during SASL handshake`, reply: request.rejectUnauthenticated(), keepOpen: false });
      return;
    }
    const timing = this.measured ? new RequestTiming(request.apiName, receivedMs, this.clock) : undefined;
    const slot: ResponseSlot = { frame: null, done: false, timing, requestBytes: frame.length };
    if (request.header.apiKey === PRODUCE_API_KEY && requestFramePool.isLeased(frame)) slot.leasedFrame = frame;
    this.slots.push(slot);
    const ctx: RequestContext = { header: request.header, connectionId: this.id, remoteAddress: this.remoteAddress, listenerName: this.options.listenerName, session: this.session, timing };
    timing?.start();
    let result: unknown;
    try {
      result = request.run(ctx);
    } catch (err) {
      this.completeWithError(slot, request, err);
      return;
    }
    if (result instanceof Promise) {
      result.then(
        (resp) => this.completeWith(slot, request, resp),
        (err) => this.completeWithError(slot, request, err),
      );
    } else {
      this.completeWith(slot, request, result);
    }
  }

  /** A bare SASL token (after Kafka's SaslHandshake v0): the answer is a bare size-prefixed challenge. */
  private onRawSaslToken(token: Buffer, exchange: (token: Buffer) => Promise<Buffer | null>): void {
    const slot: ResponseSlot = { frame: null, done: false };
    this.slots.push(slot);
    exchange(token).then((challenge) => {
      if (challenge === null) {
        this.session.closeAfterResponse('failed SASL exchange');
        this.complete(slot, null);
        return;
      }
      const size = Buffer.alloc(4);
      size.writeInt32BE(challenge.length);
      this.complete(slot, [size, challenge]);
    }, (err: unknown) => {
      this.options.logger.error(`SASL token exchange with ${this.remoteAddress} failed: ${(err as Error)?.stack ?? String(err)}`);
      this.session.closeAfterResponse('SASL token exchange failed');
      this.complete(slot, null);
    });
  }

  private completeWith(slot: ResponseSlot, request: DecodedRequest, response: unknown): void {
    slot.timing?.answer(false);
    let frame: Buffer[] | null;
    try {
      const throttler = this.options.throttler;
      if (throttler !== undefined && slot.timing !== undefined) {
        const answered = throttler.answered({
          header: request.header, body: request.body, session: this.session, requestBytes: slot.requestBytes ?? 0, handlerMs: slot.timing.localMs,
        }, response, (r) => request.encode(r));
        frame = answered.frame;
        if (answered.throttleMs > 0) this.mute(answered.throttleMs);
        else this.serial = false;
      } else {
        frame = response === null ? null : request.encode(response);
      }
    } catch (err) {
      // A handler's answer that does not fit its schema is a bug; the client gets an error, not a hang.
      this.options.logger.error(`Cannot encode the ${request.apiName} response for ${this.remoteAddress}: ${(err as Error).stack ?? String(err)}`);
      this.completeWithError(slot, request, err);
      return;
    }
    // Answered: every append of the request settled. (After a failure the frame is left to the GC,
    // since an append of another partition might still hold it.)
    if (slot.leasedFrame !== undefined) requestFramePool.release(slot.leasedFrame);
    this.complete(slot, frame);
  }

  private completeWithError(slot: ResponseSlot, request: DecodedRequest, err: unknown): void {
    slot.timing?.answer(true);
    const frame = request.encodeError(err);
    if (frame === null) {
      this.options.logger.warn(`Closing connection from ${this.remoteAddress}: ${request.apiName} failed: ${(err as Error)?.message ?? String(err)}`);
      slot.done = true;
      this.closing = true;
      this.socket.pause();
      this.flush();
      setTimeout(() => this.socket.destroy(), 5000).unref();
      return;
    }
    this.complete(slot, frame);
  }

  private complete(slot: ResponseSlot, frame: Buffer[] | null): void {
    slot.frame = frame;
    slot.done = true;
    const closeReason = this.session.closeRequested;
    if (closeReason !== null && !this.closing) {
      // A failed SASL exchange: the answer goes out, then the connection closes (the authenticator logged why).
      this.options.logger.debug(`Closing connection from ${this.remoteAddress} after its response: ${closeReason}`);
      this.closing = true;
      this.socket.pause();
      setTimeout(() => this.socket.destroy(), 5000).unref();
    }
    this.scheduleFlush();
  }

  /**
   * Flushes at the end of this event-loop turn: the responses of every request answered in the
   * turn (a group write completes all its appends together) leave in one socket write, not one
   * syscall each (issue 17). Order is kept by the slots, so deferring changes only the batching.
   */
  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(this.flushNow);
  }

  private readonly flushNow = (): void => {
    this.flushScheduled = false;
    this.flush();
  };

  /** A write callback: the oldest response handed to the socket reached the kernel. */
  private readonly onSent = (err?: Error | null): void => {
    const timing = this.sending.shift();
    if (timing === undefined || err) return;
    timing.sent();
    this.observer?.requestCompleted(timing);
  };

  /** Writes every finished response at the head of the queue, keeping request order. */
  private flush(): void {
    if (this.closed) {
      this.slots.length = 0;
      return;
    }
    let wrote = false;
    while (this.slots.length > 0 && this.slots[0].done) {
      const slot = this.slots.shift()!;
      const timing = slot.timing;
      timing?.written();
      if (slot.frame && slot.frame.length > 0) {
        if (!wrote) this.socket.cork();
        wrote = true;
        const frame = slot.frame;
        const last = frame.length - 1;
        // Corked, the chunks leave in one writev: header bytes and record bytes, never concatenated.
        for (let i = 0; i < last; i++) this.socket.write(frame[i]);
        if (timing) this.sending.push(timing);
        // Fetch records are leased read buffers: they go back to the pool once the kernel has them.
        const leased = last > 0 && frame.some((chunk) => readBufferPool.isLeased(chunk));
        if (leased) {
          this.socket.write(frame[last], (err) => {
            readBufferPool.releaseChunks(frame);
            if (timing) this.onSent(err);
          });
        } else {
          this.socket.write(frame[last], timing ? this.onSent : undefined);
        }
      } else if (timing) {
        // No response to send (Produce acks=0, or closing): nothing more to wait for.
        timing.nothingToSend();
        this.observer?.requestCompleted(timing);
      }
    }
    if (wrote) this.socket.uncork();
    if (this.held.length > 0) this.dispatchHeld();
    this.updateReading();
    if (this.closing && this.slots.length === 0) this.socket.end();
  }

  private failConnection(rejected: RejectedFrame): void {
    this.options.logger.warn(`Closing connection from ${this.remoteAddress}: ${rejected.message}`);
    this.closing = true;
    this.socket.pause();
    if (rejected.reply) this.slots.push({ frame: rejected.reply, done: true });
    this.flush();
    // A client that never reads must not hold the socket open forever.
    setTimeout(() => this.socket.destroy(), 5000).unref();
  }

  /** An answered rejection that leaves the connection usable (Kafka's ApiVersions fallback). */
  private answerAndContinue(rejected: RejectedFrame): void {
    this.options.logger.info(`Answering ${this.remoteAddress} without serving: ${rejected.message}`);
    this.slots.push({ frame: rejected.reply, done: true });
    this.flush();
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
