/**
 * Writes a transaction's commit or abort markers to every partition it touched (Kafka's
 * TransactionMarkerChannelManager), before the coordinator records the transaction complete.
 *
 * Each partition's marker goes to that partition's current leader as a WriteTxnMarkers request
 * (the native API, over the inter-broker listener), one request per leader carrying all of that
 * leader's partitions. A broker that leads some of the partitions itself gets its request the same
 * way, through its own listener, so one code path serves every partition. Partitions whose leader
 * is unknown or moving, or whose leader answers with a retriable error, are tried again after a
 * backoff until each has its marker; a partition whose topic was deleted needs none. The job is
 * dropped when the coordinator gives the transaction up (leadership of its `__transaction_state`
 * partition moved) or a partition leader says the markers are stale (a newer coordinator or
 * producer epoch), as Kafka does.
 */
import { Connection } from '../client/connection';
import { Api } from '../protocol/api';
import { ErrorCode, toErrorCode } from '../protocol/errors';
import { ClientSecurity } from '../security/client-security';
import { Logger } from '../util/logger';
import { GroupClock } from '../group/group-clock';
import { partitionKey, TxnPartition } from './txn-state';

const RETRY_BACKOFF_MIN_MS = 50;
const RETRY_BACKOFF_MAX_MS = 1000;
/**
 * How long a partition's topic must stay unknown to the metadata cache before it counts as
 * deleted: a broker that just became coordinator may get LeaderAndIsr before the UpdateMetadata
 * that lists every topic, and must not skip markers for topics it has simply not heard of yet.
 */
const UNKNOWN_TOPIC_GRACE_MS = 5000;
/** Failures of one job are logged at warn on the first attempt and every this many after. */
const LOG_EVERY_ATTEMPTS = 20;

export interface MarkerJob {
  readonly transactionalId: string;
  readonly producerId: number;
  readonly producerEpoch: number;
  readonly committed: boolean;
  readonly coordinatorEpoch: number;
  readonly partitions: readonly TxnPartition[];
  /** False once the coordinator gave the transaction up; the job then stops. */
  stillValid(): boolean;
}

/** 'done': every partition has its marker. 'cancelled': the job was given up. */
export type MarkerOutcome = 'done' | 'cancelled';

export interface MarkerSender {
  send(job: MarkerJob): Promise<MarkerOutcome>;
  shutdown(): void;
}

export interface MarkerMetadata {
  partitions(topic: string): ReadonlyArray<{ readonly leader: number }> | undefined;
  /** The broker's inter-broker (native) endpoint; undefined when it is not live. */
  broker(id: number): { readonly host: string; readonly port: number } | undefined;
}

/** What the sender needs of a connection to one broker (lib/client/connection.ts's Connection). */
export interface MarkerConnection {
  send: Connection['send'];
  close(): void;
}

export interface TxnMarkerSenderOptions {
  readonly brokerId: number;
  /** Opens the connection to a broker; tests replace it. Default: a Connection over the inter-broker listener. */
  readonly connect?: (endpoint: { host: string; port: number }, brokerId: number) => MarkerConnection;
  readonly metadata: MarkerMetadata;
  readonly requestTimeoutMs: number;
  readonly security?: ClientSecurity;
  readonly clock: GroupClock;
  readonly logger: Logger;
}

/** Errors after which the partition's marker is simply tried again (Kafka's retriable list, plus timeouts). */
const RETRIABLE = new Set<number>([
  ErrorCode.UNKNOWN_TOPIC_OR_PARTITION.code, ErrorCode.NOT_LEADER_FOR_PARTITION.code, ErrorCode.LEADER_NOT_AVAILABLE.code,
  ErrorCode.NOT_ENOUGH_REPLICAS.code, ErrorCode.NOT_ENOUGH_REPLICAS_AFTER_APPEND.code, ErrorCode.REQUEST_TIMED_OUT.code,
  ErrorCode.KAFKA_STORAGE_ERROR.code, ErrorCode.COORDINATOR_LOAD_IN_PROGRESS.code, ErrorCode.NETWORK_EXCEPTION.code,
]);
/** Errors that say the markers are stale: another coordinator or a newer producer epoch took over. */
const STALE = new Set<number>([ErrorCode.INVALID_PRODUCER_EPOCH.code, ErrorCode.TRANSACTION_COORDINATOR_FENCED.code]);

export class TxnMarkerSender implements MarkerSender {
  private readonly connections = new Map<number, MarkerConnection>();
  private stopped = false;

  constructor(private readonly opts: TxnMarkerSenderOptions) {}

