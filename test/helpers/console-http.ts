/** HTTP requests to a broker's console API with a body, headers and optional Basic credentials. */
import * as http from 'http';

export interface ApiReply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  json: any;
}

export function apiRequest(port: number, path: string, options: { method?: string; body?: string | Buffer; user?: [string, string]; headers?: Record<string, string> } = {}): Promise<ApiReply> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.user) headers.Authorization = `Basic ${Buffer.from(`${options.user[0]}:${options.user[1]}`).toString('base64')}`;
  if (options.body !== undefined) headers['Content-Type'] ??= 'application/json';
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path, method: options.method ?? 'GET', agent: false, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        let json: unknown;
        try { json = JSON.parse(body); } catch { json = undefined; }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body, json });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(options.body);
  });
}
