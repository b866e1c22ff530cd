/**
 * Publishes a client's metrics() on a prom-client Registry the application passes as
 * `metricsRegistry`, without the client ever loading prom-client: the registry is duck-typed
 * (registerMetric, getSingleMetric) and each metric is a small object shaped like prom-client's
 * own (name, help, type, get()), whose values are read from the client's snapshot at scrape
 * time. Several clients share one registry: each metric family holds one series per client id.
 *
 * Names: `samsa_client_<kind>_<kafka name with _>`, e.g. samsa_client_producer_record_send_total;
 * label `client_id`.
 */
import { ErrorCode } from '../protocol/errors';
import { userError } from './client-errors';

/** What the client needs of a prom-client Registry. */
export interface MetricsRegistry {
  registerMetric(metric: never): void;
  getSingleMetric(name: string): unknown;
}

interface Source {
  clientId: string;
  read: () => number;
}

/** One metric family, in the shape prom-client's Registry reads. */
class ClientMetricFamily {
  readonly aggregator = 'sum';
  readonly sources = new Set<Source>();

  constructor(readonly name: string, readonly help: string, readonly type: 'counter' | 'gauge') {}

  get(): { name: string; help: string; type: string; aggregator: string; values: Array<{ value: number; labels: Record<string, string> }> } {
    const values = [...this.sources].map((s) => ({ value: s.read(), labels: { client_id: s.clientId } }));
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values };
  }

  reset(): void {
    // Values are read from the clients; there is nothing of our own to reset.
  }
}

/**
 * Registers every metric of `defs` for one client; returns the function that removes this
 * client's series (on close). A client id already publishing on the registry is refused: two
 * series with the same labels would be indistinguishable.
 */
export function registerClientMetrics<Name extends string>(
  registry: MetricsRegistry, kind: 'producer' | 'consumer' | 'admin', clientId: string,
  defs: Readonly<Record<Name, { description: string }>>, snapshot: () => Record<Name, number>,
): () => void {
  if (typeof registry?.registerMetric !== 'function' || typeof registry.getSingleMetric !== 'function') {
    throw userError(ErrorCode.INVALID_CONFIG, 'metricsRegistry must be a prom-client Registry (registerMetric and getSingleMetric)');
  }
  // One snapshot per scrape, however many families read it.
  let cached: Record<Name, number> | null = null;
  const read = (name: Name) => () => {
    if (cached === null) {
      cached = snapshot();
      setImmediate(() => { cached = null; });
    }
    return cached[name];
  };
  const added: Array<[ClientMetricFamily, Source]> = [];
  const families: Array<[ClientMetricFamily, Name]> = [];
  for (const name of Object.keys(defs) as Name[]) {
    const metricName = `samsa_client_${kind}_${name.replace(/-/g, '_')}`;
    const existing = registry.getSingleMetric(metricName);
    let family: ClientMetricFamily;
    if (existing === undefined) {
      family = new ClientMetricFamily(metricName, `${defs[name].description} (Kafka ${name})`, name.endsWith('-total') ? 'counter' : 'gauge');
      registry.registerMetric(family as never);
    } else if (existing instanceof ClientMetricFamily) {
      family = existing;
      if ([...family.sources].some((s) => s.clientId === clientId)) {
        throw userError(ErrorCode.INVALID_CONFIG, `client id ${clientId} already publishes ${kind} metrics on this registry; give each client its own client id`);
      }
    } else {
      throw userError(ErrorCode.INVALID_CONFIG, `metricsRegistry already holds a metric named ${metricName} that is not a Samsa client's`);
    }
    families.push([family, name]);
  }
  for (const [family, name] of families) {
    const source = { clientId, read: read(name) };
    family.sources.add(source);
    added.push([family, source]);
  }
  return () => {
    for (const [family, source] of added) family.sources.delete(source);
  };
}
