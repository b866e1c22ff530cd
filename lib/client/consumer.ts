/**
 * The public Consumer: subscribe as a group member or assign partitions, seek, poll records,
 * commit offsets, pause and resume partitions.
 *
 * poll() hands out buffered records (round-robin over partitions, at most maxPollRecords) and
 * keeps fetches going in the background (consumer-fetcher.ts) so the next records are usually
 * already here. Positions without a value are resolved in the background too
 * (consumer-positions.ts): the group's committed offset, else autoOffsetReset. With a groupId,
 * everything that talks to the group coordinator lives in consumer-group.ts; poll() first lets a
 * pending rebalance run (that is where the rebalance listener is called), then returns records of
 * the current assignment only. Its records then pass the deserializers and the interceptors'
 * onConsume (consumer-extensions.ts).
 */
import { ErrorCode } from '../protocol/errors';
import { ClientLogger, clientLogger } from './client-logger';
import { InvalidArgumentError, asSamsaError, closedError, userError } from './client-errors';
import { CONSUMER_METRIC_DEFS, ConsumerMetrics, ConsumerMetricsRecorder } from './client-metrics';
import { registerClientMetrics } from './client-metrics-registry';
import { ConnectionPool } from './connection-pool';
import { checkOffset, checkTopicPartition, sortPartitions } from './consumer-arguments';
import { missingGroupIdError, mixedSubscriptionError } from './consumer-errors';
import { ConsumerDelivery } from './consumer-extensions';
import { ConsumerDrain, RecordVisitor, firstOffsets } from './consumer-drain';
import { ConsumerFetcher } from './consumer-fetcher';
import { CommitCallback, ConsumerGroupClient, ConsumerGroupMetadata, ConsumerRebalanceListener } from './consumer-group';
import { ConsumerOptions, ResolvedConsumerOptions, consumerOptionsFromProperties, resolveConsumerOptions } from './consumer-options';
import { ConsumerPositions } from './consumer-positions';
import { offsetsForTimes, PartitionOffsetAndTimestamp, partitionKey } from './list-offsets';
import { MetadataCache, poolMetadataFetcher } from './metadata-cache';
import { MissingTopicWatch } from './missing-topic-watch';
import { TopicPartitionOffset } from './offset-committer';
import { ConsumerRecord, PartitionState, TopicPartition } from './partition-state';
import { PollSignal, yieldToIo } from './poll-signal';
import { SubscriptionState } from './subscription-state';
import { exponentialBackoffMs } from './retry-policy';
import { sleep } from '../util/time';

export type { ConsumerOptions } from './consumer-options';
export type { ConsumerRecord, TopicPartition } from './partition-state';
export type { CommitCallback, ConsumerGroupMetadata, ConsumerRebalanceListener } from './consumer-group';
export type { TopicPartitionOffset } from './offset-committer';
export type { ConsumerMetrics } from './client-metrics';
export type { RecordVisitor } from './consumer-drain';
export type { RecordView } from '../record/record-view';

/** A committed offset as committed() reports it; offset null when the group has none for the partition. */
export interface CommittedOffset extends TopicPartition {
  offset: number | null;
  metadata: string | null;
}

/** Kafka's default close timeout. */
const CLOSE_TIMEOUT_MS = 30000;

/** How many times partitionsFor() re-asks before believing that a topic does not exist. */
const UNKNOWN_TOPIC_ATTEMPTS = 3;

