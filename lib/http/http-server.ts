/**
 * The broker's HTTP endpoint (`http.listener`) on Node's `http` module: exact GET routes for
 * probes and Prometheus, and an optional handler for everything else (the web console and its
 * JSON API, lib/http/console.ts), which sees the method, path, query, headers and a bounded body.
 * It has no TLS of its own; put a proxy in front when it must leave the host.
 *
 * A bad request never reaches the broker: unknown paths get 404, other methods 405, a URL that
 * does not parse 400, a body over the bound 413, and a route that throws answers 500 and is
 * logged, so nothing an HTTP client sends can stop the process.
 */
import * as http from 'http';
import { AddressInfo } from 'net';
import { Logger } from '../util/logger';

export interface HttpResponse {
  status: number;
  contentType: string;
  body: string | Buffer;
  /** Extra response headers (Allow, WWW-Authenticate, Cache-Control overrides). */
  headers?: Record<string, string>;
}

export type HttpRoute = () => HttpResponse | Promise<HttpResponse>;

export interface HttpRequest {
  method: string;
  /** Decoded path without the query, e.g. `/api/topics/orders`. */
  path: string;
  /** The path's segments, each decoded on its own, so an encoded '/' (%2F) stays inside its segment. */
  segments: string[];
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  /** The request body; empty for GET and HEAD. At most MAX_BODY_BYTES. */
  body: Buffer;
}

/** Answers a request the exact routes do not know, or null for 404. */
export type HttpHandler = (req: HttpRequest) => HttpResponse | null | Promise<HttpResponse | null>;

/** Request bodies are small JSON documents (create topic); anything bigger is refused (bytes). */
export const MAX_BODY_BYTES = 64 * 1024;

class BodyTooLarge extends Error {}

export class HttpServer {
  private readonly server: http.Server;

  constructor(private readonly routes: ReadonlyMap<string, HttpRoute>, private readonly logger: Logger,
    private readonly fallback: HttpHandler | null = null) {
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
    const method = req.method ?? 'GET';
    const rawPath = (req.url ?? '/').split('?')[0];
    try {
      reply = await this.answer(req, method);
    } catch (err) {
      if (err instanceof BodyTooLarge) {
        reply = text(413, `Request body larger than ${MAX_BODY_BYTES} bytes\n`);
      } else {
        this.logger.error(`HTTP ${method} ${rawPath} failed: ${(err as Error).stack ?? String(err)}`);
        reply = text(500, 'Internal error; see the broker log\n');
      }
    }
    if (res.destroyed) return;
    // Whatever body was not read is drained so the connection can be reused.
    req.resume();
    res.writeHead(reply.status, { 'Content-Type': reply.contentType, 'Cache-Control': 'no-store', ...reply.headers });
    res.end(method === 'HEAD' ? undefined : reply.body);
  }

  private async answer(req: http.IncomingMessage, method: string): Promise<HttpResponse> {
    let url: URL;
    let path: string;
    let segments: string[];
    try {
      url = new URL(req.url ?? '/', 'http://localhost');
      path = decodeURIComponent(url.pathname);
      segments = url.pathname.split('/').slice(1).map(decodeURIComponent);
    } catch {
      return text(400, 'Malformed request URL\n');
    }
    const route = this.routes.get(path);
    if (route !== undefined) {
      if (method !== 'GET' && method !== 'HEAD') {
        return { ...text(405, `Method ${method} is not allowed on ${path}; use GET\n`), headers: { Allow: 'GET, HEAD' } };
      }
      return route();
    }
    if (this.fallback !== null) {
      const body = method === 'GET' || method === 'HEAD' ? Buffer.alloc(0) : await readBody(req);
      const reply = await this.fallback({ method, path, segments, query: url.searchParams, headers: req.headers, body });
      if (reply !== null) return reply;
    }
    return text(404, `No such path ${path}; try /health, /ready or /metrics\n`);
  }
}

function readBody(req: http.IncomingMessage): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > MAX_BODY_BYTES) return Promise.reject(new BodyTooLarge());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) { req.removeAllListeners('data'); reject(new BodyTooLarge()); return; }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export function text(status: number, body: string): HttpResponse {
  return { status, contentType: 'text/plain; charset=utf-8', body };
}

export function json(status: number, value: unknown, headers?: Record<string, string>): HttpResponse {
  return { status, contentType: 'application/json; charset=utf-8', body: JSON.stringify(value), ...(headers ? { headers } : {}) };
}