  async send(job: MarkerJob): Promise<MarkerOutcome> {
    const remaining = new Map(job.partitions.map((p) => [partitionKey(p), p]));
    const unknownSince = new Map<string, number>();
    let backoffMs = RETRY_BACKOFF_MIN_MS;
    for (let attempt = 0; remaining.size > 0; attempt++) {
      if (this.stopped || !job.stillValid()) return 'cancelled';
      const byLeader = this.groupByLeader(job, remaining, unknownSince);
      const loud = attempt % LOG_EVERY_ATTEMPTS === 0;
      const results = await Promise.all([...byLeader].map(([leader, partitions]) => this.sendTo(leader, job, partitions, remaining, loud)));
      if (results.includes('stale')) return 'cancelled';
      if (remaining.size === 0) break;
      await this.sleep(backoffMs);
      backoffMs = Math.min(backoffMs * 2, RETRY_BACKOFF_MAX_MS);
    }
    return this.stopped || !job.stillValid() ? 'cancelled' : 'done';
  }

  shutdown(): void {
    this.stopped = true;
    for (const connection of this.connections.values()) connection.close();
    this.connections.clear();
  }

  /** Leader → partitions; partitions of deleted topics are dropped, leaderless ones wait for the next round. */
  private groupByLeader(job: MarkerJob, remaining: Map<string, TxnPartition>, unknownSince: Map<string, number>): Map<number, TxnPartition[]> {
    const byLeader = new Map<number, TxnPartition[]>();
    const now = this.opts.clock.nowMs();
    for (const [key, p] of remaining) {
      const partitions = this.opts.metadata.partitions(p.topic);
      if (!partitions || p.partition >= partitions.length) {
        const since = unknownSince.get(key) ?? now;
        unknownSince.set(key, since);
        if (now - since >= UNKNOWN_TOPIC_GRACE_MS) {
          this.opts.logger.info(`Transactional id ${job.transactionalId}: ${key} no longer exists; it needs no marker`);
          remaining.delete(key);
        }
        continue;
      }
      unknownSince.delete(key);
      const leader = partitions[p.partition].leader;
      if (leader < 0) continue;
      const list = byLeader.get(leader) ?? [];
      list.push(p);
      byLeader.set(leader, list);
    }
    return byLeader;
  }

  /** One WriteTxnMarkers to `leader`; partitions that got their marker (or need none) leave `remaining`. */
  private async sendTo(leader: number, job: MarkerJob, partitions: TxnPartition[], remaining: Map<string, TxnPartition>, loud: boolean): Promise<'ok' | 'stale'> {
    const connection = this.connection(leader);
    if (!connection) return 'ok';
    const topics = new Map<string, number[]>();
    for (const p of partitions) topics.set(p.topic, [...(topics.get(p.topic) ?? []), p.partition]);
    let response;
    try {
      response = await connection.send(Api.WriteTxnMarkers, {
        markers: [{
          producerId: job.producerId, producerEpoch: job.producerEpoch, transactionResult: job.committed,
          topics: [...topics].map(([name, partitionIndexes]) => ({ name, partitionIndexes })), coordinatorEpoch: job.coordinatorEpoch,
        }],
      }, { timeoutMs: this.opts.requestTimeoutMs });
    } catch (err) {
      if (loud) this.opts.logger.warn(`Transactional id ${job.transactionalId}: WriteTxnMarkers to broker ${leader} failed (error ${toErrorCode(err)}): ${(err as Error).message}; retrying`);
      this.drop(leader, connection);
      return 'ok';
    }
    let stale = false;
    for (const marker of response.markers) {
      for (const topic of marker.topics) {
        for (const { partitionIndex, errorCode } of topic.partitions) {
          const key = partitionKey({ topic: topic.name, partition: partitionIndex });
          if (errorCode === ErrorCode.NONE.code) remaining.delete(key);
          else if (STALE.has(errorCode)) {
            this.opts.logger.warn(`Transactional id ${job.transactionalId}: broker ${leader} refused the marker for ${key} (error ${errorCode}); giving the markers up`);
            stale = true;
          } else if (!RETRIABLE.has(errorCode) && loud) {
            this.opts.logger.error(`Transactional id ${job.transactionalId}: broker ${leader} could not write the marker for ${key} (error ${errorCode}); retrying`);
          }
        }
      }
    }
    return stale ? 'stale' : 'ok';
  }

  private connection(brokerId: number): MarkerConnection | undefined {
    const existing = this.connections.get(brokerId);
    if (existing) return existing;
    const endpoint = this.opts.metadata.broker(brokerId);
    if (!endpoint || this.stopped) return undefined;
    const connection = this.opts.connect?.(endpoint, brokerId) ?? this.openConnection(endpoint);
    this.connections.set(brokerId, connection);
    return connection;
  }

  private openConnection(endpoint: { host: string; port: number }): MarkerConnection {
    const connection = new Connection({
      host: endpoint.host, port: endpoint.port, clientId: `broker-${this.opts.brokerId}-txn-markers`,
      requestTimeoutMs: this.opts.requestTimeoutMs, security: this.opts.security,
    });
    connection.on('error-detail', () => undefined);
    return connection;
  }

  private drop(brokerId: number, connection: MarkerConnection): void {
    if (this.connections.get(brokerId) === connection) this.connections.delete(brokerId);
    connection.close();
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.opts.clock.setTimer(ms, resolve));
  }
}
