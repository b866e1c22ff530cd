/**
 * The consumer's fetching side: one Fetch per partition leader covering every assigned
 * partition it leads that has a position and nothing buffered, at most one such fetch in flight
 * per leader. Because a partition becomes fetchable again as soon as poll() has taken its
 * buffered records, and poll() drains one partition at a time (consumer-drain.ts), the next fetch
 * is on the wire while the application processes the other partitions' records (Kafka's
 * pipelining). What bounds memory: per leader one answer in flight (fetch.max.bytes), and per
 * partition at most one answer's records buffered; buffered records are views into the answer's
 * bytes, so an answer lives until the last partition it fed is consumed.
 *
 * Answers are taken apart here: each partition's record set becomes a FetchedRecords (batch headers
 * checked now, records read when poll() reaches them; records below the fetch offset are skipped,
 * a partial trailing batch is ignored), and per-partition errors become a reset
 * (OFFSET_OUT_OF_RANGE), a metadata refresh with backoff (leader moved) or an error for poll().
 */
import { Api } from '../protocol/api';
import { ErrorCode, errorForCode } from '../protocol/errors';
import { CONSUMER_REPLICA_ID, FetchRequestData, FetchResponseData } from '../protocol/messages/produce-fetch';
import { AbortedTransaction } from './aborted-transactions';
import { ClientLogger, clientLogger } from './client-logger';
import { asSamsaError, authorizationError, responseError, userError } from './client-errors';
import { ConsumerMetricsRecorder } from './client-metrics';
import { ConnectionPool } from './connection-pool';
import { ResolvedConsumerOptions, isolationLevelId } from './consumer-options';
import { MetadataCache } from './metadata-cache';
import { FetchedRecords } from './fetched-records';
import { ConsumerRecord, PartitionState } from './partition-state';
import { exponentialBackoffMs, needsMetadataRefresh } from './retry-policy';

/** Largest partition fetch size the consumer grows to when a single batch does not fit. */
const MAX_FETCH_SIZE_FACTOR = 64;

const EMPTY = Buffer.alloc(0);

/** Every record poll() would hand out from a partition's record set, read eagerly (tests compare the lazy path with it). */
export function decodeFetchedRecords(
  topic: string, partition: number, records: Buffer | null, fetchOffset: number, aborted: readonly AbortedTransaction[] | null = null,
): { records: ConsumerRecord[]; nextOffset: number; partialBytes: number } {
  const fetched = new FetchedRecords(records ?? EMPTY, fetchOffset, aborted);
  const state = new PartitionState(topic, partition);
  state.moveTo(fetchOffset, null);
  const { nextOffset, partialBytes } = fetched;
  state.fill(fetched);
  const out: ConsumerRecord[] = [];
  state.take(Infinity, out);
  if (state.error) throw state.error;
  return { records: out, nextOffset, partialBytes };
}

interface InFlightPartition {
  state: PartitionState;
  epoch: number;
  fetchOffset: number;
}

export class ConsumerFetcher {
  private readonly log: ClientLogger;
  /** Leaders with a fetch in flight: at most one each. */
  private readonly inFlightNodes = new Set<number>();
  private failures = 0;
  private readonly readCommitted: boolean;

  constructor(
    private readonly pool: ConnectionPool,
    private readonly metadata: MetadataCache,
    private readonly options: ResolvedConsumerOptions,
    /** Called whenever a fetch finishes (with data or not), so a waiting poll() re-checks. */
    private readonly signal: () => void,
    private readonly now: () => number = Date.now,
    private readonly metrics?: ConsumerMetricsRecorder,
  ) {
    this.log = clientLogger(options.logger, 'consumer');
    this.readCommitted = options.isolationLevel === 'read_committed';
  }

  /** Whether some fetch is on the wire (its answer arrives in an I/O phase of the event loop). */
  get inFlight(): boolean {
    return this.inFlightNodes.size > 0;
  }

