/**
 * The container image's health check: `GET /ready` on this broker's HTTP endpoint, exit 0 on 200
 * and 1 otherwise. Slim Node images have no curl or wget, and Node is there anyway.
 *
 * The endpoint is read from SAMSA_HTTP_LISTENER (the variable that sets `http.listener` in the
 * image, lib/config/env-properties.ts), or from the first argument. A wildcard bind address
 * (empty, 0.0.0.0, ::) is probed on loopback.
 */
import * as http from 'http';
import { parseHttpListener } from '../lib/config/endpoints';

const TIMEOUT_MS = 3000;

export interface ProbeResult {
  ok: boolean;
  /** `200 {"status":"READY"}`, or why there was no answer. */
  detail: string;
}

/** Where to connect for a `http.listener` value; throws for a value that is not one. */
export function probeAddress(listener: string): { host: string; port: number } {
  const parsed = parseHttpListener(listener);
  if (!parsed.ok) throw new Error(`${listener} is not an http.listener value: ${parsed.reason}`);
  const { host, port } = parsed.value;
  if (port === 0) throw new Error(`${listener} has port 0, so the port the broker bound cannot be known here`);
  if (host === '' || host === '0.0.0.0') return { host: '127.0.0.1', port };
  if (host === '::') return { host: '::1', port };
  return { host, port };
}

export function probeReady(listener: string, timeoutMs = TIMEOUT_MS): Promise<ProbeResult> {
  const { host, port } = probeAddress(listener);
  return new Promise((resolve) => {
    const req = http.get({ host, port, path: '/ready', timeout: timeoutMs }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => { if (body.length < 1000) body += chunk; });
      res.on('end', () => resolve({ ok: res.statusCode === 200, detail: `${res.statusCode} ${body.trim()}` }));
      res.on('error', (err) => resolve({ ok: false, detail: err.message }));
    });
    req.on('timeout', () => req.destroy(new Error(`no answer from ${host}:${port} within ${timeoutMs} ms`)));
    req.on('error', (err) => resolve({ ok: false, detail: err.message }));
  });
}

async function main(): Promise<number> {
  const listener = process.argv[2] ?? process.env.SAMSA_HTTP_LISTENER;
  if (!listener) {
    process.stderr.write('error: set SAMSA_HTTP_LISTENER (the broker\'s http.listener) or pass it as the first argument\n');
    return 1;
  }
  try {
    const result = await probeReady(listener);
    process.stdout.write(`${result.detail}\n`);
    return result.ok ? 0 : 1;
  } catch (err) {
    process.stderr.write(`error: ${(err as Error).message}\n`);
    return 1;
  }
}

if (require.main === module) void main().then((code) => { process.exitCode = code; });