export class Consumer<K = Buffer, V = Buffer> {
  private readonly log: ClientLogger;
  private readonly options: ResolvedConsumerOptions;
  private readonly pool: ConnectionPool;
  private readonly metadata: MetadataCache;
  private readonly fetcher: ConsumerFetcher;
  private readonly positions: ConsumerPositions;
  private readonly missingTopics: MissingTopicWatch;
  /** Present with a groupId: membership, commits, the rebalance listener. */
  private readonly group: ConsumerGroupClient | null;
  private readonly subscriptions: SubscriptionState | null;
  private mode: 'none' | 'assigned' | 'subscribed' = 'none';
  /** Some subscribed topic does not exist yet: poll() wakes up to look for it. */
  private waitingForTopics = false;
  private states = new Map<string, PartitionState>();
  private stateList: PartitionState[] = [];
  /** Assigned partitions that are not paused: what gets fetched and returned. */
  private activeList: PartitionState[] = [];
  private readonly pausedKeys = new Set<string>();
  private readonly drainer = new ConsumerDrain();
  /** poll() calls waiting for records; each removes itself on timeout, so at most one per pending poll. */
  private readonly wakeups = new PollSignal();
  private closing = false;
  private closed = false;
  private readonly recorder: ConsumerMetricsRecorder;
  private readonly unregisterMetrics: () => void;
  private readonly delivery: ConsumerDelivery<K, V>;

  constructor(options: ConsumerOptions<K, V>) {
    this.log = clientLogger(options.logger, 'consumer');
    this.options = resolveConsumerOptions(options);
    this.delivery = new ConsumerDelivery(options, this.log);
    const o = this.options;
    this.pool = new ConnectionPool(o);
    this.recorder = new ConsumerMetricsRecorder(this.pool.traffic, () => this.lags());
    this.unregisterMetrics = o.metricsRegistry
      ? registerClientMetrics(o.metricsRegistry, 'consumer', o.clientId, CONSUMER_METRIC_DEFS, () => this.recorder.snapshot())
      : () => undefined;
    this.metadata = new MetadataCache(poolMetadataFetcher(this.pool), {
      metadataMaxAgeMs: o.metadataMaxAgeMs, retryBackoffMs: o.retryBackoffMs, retryBackoffMaxMs: o.retryBackoffMaxMs,
      allowAutoTopicCreation: false, onBrokers: (brokers) => this.pool.setNodes(brokers), logger: o.logger,
    });
    this.fetcher = new ConsumerFetcher(this.pool, this.metadata, o, () => this.wakeups.signal(), Date.now, this.recorder);
    this.missingTopics = new MissingTopicWatch(this.metadata, this.log);
    this.group = o.groupId === null ? null : new ConsumerGroupClient(this.pool, o, {
      assignment: () => this.assignment(),
      consumedOffsets: () => this.consumedOffsets(),
      applyAssignment: (partitions) => this.setAssignment(partitions),
      pause: (partitions) => this.pause(partitions),
      partitionCounts: (topics) => this.partitionCounts(topics),
      wakeup: () => this.wakeups.signal(),
      committed: (offsets) => this.delivery.interceptors.onCommit(offsets),
    }, this.recorder);
    const group = this.group;
    this.subscriptions = group && new SubscriptionState(group, this.metadata, o.excludeInternalTopics, this.log);
    const lookup = group && ((partitions: TopicPartition[]) => group.committed(partitions, Date.now() + o.requestTimeoutMs));
    this.positions = new ConsumerPositions(this.pool, this.metadata, o, lookup, () => this.wakeups.signal());
  }

  /** Kafka property names: bootstrap.servers, auto.offset.reset, fetch.min.bytes, ... */
  static fromProperties<K = Buffer, V = Buffer>(props: Record<string, string>): Consumer<K, V> {
    return new Consumer<K, V>(consumerOptionsFromProperties<K, V>(props));
  }

  async connect(): Promise<void> {
    this.ensureOpen();
    await this.metadata.refresh();
  }

