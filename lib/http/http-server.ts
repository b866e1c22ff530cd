/**
 * The broker's HTTP endpoint (`http.listener`): a few read-only GET routes on Node's `http`
 * module, for probes and Prometheus. It carries no client data, so it has no TLS or
 * authentication of its own; put a proxy in front when it must leave the host.
 *
 * A bad request never reaches the broker: unknown paths get 404, other methods 405, and a route
 * that throws answers 500 and is logged, so nothing an HTTP client sends can stop the process.
 */
import * as http from 'http';
import { AddressInfo } from 'net';
import { Logger } from '../util/logger';

export interface HttpResponse {
  status: number;
  contentType: string;
  body: string;
}

export type HttpRoute = () => HttpResponse | Promise<HttpResponse>;

export class HttpServer {
  private readonly server: http.Server;

  constructor(private readonly routes: ReadonlyMap<string, HttpRoute>, private readonly logger: Logger) {
    this.server = http.createServer((req, res) => void this.handle(req, res));
    // Probes and scrapers reconnect freely; idle sockets must not hold shutdown up.
    this.server.keepAliveTimeout = 5000;
    this.server.on('clientError', (_err, socket) => socket.destroy());
  }

  /** Binds and returns the bound port (useful with port 0). An empty host binds every interface. */
  listen(host: string, port: number): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host === '' ? undefined : host, () => {
        this.server.off('error', reject);
        resolve((this.server.address() as AddressInfo).port);
      });
    });
  }

  /** Stops accepting and closes every connection, idle or not. */
  close(): Promise<void> {
    return new Promise((resolve) => {
      if (!this.server.listening) { resolve(); return; }
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    let reply: HttpResponse;
    const path = (req.url ?? '/').split('?')[0];
    const route = this.routes.get(path);
    if (route === undefined) {
      reply = text(404, `No such path ${path}; try /health, /ready or /metrics\n`);
    } else if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD');
      reply = text(405, `Method ${req.method} is not allowed on ${path}; use GET\n`);
    } else {
      try {
        reply = await route();
      } catch (err) {
        this.logger.error(`HTTP ${path} failed: ${(err as Error).stack ?? String(err)}`);
        reply = text(500, 'Internal error; see the broker log\n');
      }
    }
    // Request bodies are never read; drain them so the connection can be reused.
    req.resume();
    res.writeHead(reply.status, { 'Content-Type': reply.contentType, 'Cache-Control': 'no-store' });
    res.end(req.method === 'HEAD' ? undefined : reply.body);
  }
}

export function text(status: number, body: string): HttpResponse {
  return { status, contentType: 'text/plain; charset=utf-8', body };
}
