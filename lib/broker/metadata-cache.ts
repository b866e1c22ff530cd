/**
 * The broker's view of the cluster, as last pushed by the controller in UpdateMetadata.
 *
 * The controller always sends a complete snapshot, so an update replaces everything and there is
 * no incremental state to reconcile. Handlers that must wait for the cluster to reach a state
 * (CreateTopics waiting for leaders, DeleteTopics waiting for the topic to disappear) use
 * `waitFor`, which re-checks its predicate after each update.
 *
 * Brokers are kept with an endpoint per listener. Without a listener name, lookups answer for the
 * inter-broker listener (replica fetchers, controlled shutdown); client-facing answers pass the
 * listener the request came in on, and a broker lacking that listener is left out, as in Kafka.
 */
import { PartitionStateData, UpdateMetadataRequestData } from '../protocol/messages/controller';

export interface BrokerEndpoint {
  id: number;
  host: string;
  port: number;
  rack: string | null;
}

interface LiveBroker {
  id: number;
  rack: string | null;
  /** Listener name → address. */
  endpoints: Map<string, { host: string; port: number }>;
}

interface Waiter {
  predicate: () => boolean;
  resolve: (satisfied: boolean) => void;
  timer: NodeJS.Timeout;
}

export const INTERNAL_TOPICS = new Set(['__consumer_offsets', '__transaction_state']);

export class MetadataCache {
  private topics = new Map<string, PartitionStateData[]>();
  private brokers = new Map<number, LiveBroker>();
  private waiters = new Set<Waiter>();
  controllerId = -1;
  controllerEpoch = -1;
  clusterId: string | null = null;

  /** @param interBrokerListenerName the listener lookups without a listener name answer for. */
  constructor(readonly interBrokerListenerName = 'PLAINTEXT') {}

  update(req: UpdateMetadataRequestData): void {
    const topics = new Map<string, PartitionStateData[]>();
    for (const p of req.partitionStates) {
      let list = topics.get(p.topicName);
      if (!list) topics.set(p.topicName, (list = []));
      list[p.partitionIndex] = p;
    }
    // A topic whose partitions are not all known yet (sparse array) is left out until complete.
    for (const [name, list] of topics) {
      if (list.some((p) => p === undefined) || list.length === 0) topics.delete(name);
    }
    this.topics = topics;
    this.brokers = new Map(req.liveBrokers.map((b) => {
      // Version 0 carries only the controller's inter-broker endpoint, which must be ours as well.
      const endpoints = b.endpoints.length > 0
        ? b.endpoints.map((e): [string, { host: string; port: number }] => [e.listenerName, { host: e.host, port: e.port }])
        : [[this.interBrokerListenerName, { host: b.host, port: b.port }] as [string, { host: string; port: number }]];
      return [b.id, { id: b.id, rack: b.rack, endpoints: new Map(endpoints) }];
    }));
    this.controllerId = req.controllerId;
    this.controllerEpoch = req.controllerEpoch;
    if (req.clusterId) this.clusterId = req.clusterId;
    this.notifyWaiters();
  }

  topicNames(): string[] {
    return [...this.topics.keys()].sort();
  }

  hasTopic(name: string): boolean {
    return this.topics.has(name);
  }

  partitions(topic: string): PartitionStateData[] | undefined {
    return this.topics.get(topic);
  }

  partition(topic: string, partition: number): PartitionStateData | undefined {
    return this.topics.get(topic)?.[partition];
  }

  /** Live brokers with their endpoint on `listenerName`; brokers without that listener are left out. */
  liveBrokers(listenerName = this.interBrokerListenerName): BrokerEndpoint[] {
    return [...this.brokers.keys()].sort((a, b) => a - b)
      .map((id) => this.broker(id, listenerName))
      .filter((b): b is BrokerEndpoint => b !== undefined);
  }

  /** A live broker's endpoint on `listenerName`; undefined when it is not live or lacks that listener. */
  broker(id: number, listenerName = this.interBrokerListenerName): BrokerEndpoint | undefined {
    const b = this.brokers.get(id);
    const address = b?.endpoints.get(listenerName);
    return b && address ? { id, host: address.host, port: address.port, rack: b.rack } : undefined;
  }

  /** Every listener endpoint of a live broker as `NAME://host:port` (the web console's broker list); empty when not live. */
  endpointsOf(id: number): string[] {
    const b = this.brokers.get(id);
    return b ? [...b.endpoints].map(([name, a]) => `${name}://${a.host.includes(':') ? `[${a.host}]` : a.host}:${a.port}`) : [];
  }

  /** Whether the controller lists the broker as live, whatever listeners it has. */
  isLive(id: number): boolean {
    return this.brokers.has(id);
  }

  isInternal(topic: string): boolean {
    return INTERNAL_TOPICS.has(topic);
  }

  /** Resolves true as soon as `predicate` holds (checked now and after each update), false after `timeoutMs`. */
  waitFor(predicate: () => boolean, timeoutMs: number): Promise<boolean> {
    if (predicate()) return Promise.resolve(true);
    return new Promise((resolve) => {
      const waiter: Waiter = {
        predicate,
        resolve,
        timer: setTimeout(() => {
          this.waiters.delete(waiter);
          resolve(false);
        }, Math.max(0, timeoutMs)),
      };
      this.waiters.add(waiter);
    });
  }

  private notifyWaiters(): void {
    for (const w of this.waiters) {
      if (w.predicate()) {
        clearTimeout(w.timer);
        this.waiters.delete(w);
        w.resolve(true);
      }
    }
  }

  close(): void {
    for (const w of this.waiters) {
      clearTimeout(w.timer);
      w.resolve(false);
    }
    this.waiters.clear();
  }
}
