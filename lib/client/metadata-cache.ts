/**
 * The client's view of the cluster: brokers by id, and for each topic the client uses, its
 * partitions and their leaders. Producers and consumers route every request through it.
 *
 * Refreshes happen on demand (a topic seen for the first time), after errors that mean the view
 * is stale (NOT_LEADER_FOR_PARTITION, UNKNOWN_TOPIC_OR_PARTITION, LEADER_NOT_AVAILABLE,
 * NETWORK_EXCEPTION) and once the data is older than metadataMaxAgeMs. Concurrent refreshes are
 * coalesced: callers share the request in flight when it covers their topics, or the single one
 * queued behind it otherwise, so a burst of errors costs one Metadata request, not hundreds.
 */
import { isAuthenticationError } from '../security/sasl/sasl-errors';
import { Api } from '../protocol/api';
import { ErrorCode, SamsaError } from '../protocol/errors';
import { MetadataResponseData } from '../protocol/messages/metadata';
import { ClientLogger, clientLogger } from './client-logger';
import { ConnectionPool, NodeAddress } from './connection-pool';
import { TopicAuthorizationError, userError } from './client-errors';
import { exponentialBackoffMs, needsMetadataRefresh } from './retry-policy';
import { sleep } from '../util/time';

export interface PartitionMetadata {
  partition: number;
  errorCode: number;
  /** -1 when the partition has no leader. */
  leader: number;
  leaderEpoch: number;
  replicas: number[];
  isr: number[];
  offlineReplicas: number[];
}

export interface TopicMetadata {
  name: string;
  errorCode: number;
  internal: boolean;
  /** Sorted by partition id; index i holds partition i when the broker reports every partition. */
  partitions: PartitionMetadata[];
}

export interface BrokerMetadata extends NodeAddress {
  rack: string | null;
}

/** Sends one Metadata request; `topics: null` asks for every topic. */
export type MetadataFetcher = (topics: string[] | null, allowAutoTopicCreation: boolean) => Promise<MetadataResponseData>;

export interface MetadataCacheOptions {
  metadataMaxAgeMs: number;
  retryBackoffMs: number;
  retryBackoffMaxMs: number;
  /** Producers ask the broker to auto-create topics they write to (if the broker allows it). */
  allowAutoTopicCreation: boolean;
  now?: () => number;
  /** Called with the broker list after every successful refresh (the pool's node map). */
  onBrokers?: (brokers: BrokerMetadata[]) => void;
  logger?: ClientLogger;
}

/** A Metadata fetcher over a pool: any broker will do, a second one is tried if the first dies mid-request. */
export function poolMetadataFetcher(pool: ConnectionPool): MetadataFetcher {
  return async (topics, allowAutoTopicCreation) => {
    let lastError: unknown;
    for (let attempt = 0; attempt < 2; attempt++) {
      const conn = await pool.anyConnection();
      try {
        return await conn.send(Api.Metadata, { topics, allowAutoTopicCreation });
      } catch (err) {
        lastError = err;
        if (!(err instanceof SamsaError) || err.code !== ErrorCode.NETWORK_EXCEPTION.code) throw err;
      }
    }
    throw lastError;
  };
}

export class MetadataCache {
  private readonly log: ClientLogger;
  private readonly topics = new Map<string, TopicMetadata>();
  /** Last per-topic error code for topics the broker did not describe usefully. */
  private readonly topicErrors = new Map<string, number>();
  private readonly brokers = new Map<number, BrokerMetadata>();
  private readonly interest = new Set<string>();
  /** A pattern subscription needs every topic: refreshes ask for all of them (topics: null). */
  private allTopics = false;
  private readonly now: () => number;
  private inFlight: Promise<void> | null = null;
  private inFlightTopics: ReadonlySet<string> = new Set();
  private inFlightAll = false;
  private queued: Promise<void> | null = null;
  private lastSuccessMs = -Infinity;
  private lastAttemptMs = -Infinity;
  private consecutiveFailures = 0;
  private stale = false;
  clusterId: string | null = null;
  controllerId = -1;
  /** Incremented on every successful refresh, so callers can tell whether routing may have changed. */
  version = 0;
  /** Number of Metadata requests sent (tests check coalescing with it). */
  requestsSent = 0;

