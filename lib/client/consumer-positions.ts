/**
 * Where the consumer starts reading each partition that has no position yet.
 *
 * In a group, a newly assigned partition starts at the group's committed offset (OffsetFetch);
 * without one, or without a group, `auto.offset.reset` decides: earliest or latest through
 * ListOffsets, or 'none' raises NoOffsetForPartition. A seek() overrides both. Lookups run in
 * the background, one round at a time, so poll() keeps serving the partitions that are ready;
 * each state's epoch tells a late answer that the position has since been moved.
 */
import { ClientLogger, clientLogger } from './client-logger';
import { asSamsaError } from './client-errors';
import { ConnectionPool } from './connection-pool';
import { noOffsetError } from './consumer-errors';
import { ResolvedConsumerOptions, isolationLevelId } from './consumer-options';
import { listOffsets, partitionKey } from './list-offsets';
import { MetadataCache } from './metadata-cache';
import { OffsetAndMetadata } from './offset-committer';
import { PartitionState, ResetSpec, TopicPartition } from './partition-state';
import { exponentialBackoffMs } from './retry-policy';

/** Looks up committed offsets (keyed by partitionKey); absent when nothing is committed. */
export type CommittedLookup = (partitions: TopicPartition[]) => Promise<Map<string, OffsetAndMetadata>>;

interface Due {
  state: PartitionState;
  epoch: number;
}

export class ConsumerPositions {
  private readonly log: ClientLogger;
  private running: Promise<void> | null = null;
  private failures = 0;
  /** Partitions whose committed offset is still to be looked up, with the state epoch it applies to. */
  private readonly awaitingCommitted = new Map<string, number>();

  constructor(
    private readonly pool: ConnectionPool,
    private readonly metadata: MetadataCache,
    private readonly options: ResolvedConsumerOptions,
    private readonly committed: CommittedLookup | null,
    private readonly signal: () => void,
  ) {
    this.log = clientLogger(options.logger, 'consumer');
  }

  /** New partitions of a group consumer start from the committed offset when there is one. */
  startFromCommitted(states: readonly PartitionState[]): void {
    if (!this.committed) return;
    for (const s of states) if (s.position === null && s.reset === null) this.awaitingCommitted.set(partitionKey(s.topic, s.partition), s.epoch);
  }

  /** Starts one background lookup round for partitions that need a position; returns it (or null). */
  start(states: readonly PartitionState[]): Promise<void> | null {
    if (this.running) return this.running;
    const now = Date.now();
    const committedDue: Due[] = [];
    const resetDue: Array<Due & { spec: ResetSpec }> = [];
    const undefinedOffsets: PartitionState[] = [];
    for (const state of states) {
      if (state.error || state.retryAtMs > now || (state.position !== null && state.reset === null)) continue;
      const key = partitionKey(state.topic, state.partition);
      const wanted = this.awaitingCommitted.get(key);
      if (wanted !== undefined) {
        if (wanted === state.epoch && state.position === null && state.reset === null) {
          committedDue.push({ state, epoch: state.epoch });
          continue;
        }
        this.awaitingCommitted.delete(key);
      }
      if (state.reset === null) {
        if (this.options.autoOffsetReset === 'none') {
          undefinedOffsets.push(state);
          continue;
        }
        state.reset = this.options.autoOffsetReset;
      }
      resetDue.push({ state, epoch: state.epoch, spec: state.reset });
    }
    if (undefinedOffsets.length > 0) {
      const err = noOffsetError(undefinedOffsets);
      for (const state of undefinedOffsets) state.error = err;
    }
    if (committedDue.length > 0) this.running = this.lookupCommitted(committedDue);
    else if (resetDue.length > 0) this.running = this.lookupResets(resetDue);
    else return null;
    const round = this.running.finally(() => {
      this.running = null;
      this.signal();
    });
    this.running = round;
    return round;
  }

  private async lookupCommitted(due: Due[]): Promise<void> {
    const lookup = this.committed as CommittedLookup;
    try {
      const offsets = await lookup(due.map(({ state }) => ({ topic: state.topic, partition: state.partition })));
      this.failures = 0;
      for (const { state, epoch } of due) {
        const key = partitionKey(state.topic, state.partition);
        if (state.epoch !== epoch || !state.assigned) continue;
        this.awaitingCommitted.delete(key);
        const committed = offsets.get(key);
        if (committed !== undefined) {
          this.log.debug(`Setting offset for partition ${state.topic}-${state.partition} to the committed offset ${committed.offset}`);
          state.moveTo(committed.offset, null);
        }
      }
    } catch (err) {
      this.onFailure(due, err, 'committed offset lookup');
    }
  }

  private async lookupResets(due: Array<Due & { spec: ResetSpec }>): Promise<void> {
    const queries = due.map(({ state, spec }) => ({ topic: state.topic, partition: state.partition, spec }));
    try {
      const offsets = await listOffsets(this.pool, this.metadata, queries, this.options.requestTimeoutMs, false, isolationLevelId(this.options.isolationLevel));
      this.failures = 0;
      for (const { state, epoch } of due) {
        const offset = offsets.get(partitionKey(state.topic, state.partition));
        if (offset === undefined || state.epoch !== epoch || !state.assigned) continue;
        state.moveTo(offset, null);
      }
    } catch (err) {
      this.onFailure(due, err, 'offset lookup');
    }
  }

  private onFailure(due: readonly Due[], err: unknown, what: string): void {
    const e = asSamsaError(err);
    this.log.debug(`${what} failed: ${e.message}`);
    const retryAt = Date.now() + exponentialBackoffMs(this.failures++, this.options.retryBackoffMs, this.options.retryBackoffMaxMs);
    for (const { state, epoch } of due) {
      if (state.epoch !== epoch) continue;
      if (e.retriable) state.retryAtMs = retryAt;
      else state.error = e;
    }
  }
}
