/**
 * One follower session against one leader broker: a loop that, for every partition this broker
 * follows on that leader, first finds where its log may have diverged (OffsetForLeaderEpoch, then
 * truncation), then fetches with this broker's replica id and appends the leader's batches
 * byte-for-byte. The fetch offset it sends is its log end offset, which is how the leader learns
 * the follower's progress; the response's high watermark becomes the follower's.
 *
 * Partitions come and go while a request is in flight; a response is applied only to the
 * partition state it was sent for, and `remove` waits for an in-progress append so that a
 * partition handed to leadership never sees a late follower write.
 */
import { ClientSecurity } from '../security/client-security';
import { Connection } from '../client/connection';
import { Api } from '../protocol/api';
import { ErrorCode, SamsaError } from '../protocol/errors';
import { FetchResponseData } from '../protocol/messages/produce-fetch';
import { OffsetForLeaderEpochResponseData } from '../protocol/messages/replication';
import { followerTruncation } from '../storage/epoch-truncation';
import { isAssertionError } from '../util/assert';
import { Logger } from '../util/logger';
import { Partition, partitionKey } from './partition';
import type { ReplicationQuota } from './replication-quotas';

export interface FetcherSettings {
  brokerId: number;
  fetchMaxBytes: number;
  fetchWaitMaxMs: number;
  fetchMinBytes: number;
  backoffMs: number;
  requestTimeoutMs: number;
  /** TLS/SASL of the inter-broker listener; PLAINTEXT when absent. */
  security?: ClientSecurity;
  /** A follower append failed: a disk failure takes the log's directory offline (LogManager.maybeFailLogDir). */
  onAppendFailure?: (partition: Partition, err: unknown) => void;
  /** This broker's follower replication throttle (replication-quotas.ts); none when absent. */
  followerQuota?: ReplicationQuota;
}

export interface BrokerAddress {
  host: string;
  port: number;
}

interface FollowState {
  readonly partition: Partition;
  readonly leaderEpoch: number;
  fetchOffset: number;
  /** Epoch to ask the leader about; null once truncation is done and fetching may start. */
  truncateEpoch: number | null;
  retryAtMs: number;
  /** Caught up with the leader's high watermark at the last fetch: never throttled (Kafka's isReplicaInSync). */
  inSync: boolean;
}

/** Errors after which the leader (or our view of it) must change before retrying makes sense. */
const WAIT_FOR_METADATA = new Set<number>([
  ErrorCode.NOT_LEADER_FOR_PARTITION.code, ErrorCode.FENCED_LEADER_EPOCH.code, ErrorCode.UNKNOWN_LEADER_EPOCH.code,
  ErrorCode.UNKNOWN_TOPIC_OR_PARTITION.code, ErrorCode.LEADER_NOT_AVAILABLE.code, ErrorCode.KAFKA_STORAGE_ERROR.code,
]);

export class ReplicaFetcher {
  private readonly follows = new Map<string, FollowState>();
  private connection: Connection | null = null;
  private stopped = false;
  private wake: (() => void) | null = null;
  private processing: Promise<void> = Promise.resolve();
  private loop: Promise<void> | null = null;

  constructor(readonly leaderId: number, private readonly address: () => BrokerAddress | undefined,
    private readonly settings: FetcherSettings, private readonly logger: Logger) {}

  get partitionCount(): number {
    return this.follows.size;
  }

  /** Starts (or restarts) following `partition` at its current leader epoch, beginning with truncation. */
  add(partition: Partition): void {
    const epoch = partition.log.leaderEpochs.latestEpoch;
    this.follows.set(partition.key, {
      partition,
      leaderEpoch: partition.leaderEpoch,
      fetchOffset: partition.log.logEndOffset,
      truncateEpoch: epoch,
      retryAtMs: 0,
      inSync: false,
    });
    if (!this.loop) this.loop = this.run();
    this.wakeUp();
  }

  /** Stops following; resolves once no append for it is in progress. */
  async remove(key: string): Promise<void> {
    this.follows.delete(key);
    await this.processing;
  }

  has(key: string): boolean {
    return this.follows.has(key);
  }

  async shutdown(): Promise<void> {
    this.stopped = true;
    this.wakeUp();
    this.connection?.close();
    await this.loop;
  }

