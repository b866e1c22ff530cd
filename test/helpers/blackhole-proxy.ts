/**
 * A TCP proxy that can cut its traffic without closing anything: a network partition between one
 * client and a server (e.g. a broker and ZooKeeper) on 127.0.0.1, without root. While cut, bytes
 * in both directions are dropped and new connections are accepted but never forwarded - what a
 * DROP rule looks like to both ends: silence, no reset. Healing closes the connections that lost
 * bytes (their streams are corrupt) and forwards new ones again.
 */
import * as net from 'net';

interface Pair {
  client: net.Socket;
  /** null for a connection accepted while cut: not forwarded until healing. */
  upstream: net.Socket | null;
  /** What such a connection sent meanwhile (TCP would deliver it once the link is back). */
  pending: Buffer[];
  /** Bytes were dropped: the stream is corrupt. */
  damaged: boolean;
}

export class BlackholeProxy {
  private cut = false;
  private readonly pairs = new Set<Pair>();

  private constructor(private readonly server: net.Server, readonly port: number, private readonly targetHost: string, private readonly targetPort: number) {
    server.on('connection', (client) => this.accept(client));
  }

  /** Listens on a free port of 127.0.0.1 and forwards to `target` (`host:port`). */
  static async start(target: string): Promise<BlackholeProxy> {
    const [host, port] = target.split(':');
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return new BlackholeProxy(server, (server.address() as net.AddressInfo).port, host, Number(port));
  }

  /** `127.0.0.1:<port>` of the proxy. */
  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  /** Drops everything from now on, both ways. */
  partition(): void {
    this.cut = true;
  }

  /** Forwards again; connections that lost bytes while cut are closed. */
  heal(): void {
    this.cut = false;
    for (const pair of [...this.pairs]) {
      if (pair.damaged) this.close(pair);
      else if (pair.upstream === null) this.connectUpstream(pair);
    }
  }

  async stop(): Promise<void> {
    for (const pair of [...this.pairs]) this.close(pair);
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: net.Socket): void {
    const pair: Pair = { client, upstream: null, pending: [], damaged: false };
    this.pairs.add(pair);
    client.on('error', () => undefined);
    client.on('close', () => this.close(pair));
    client.on('data', (chunk: Buffer) => {
      if (pair.upstream === null) pair.pending.push(chunk);
      else if (this.cut) pair.damaged = true;
      else pair.upstream.write(chunk);
    });
    if (!this.cut) this.connectUpstream(pair);
  }

  private connectUpstream(pair: Pair): void {
    const upstream = net.connect(this.targetPort, this.targetHost);
    pair.upstream = upstream;
    upstream.on('error', () => undefined);
    upstream.on('close', () => this.close(pair));
    for (const chunk of pair.pending.splice(0)) upstream.write(chunk);
    upstream.on('data', (chunk: Buffer) => {
      if (this.cut) pair.damaged = true;
      else pair.client.write(chunk);
    });
  }

  private close(pair: Pair): void {
    if (!this.pairs.delete(pair)) return;
    pair.client.destroy();
    pair.upstream?.destroy();
  }
}
