/**
 * The acceptor of one native-protocol listener: listens on its address, owns the set of live
 * client connections, and drains them on shutdown (stop accepting, let in-flight requests
 * finish, then close). A broker runs one per listener (see listener-server.ts).
 *
 * SSL and SASL_SSL listeners accept through a tls.Server: a connection exists for the broker only
 * once its handshake is done, with the transport principal its client certificate gives. A failed
 * handshake (a plaintext client, an untrusted or missing certificate) costs one warn line with the
 * peer address and that socket, nothing else.
 */
import * as net from 'net';
import * as tls from 'tls';
import { Logger } from '../util/logger';
import { ANONYMOUS, formatPrincipal, KafkaPrincipal, userPrincipal } from '../security/principal';
import { ConnectionSession } from '../security/session';
import { ListenerTls, tlsServerOptions } from '../security/tls/listener-tls';
import { distinguishedName } from '../security/tls/principal-mapper';
import { tlsErrorReason } from '../security/tls/tls-parameters';
import { sleep } from '../util/time';
import { ClientConnection, ClientConnectionOptions } from './client-connection';
import { WireCodec } from './wire-codec';

/** A listener's acceptor (it is the broker's ListenerServer for both wire protocols). */
export class SocketServer {
  private readonly server: net.Server;
  private readonly connections = new Set<ClientConnection>();
  /** Every TCP socket of a TLS listener, handshake done or not: a client that never finishes its handshake must not hold up shutdown. */
  private readonly tcpSockets = new Set<net.Socket>();
  private nextId = 0;

  constructor(
    private readonly codecFor: (remoteAddress: string) => WireCodec,
    private readonly options: ClientConnectionOptions,
    private readonly logger: Logger,
    /** For SSL and SASL_SSL listeners: the listener's checked TLS settings. */
    tlsSettings?: ListenerTls,
  ) {
    if (tlsSettings) {
      const server = tls.createServer(tlsServerOptions(tlsSettings));
      server.on('secureConnection', (socket) => this.acceptTls(socket, tlsSettings));
      server.on('tlsClientError', (err, socket) => this.handshakeFailed(socket, tlsErrorReason(err)));
      server.on('connection', (raw: net.Socket) => {
        this.tcpSockets.add(raw);
        raw.once('close', () => this.tcpSockets.delete(raw));
      });
      this.server = server;
    } else {
      this.server = net.createServer((socket) => this.accept(socket));
    }
    this.server.on('error', (err) => this.logger.error(`Listener ${options.listenerName} error: ${err.message}`));
  }

  listen(host: string, port: number): Promise<number> {
    return new Promise((resolve, reject) => {
      const onError = (err: Error) => reject(err);
      this.server.once('error', onError);
      this.server.listen({ host: host || undefined, port }, () => {
        this.server.off('error', onError);
        resolve((this.server.address() as net.AddressInfo).port);
      });
    });
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  /** The sessions of the open connections (who each client is), for tests and diagnostics. */
  get sessions(): ConnectionSession[] {
    return [...this.connections].map((c) => c.session);
  }

  private accept(socket: net.Socket, transportPrincipal: KafkaPrincipal = ANONYMOUS): void {
    const conn = new ClientConnection(socket, `${this.options.listenerName}-${this.nextId++}`, this.codecFor, this.options, (c) => this.connections.delete(c), transportPrincipal);
    this.connections.add(conn);
  }

  /** Kafka's wording, so operators' log searches carry over. */
  private handshakeFailed(socket: tls.TLSSocket, reason: string): void {
    this.logger.warn(`Failed authentication with /${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'} on listener ${this.options.listenerName} (SSL handshake failed: ${reason})`);
    socket.destroy();
  }

  /**
   * A completed handshake: a trusted client certificate gives `User:<mapped DN>`, none gives
   * ANONYMOUS. With ssl.client.auth=requested Node completes the handshake even for a certificate
   * it could not verify; like Java's wantClientAuth, such a certificate is refused, not ignored.
   */
  private acceptTls(socket: tls.TLSSocket, settings: ListenerTls): void {
    socket.on('error', () => undefined);
    const cert = socket.getPeerX509Certificate();
    if (cert === undefined) {
      this.accept(socket, ANONYMOUS);
      return;
    }
    if (!socket.authorized) {
      this.handshakeFailed(socket, `client certificate not trusted: ${String(socket.authorizationError)}`);
      return;
    }
    let principal: KafkaPrincipal;
    try {
      principal = userPrincipal(settings.mapPrincipal(distinguishedName(cert)));
    } catch (err) {
      this.handshakeFailed(socket, (err as Error).message);
      return;
    }
    this.logger.debug(`Connection from /${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'} on listener ${this.options.listenerName} authenticated by certificate as ${formatPrincipal(principal)}`);
    this.accept(socket, principal);
  }

  /** Stops accepting, stops reading, waits up to `timeoutMs` for in-flight responses, then closes everything. */
  async shutdown(timeoutMs: number): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const conn of this.connections) conn.stopReading();
    const deadline = Date.now() + timeoutMs;
    while ([...this.connections].some((c) => c.inFlight > 0) && Date.now() < deadline) {
      await sleep(20);
    }
    for (const conn of this.connections) conn.destroy();
    for (const raw of this.tcpSockets) raw.destroy();
    await closed;
  }
}