  /** The topic's partition ids, sorted. Throws UNKNOWN_TOPIC_OR_PARTITION when the topic does not exist. */
  async partitionsFor(topic: string): Promise<number[]> {
    this.ensureOpen();
    for (let attempt = 1; ; attempt++) {
      try {
        const t = await this.metadata.waitForTopic(topic, this.options.requestTimeoutMs, true);
        return t.partitions.map((p) => p.partition).sort((a, b) => a - b);
      } catch (err) {
        const unknown = asSamsaError(err).code === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION.code;
        if (!unknown || attempt >= UNKNOWN_TOPIC_ATTEMPTS) throw err;
        // A topic created a moment ago may not have reached every broker's metadata yet.
        await sleep(exponentialBackoffMs(attempt - 1, this.options.retryBackoffMs, this.options.retryBackoffMaxMs));
        await this.metadata.refresh([topic]).catch(() => undefined);
      }
    }
  }

  /**
   * Joins the group (groupId) for a share of these topics' partitions, or of every topic a RegExp
   * matches whole (subscription-state.ts); the listener hears of revocations and assignments.
   */
  subscribe(topics: string[] | RegExp, listener: ConsumerRebalanceListener = {}): void {
    this.ensureOpen();
    if (!this.group || !this.subscriptions) throw missingGroupIdError();
    if (this.mode === 'assigned') throw mixedSubscriptionError();
    if (Array.isArray(topics) && topics.length === 0) {
      this.unsubscribe().catch((err: unknown) => this.log.warn(`Unsubscribing failed: ${asSamsaError(err).message}`));
      return;
    }
    this.subscriptions.subscribe(topics, listener);
    this.mode = 'subscribed';
  }

  /** The subscribed topics, sorted (empty when partitions are assigned manually). */
  subscription(): string[] {
    return this.group?.subscription() ?? [];
  }

  /** Leaves the group (after revoking) or drops a manual assignment. */
  async unsubscribe(): Promise<void> {
    this.ensureOpen();
    this.subscriptions?.stop();
    if (this.mode === 'subscribed' && this.group) await this.group.unsubscribe();
    this.setAssignment([]);
    this.mode = 'none';
  }

  /** Replaces the assignment. Partitions kept keep their position and buffered records. */
  assign(partitions: TopicPartition[]): void {
    this.ensureOpen();
    if (this.mode === 'subscribed') throw mixedSubscriptionError();
    for (const tp of partitions) checkTopicPartition(tp);
    this.setAssignment(partitions);
    this.mode = partitions.length === 0 ? 'none' : 'assigned';
  }

  private setAssignment(partitions: readonly TopicPartition[]): void {
    const next = new Map<string, PartitionState>();
    const added: PartitionState[] = [];
    for (const tp of partitions) {
      const key = partitionKey(tp.topic, tp.partition);
      let state = this.states.get(key);
      if (!state) {
        state = new PartitionState(tp.topic, tp.partition);
        added.push(state);
      }
      next.set(key, state);
    }
    for (const [key, state] of this.states) {
      if (!next.has(key)) {
        state.assigned = false;
        state.moveTo(null, null);
        this.pausedKeys.delete(key);
      }
    }
    this.states = next;
    this.stateList = [...next.values()];
    this.refreshActive();
    this.positions.startFromCommitted(added);
    this.metadata.track(new Set(partitions.map((tp) => tp.topic)));
    this.wakeups.signal();
  }

  private refreshActive(): void {
    this.activeList = this.stateList.filter((s) => !this.pausedKeys.has(partitionKey(s.topic, s.partition)));
  }

  /** Stops fetching and returning records of these (assigned) partitions until resume(). */
  pause(partitions: TopicPartition[]): void {
    for (const tp of partitions) {
      this.assigned(tp, 'pause');
      this.pausedKeys.add(partitionKey(tp.topic, tp.partition));
    }
    this.refreshActive();
  }

  resume(partitions: TopicPartition[]): void {
    for (const tp of partitions) {
      this.assigned(tp, 'resume');
      this.pausedKeys.delete(partitionKey(tp.topic, tp.partition));
    }
    this.refreshActive();
    this.wakeups.signal();
  }

  paused(): TopicPartition[] {
    return sortPartitions(this.stateList.filter((s) => this.pausedKeys.has(partitionKey(s.topic, s.partition))));
  }