  /**
   * Sends a fetch to every leader with fetchable partitions and no fetch in flight. Returns the
   * earliest time a partition that is waiting (backoff, unknown leader) should be looked at again.
   */
  sendFetches(states: readonly PartitionState[]): number {
    const now = this.now();
    const byLeader = new Map<number, InFlightPartition[]>();
    let recheckAtMs = Infinity;
    for (const state of states) {
      if (!state.assigned || state.position === null || state.reset !== null || state.buffered > 0 || state.fetching || state.error) continue;
      if (state.retryAtMs > now) {
        recheckAtMs = Math.min(recheckAtMs, state.retryAtMs);
        continue;
      }
      const leader = this.metadata.leaderFor(state.topic, state.partition);
      if (leader < 0) {
        this.metadata.requestRefresh();
        recheckAtMs = Math.min(recheckAtMs, now + this.options.retryBackoffMs);
        continue;
      }
      if (this.inFlightNodes.has(leader)) continue;
      const list = byLeader.get(leader) ?? [];
      list.push({ state, epoch: state.epoch, fetchOffset: state.position });
      byLeader.set(leader, list);
    }
    for (const [leader, partitions] of byLeader) {
      if (this.wouldOnlyWait(partitions) && this.drainingOn(leader, states)) continue;
      void this.fetchFrom(leader, partitions);
    }
    return recheckAtMs;
  }

  /**
   * Whether every partition of a fetch has caught up with the end of its log at the last answer:
   * the broker then holds the fetch up to fetch.max.wait.ms (fetch.min.bytes not met), and as
   * only one fetch per leader is in flight, it would hold back the partitions that run dry in the
   * meantime with data waiting on the broker (a 500 ms stall each time; it made the consume rate
   * vary ×2 from run to run). Such a fetch waits until another partition of the leader needs one.
   */
  private wouldOnlyWait(partitions: readonly InFlightPartition[]): boolean {
    for (const { state, fetchOffset } of partitions) if (state.highWatermark < 0 || fetchOffset < state.highWatermark) return false;
    return true;
  }

  /** Whether a partition of `leader` still has records for poll() to hand out (and so will need a fetch soon). */
  private drainingOn(leader: number, states: readonly PartitionState[]): boolean {
    for (const state of states) {
      if (state.buffered > 0 && state.reset === null && !state.error && this.metadata.leaderFor(state.topic, state.partition) === leader) return true;
    }
    return false;
  }

  private buildRequest(partitions: readonly InFlightPartition[]): FetchRequestData {
    const topics = new Map<string, FetchRequestData['topics'][number]>();
    for (const { state, fetchOffset } of partitions) {
      const t = topics.get(state.topic) ?? { name: state.topic, partitions: [] };
      t.partitions.push({
        partition: state.partition, currentLeaderEpoch: -1, fetchOffset, logStartOffset: -1,
        partitionMaxBytes: Math.min(this.options.maxPartitionFetchBytes * state.fetchSizeFactor, 0x7fffffff),
      });
      topics.set(state.topic, t);
    }
    return {
      replicaId: CONSUMER_REPLICA_ID, maxWaitMs: this.options.fetchMaxWaitMs, minBytes: this.options.fetchMinBytes,
      maxBytes: this.options.fetchMaxBytes, isolationLevel: isolationLevelId(this.options.isolationLevel), topics: [...topics.values()],
    };
  }

  private async fetchFrom(leader: number, partitions: InFlightPartition[]): Promise<void> {
    this.inFlightNodes.add(leader);
    for (const p of partitions) p.state.fetching = true;
    try {
      const conn = await this.pool.forNode(leader);
      const metrics = this.metrics;
      const sentMs = metrics ? metrics.now() : 0;
      const response = await conn.send(Api.Fetch, this.buildRequest(partitions), {
        timeoutMs: this.options.requestTimeoutMs + this.options.fetchMaxWaitMs,
      });
      this.failures = 0;
      const fetched = this.handleResponse(partitions, response);
      metrics?.fetched(metrics.now() - sentMs, fetched.records, fetched.bytes);
    } catch (err) {
      const e = asSamsaError(err);
      this.log.debug(`fetch from broker ${leader} failed: ${e.message}`);
      this.failures++;
      if (e.retriable) this.metadata.requestRefresh();
      const retryAt = this.now() + exponentialBackoffMs(this.failures - 1, this.options.retryBackoffMs, this.options.retryBackoffMaxMs);
      for (const p of partitions) {
        if (p.state.epoch !== p.epoch) continue;
        if (e.retriable) p.state.retryAtMs = retryAt;
        else p.state.error = e;
      }
    } finally {
      this.inFlightNodes.delete(leader);
      for (const p of partitions) p.state.fetching = false;
      this.signal();
    }
  }

