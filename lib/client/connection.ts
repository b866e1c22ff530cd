/**
 * One TCP connection to one broker: frames requests, matches responses by correlation id,
 * enforces request timeouts, and fails every pending request when the socket dies.
 *
 * Used by the client library and by brokers talking to each other (controller channel,
 * replica fetchers). Reconnection policy lives above this, in the connection pool.
 */
import type { NetworkTraffic } from './client-metrics';
import { EventEmitter } from 'events';
import * as net from 'net';
import * as tls from 'tls';
import { ApiDef } from '../protocol/api';
import { ErrorCode, ProtocolError, SamsaError } from '../protocol/errors';
import { encodeRequestFrame, FrameDecoder, readResponseHeader } from '../protocol/frame';
import { Reader } from '../protocol/reader';
import { ClientSecurity } from '../security/client-security';
import { usesSasl, usesTls } from '../security/security-protocol';
import { tlsErrorReason } from '../security/tls/tls-parameters';
import { authenticateClient } from '../security/sasl/sasl-client';
import { CLIENT_DEFAULTS } from './client-options';
import { DirectFrameReader } from './frame-reader';

export interface ConnectionOptions {
  host: string;
  port: number;
  clientId?: string;
  connectTimeoutMs?: number;
  requestTimeoutMs?: number;
  /** Largest response frame accepted. Default MAX_RESPONSE_BYTES_DEFAULT. */
  maxResponseBytes?: number;
  /** TLS and SASL settings; plain TCP without authentication when absent. */
  security?: ClientSecurity;
  /** Counts bytes and requests for the client's metrics (shared by a pool's connections). */
  traffic?: NetworkTraffic;
}

/** Bounds what one response may make the client buffer; far above any fetch.max.bytes, so in practice only a corrupt size prefix reaches it. */
const MAX_RESPONSE_BYTES_DEFAULT = 512 * 1024 * 1024;

interface Pending {
  decode: (r: Reader) => unknown;
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout | null;
  apiName: string;
}

export interface SendOptions {
  version?: number;
  timeoutMs?: number;
  /** false for requests the broker does not answer (Produce with acks=0). */
  expectResponse?: boolean;
}

export class Connection extends EventEmitter {
  private socket: net.Socket | null = null;
  private readonly pending = new Map<number, Pending>();
  private nextCorrelationId = 1;
  private decoder: FrameDecoder;
  private closed = false;
  private connecting: Promise<void> | null = null;
  /** A TLS alert received after the handshake seemed done: what pending requests fail with. */
  private tlsFailure: SamsaError | null = null;

  constructor(readonly options: ConnectionOptions) {
    super();
    this.decoder = new FrameDecoder(options.maxResponseBytes ?? MAX_RESPONSE_BYTES_DEFAULT);
  }

  get address(): string {
    return `${this.options.host}:${this.options.port}`;
  }

  get isConnected(): boolean {
    return this.socket !== null && !this.closed && !this.socket.destroyed && this.connecting === null;
  }

  get inFlight(): number {
    return this.pending.size;
  }