  assignment(): TopicPartition[] {
    return sortPartitions(this.stateList);
  }

  /** Moves the position; 'earliest'/'latest' are looked up on the next poll() or position(). */
  seek(tp: TopicPartition, offset: number | 'earliest' | 'latest'): void {
    const state = this.assigned(tp, 'seek');
    if (offset === 'earliest' || offset === 'latest') {
      state.moveTo(null, offset);
    } else {
      if (!Number.isSafeInteger(offset) || offset < 0) {
        throw new InvalidArgumentError(`Seek offset must not be a negative number: ${offset}`);
      }
      state.moveTo(offset, null);
    }
    this.wakeups.signal();
  }

  /** The offset of the next record poll() will return for this partition. */
  async position(tp: TopicPartition): Promise<number> {
    const state = this.assigned(tp, 'check the position for');
    const deadline = Date.now() + this.options.requestTimeoutMs;
    for (;;) {
      this.ensureOpen();
      if (state.error) this.raise(state);
      if (state.position !== null && state.reset === null) return state.position;
      if (Date.now() >= deadline) {
        throw userError(ErrorCode.REQUEST_TIMED_OUT, `Timeout of ${this.options.requestTimeoutMs} ms expired before the position for partition ${tp.topic}-${tp.partition} could be determined`);
      }
      const running = this.positions.start(this.stateList);
      if (running) await running;
      else await sleep(Math.max(1, Math.min(state.retryAtMs - Date.now(), this.options.retryBackoffMs)));
    }
  }

  /**
   * Kafka's offsetsForTimes: for each partition, the earliest offset whose record timestamp is at
   * or after the given one and that record's timestamp, or null when there is none. Needs no
   * assignment; waits for unknown leaders up to `timeoutMs`.
   */
  async offsetsForTimes(timestamps: Array<TopicPartition & { timestamp: number }>, timeoutMs = this.options.defaultApiTimeoutMs): Promise<PartitionOffsetAndTimestamp[]> {
    this.ensureOpen();
    return offsetsForTimes(this.pool, this.metadata, timestamps, timeoutMs);
  }

  /**
   * Up to maxPollRecords records, waiting at most `timeoutMs` for some to arrive. In a group, a
   * pending rebalance runs first (the rebalance listener is called from here) and auto-commit
   * happens here too.
   */
  async poll(timeoutMs: number): Promise<ConsumerRecord<K, V>[]> {
    const records = await this.awaitRecords(timeoutMs, () => this.drainer.records(this.activeList, this.options.maxPollRecords), (r) => r.length, []);
    return records.length === 0 ? [] : this.delivery.deliver(records, (unseen) => this.rewindTo(unseen));
  }

  /**
   * poll() without building records: each record goes to `visit` as one reused RecordView, valid
   * during the call only (key()/value()/headers() make views on demand). Returns how many. A visit
   * that throws ends the call; its record counts as consumed. Buffer keys/values and no interceptors only.
   */
  async pollEach(timeoutMs: number, visit: RecordVisitor): Promise<number> {
    if (!this.delivery.passesBytes) throw new InvalidArgumentError('pollEach() hands out the fetched bytes: with deserializers or interceptors, use poll()');
    return this.awaitRecords(timeoutMs, () => this.drainer.visit(this.activeList, this.options.maxPollRecords, visit), (n) => n, 0);
  }

