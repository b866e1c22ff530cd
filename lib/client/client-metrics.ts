/**
 * The client library's metrics, named as Kafka's client metrics are (producer-metrics,
 * consumer-fetch-manager-metrics, consumer-coordinator-metrics), so what operators know from
 * Kafka's JMX beans and `--print-metrics` carries over.
 *
 * Recording is plain arithmetic on numbers, done once per batch, request, fetched partition or
 * poll, never per record on the producer's path. Everything derived (averages, rates, maxima over
 * partitions) is computed when a snapshot is taken. Rates are per second over the client's
 * lifetime, not Kafka's 30-second sample windows: a snapshot at the end of a run (the perf
 * tools') gives the run's rate. This module loads nothing optional; the prom-client bridge is
 * client-metrics-registry.ts.
 */

/** Bytes and requests on every connection of one client (its connection pool). */
export class NetworkTraffic {
  bytesSent = 0;
  bytesReceived = 0;
  requests = 0;
}

/** Count, sum and max of a measurement. */
export class Stat {
  count = 0;
  sum = 0;
  max = 0;

  record(value: number): void {
    this.count++;
    this.sum += value;
    if (value > this.max) this.max = value;
  }

  get avg(): number {
    return this.count === 0 ? 0 : this.sum / this.count;
  }
}

/** One metric: its Kafka group and what it means (the prom-client help text and the docs). */
interface MetricDef {
  group: string;
  description: string;
}

const PRODUCER = 'producer-metrics';
const FETCH = 'consumer-fetch-manager-metrics';
const COORDINATOR = 'consumer-coordinator-metrics';
const CONSUMER = 'consumer-metrics';

export const PRODUCER_METRIC_DEFS = {
  'record-send-total': { group: PRODUCER, description: 'Records sent to brokers (each record once, retries not counted again).' },
  'record-send-rate': { group: PRODUCER, description: 'Records sent per second.' },
  'record-retry-total': { group: PRODUCER, description: 'Records sent again after a retriable failure.' },
  'record-error-total': { group: PRODUCER, description: 'Records whose send failed for good.' },
  'record-error-rate': { group: PRODUCER, description: 'Records failed per second.' },
  'batch-size-avg': { group: PRODUCER, description: 'Average encoded bytes of a batch, on its first send.' },
  'batch-size-max': { group: PRODUCER, description: 'Largest encoded batch in bytes.' },
  'records-per-request-avg': { group: PRODUCER, description: 'Average records per Produce request.' },
  'request-total': { group: PRODUCER, description: 'Produce requests sent.' },
  'request-rate': { group: PRODUCER, description: 'Produce requests per second.' },
  'request-latency-avg': { group: PRODUCER, description: 'Average ms from sending a Produce request to its answer (acks=0: none).' },
  'request-latency-max': { group: PRODUCER, description: 'Longest Produce request round trip in ms.' },
  'produce-throttle-time-avg': { group: PRODUCER, description: 'Average throttle_time_ms of Produce answers: how long a broker held this client back for its quota.' },
  'produce-throttle-time-max': { group: PRODUCER, description: 'Largest throttle_time_ms of a Produce answer.' },
  'outgoing-byte-total': { group: PRODUCER, description: 'Bytes written to brokers, every request of the producer.' },
  'outgoing-byte-rate': { group: PRODUCER, description: 'Bytes written per second.' },
  'incoming-byte-total': { group: PRODUCER, description: 'Bytes read from brokers.' },
} satisfies Record<string, MetricDef>;

