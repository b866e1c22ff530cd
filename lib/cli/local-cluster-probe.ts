/**
 * How `samsa-local-cluster` asks a node whether it serves: a broker's `/ready` over HTTP, a
 * ZooKeeper's role through the `srvr` four-letter word, and the active controller through the
 * admin client. Every probe is bounded in time and answers rather than throws, because status
 * must report a hung or dead node, not hang on it.
 */
import * as http from 'http';
import { Admin } from '../client/admin';
import { withTimeout } from '../util/time';
import { fourLetterWord } from '../zk/local-zookeeper';
import { LOOPBACK } from './local-cluster-layout';

const PROBE_TIMEOUT_MS = 2000;

export interface ReadyAnswer {
  ready: boolean;
  /** Why not, for the operator: the broker's reason, an HTTP status, or a connection error. */
  detail: string;
}

export function brokerReady(httpPort: number): Promise<ReadyAnswer> {
  return new Promise((resolve) => {
    const req = http.get({ host: LOOPBACK, port: httpPort, path: '/ready', timeout: PROBE_TIMEOUT_MS }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => { body += chunk; });
      res.on('end', () => {
        if (res.statusCode === 200) {
          resolve({ ready: true, detail: 'ready' });
          return;
        }
        let reason = `HTTP ${res.statusCode}`;
        try {
          const parsed = JSON.parse(body) as { reason?: string };
          if (parsed.reason) reason = parsed.reason;
        } catch {
          // Not our JSON: the status code says enough.
        }
        resolve({ ready: false, detail: `not ready: ${reason}` });
      });
      res.on('error', (err) => resolve({ ready: false, detail: err.message }));
    });
    req.on('timeout', () => req.destroy(new Error(`no answer from /ready within ${PROBE_TIMEOUT_MS} ms`)));
    req.on('error', (err: NodeJS.ErrnoException) => resolve({ ready: false, detail: err.code === 'ECONNREFUSED' ? 'HTTP port closed' : err.message }));
  });
}

/** `leader`, `follower` or `standalone` for a serving ZooKeeper; null when it does not serve. */
export async function zookeeperMode(clientPort: number): Promise<string | null> {
  const reply = await fourLetterWord(LOOPBACK, clientPort, 'srvr', PROBE_TIMEOUT_MS).catch(() => '');
  const mode = /^Mode:\s*(\S+)/m.exec(reply);
  return mode ? mode[1] : null;
}

/** The active controller's broker id, or null when no broker answers in time. */
export async function controllerId(bootstrapServers: string): Promise<number | null> {
  const admin = new Admin({ bootstrapServers, requestTimeoutMs: PROBE_TIMEOUT_MS, connectTimeoutMs: PROBE_TIMEOUT_MS });
  try {
    const cluster = await withTimeout(admin.describeCluster(), PROBE_TIMEOUT_MS * 2, () => new Error('no broker answered'));
    return cluster.controllerId >= 0 ? cluster.controllerId : null;
  } catch {
    return null;
  } finally {
    await admin.close().catch(() => undefined);
  }
}
