/**
 * `--metrics-port`: the mirror maker's counters and per-partition lag, plus its producer's and
 * consumers' client metrics (client-metrics-registry.ts), in Prometheus text format on
 * http://<host>:<port>/metrics, as the broker exposes its own.
 */
import * as http from 'http';
import { Gauge, Registry } from 'prom-client';
import type { MirrorStats } from './mirror-stats';

export function mirrorRegistry(stats: MirrorStats): Registry {
  const registry = new Registry();
  const registers = [registry];
  new Gauge({ name: 'samsa_mirror_records_total', help: 'Records copied to the target and acknowledged.', registers, collect() { this.set(stats.records); } });
  new Gauge({ name: 'samsa_mirror_bytes_total', help: 'Key, value and header bytes copied to the target and acknowledged.', registers, collect() { this.set(stats.bytes); } });
  new Gauge({ name: 'samsa_mirror_send_failures_total', help: 'Records the target did not accept.', registers, collect() { this.set(stats.sendFailures); } });
  new Gauge({
    name: 'samsa_mirror_partition_lag', help: 'Source records not yet acknowledged by the target, per source partition (as of the last progress round).',
    labelNames: ['topic', 'partition'], registers,
    collect() {
      this.reset();
      for (const l of stats.lag.values()) this.set({ topic: l.topic, partition: String(l.partition) }, l.lag);
    },
  });
  return registry;
}

/** Serves `registry` on /metrics; resolves once listening. */
export async function serveMetrics(registry: Registry, port: number, host = '0.0.0.0'): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    if (req.url !== '/metrics' && !req.url?.startsWith('/metrics?')) {
      res.writeHead(404).end('Not found: try /metrics\n');
      return;
    }
    registry.metrics().then(
      (text) => res.writeHead(200, { 'Content-Type': registry.contentType }).end(text),
      (err: unknown) => res.writeHead(500).end(`${(err as Error).message}\n`),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return server;
}