export const CONSUMER_METRIC_DEFS = {
  'records-consumed-total': { group: FETCH, description: 'Records returned by poll().' },
  'records-consumed-rate': { group: FETCH, description: 'Records returned by poll() per second.' },
  'bytes-consumed-total': { group: FETCH, description: 'Record-set bytes received in fetch answers.' },
  'bytes-consumed-rate': { group: FETCH, description: 'Record-set bytes received per second.' },
  'fetch-total': { group: FETCH, description: 'Fetch requests answered.' },
  'fetch-rate': { group: FETCH, description: 'Fetch requests answered per second.' },
  'fetch-latency-avg': { group: FETCH, description: 'Average ms from sending a Fetch to its answer, long-poll wait included.' },
  'fetch-latency-max': { group: FETCH, description: 'Longest Fetch round trip in ms.' },
  'records-per-request-avg': { group: FETCH, description: 'Average records per Fetch answer.' },
  'records-lag-max': { group: FETCH, description: 'Largest lag (high watermark minus position after the fetch) over the assigned partitions, from each one\'s last fetch; 0 before any.' },
  'rebalance-total': { group: COORDINATOR, description: 'Completed rebalances (joined and synced a generation).' },
  'rebalance-latency-avg': { group: COORDINATOR, description: 'Average ms from starting a rebalance (revoking) to the new assignment.' },
  'rebalance-latency-max': { group: COORDINATOR, description: 'Longest rebalance in ms.' },
  'commit-total': { group: COORDINATOR, description: 'OffsetCommit requests answered.' },
  'commit-latency-avg': { group: COORDINATOR, description: 'Average ms of an OffsetCommit round trip.' },
  'commit-latency-max': { group: COORDINATOR, description: 'Longest OffsetCommit round trip in ms.' },
  'outgoing-byte-total': { group: CONSUMER, description: 'Bytes written to brokers, every request of the consumer.' },
  'incoming-byte-total': { group: CONSUMER, description: 'Bytes read from brokers.' },
  'incoming-byte-rate': { group: CONSUMER, description: 'Bytes read per second.' },
  'request-total': { group: CONSUMER, description: 'Requests sent, of every API.' },
} satisfies Record<string, MetricDef>;

const ADMIN = 'admin-client-metrics';

export const ADMIN_METRIC_DEFS = {
  'request-total': { group: ADMIN, description: 'Requests sent, of every API.' },
  'outgoing-byte-total': { group: ADMIN, description: 'Bytes written to brokers.' },
  'incoming-byte-total': { group: ADMIN, description: 'Bytes read from brokers.' },
} satisfies Record<string, MetricDef>;

/** What `admin.metrics()` returns: the network side, as Kafka's admin-client-metrics. */
export type AdminMetrics = Record<keyof typeof ADMIN_METRIC_DEFS, number>;

export function adminMetrics(traffic: NetworkTraffic): AdminMetrics {
  return { 'request-total': traffic.requests, 'outgoing-byte-total': traffic.bytesSent, 'incoming-byte-total': traffic.bytesReceived };
}

export type ProducerMetricName = keyof typeof PRODUCER_METRIC_DEFS;
export type ConsumerMetricName = keyof typeof CONSUMER_METRIC_DEFS;
/** What `producer.metrics()` returns: Kafka's metric names, plain numbers. */
export type ProducerMetrics = Record<ProducerMetricName, number>;
/** What `consumer.metrics()` returns. */
export type ConsumerMetrics = Record<ConsumerMetricName, number>;

/** A metric definition table, for printing or registering any client's snapshot. */
export type MetricDefs<Name extends string> = Readonly<Record<Name, MetricDef>>;

function perSecond(total: number, sinceMs: number, nowMs: number): number {
  const seconds = (nowMs - sinceMs) / 1000;
  return seconds > 0 ? total / seconds : 0;
}

/** A batch as the producer's metrics see it. */
export interface SentBatch {
  readonly recordCount: number;
  readonly attempts: number;
  readonly encoded: Buffer | null;
}

/** Filled in by the producer's sender; read by `producer.metrics()`. */
export class ProducerMetricsRecorder {
  private recordsSent = 0;
  private recordsRetried = 0;
  private recordsFailed = 0;
  private readonly batchSize = new Stat();
  private readonly recordsPerRequest = new Stat();
  private readonly latency = new Stat();
  private readonly throttleTime = new Stat();
  private readonly startedMs: number;

  constructor(readonly traffic: NetworkTraffic, private readonly clock: () => number = () => performance.now()) {
    this.startedMs = clock();
  }

  /** A Produce request is about to go out with `batches` (each attempt counted already). */
  requestSent(batches: readonly SentBatch[]): void {
    let records = 0;
    for (const b of batches) {
      records += b.recordCount;
      if (b.attempts > 1) {
        this.recordsRetried += b.recordCount;
      } else {
        this.recordsSent += b.recordCount;
        this.batchSize.record(b.encoded?.length ?? 0);
      }
    }
    this.recordsPerRequest.record(records);
  }