  /** Applies the answer; returns the records and record-set bytes it brought (for the metrics). */
  private handleResponse(partitions: readonly InFlightPartition[], response: FetchResponseData): { records: number; bytes: number } {
    const fetched = { records: 0, bytes: 0 };
    const byKey = new Map<string, InFlightPartition>();
    for (const p of partitions) byKey.set(`${p.state.topic}\u0000${p.state.partition}`, p);
    for (const t of response.topics) {
      for (const r of t.partitions) {
        const p = byKey.get(`${t.name}\u0000${r.partitionIndex}`);
        if (!p || p.state.epoch !== p.epoch || !p.state.assigned) continue;
        const code = r.errorCode !== 0 ? r.errorCode : response.errorCode;
        if (code !== 0) {
          this.onPartitionError(p, code);
        } else {
          // read_committed: lag and end offsets count up to the last stable offset, as Kafka's consumer does.
          const end = this.readCommitted && r.lastStableOffset >= 0 ? r.lastStableOffset : r.highWatermark;
          fetched.records += this.onPartitionData(p, r.records, end, this.readCommitted ? (r.abortedTransactions ?? []) : null);
          fetched.bytes += r.records?.length ?? 0;
        }
      }
    }
    return fetched;
  }

  /** Returns how many records were buffered for poll(). */
  private onPartitionData(p: InFlightPartition, records: Buffer | null, highWatermark: number, aborted: readonly AbortedTransaction[] | null): number {
    const { state, fetchOffset } = p;
    state.highWatermark = highWatermark;
    let fetched: FetchedRecords;
    try {
      fetched = new FetchedRecords(records ?? EMPTY, fetchOffset, aborted);
    } catch (err) {
      state.error = asSamsaError(err);
      return 0;
    }
    if (fetched.nextOffset === fetchOffset && fetched.partialBytes > 0) {
      // Not even one batch fit in max.partition.fetch.bytes: ask for more next time instead of stalling.
      state.fetchSizeFactor = Math.min(state.fetchSizeFactor * 2, MAX_FETCH_SIZE_FACTOR);
      return 0;
    }
    state.fetchSizeFactor = 1;
    const count = fetched.remaining;
    state.fill(fetched);
    return count;
  }

  private onPartitionError(p: InFlightPartition, code: number): void {
    const { state } = p;
    if (code === ErrorCode.OFFSET_OUT_OF_RANGE.code) {
      if (this.options.autoOffsetReset === 'none') {
        state.error = userError(ErrorCode.OFFSET_OUT_OF_RANGE,
          `Fetch position ${p.fetchOffset} is out of range for partition ${state.topic}-${state.partition} and auto.offset.reset is none.`);
      } else {
        this.log.info(`fetch offset ${p.fetchOffset} is out of range for ${state.topic}-${state.partition}, resetting to ${this.options.autoOffsetReset}`);
        state.moveTo(null, this.options.autoOffsetReset);
      }
      return;
    }
    if (needsMetadataRefresh(code) || errorForCode(code).retriable) {
      this.metadata.requestRefresh();
      state.retryAtMs = this.now() + this.options.retryBackoffMs;
      return;
    }
    state.error = authorizationError(code, { topic: state.topic }) ?? responseError(code, null, `Fetch for ${state.topic}-${state.partition} failed: ${errorForCode(code).message}`);
  }
}