  connect(): Promise<void> {
    if (this.closed) return Promise.reject(networkError(`connection to ${this.address} is closed`));
    if (this.connecting) return this.connecting;
    if (this.socket) return Promise.resolve();
    this.connecting = new Promise<void>((resolve, reject) => {
      const tlsOptions = this.options.security && usesTls(this.options.security.protocol) ? this.options.security.tls ?? {} : null;
      // Plain TCP reads straight into the response frames (frame-reader.ts); TLS streams through FrameDecoder.
      const reader = tlsOptions === null ? new DirectFrameReader(this.options.maxResponseBytes ?? MAX_RESPONSE_BYTES_DEFAULT) : null;
      const socket = reader !== null
        ? net.connect({ host: this.options.host, port: this.options.port, onread: { buffer: () => reader.nextBuffer(), callback: (n: number) => this.onRead(reader, n) } })
        : tls.connect({ ...tlsOptions, host: this.options.host, port: this.options.port, servername: net.isIP(this.options.host) === 0 ? this.options.host : undefined });
      socket.setNoDelay(true);
      // The connect timeout covers the TLS handshake too: a server that never answers it is as dead as one that never accepts.
      const timer = setTimeout(() => {
        socket.destroy();
        reject(networkError(`connection to ${this.address} timed out after ${this.connectTimeoutMs} ms`));
      }, this.connectTimeoutMs);
      let tcpConnected = false;
      socket.once('connect', () => {
        tcpConnected = true;
      });
      socket.once(tlsOptions === null ? 'connect' : 'secureConnect', () => {
        clearTimeout(timer);
        this.authenticate().then(() => {
          this.connecting = null;
          resolve();
        }, (err: Error) => {
          // A refused login is final: the socket goes, and the caller sees the broker's reason.
          this.connecting = null;
          reject(err);
          socket.destroy();
        });
      });
      socket.once('error', (err) => {
        clearTimeout(timer);
        if (this.connecting) {
          this.connecting = null;
          this.socket = null;
          reject(tlsOptions !== null && tcpConnected ? sslHandshakeError(this.address, err) : networkError(`cannot connect to ${this.address}: ${err.message}`, err));
        }
      });
      // close() during a connect destroys the socket without an 'error': settle the attempt now,
      // not when the connect timer fires (which kept callers and the process waiting).
      socket.once('close', () => {
        clearTimeout(timer);
        reject(networkError(`connection to ${this.address} was closed before it was established`));
      });
      socket.on('data', (chunk) => this.onData(chunk));
      socket.on('close', () => this.onClose());
      // TLS 1.3 finishes the client's side of the handshake before the server checks the client's
      // certificate: a refusal arrives as an alert after 'secureConnect', and must read as one.
      socket.on('error', (err) => {
        if (tlsOptions !== null && isTlsAlert(err)) this.tlsFailure = sslHandshakeError(this.address, err);
      });
      this.socket = socket;
    });
    return this.connecting;
  }

  /** The SASL step of connect(), for SASL_PLAINTEXT/SASL_SSL; nothing to do otherwise. */
  private async authenticate(): Promise<void> {
    const security = this.options.security;
    if (!security || !usesSasl(security.protocol)) return;
    if (!security.sasl) throw new SamsaError(ErrorCode.SASL_AUTHENTICATION_FAILED, `security.protocol ${security.protocol} needs sasl.mechanism and sasl.jaas.config credentials`);
    await authenticateClient((api, body) => this.request(api, body, {}), security.sasl, this.address);
  }

  private get connectTimeoutMs(): number {
    return this.options.connectTimeoutMs ?? CLIENT_DEFAULTS.connectTimeoutMs;
  }

  async send<Req, Resp>(api: ApiDef<Req, Resp>, body: Req, opts: SendOptions = {}): Promise<Resp> {
    await this.connect();
    return this.request(api, body, opts);
  }

  /** Writes a request on the open socket (also during connect's SASL step) and awaits its answer. */
  private request<Req, Resp>(api: ApiDef<Req, Resp>, body: Req, opts: SendOptions): Promise<Resp> {
    const socket = this.socket;
    // destroyed: failed (e.g. a request timed out) and its 'close' not yet handled.
    if (!socket || this.closed || socket.destroyed) return Promise.reject(networkError(`connection to ${this.address} is closed`));
    const version = opts.version ?? api.maxVersion;
    const correlationId = this.nextCorrelationId;
    this.nextCorrelationId = this.nextCorrelationId >= 0x7fffffff ? 1 : this.nextCorrelationId + 1;
    const frame = encodeRequestFrame({ apiKey: api.key, apiVersion: version, correlationId, clientId: this.options.clientId ?? null }, api.request, body);
    const traffic = this.options.traffic;
    if (traffic) {
      traffic.requests++;
      for (const chunk of frame) traffic.bytesSent += chunk.length;
    }
    if (opts.expectResponse === false) {
      writeFrame(socket, frame);
      return Promise.resolve(undefined as unknown as Resp);
    }
    return new Promise<Resp>((resolve, reject) => {
      const timeoutMs = opts.timeoutMs ?? this.options.requestTimeoutMs ?? CLIENT_DEFAULTS.requestTimeoutMs;
      const timer = setTimeout(() => {
        this.pending.delete(correlationId);
        reject(new SamsaError(ErrorCode.REQUEST_TIMED_OUT, `${api.name} request to ${this.address} timed out after ${timeoutMs} ms`));
        // As Kafka's NetworkClient, a timed-out request disconnects: after a network partition the
        // socket may be half-dead (TCP keeps retransmitting for minutes), and every later request
        // on it would wait out its own timeout too. The next send reconnects.
        this.fail(networkError(`connection to ${this.address} was closed after a ${api.name} request timed out`));
      }, timeoutMs);
      this.pending.set(correlationId, {
        decode: (r) => api.response.read(r, version),
        resolve: resolve as (v: unknown) => void,
        reject,
        timer,
        apiName: api.name,
      });
      writeFrame(socket, frame);
    });
  }

