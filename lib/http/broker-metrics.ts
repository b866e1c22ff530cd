/**
 * The broker's Prometheus metrics, named `samsa_*` after the Kafka MBean each mirrors (the table
 * is in docs/operations.md).
 *
 * State (partitions, ISR, purgatories, controller, ZooKeeper, logs) is read when Prometheus
 * scrapes, in collect callbacks, so it costs nothing between scrapes. Only traffic needs
 * counters on the request path; those bump a label child cached per topic or per API, once per
 * partition or request, never per record and without building strings. Request times are split
 * as Kafka's RequestMetrics (lib/broker/request-timing.ts).
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { RequestObserver } from '../broker/api-dispatcher';
import type { RequestTiming } from '../broker/request-timing';
import type { Partition } from '../broker/partition';
import type { ReplicaTrafficObserver } from '../broker/replica-manager';
import type { LeaderElectionObserver } from '../controller/partition-state-writer';
import type { ZkClientObserver } from '../zk/zk-client';
import type { LogCleanerObserver } from '../storage/log-cleaner-manager';
import type { LogFlushObserver } from '../storage/partition-log-types';
import { committedOffsetLags, groupStateCounts, GroupView } from './group-metrics';

/** What the gauges read at scrape time; the broker implements it over its own parts. */
export interface BrokerMetricsSource {
  /** Every partition replica this broker holds. */
  partitions(): Iterable<Partition>;
  fetchPurgatorySize(): number;
  producePurgatorySize(): number;
  isActiveController(): boolean;
  /** Epoch of this broker's controller tenure, or -1 when it never was the controller. */
  controllerEpoch(): number;
  /** Partitions without a live leader, as the active controller sees them; 0 elsewhere. */
  offlinePartitionCount(): number;
  zookeeperState(): string;
  /** Open connections by listener name. */
  connectionCounts(): ReadonlyMap<string, number>;
  /** The consumer groups this broker coordinates (loaded `__consumer_offsets` partitions only). */
  consumerGroups(): Iterable<GroupView>;
  /** Client quota throttling so far, per quota type (produce, fetch, request); absent: no series. */
  quotaThrottles?(): Iterable<{ readonly type: string; readonly throttleTimeTotalMs: number; readonly throttledRequests: number }>;
}

export interface BrokerMetricsOptions {
  /** Per-partition log series (http.metrics.partition.enable). */
  perPartition: boolean;
}

/** Kafka's ZooKeeper session states as a numeric gauge: one series per state, 1 for the current one. */
const ZK_STATES = ['CONNECTING', 'CONNECTED', 'DISCONNECTED', 'EXPIRED', 'CLOSED'] as const;

// Seconds; from sub-millisecond local answers to long-polling fetches and acks=all produces.
const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

type Child = { inc(value?: number): void };
type Timer = { observe(value: number): void };

/** One API's request series, label children resolved once. */
interface RequestSeries {
  requests: Child;
  errors: Child;
  total: Timer;
  queue: Timer;
  local: Timer;
  remote: Timer;
  responseQueue: Timer;
  send: Timer;
}

/**
 * A counter by topic bumped per partition per request (appends, fetches): sums collect in a Map
 * and reach prom-client when it is scraped, since its inc hashes and validates the labels on
 * every call (~1 µs, twice per appended batch).
 */
function topicCounter(name: string, help: string, registers: Registry[]): (topic: string, value: number) => void {
  const pending = new Map<string, number>();
  new Counter({
    name, help, labelNames: ['topic'], registers,
    collect(this: Counter<string>) {
      for (const [topic, value] of pending) this.inc({ topic }, value);
      pending.clear();
    },
  });
  return (topic, value) => {
    pending.set(topic, (pending.get(topic) ?? 0) + value);
  };
}