  /** The loop behind poll() and pollEach(): `take` hands out buffered records; waits for fetches while there are none. */
  private async awaitRecords<T>(timeoutMs: number, take: () => T, count: (taken: T) => number, none: T): Promise<T> {
    this.ensureOpen();
    const deadline = Date.now() + Math.max(0, timeoutMs);
    // Answers are read in the event loop's I/O phase, which a caller polling buffered records in a tight loop never reaches.
    if (this.fetcher.inFlight) await yieldToIo();
    for (;;) {
      if (this.group && !(await this.pollGroup(deadline))) {
        if (Date.now() >= deadline || this.closing) return none;
        continue;
      }
      this.positions.start(this.activeList);
      this.throwPendingError();
      const taken = take();
      let recheckAtMs = this.fetcher.sendFetches(this.activeList);
      const n = count(taken);
      if (n > 0) {
        this.recorder.polled(n);
        return taken;
      }
      const now = Date.now();
      if (now >= deadline || this.closed) return none;
      // A subscribed topic that does not exist yet is looked for again after the retry backoff.
      if (this.waitingForTopics) recheckAtMs = Math.min(recheckAtMs, now + this.options.retryBackoffMs);
      await this.wakeups.wait(Math.max(1, Math.min(deadline, recheckAtMs) - now));
    }
  }

  /** The group's part of a poll: settle membership, surface listener errors, auto-commit. False while not ready. */
  private async pollGroup(deadline: number): Promise<boolean> {
    const group = this.group as ConsumerGroupClient;
    if (this.closing) return false;
    // Every round of a long poll counts as polling, as in Kafka: only time spent outside poll() is held against max.poll.interval.ms.
    group.recordPoll(Date.now());
    if (this.mode === 'subscribed') {
      await this.subscriptions?.beforeGroupStep(deadline);
      const ready = await group.ensureActive(deadline);
      const listenerError = group.takeListenerError();
      if (listenerError) throw listenerError;
      if (!ready) return false;
      this.metadata.maybeRefresh();
      this.subscriptions?.afterMetadataCheck();
      this.waitingForTopics = this.missingTopics.check(group.subscription()).length > 0;
      group.coordinator.checkPartitionCounts((topic) => this.metadata.partitionCount(topic));
    }
    group.maybeAutoCommit(Date.now());
    return true;
  }

  /**
   * Commits offsets (default: the position of every assigned partition, i.e. everything poll()
   * returned), retrying until committed or `timeoutMs` (default.api.timeout.ms) passes.
   */
  async commitSync(offsets?: TopicPartitionOffset[], timeoutMs = this.options.defaultApiTimeoutMs): Promise<void> {
    const group = this.requireGroup();
    await group.commitSync(offsets?.map(checkOffset), Date.now() + timeoutMs);
  }

  /** Commits once without retrying; `callback` (if any) gets the outcome, otherwise failures are logged. */
  commitAsync(offsets?: TopicPartitionOffset[], callback?: CommitCallback): void {
    const group = this.requireGroup();
    group.commitAsync(offsets?.map(checkOffset), callback);
  }

  /** The group, generation and member id, for a transactional producer's sendOffsetsToTransaction. */
  groupMetadata(): ConsumerGroupMetadata {
    this.ensureOpen();
    return this.requireGroup().groupMetadata();
  }

  /** The group's committed offsets for these partitions, in the order asked. */
  async committed(partitions: TopicPartition[], timeoutMs = this.options.defaultApiTimeoutMs): Promise<CommittedOffset[]> {
    const group = this.requireGroup();
    partitions.forEach(checkTopicPartition);
    const offsets = await group.committed(partitions, Date.now() + timeoutMs);
    return partitions.map((tp) => {
      const c = offsets.get(partitionKey(tp.topic, tp.partition));
      return { topic: tp.topic, partition: tp.partition, offset: c?.offset ?? null, metadata: c?.metadata ?? null };
    });
  }

  [Symbol.asyncIterator](): AsyncIterator<ConsumerRecord<K, V>> {
    let batch: ConsumerRecord<K, V>[] = [];
    let index = 0;
    return {
      next: async (): Promise<IteratorResult<ConsumerRecord<K, V>>> => {
        while (index >= batch.length) {
          if (this.closed) return { done: true, value: undefined };
          batch = await this.poll(1000);
          index = 0;
        }
        return { done: false, value: batch[index++] };
      },
      return: async (): Promise<IteratorResult<ConsumerRecord<K, V>>> => {
        // Records polled but not yet yielded were never seen by the application: rewind to them.
        this.rewindTo(batch.slice(index));
        batch = [];
        return { done: true, value: undefined };
      },
    };
  }