  /** Always true: keep reading (onread's callback pauses the socket on false). */
  private onRead(reader: DirectFrameReader, nread: number): boolean {
    if (this.options.traffic) this.options.traffic.bytesReceived += nread;
    let frames: Buffer[];
    try {
      frames = reader.received(nread);
    } catch (err) {
      this.fail(err as Error);
      return true;
    }
    for (const frame of frames) this.onFrame(frame);
    return true;
  }

  private onData(chunk: Buffer): void {
    if (this.options.traffic) this.options.traffic.bytesReceived += chunk.length;
    let frames: Buffer[];
    try {
      frames = this.decoder.push(chunk);
    } catch (err) {
      this.fail(err as Error);
      return;
    }
    for (const frame of frames) this.onFrame(frame);
  }

  private onFrame(frame: Buffer): void {
    const r = new Reader(frame);
    let correlationId: number;
    try {
      const header = readResponseHeader(r);
      correlationId = header.correlationId;
      const p = this.pending.get(correlationId);
      if (!p) return; // a late answer to a request that already timed out
      this.pending.delete(correlationId);
      if (p.timer) clearTimeout(p.timer);
      if (header.errorCode !== 0) {
        p.reject(SamsaError.fromCode(header.errorCode, `${p.apiName}: ${header.errorMessage ?? 'request rejected'}`));
        return;
      }
      try {
        p.resolve(p.decode(r));
      } catch (err) {
        p.reject(err as Error);
      }
    } catch (err) {
      this.fail(new ProtocolError(`malformed response from ${this.address}: ${(err as Error).message}`));
    }
  }

  private fail(err: Error): void {
    this.emit('error-detail', err);
    this.rejectAll(err);
    this.socket?.destroy();
  }

  private rejectAll(err: Error): void {
    for (const p of this.pending.values()) {
      if (p.timer) clearTimeout(p.timer);
      p.reject(err);
    }
    this.pending.clear();
  }

  private onClose(): void {
    this.socket = null;
    this.connecting = null;
    this.decoder = new FrameDecoder(this.options.maxResponseBytes ?? MAX_RESPONSE_BYTES_DEFAULT);
    this.rejectAll(this.tlsFailure ?? networkError(`connection to ${this.address} was closed`));
    this.tlsFailure = null;
    this.emit('close');
  }

  /**
   * Rejects pending requests and closes gracefully: bytes already written (acks=0 produce
   * requests, which expect no answer) still reach the broker before the FIN.
   */
  close(): void {
    this.closed = true;
    this.rejectAll(networkError(`connection to ${this.address} was closed by the client`));
    const socket = this.socket;
    this.socket = null;
    if (!socket) return;
    if (this.connecting) {
      socket.destroy();
      return;
    }
    socket.end();
    setTimeout(() => socket.destroy(), 5000).unref();
  }
}

function networkError(detail: string, cause?: unknown): SamsaError {
  return new SamsaError(ErrorCode.NETWORK_EXCEPTION, detail, { cause });
}

/** Kafka's SslAuthenticationException: not retriable, since retrying cannot change certificates. */
function sslHandshakeError(address: string, cause: Error): SamsaError {
  const detail = `SSL handshake failed: ${tlsErrorReason(cause)} (connecting to ${address})`;
  const err = new SamsaError(ErrorCode.SASL_AUTHENTICATION_FAILED, detail, { cause });
  err.message = detail;
  return err;
}

function isTlsAlert(err: Error): boolean {
  const code = (err as NodeJS.ErrnoException).code ?? '';
  return code.startsWith('ERR_SSL_') || /alert|certificate/i.test(err.message);
}

function writeFrame(socket: net.Socket, frame: Buffer[]): void {
  if (frame.length === 1) {
    socket.write(frame[0]);
    return;
  }
  socket.cork();
  for (const chunk of frame) socket.write(chunk);
  process.nextTick(() => socket.uncork());
}
