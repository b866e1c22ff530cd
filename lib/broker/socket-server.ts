/**
 * The acceptor of one native-protocol listener: listens on its address, owns the set of live
 * client connections, and drains them on shutdown (stop accepting, let in-flight requests
 * finish, then close). A broker runs one per listener (see listener-server.ts).
 */
import * as net from 'net';
import { Logger } from '../util/logger';
import { sleep } from '../util/time';
import { ClientConnection, ClientConnectionOptions } from './client-connection';
import { WireCodec } from './wire-codec';

/** A listener's acceptor (it is the broker's ListenerServer for both wire protocols). */
export class SocketServer {
  private readonly server: net.Server;
  private readonly connections = new Set<ClientConnection>();
  private nextId = 0;

  constructor(private readonly codecFor: (remoteAddress: string) => WireCodec, private readonly options: ClientConnectionOptions, private readonly logger: Logger) {
    this.server = net.createServer((socket) => this.accept(socket));
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

  private accept(socket: net.Socket): void {
    const conn = new ClientConnection(socket, `${this.options.listenerName}-${this.nextId++}`, this.codecFor, this.options, (c) => this.connections.delete(c));
    this.connections.add(conn);
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
    await closed;
  }
}