  /**
   * With a group: commits (auto-commit), revokes (the listener hears of it) and leaves the group,
   * all within `timeoutMs`. Then closes every connection.
   */
  async close(timeoutMs = CLOSE_TIMEOUT_MS): Promise<void> {
    if (this.closed || this.closing) return;
    this.closing = true;
    try {
      await this.group?.close(Date.now() + timeoutMs);
    } catch (err) {
      this.log.warn(`Closing the group membership failed: ${asSamsaError(err).message}`);
    } finally {
      this.closed = true;
      this.delivery.interceptors.close();
      this.wakeups.signal();
      this.unregisterMetrics();
      this.pool.close();
    }
  }

  /**
   * Kafka's consumer metrics by name (records-consumed-total, fetch-latency-avg, records-lag-max,
   * rebalance-total, commit-latency-avg, ...), as numbers now; docs/operations.md lists them.
   */
  metrics(): ConsumerMetrics {
    return this.recorder.snapshot();
  }

  /** Each assigned partition's lag: its last fetch's high watermark minus the current position. */
  private *lags(): Iterable<number> {
    for (const state of this.stateList) {
      if (state.position !== null && state.highWatermark >= 0) yield Math.max(0, state.highWatermark - state.position);
    }
  }

  private ensureOpen(): void {
    if (this.closed) throw closedError('the consumer');
  }

  private requireGroup(): ConsumerGroupClient {
    this.ensureOpen();
    if (!this.group) throw missingGroupIdError();
    return this.group;
  }

  private consumedOffsets(): TopicPartitionOffset[] {
    const out: TopicPartitionOffset[] = [];
    for (const s of this.stateList) if (s.position !== null && s.reset === null) out.push({ topic: s.topic, partition: s.partition, offset: s.position, metadata: '' });
    return out;
  }

  /** Partition counts for the group leader's assignor, from a fresh metadata answer. */
  private async partitionCounts(topics: readonly string[]): Promise<Map<string, number>> {
    // As Kafka's leader (ensureFreshMetadata): a current view that knows every topic is used as it is. A refresh
    // here would wait out the metadata backoff after connect()'s request, ~80 ms of every first join.
    const known = this.metadata.fresh && topics.every((t) => (this.metadata.partitionCount(t) ?? 0) > 0);
    if (!known) await this.metadata.refresh(topics).catch((err: unknown) => this.log.warn(`Metadata for the assignment could not be refreshed: ${asSamsaError(err).message}`));
    const counts = new Map<string, number>();
    for (const t of topics) {
      const n = this.metadata.partitionCount(t);
      if (n !== undefined && n > 0) counts.set(t, n);
    }
    return counts;
  }

  private assigned(tp: TopicPartition, action: string): PartitionState {
    this.ensureOpen();
    const state = this.states.get(partitionKey(tp.topic, tp.partition));
    if (!state) {
      throw new InvalidArgumentError(`You can only ${action} partitions assigned to this consumer; ${tp.topic}-${tp.partition} is not assigned.`);
    }
    return state;
  }

  private raise(state: PartitionState): never {
    const err = state.error as Error;
    state.error = null;
    throw err;
  }

  private throwPendingError(): void {
    for (const state of this.activeList) if (state.error) this.raise(state);
  }

  private rewindTo(unseen: readonly { topic: string; partition: number; offset: number }[]): void {
    for (const [key, offset] of firstOffsets(unseen)) if (!this.closed) this.states.get(key)?.moveTo(offset, null);
  }

  /** How many poll() calls are parked waiting for records (tests check that timeouts leave none behind). */
  get parkedPolls(): number {
    return this.wakeups.parked;
  }
}