  requestAnswered(latencyMs: number, throttleTimeMs = 0): void {
    this.latency.record(latencyMs);
    this.throttleTime.record(throttleTimeMs);
  }

  recordsFailedForGood(count: number): void {
    this.recordsFailed += count;
  }

  now(): number {
    return this.clock();
  }

  snapshot(): ProducerMetrics {
    const now = this.clock();
    const requests = this.recordsPerRequest.count;
    return {
      'record-send-total': this.recordsSent,
      'record-send-rate': perSecond(this.recordsSent, this.startedMs, now),
      'record-retry-total': this.recordsRetried,
      'record-error-total': this.recordsFailed,
      'record-error-rate': perSecond(this.recordsFailed, this.startedMs, now),
      'batch-size-avg': this.batchSize.avg,
      'batch-size-max': this.batchSize.max,
      'records-per-request-avg': this.recordsPerRequest.avg,
      'request-total': requests,
      'request-rate': perSecond(requests, this.startedMs, now),
      'request-latency-avg': this.latency.avg,
      'request-latency-max': this.latency.max,
      'produce-throttle-time-avg': this.throttleTime.avg,
      'produce-throttle-time-max': this.throttleTime.max,
      'outgoing-byte-total': this.traffic.bytesSent,
      'outgoing-byte-rate': perSecond(this.traffic.bytesSent, this.startedMs, now),
      'incoming-byte-total': this.traffic.bytesReceived,
    };
  }
}

/** Filled in by the consumer's fetcher, coordinator and committer; read by `consumer.metrics()`. */
export class ConsumerMetricsRecorder {
  private recordsConsumed = 0;
  private bytesConsumed = 0;
  private readonly fetchLatency = new Stat();
  private readonly fetchRecords = new Stat();
  private readonly rebalanceLatency = new Stat();
  private readonly commitLatency = new Stat();
  private readonly startedMs: number;

  constructor(
    readonly traffic: NetworkTraffic,
    /** The current lag of each assigned partition (-1: unknown), read at snapshot time. */
    private readonly lags: () => Iterable<number>,
    private readonly clock: () => number = () => performance.now(),
  ) {
    this.startedMs = clock();
  }

  now(): number {
    return this.clock();
  }

  polled(records: number): void {
    this.recordsConsumed += records;
  }

  fetched(latencyMs: number, records: number, bytes: number): void {
    this.fetchLatency.record(latencyMs);
    this.fetchRecords.record(records);
    this.bytesConsumed += bytes;
  }

  rebalanced(latencyMs: number): void {
    this.rebalanceLatency.record(latencyMs);
  }

  committed(latencyMs: number): void {
    this.commitLatency.record(latencyMs);
  }

  snapshot(): ConsumerMetrics {
    const now = this.clock();
    let lagMax = 0;
    for (const lag of this.lags()) if (lag > lagMax) lagMax = lag;
    return {
      'records-consumed-total': this.recordsConsumed,
      'records-consumed-rate': perSecond(this.recordsConsumed, this.startedMs, now),
      'bytes-consumed-total': this.bytesConsumed,
      'bytes-consumed-rate': perSecond(this.bytesConsumed, this.startedMs, now),
      'fetch-total': this.fetchLatency.count,
      'fetch-rate': perSecond(this.fetchLatency.count, this.startedMs, now),
      'fetch-latency-avg': this.fetchLatency.avg,
      'fetch-latency-max': this.fetchLatency.max,
      'records-per-request-avg': this.fetchRecords.avg,
      'records-lag-max': lagMax,
      'rebalance-total': this.rebalanceLatency.count,
      'rebalance-latency-avg': this.rebalanceLatency.avg,
      'rebalance-latency-max': this.rebalanceLatency.max,
      'commit-total': this.commitLatency.count,
      'commit-latency-avg': this.commitLatency.avg,
      'commit-latency-max': this.commitLatency.max,
      'outgoing-byte-total': this.traffic.bytesSent,
      'incoming-byte-total': this.traffic.bytesReceived,
      'incoming-byte-rate': perSecond(this.traffic.bytesReceived, this.startedMs, now),
      'request-total': this.traffic.requests,
    };
  }
}