export class BrokerMetrics implements ReplicaTrafficObserver, RequestObserver, LeaderElectionObserver, ZkClientObserver,
  LogFlushObserver, LogCleanerObserver {
  readonly registry = new Registry();
  private readonly messagesIn: (topic: string, value: number) => void;
  private readonly bytesIn: (topic: string, value: number) => void;
  private readonly bytesOut: (topic: string, value: number) => void;
  private readonly bytesRejected: (topic: string, value: number) => void;
  private readonly requests: Counter<string>;
  private readonly errors: Counter<string>;
  private readonly requestTimes: Record<Exclude<keyof RequestSeries, 'requests' | 'errors'>, Histogram<string>>;
  private readonly requestSeries = new Map<string, RequestSeries>();
  private readonly isrShrinks: Counter<string>;
  private readonly isrExpands: Counter<string>;
  private readonly cleanElections: Counter<string>;
  private readonly uncleanElections: Counter<string>;
  private readonly electionTime: Histogram<string>;
  private readonly zkLatency: Histogram<string>;
  private readonly zkExpirations: Counter<string>;
  private readonly flushLatency: Histogram<string>;
  private readonly cleanerRuns: Counter<string>;
  private readonly cleanerBytes: Counter<string>;
  private readonly cleanerReclaimed: Counter<string>;

  constructor(private readonly source: BrokerMetricsSource, options: BrokerMetricsOptions) {
    const registers = [this.registry];
    this.messagesIn = topicCounter('samsa_broker_topic_messages_in_total', 'Records appended by this broker as leader (MessagesInPerSec).', registers);
    this.bytesIn = topicCounter('samsa_broker_topic_bytes_in_total', 'Produce request bytes appended as leader (BytesInPerSec).', registers);
    this.bytesOut = topicCounter('samsa_broker_topic_bytes_out_total', 'Bytes returned to consumer fetches (BytesOutPerSec).', registers);
    this.bytesRejected = topicCounter('samsa_broker_topic_bytes_rejected_total', 'Produce bytes refused before reaching the log (BytesRejectedPerSec).', registers);
    this.requests = new Counter({ name: 'samsa_network_requests_total', help: 'Requests handled, by API (RequestsPerSec).', labelNames: ['request'], registers });
    this.errors = new Counter({ name: 'samsa_network_request_errors_total', help: 'Requests whose handler failed as a whole, by API (ErrorsPerSec).', labelNames: ['request'], registers });
    const requestTime = (part: string, help: string) => new Histogram({
      name: `samsa_network_request_${part}_time_seconds`, help, labelNames: ['request'], buckets: LATENCY_BUCKETS, registers,
    });
    this.requestTimes = {
      total: requestTime('total', 'From the request read off the socket to its response written to it, by API (TotalTimeMs).'),
      queue: requestTime('queue', 'From the request read off the socket to its handler starting, by API (RequestQueueTimeMs).'),
      local: requestTime('local', 'Handler time outside purgatories, by API (LocalTimeMs).'),
      remote: requestTime('remote', 'Time parked in the fetch or produce purgatory, by API (RemoteTimeMs).'),
      responseQueue: requestTime('response_queue', 'From the handler\'s answer to its response handed to the socket, by API (ResponseQueueTimeMs).'),
      send: requestTime('response_send', 'From the response handed to the socket to its write callback, by API (ResponseSendTimeMs).'),
    };
    this.isrShrinks = new Counter({ name: 'samsa_replica_isr_shrinks_total', help: 'ISR shrinks this broker made as leader (IsrShrinksPerSec).', registers });
    this.isrExpands = new Counter({ name: 'samsa_replica_isr_expands_total', help: 'ISR expansions this broker made as leader (IsrExpandsPerSec).', registers });
    this.cleanElections = new Counter({ name: 'samsa_controller_leader_elections_total', help: 'Leader changes written by this broker as controller, new leader from the ISR (LeaderElectionRateAndTimeMs).', registers });
    this.uncleanElections = new Counter({ name: 'samsa_controller_unclean_leader_elections_total', help: 'Leaders this broker as controller chose from outside the ISR (UncleanLeaderElectionsPerSec).', registers });
    this.electionTime = new Histogram({
      name: 'samsa_controller_leader_election_time_seconds',
      help: 'From the controller noticing a partition needs a leader (broker failure watch, admin request) to the new leader written, per leader elected (LeaderElectionRateAndTimeMs).',
      buckets: LATENCY_BUCKETS, registers,
    });
    this.zkLatency = new Histogram({
      name: 'samsa_zookeeper_request_latency_seconds', help: 'Time from sending a ZooKeeper request to its answer (ZooKeeperRequestLatencyMs).',
      buckets: LATENCY_BUCKETS, registers,
    });
    this.zkExpirations = new Counter({ name: 'samsa_zookeeper_expires_total', help: 'ZooKeeper sessions of this broker that expired (ZooKeeperExpiresPerSec).', registers });
    this.flushLatency = new Histogram({
      name: 'samsa_log_flush_time_seconds', help: 'Time to fsync a log\'s unflushed segments (LogFlushStats LogFlushRateAndTimeMs).',
      buckets: LATENCY_BUCKETS, registers,
    });
    this.cleanerRuns = new Counter({ name: 'samsa_log_cleaner_runs_total', help: 'Log cleaner passes completed (LogCleaner passes; Kafka logs them).', registers });
    this.cleanerBytes = new Counter({ name: 'samsa_log_cleaner_bytes_cleaned_total', help: 'Bytes of segments the log cleaner went through.', registers });
    this.cleanerReclaimed = new Counter({ name: 'samsa_log_cleaner_bytes_reclaimed_total', help: 'Bytes the log cleaner removed from the segments it cleaned.', registers });
    this.stateGauges(options);
    collectDefaultMetrics({ register: this.registry, prefix: 'samsa_' });
  }

  appended(topic: string, messages: number, bytes: number): void {
    this.messagesIn(topic, messages);
    this.bytesIn(topic, bytes);
  }

  rejected(topic: string, bytes: number): void {
    this.bytesRejected(topic, bytes);
  }

  readByConsumer(topic: string, bytes: number): void {
    this.bytesOut(topic, bytes);
  }

  isrShrunk(): void {
    this.isrShrinks.inc();
  }

  isrExpanded(): void {
    this.isrExpands.inc();
  }

  leaderElected(unclean: boolean, seconds: number): void {
    (unclean ? this.uncleanElections : this.cleanElections).inc();
    this.electionTime.observe(seconds);
  }

  zkRequestCompleted(seconds: number): void {
    this.zkLatency.observe(seconds);
  }

  zkSessionExpired(): void {
    this.zkExpirations.inc();
  }

  logFlushed(seconds: number): void {
    this.flushLatency.observe(seconds);
  }

  cleanerPassed(bytesCleaned: number, bytesReclaimed: number): void {
    this.cleanerRuns.inc();
    this.cleanerBytes.inc(bytesCleaned);
    this.cleanerReclaimed.inc(bytesReclaimed);
  }

  requestCompleted(t: RequestTiming): void {
    this.recordRequest(t.apiName, t);
    if (t.kind !== null) this.recordRequest(t.kind, t);
  }

  private recordRequest(name: string, t: RequestTiming): void {
    let series = this.requestSeries.get(name);
    if (series === undefined) this.requestSeries.set(name, (series = this.seriesFor(name)));
    series.requests.inc();
    if (t.failed) series.errors.inc();
    series.total.observe(t.totalMs / 1000);
    series.queue.observe(t.queueMs / 1000);
    series.local.observe(t.localMs / 1000);
    series.remote.observe(t.remoteMs / 1000);
    series.responseQueue.observe(t.responseQueueMs / 1000);
    series.send.observe(t.sendMs / 1000);
  }

  private seriesFor(apiName: string): RequestSeries {
    const h = this.requestTimes;
    return {
      requests: this.requests.labels(apiName),
      errors: this.errors.labels(apiName),
      total: h.total.labels(apiName),
      queue: h.queue.labels(apiName),
      local: h.local.labels(apiName),
      remote: h.remote.labels(apiName),
      responseQueue: h.responseQueue.labels(apiName),
      send: h.send.labels(apiName),
    };
  }

  /** The Prometheus text exposition of every metric. */
  scrape(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  private stateGauges(options: BrokerMetricsOptions): void {
    const registers = [this.registry];
    const source = this.source;
    const simple = (name: string, help: string, read: () => number) =>
      new Gauge({ name, help, registers, collect() { this.set(read()); } });
    const count = (predicate: (p: Partition) => boolean) => () => {
      let n = 0;
      for (const p of source.partitions()) if (predicate(p)) n++;
      return n;
    };
    simple('samsa_replica_under_replicated_partitions', 'Partitions led here whose ISR is smaller than their replica set (UnderReplicatedPartitions).',
      count((p) => p.isLeader && p.isr.length < p.replicas.length));
    simple('samsa_replica_under_min_isr_partitions', 'Partitions led here whose ISR is below min.insync.replicas (UnderMinIsrPartitionCount).',
      count((p) => p.isLeader && p.isr.length < p.minInsyncReplicas));
    simple('samsa_replica_leader_count', 'Partitions this broker leads (LeaderCount).', count((p) => p.isLeader));
    simple('samsa_replica_partition_count', 'Partition replicas on this broker (PartitionCount).', count(() => true));
    simple('samsa_controller_offline_partitions', 'Partitions without a live leader, reported by the active controller (OfflinePartitionsCount).',
      () => source.offlinePartitionCount());
    simple('samsa_controller_active_count', '1 on the active controller, else 0 (ActiveControllerCount).', () => (source.isActiveController() ? 1 : 0));
    simple('samsa_controller_epoch', 'Epoch of this broker\'s controller tenure, -1 if never controller (kafka.controller epoch, /controller_epoch).',
      () => source.controllerEpoch());
    simple('samsa_purgatory_fetch_size', 'Fetch requests parked waiting for data (DelayedFetchMetrics PurgatorySize, delayedOperation=Fetch).',
      () => source.fetchPurgatorySize());
    simple('samsa_purgatory_produce_size', 'acks=all produces waiting for the ISR (PurgatorySize, delayedOperation=Produce).',
      () => source.producePurgatorySize());
    new Gauge({
      name: 'samsa_zookeeper_session_state', help: '1 for the current ZooKeeper client state, 0 for the others (SessionState).',
      labelNames: ['state'], registers,
      collect() {
        const current = source.zookeeperState();
        for (const state of ZK_STATES) this.labels(state).set(state === current ? 1 : 0);
      },
    });
    new Gauge({
      name: 'samsa_network_connections', help: 'Open client connections by listener (connection-count, socket-server-metrics).',
      labelNames: ['listener'], registers,
      collect() {
        for (const [listener, n] of source.connectionCounts()) this.labels(listener).set(n);
      },
    });
    new Gauge({
      name: 'samsa_group_coordinator_groups', help: 'Consumer groups this broker coordinates, by state (GroupMetadataManager NumGroups, NumGroups<State>).',
      labelNames: ['state'], registers,
      collect() {
        for (const [state, n] of groupStateCounts(source.consumerGroups())) this.labels(state).set(n);
      },
    });
    const quotaGauge = (name: string, help: string, read: (q: { throttleTimeTotalMs: number; throttledRequests: number }) => number) => new Gauge({
      name, help, labelNames: ['quota_type'], registers,
      collect() {
        for (const q of source.quotaThrottles?.() ?? []) this.labels(q.type).set(read(q));
      },
    });
    quotaGauge('samsa_quota_throttle_time_ms_total', 'Milliseconds of throttle handed to clients over their quotas, by quota type (Produce/Fetch/Request throttle-time).',
      (q) => q.throttleTimeTotalMs);
    quotaGauge('samsa_quota_throttled_requests_total', 'Requests answered with a throttle, by quota type.', (q) => q.throttledRequests);
    if (options.perPartition) this.partitionGauges();
  }

  private partitionGauges(): void {
    const registers = [this.registry];
    const source = this.source;
    const labelNames = ['topic', 'partition'];
    const perPartition = (name: string, help: string, read: (p: Partition) => number) => new Gauge({
      name, help, labelNames, registers,
      collect() {
        // Series of partitions moved away or deleted disappear with the next scrape.
        this.reset();
        for (const p of source.partitions()) this.labels(p.topic, String(p.partition)).set(read(p));
      },
    });
    perPartition('samsa_log_size_bytes', 'Bytes of every segment of the partition\'s log (Log Size).', (p) => p.log.size);
    perPartition('samsa_log_segments', 'Segments of the partition\'s log (NumLogSegments).', (p) => p.log.segmentCount);
    perPartition('samsa_log_start_offset', 'First offset in the log (LogStartOffset).', (p) => p.log.logStartOffset);
    perPartition('samsa_log_end_offset', 'Offset the next record will get (LogEndOffset).', (p) => p.log.logEndOffset);
    new Gauge({
      name: 'samsa_group_coordinator_offset_lag', help: 'High watermark minus committed offset, for groups coordinated and partitions led here (kafka-consumer-groups LAG).',
      labelNames: ['group', 'topic', 'partition'], registers,
      collect() {
        // Groups deleted, partitions moved away: their series disappear with the next scrape.
        this.reset();
        for (const l of committedOffsetLags(source.consumerGroups(), source.partitions())) this.labels(l.groupId, l.topic, String(l.partition)).set(l.lag);
      },
    });
  }
}