  constructor(private readonly fetcher: MetadataFetcher, private readonly options: MetadataCacheOptions) {
    this.log = clientLogger(options.logger, 'client');
    this.now = options.now ?? Date.now;
  }

  /** Adds topics to the set every refresh asks about. */
  track(topics: Iterable<string>): void {
    for (const t of topics) this.interest.add(t);
  }

  /** Every refresh asks for all topics while on; topics the cluster no longer has are then dropped. */
  trackAllTopics(on: boolean): void {
    this.allTopics = on;
  }

  /** Every topic the cache knows, for matching a pattern against. */
  topicList(): TopicMetadata[] {
    return [...this.topics.values()];
  }

  untrack(topic: string): void {
    this.interest.delete(topic);
    this.topics.delete(topic);
    this.topicErrors.delete(topic);
  }

  /**
   * Refreshes metadata for the tracked topics plus `topics`. Joins the request in flight when it
   * covers them, otherwise the one queued behind it; at most one request is in flight at a time.
   */
  refresh(topics: readonly string[] = []): Promise<void> {
    this.track(topics);
    if (this.inFlight && (this.inFlightAll || topics.every((t) => this.inFlightTopics.has(t)))) return this.inFlight;
    if (this.queued) return this.queued;
    if (!this.inFlight) return this.start();
    const queued = this.inFlight.catch(() => undefined).then(() => {
      this.queued = null;
      return this.start();
    });
    this.queued = queued;
    return queued;
  }

  /** Marks the view stale and refreshes in the background; failures are logged, not thrown. */
  requestRefresh(): void {
    this.stale = true;
    this.refresh().catch((err: Error) => this.log.debug(`metadata refresh failed: ${err.message}`));
  }

  /** Refreshes in the background when the data is older than metadataMaxAgeMs or was marked stale. */
  maybeRefresh(): void {
    if (this.inFlight || this.queued) return;
    if (this.stale || this.now() - this.lastSuccessMs >= this.options.metadataMaxAgeMs) this.requestRefresh();
  }

  /** Whether the view is current: not marked stale, younger than metadataMaxAgeMs, no refresh under way. */
  get fresh(): boolean {
    return !this.stale && this.inFlight === null && this.queued === null && this.now() - this.lastSuccessMs < this.options.metadataMaxAgeMs;
  }

  /** Call with a per-partition or per-request error code; refreshes when the code means the routing changed. */
  onError(code: number): void {
    if (needsMetadataRefresh(code)) this.requestRefresh();
  }

  topic(name: string): TopicMetadata | undefined {
    return this.topics.get(name);
  }

  topicError(name: string): number | undefined {
    return this.topicErrors.get(name);
  }

  partitionCount(name: string): number | undefined {
    return this.topics.get(name)?.partitions.length;
  }

  /** The leader's node id, or -1 when unknown or leaderless. */
  leaderFor(topic: string, partition: number): number {
    const p = this.partitionMetadata(topic, partition);
    return p ? p.leader : -1;
  }

  partitionMetadata(topic: string, partition: number): PartitionMetadata | undefined {
    const partitions = this.topics.get(topic)?.partitions;
    if (!partitions) return undefined;
    const direct = partitions[partition];
    return direct && direct.partition === partition ? direct : partitions.find((p) => p.partition === partition);
  }

  broker(nodeId: number): BrokerMetadata | undefined {
    return this.brokers.get(nodeId);
  }

  brokerList(): BrokerMetadata[] {
    return [...this.brokers.values()].sort((a, b) => a.nodeId - b.nodeId);
  }