  private wakeUp(): void {
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => { this.wake = null; resolve(); }, ms);
      this.wake = () => { clearTimeout(timer); resolve(); };
    });
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      // One pass per round (a round per fetch answer, so per produce request under acks=all).
      const now = Date.now();
      const ready: FollowState[] = [];
      let truncating = false;
      let next = Infinity;
      for (const f of this.follows.values()) {
        if (f.retryAtMs > now) next = Math.min(next, f.retryAtMs);
        else {
          ready.push(f);
          if (f.truncateEpoch !== null) truncating = true;
        }
      }
      if (ready.length === 0) {
        await this.sleep(Number.isFinite(next) ? Math.max(1, next - now) : 60_000);
        continue;
      }
      try {
        const connection = await this.connect();
        if (truncating) await this.truncate(connection, ready.filter((f) => f.truncateEpoch !== null));
        const allowed: FollowState[] = [];
        let held = false;
        for (const f of ready) {
          if (f.truncateEpoch !== null || this.follows.get(f.partition.key) !== f) continue;
          if (this.throttled(f)) held = true;
          else allowed.push(f);
        }
        if (allowed.length > 0) await this.fetch(connection, allowed);
        // Everything left is held back by the follower throttle: Kafka backs off as for an empty fetch.
        else if (held) await this.sleep(this.settings.backoffMs);
      } catch (err) {
        if (this.stopped) break;
        this.logger.warn(`Fetcher for leader ${this.leaderId}: ${(err as Error).message}; retrying in ${this.settings.backoffMs} ms`);
        this.connection?.close();
        this.connection = null;
        await this.sleep(this.settings.backoffMs);
      }
    }
  }

  /** Kafka's shouldFollowerThrottle: a lagging throttled replica while the follower quota is exceeded. */
  private throttled(f: FollowState): boolean {
    const quota = this.settings.followerQuota;
    return quota !== undefined && !f.inSync && quota.isThrottled(f.partition.topic, f.partition.partition) && quota.isQuotaExceeded();
  }

  private async connect(): Promise<Connection> {
    if (this.connection && !this.connection.isConnected) {
      this.connection.close();
      this.connection = null;
    }
    if (this.connection) return this.connection;
    const address = this.address();
    if (!address) throw new SamsaError(ErrorCode.LEADER_NOT_AVAILABLE, `no address known for broker ${this.leaderId}`);
    const connection = new Connection({
      host: address.host, port: address.port, clientId: `samsa-replica-fetcher-${this.settings.brokerId}`,
      requestTimeoutMs: this.settings.requestTimeoutMs + this.settings.fetchWaitMaxMs,
      security: this.settings.security,
    });
    await connection.connect();
    this.connection = connection;
    return connection;
  }

  /** Serialises response handling with `remove`, so removal waits for an append under way. */
  private track<T>(work: Promise<T>): Promise<T> {
    const done = work.then(() => undefined, () => undefined);
    this.processing = this.processing.then(() => done);
    return work;
  }

  private async truncate(connection: Connection, follows: FollowState[]): Promise<void> {
    const resp = await connection.send(Api.OffsetForLeaderEpoch, {
      replicaId: this.settings.brokerId,
      topics: groupByTopic(follows, (f) => ({ partition: f.partition.partition, currentLeaderEpoch: f.leaderEpoch, leaderEpoch: f.truncateEpoch as number })),
    });
    await this.track(this.applyTruncations(resp, follows));
  }

  private async applyTruncations(resp: OffsetForLeaderEpochResponseData, follows: FollowState[]): Promise<void> {
    for (const f of follows) {
      if (this.follows.get(f.partition.key) !== f) continue;
      const answer = findAnswer(resp, f.partition.topic, f.partition.partition);
      if (!answer || answer.errorCode !== 0) {
        this.backOff(f, answer?.errorCode ?? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION.code, 'OffsetForLeaderEpoch');
        continue;
      }
      await this.applyTruncation(f, answer.leaderEpoch, answer.endOffset);
    }
  }

  private async applyTruncation(f: FollowState, leaderEpoch: number, endOffset: number): Promise<void> {
    const log = f.partition.log;
    const requested = f.truncateEpoch as number;
    const decision = followerTruncation({ entries: log.leaderEpochs.entries(), logEndOffset: log.logEndOffset, logStartOffset: log.logStartOffset },
      requested, { leaderEpoch, endOffset });
    if ('askAgainWithEpoch' in decision) {
      f.truncateEpoch = decision.askAgainWithEpoch;
      return;
    }
    const truncateTo = decision.truncateTo;
    if (truncateTo < log.logEndOffset) {
      this.logger.info(`${f.partition.key}: truncating to ${truncateTo} (log end ${log.logEndOffset}) after OffsetForLeaderEpoch(${requested}) = (${leaderEpoch}, ${endOffset}) from leader ${this.leaderId}`);
      await log.truncateTo(truncateTo);
      f.partition.clampHighWatermark();
    }
    f.fetchOffset = log.logEndOffset;
    f.truncateEpoch = null;
  }

  private async fetch(connection: Connection, follows: FollowState[]): Promise<void> {
    const resp = await connection.send(Api.Fetch, {
      replicaId: this.settings.brokerId,
      maxWaitMs: this.settings.fetchWaitMaxMs,
      minBytes: this.settings.fetchMinBytes,
      maxBytes: Math.max(this.settings.fetchMaxBytes, 10 * 1024 * 1024),
      isolationLevel: 0,
      topics: groupByTopic(follows, (f) => ({
        partition: f.partition.partition, currentLeaderEpoch: f.leaderEpoch, fetchOffset: f.fetchOffset,
        logStartOffset: f.partition.log.logStartOffset, partitionMaxBytes: this.settings.fetchMaxBytes,
      })),
    });
    await this.track(this.applyFetch(resp, follows));
  }

  /**
   * Applies every partition of the answer at once: each goes to its own log, so their writes
   * overlap instead of queueing one disk round trip behind another, and the next fetch (which
   * tells the leader our new log ends and so completes its acks=all produces) leaves sooner.
   */
  private async applyFetch(resp: FetchResponseData, follows: FollowState[]): Promise<void> {
    const byKey = new Map<string, FollowState>();
    for (const f of follows) byKey.set(f.partition.key, f);
    const work: Array<Promise<void>> = [];
    for (const topic of resp.topics) {
      for (const p of topic.partitions) {
        const f = byKey.get(partitionKey(topic.name, p.partitionIndex));
        if (!f || this.follows.get(f.partition.key) !== f) continue;
        work.push(this.applyPartition(f, p).catch((err: unknown) => this.onApplyFailure(f, err)));
      }
    }
    if (work.length === 1) await work[0];
    else if (work.length > 1) await Promise.all(work);
  }

  private onApplyFailure(f: FollowState, err: unknown): void {
    if (isAssertionError(err)) this.logger.error(`${f.partition.key}: bug in follower append: ${err.stack}; re-checking divergence`);
    else this.logger.error(`${f.partition.key}: follower append failed: ${(err as Error).message}; re-checking divergence`);
    this.settings.onAppendFailure?.(f.partition, err);
    f.truncateEpoch = f.partition.log.leaderEpochs.latestEpoch;
    f.retryAtMs = Date.now() + this.settings.backoffMs;
  }

  private async applyPartition(f: FollowState, p: FetchResponseData['topics'][number]['partitions'][number]): Promise<void> {
    const log = f.partition.log;
    if (p.errorCode === ErrorCode.OFFSET_OUT_OF_RANGE.code) {
      if (p.logStartOffset >= 0 && f.fetchOffset < p.logStartOffset) {
        this.logger.info(`${f.partition.key}: behind the leader's log start ${p.logStartOffset}; restarting the log there`);
        await log.truncateFullyAndStartAt(p.logStartOffset);
        f.partition.clampHighWatermark();
        f.fetchOffset = p.logStartOffset;
      } else {
        f.truncateEpoch = log.leaderEpochs.latestEpoch;
      }
      return;
    }
    if (p.errorCode !== 0) {
      this.backOff(f, p.errorCode, 'Fetch');
      return;
    }
    if (p.records && p.records.length > 0) {
      const result = await log.append(p.records, { leaderEpoch: f.leaderEpoch, assignOffsets: false });
      if (result.lastOffset >= 0) f.fetchOffset = result.lastOffset + 1;
      if (this.settings.followerQuota?.isThrottled(f.partition.topic, f.partition.partition)) this.settings.followerQuota.record(p.records.length);
    }
    f.inSync = p.highWatermark >= 0 && f.fetchOffset >= p.highWatermark;
    f.partition.updateFollowerHighWatermark(p.highWatermark);
    // The leader's log start moved (DeleteRecords): drop the same records here, as far as this log reaches.
    const leaderStart = Math.min(p.logStartOffset, log.logEndOffset);
    if (leaderStart > log.logStartOffset) await log.advanceLogStartOffset(leaderStart);
  }

  private backOff(f: FollowState, errorCode: number, what: string): void {
    f.retryAtMs = Date.now() + this.settings.backoffMs;
    const level = WAIT_FOR_METADATA.has(errorCode) ? 'debug' : 'warn';
    this.logger[level](`${f.partition.key}: ${what} to leader ${this.leaderId} answered error ${errorCode}; retrying in ${this.settings.backoffMs} ms`);
  }
}

function groupByTopic<T>(follows: FollowState[], entry: (f: FollowState) => T): Array<{ name: string; partitions: T[] }> {
  const topics = new Map<string, T[]>();
  for (const f of follows) {
    let list = topics.get(f.partition.topic);
    if (!list) topics.set(f.partition.topic, (list = []));
    list.push(entry(f));
  }
  return [...topics].map(([name, partitions]) => ({ name, partitions }));
}

function findAnswer(resp: OffsetForLeaderEpochResponseData, topic: string, partition: number) {
  return resp.topics.find((t) => t.name === topic)?.partitions.find((p) => p.partition === partition);
}
