/**
 * The public Consumer: assign partitions, seek, poll records.
 *
 * poll() hands out buffered records (round-robin over partitions, at most maxPollRecords) and
 * keeps fetches going in the background (consumer-fetcher.ts) so the next records are usually
 * already here. Positions without a value are resolved in the background too, with ListOffsets,
 * following seek() or autoOffsetReset ('none' makes poll() throw OFFSET_OUT_OF_RANGE).
 * Group membership (groupId) is accepted and not used yet.
 */
import { ErrorCode } from '../protocol/errors';
import { getLogger } from '../util/logger';
import { asSamsaError, closedError, userError } from './client-errors';
import { ConnectionPool } from './connection-pool';
import { ConsumerFetcher } from './consumer-fetcher';
import { ConsumerOptions, ResolvedConsumerOptions, consumerOptionsFromProperties, resolveConsumerOptions } from './consumer-options';
import { listOffsets, partitionKey } from './list-offsets';
import { MetadataCache, poolMetadataFetcher } from './metadata-cache';
import { ConsumerRecord, PartitionState, ResetSpec, TopicPartition } from './partition-state';
import { exponentialBackoffMs, sleep } from './retry-policy';

export type { ConsumerOptions } from './consumer-options';
export type { ConsumerRecord, TopicPartition } from './partition-state';

const log = getLogger('consumer');

/** How many times partitionsFor() re-asks before believing that a topic does not exist. */
const UNKNOWN_TOPIC_ATTEMPTS = 3;

export class Consumer {
  private readonly options: ResolvedConsumerOptions;
  private readonly pool: ConnectionPool;
  private readonly metadata: MetadataCache;
  private readonly fetcher: ConsumerFetcher;
  private states = new Map<string, PartitionState>();
  private stateList: PartitionState[] = [];
  private drainStart = 0;
  private waiters: Array<() => void> = [];
  private resetting: Promise<void> | null = null;
  private resetFailures = 0;
  private closed = false;

  constructor(options: ConsumerOptions) {
    this.options = resolveConsumerOptions(options);
    const o = this.options;
    this.pool = new ConnectionPool(o);
    this.metadata = new MetadataCache(poolMetadataFetcher(this.pool), {
      metadataMaxAgeMs: o.metadataMaxAgeMs, retryBackoffMs: o.retryBackoffMs, retryBackoffMaxMs: o.retryBackoffMaxMs,
      allowAutoTopicCreation: false, onBrokers: (brokers) => this.pool.setNodes(brokers),
    });
    this.fetcher = new ConsumerFetcher(this.pool, this.metadata, o, () => this.signal());
  }

  /** Kafka property names: bootstrap.servers, auto.offset.reset, fetch.min.bytes, ... */
  static fromProperties(props: Record<string, string>): Consumer {
    return new Consumer(consumerOptionsFromProperties(props));
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

  /** Replaces the assignment. Partitions kept keep their position and buffered records. */
  assign(partitions: TopicPartition[]): void {
    this.ensureOpen();
    const next = new Map<string, PartitionState>();
    for (const tp of partitions) {
      checkTopicPartition(tp);
      const key = partitionKey(tp.topic, tp.partition);
      next.set(key, this.states.get(key) ?? new PartitionState(tp.topic, tp.partition));
    }
    for (const [key, state] of this.states) {
      if (!next.has(key)) {
        state.assigned = false;
        state.moveTo(null, null);
      }
    }
    this.states = next;
    this.stateList = [...next.values()];
    this.metadata.track(new Set(partitions.map((tp) => tp.topic)));
    this.signal();
  }

  assignment(): TopicPartition[] {
    return this.stateList
      .map((s) => ({ topic: s.topic, partition: s.partition }))
      .sort((a, b) => (a.topic === b.topic ? a.partition - b.partition : a.topic < b.topic ? -1 : 1));
  }

  /** Moves the position; 'earliest'/'latest' are looked up on the next poll() or position(). */
  seek(tp: TopicPartition, offset: number | 'earliest' | 'latest'): void {
    const state = this.assigned(tp, 'seek');
    if (offset === 'earliest' || offset === 'latest') {
      state.moveTo(null, offset);
    } else {
      if (!Number.isSafeInteger(offset) || offset < 0) {
        throw userError(ErrorCode.OFFSET_OUT_OF_RANGE, `Seek offset must not be a negative number: ${offset}`);
      }
      state.moveTo(offset, null);
    }
    this.signal();
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
      const running = this.startResets();
      if (running) await running;
      else await sleep(Math.max(1, Math.min(state.retryAtMs - Date.now(), this.options.retryBackoffMs)));
    }
  }

  /** Up to maxPollRecords records, waiting at most `timeoutMs` for some to arrive. */
  async poll(timeoutMs: number): Promise<ConsumerRecord[]> {
    this.ensureOpen();
    const deadline = Date.now() + Math.max(0, timeoutMs);
    for (;;) {
      this.startResets();
      this.throwPendingError();
      const records = this.drain();
      const recheckAtMs = this.fetcher.sendFetches(this.stateList);
      if (records.length > 0) return records;
      const now = Date.now();
      if (now >= deadline || this.closed) return [];
      await this.waitForSignal(Math.max(1, Math.min(deadline, recheckAtMs) - now));
    }
  }