  /**
   * Waits until `topic` has partitions in the metadata, refreshing with backoff. Throws the last
   * topic error (UNKNOWN_TOPIC_OR_PARTITION when it does not exist) once `timeoutMs` has passed,
   * or at once when `failFastOnUnknown` is set and the broker says the topic does not exist.
   */
  async waitForTopic(topic: string, timeoutMs: number, failFastOnUnknown = false): Promise<TopicMetadata> {
    this.track([topic]);
    const deadline = this.now() + timeoutMs;
    for (;;) {
      const known = this.topics.get(topic);
      if (known && known.partitions.length > 0) return known;
      const code = this.topicErrors.get(topic);
      // No retry changes an ACL's answer: fail at once, as Kafka's clients do.
      if (code === ErrorCode.TOPIC_AUTHORIZATION_FAILED.code) throw new TopicAuthorizationError([topic]);
      if (failFastOnUnknown && code === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION.code) {
        throw userError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `Topic '${topic}' does not exist.`);
      }
      if (this.now() >= deadline) {
        const definition = code === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION.code ? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION : ErrorCode.REQUEST_TIMED_OUT;
        throw userError(definition, `Topic '${topic}' not present in metadata after ${timeoutMs} ms.`);
      }
      try {
        await this.refresh([topic]);
      } catch (err) {
        this.log.debug(`metadata refresh for ${topic} failed: ${(err as Error).message}`);
        if (this.now() >= deadline || isAuthenticationError(err)) throw err;
      }
    }
  }

  private start(): Promise<void> {
    const topics = this.allTopics ? null : [...this.interest];
    this.inFlightTopics = new Set(topics ?? []);
    this.inFlightAll = topics === null;
    const run = async (): Promise<void> => {
      const backoffMs = exponentialBackoffMs(this.consecutiveFailures, this.options.retryBackoffMs, this.options.retryBackoffMaxMs);
      const waitMs = this.lastAttemptMs + backoffMs - this.now();
      if (waitMs > 0) await sleep(waitMs);
      this.lastAttemptMs = this.now();
      this.requestsSent++;
      try {
        const response = await this.fetcher(topics, this.options.allowAutoTopicCreation);
        this.apply(response, topics === null);
        this.consecutiveFailures = 0;
      } catch (err) {
        this.consecutiveFailures++;
        throw err;
      }
    };
    const promise = run().finally(() => {
      if (this.inFlight === promise) this.inFlight = null;
    });
    this.inFlight = promise;
    return promise;
  }

  /** Folds a Metadata response into the cache. Exposed for callers that sent their own Metadata request. */
  apply(response: MetadataResponseData, allTopics = false): void {
    // An answer about every topic also tells which topics are gone (deleted).
    if (allTopics) {
      const present = new Set(response.topics.map((t) => t.name));
      for (const name of [...this.topics.keys()]) if (!present.has(name)) this.topics.delete(name);
    }
    this.brokers.clear();
    for (const b of response.brokers) this.brokers.set(b.nodeId, { nodeId: b.nodeId, host: b.host, port: b.port, rack: b.rack });
    this.clusterId = response.clusterId;
    this.controllerId = response.controllerId;
    let retryNeeded = false;
    for (const t of response.topics) {
      const known = new Map((this.topics.get(t.name)?.partitions ?? []).map((p) => [p.partition, p]));
      const partitions: PartitionMetadata[] = t.partitions
        .map((p) => {
          // KIP-320: an answer with an older leader epoch than one already seen comes from a broker
          // that missed the change (a leader cut off from the controller still names itself) and
          // must not send fetches and produces back to the old leader; keep the newer entry.
          const cached = known.get(p.partitionIndex);
          if (cached && p.leaderEpoch >= 0 && cached.leaderEpoch > p.leaderEpoch) {
            retryNeeded = true;
            return cached;
          }
          return {
            partition: p.partitionIndex, errorCode: p.errorCode, leader: p.leaderId, leaderEpoch: p.leaderEpoch,
            replicas: p.replicaNodes, isr: p.isrNodes, offlineReplicas: p.offlineReplicas,
          };
        })
        .sort((a, b) => a.partition - b.partition);
      if (t.errorCode !== 0 && partitions.length === 0) {
        this.topics.delete(t.name);
        this.topicErrors.set(t.name, t.errorCode);
        retryNeeded ||= t.errorCode !== ErrorCode.UNKNOWN_TOPIC_OR_PARTITION.code;
        continue;
      }
      this.topicErrors.delete(t.name);
      this.topics.set(t.name, { name: t.name, errorCode: t.errorCode, internal: t.isInternal, partitions });
      retryNeeded ||= partitions.some((p) => p.leader < 0);
    }
    this.lastSuccessMs = this.now();
    this.stale = retryNeeded;
    this.version++;
    this.options.onBrokers?.(this.brokerList());
  }
}