  [Symbol.asyncIterator](): AsyncIterator<ConsumerRecord> {
    let batch: ConsumerRecord[] = [];
    let index = 0;
    return {
      next: async (): Promise<IteratorResult<ConsumerRecord>> => {
        while (index >= batch.length) {
          if (this.closed) return { done: true, value: undefined };
          batch = await this.poll(1000);
          index = 0;
        }
        return { done: false, value: batch[index++] };
      },
      return: async (): Promise<IteratorResult<ConsumerRecord>> => {
        // Records polled but not yet yielded were never seen by the application: rewind to them.
        this.rewindTo(batch.slice(index));
        batch = [];
        return { done: true, value: undefined };
      },
    };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.signal();
    this.pool.close();
  }

  private ensureOpen(): void {
    if (this.closed) throw closedError('the consumer');
  }

  private assigned(tp: TopicPartition, action: string): PartitionState {
    this.ensureOpen();
    const state = this.states.get(partitionKey(tp.topic, tp.partition));
    if (!state) {
      throw userError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `You can only ${action} partitions assigned to this consumer; ${tp.topic}-${tp.partition} is not assigned.`);
    }
    return state;
  }

  private raise(state: PartitionState): never {
    const err = state.error as Error;
    state.error = null;
    throw err;
  }

  private throwPendingError(): void {
    for (const state of this.stateList) if (state.error) this.raise(state);
  }

  /** Round-robin over partitions so one busy partition cannot starve the others. */
  private drain(): ConsumerRecord[] {
    const out: ConsumerRecord[] = [];
    const n = this.stateList.length;
    if (n === 0) return out;
    const start = this.drainStart % n;
    for (let i = 0; i < n && out.length < this.options.maxPollRecords; i++) {
      const state = this.stateList[(start + i) % n];
      if (state.buffered > 0 && state.reset === null) state.take(this.options.maxPollRecords - out.length, out);
    }
    this.drainStart = start + 1;
    return out;
  }

  private rewindTo(unseen: readonly ConsumerRecord[]): void {
    const first = new Map<string, number>();
    for (const r of unseen) {
      const key = partitionKey(r.topic, r.partition);
      if (!first.has(key)) first.set(key, r.offset);
    }
    for (const [key, offset] of first) {
      const state = this.states.get(key);
      if (state && !this.closed) state.moveTo(offset, null);
    }
  }

  /** Starts one background ListOffsets round for partitions that need a position; returns it (or null). */
  private startResets(): Promise<void> | null {
    if (this.resetting) return this.resetting;
    const now = Date.now();
    const due: Array<{ state: PartitionState; epoch: number; spec: ResetSpec }> = [];
    for (const state of this.stateList) {
      if (state.error || state.retryAtMs > now || (state.position !== null && state.reset === null)) continue;
      if (state.reset === null) {
        if (this.options.autoOffsetReset === 'none') {
          state.error = userError(ErrorCode.OFFSET_OUT_OF_RANGE,
            `No offset for partition ${state.topic}-${state.partition} and auto.offset.reset is none; seek() to set a position.`);
          continue;
        }
        state.reset = this.options.autoOffsetReset;
      }
      due.push({ state, epoch: state.epoch, spec: state.reset });
    }
    if (due.length === 0) return null;
    const queries = due.map(({ state, spec }) => ({ topic: state.topic, partition: state.partition, spec }));
    this.resetting = listOffsets(this.pool, this.metadata, queries, this.options.requestTimeoutMs).then(
      (offsets) => {
        this.resetFailures = 0;
        for (const { state, epoch } of due) {
          const offset = offsets.get(partitionKey(state.topic, state.partition));
          if (offset === undefined || state.epoch !== epoch || !state.assigned) continue;
          state.moveTo(offset, null);
        }
      },
      (err: unknown) => {
        const e = asSamsaError(err);
        log.debug(`offset lookup failed: ${e.message}`);
        const retryAt = Date.now() + exponentialBackoffMs(this.resetFailures++, this.options.retryBackoffMs, this.options.retryBackoffMaxMs);
        for (const { state, epoch } of due) {
          if (state.epoch !== epoch) continue;
          if (e.retriable || this.closed) state.retryAtMs = retryAt;
          else state.error = e;
        }
      },
    ).finally(() => {
      this.resetting = null;
      this.signal();
    });
    return this.resetting;
  }

  private signal(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  private waitForSignal(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.waiters.push(done);
    });
  }
}

function checkTopicPartition(tp: TopicPartition): void {
  if (!tp || typeof tp.topic !== 'string' || tp.topic.length === 0 || !Number.isInteger(tp.partition) || tp.partition < 0) {
    throw userError(ErrorCode.INVALID_REQUEST, `Invalid topic partition: ${JSON.stringify(tp)}`);
  }
}
