/**
 * The broker's transaction coordinator: it owns the transactional ids of the `__transaction_state`
 * partitions this broker leads (Kafka's TransactionCoordinator + TransactionStateManager).
 *
 * It follows leadership like the group coordinator: becoming leader of a partition loads its ids
 * from the log (requests meanwhile get COORDINATOR_LOAD_IN_PROGRESS) and resumes the markers of
 * transactions the previous coordinator had prepared but not completed; losing it drops them
 * (NOT_COORDINATOR). The coordinator epoch written into markers is the partition's leader epoch.
 * Two timers run Kafka's housekeeping: aborting transactions open longer than their timeout, and
 * forgetting transactional ids idle longer than transactional.id.expiration.ms. The request logic
 * lives in TxnOperations, which sees the coordinator as a TxnRuntime.
 */
import { GroupClock, systemClock, TimerHandle } from '../group/group-clock';
import { LeadershipChange, OffsetsReplicas } from '../group/offsets-log';
import { OffsetsTopicMetadata, TopicCreator } from '../group/offsets-topic';
import { ErrorCode, toErrorCode } from '../protocol/errors';
import { encodeRecordBatch } from '../record/record-batch';
import { getLogger, Logger } from '../util/logger';
import { TxnCoordinatorConfig } from './txn-config';
import { encodeTxnLogKey, encodeTxnLogValue } from './txn-log-records';
import { loadTxnPartition } from './txn-loader';
import { MarkerSender } from './txn-marker-sender';
import { TxnOperations, TxnRuntime } from './txn-operations';
import { TxnEntry, TxnShard } from './txn-shard';
import { isExpired, isTimedOut, prepareDead, TxnMetadata, TxnState, TXN_STATES } from './txn-state';
import { TRANSACTION_STATE_TOPIC, TxnTopic } from './txn-topic';

const LOAD_RETRY_MS = 1000;

export interface TxnCoordinatorDeps {
  readonly config: TxnCoordinatorConfig;
  readonly replicas: OffsetsReplicas;
  readonly metadata: OffsetsTopicMetadata;
  readonly topics: TopicCreator;
  readonly markers: MarkerSender;
  readonly newProducerId: () => Promise<number>;
  readonly clock?: GroupClock;
  readonly logger?: Logger;
}

/** One id as DescribeTransactions shows it; errorCode set (and the rest empty) when it cannot be shown. */
export interface DescribedTxn {
  readonly errorCode: number;
  readonly metadata: TxnMetadata | null;
}

export interface ListedTxns {
  readonly errorCode: number;
  readonly unknownStateFilters: string[];
  readonly transactions: TxnMetadata[];
}

/** Kafka's appendTransactionToLog error translation: clients retry, or find the coordinator again. */
export function txnWriteError(code: number): number {
  switch (code) {
    case ErrorCode.UNKNOWN_TOPIC_OR_PARTITION.code:
    case ErrorCode.NOT_ENOUGH_REPLICAS.code:
    case ErrorCode.NOT_ENOUGH_REPLICAS_AFTER_APPEND.code:
    case ErrorCode.REQUEST_TIMED_OUT.code:
      return ErrorCode.COORDINATOR_NOT_AVAILABLE.code;
    case ErrorCode.NOT_LEADER_FOR_PARTITION.code:
    case ErrorCode.LEADER_NOT_AVAILABLE.code:
    case ErrorCode.KAFKA_STORAGE_ERROR.code:
      return ErrorCode.NOT_COORDINATOR.code;
    case ErrorCode.MESSAGE_TOO_LARGE.code:
    case ErrorCode.RECORD_LIST_TOO_LARGE.code:
      return ErrorCode.UNKNOWN_SERVER_ERROR.code;
    default:
      return code;
  }
}

export class TxnCoordinator implements TxnRuntime {
  readonly config: TxnCoordinatorConfig;
  readonly clock: GroupClock;
  readonly logger: Logger;
  readonly markers: MarkerSender;
  readonly topic: TxnTopic;
  readonly ops: TxnOperations;
  private readonly owned = new Map<number, TxnShard>();
  private state: 'created' | 'running' | 'stopped' = 'created';
  private readonly timers: TimerHandle[] = [];
  private readonly onLeadershipChange = (c: LeadershipChange): void => this.leadershipChanged(c);

  constructor(private readonly deps: TxnCoordinatorDeps) {
    this.config = deps.config;
    this.clock = deps.clock ?? systemClock;
    this.logger = deps.logger ?? getLogger('txn-coordinator');
    this.markers = deps.markers;
    this.topic = new TxnTopic(this.config, deps.metadata, deps.topics, this.logger);
    this.ops = new TxnOperations(this);
  }

  /** Starts following leadership of `__transaction_state`; call before the broker can receive LeaderAndIsr. */
  startup(): void {
    if (this.state !== 'created') throw new Error(`transaction coordinator cannot start from state ${this.state}`);
    this.state = 'running';
    this.deps.replicas.on('leadership-change', this.onLeadershipChange);
    this.every(this.config.abortTimedOutIntervalMs, () => this.abortTimedOutTransactions());
    this.every(this.config.removeExpiredIntervalMs, () => this.removeExpiredTransactionalIds());
  }

  shutdown(): void {
    if (this.state !== 'running') return;
    this.state = 'stopped';
    this.deps.replicas.off('leadership-change', this.onLeadershipChange);
    for (const timer of this.timers.splice(0)) timer.cancel();
    for (const shard of [...this.owned.values()]) this.unload(shard);
    this.markers.shutdown();
  }

  route(transactionalId: string): { readonly shard: TxnShard } | { readonly errorCode: number } {
    if (this.state !== 'running') return { errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE.code };
    const shard = this.owned.get(this.topic.partitionFor(transactionalId));
    if (!shard) return { errorCode: ErrorCode.NOT_COORDINATOR.code };
    if (shard.state === 'loading') return { errorCode: ErrorCode.COORDINATOR_LOAD_IN_PROGRESS.code };
    return { shard };
  }

  newProducerId(): Promise<number> {
    return this.deps.newProducerId();
  }

  async write(shard: TxnShard, transactionalId: string, next: TxnMetadata | null): Promise<number> {
    let code: number;
    try {
      const now = this.clock.nowMs();
      const batch = encodeRecordBatch([{ key: encodeTxnLogKey(transactionalId), value: next === null ? null : encodeTxnLogValue(next), timestamp: now }], { now });
      const result = await this.deps.replicas.appendRecords(TRANSACTION_STATE_TOPIC, shard.partition, batch, -1, this.config.writeTimeoutMs);
      code = result.errorCode;
    } catch (err) {
      code = toErrorCode(err);
      if (code === ErrorCode.UNKNOWN_SERVER_ERROR.code) this.logger.error(`Appending to ${TRANSACTION_STATE_TOPIC}-${shard.partition} failed: ${(err as Error)?.stack ?? String(err)}`);
    }
    if (code !== ErrorCode.NONE.code) {
      this.logger.warn(`Writing transactional id ${transactionalId} to ${TRANSACTION_STATE_TOPIC}-${shard.partition} failed with error ${code}`);
      return txnWriteError(code);
    }
    // Leadership moved while the write waited: the new coordinator has (or will load) the record.
    if (shard.closed) return ErrorCode.NOT_COORDINATOR.code;
    return ErrorCode.NONE.code;
  }

  describe(transactionalId: string): DescribedTxn {
    const route = this.route(transactionalId);
    if (!('shard' in route)) return { errorCode: route.errorCode, metadata: null };
    const entry = route.shard.get(transactionalId);
    if (!entry) return { errorCode: ErrorCode.TRANSACTIONAL_ID_NOT_FOUND.code, metadata: null };
    return { errorCode: ErrorCode.NONE.code, metadata: entry.metadata };
  }

  /** Kafka's listTransactionStates: every loaded id but Dead ones, filtered; LOAD_IN_PROGRESS while any partition loads. */
  list(stateFilters: readonly string[], producerIdFilters: readonly number[]): ListedTxns {
    const unknownStateFilters = stateFilters.filter((s) => !(TXN_STATES as readonly string[]).includes(s));
    if (this.state !== 'running') return { errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE.code, unknownStateFilters, transactions: [] };
    if ([...this.owned.values()].some((s) => s.state === 'loading')) return { errorCode: ErrorCode.COORDINATOR_LOAD_IN_PROGRESS.code, unknownStateFilters, transactions: [] };
    const states = new Set(stateFilters);
    const producerIds = new Set(producerIdFilters);
    const transactions: TxnMetadata[] = [];
    for (const shard of this.owned.values()) {
      for (const { metadata: m } of shard.all()) {
        if (m.state === 'Dead') continue;
        if (producerIds.size > 0 && !producerIds.has(m.producerId)) continue;
        if (stateFilters.length > 0 && !states.has(m.state)) continue;
        transactions.push(m);
      }
    }
    return { errorCode: ErrorCode.NONE.code, unknownStateFilters, transactions };
  }

  /** Idle ids whose `pending` is null, of the loaded shards. */
  private *idleEntries(): Iterable<[TxnShard, TxnEntry]> {
    for (const shard of [...this.owned.values()]) {
      if (shard.state !== 'active' || shard.closed) continue;
      for (const entry of shard.all()) if (entry.pending === null) yield [shard, entry];
    }
  }

  private async abortTimedOutTransactions(): Promise<void> {
    const now = this.clock.nowMs();
    const aborts: Array<Promise<number>> = [];
    for (const [, entry] of this.idleEntries()) {
      if (isTimedOut(entry.metadata, now)) aborts.push(this.ops.abortTimedOut(entry));
    }
    await Promise.all(aborts);
  }

  private async removeExpiredTransactionalIds(): Promise<void> {
    const now = this.clock.nowMs();
    for (const [shard, entry] of this.idleEntries()) {
      if (!isExpired(entry.metadata, now, this.config.idExpirationMs)) continue;
      const id = entry.metadata.transactionalId;
      const dead = prepareDead(entry.metadata);
      entry.pending = dead.state;
      const code = await this.write(shard, id, null);
      if (shard.get(id) !== entry) continue;
      entry.pending = null;
      if (code === ErrorCode.NONE.code) {
        shard.remove(id);
        this.logger.info(`Transactional id ${id} expired: idle since ${new Date(entry.metadata.txnLastUpdateTimestamp).toISOString()}`);
      }
    }
  }

  private every(intervalMs: number, task: () => Promise<void>): void {
    const arm = (): void => {
      const timer = this.clock.setTimer(intervalMs, () => {
        const index = this.timers.indexOf(timer);
        if (index >= 0) this.timers.splice(index, 1);
        if (this.state !== 'running') return;
        task()
          .catch((err) => this.logger.error(`Transaction housekeeping failed: ${(err as Error)?.stack ?? String(err)}`))
          .finally(() => { if (this.state === 'running') arm(); });
      });
      this.timers.push(timer);
    };
    arm();
  }

  private leadershipChanged(c: LeadershipChange): void {
    if (c.topic !== TRANSACTION_STATE_TOPIC || this.state !== 'running') return;
    const current = this.owned.get(c.partition);
    if (!c.isLeader) {
      if (current) this.unload(current);
      return;
    }
    if (current && current.coordinatorEpoch === c.leaderEpoch) return;
    // A new epoch, even without anyone else leading in between, reloads from the log as Kafka's
    // onElection does: writes in flight under the old epoch answer NOT_COORDINATOR, so memory
    // never holds a state the log might not.
    if (current) this.unload(current);
    const shard = new TxnShard(c.partition, c.leaderEpoch);
    this.owned.set(c.partition, shard);
    void this.load(shard);
  }

  private async load(shard: TxnShard): Promise<void> {
    const started = this.clock.nowMs();
    const name = `${TRANSACTION_STATE_TOPIC}-${shard.partition}`;
    try {
      const log = this.deps.replicas.getPartition(TRANSACTION_STATE_TOPIC, shard.partition)?.log;
      if (!log) throw new Error(`${name} is not hosted here`);
      const loaded = await loadTxnPartition(log, this.config.loadBufferBytes, () => shard.closed, this.logger);
      if (!loaded || shard.closed) return;
      for (const m of loaded.transactions.values()) shard.add(m);
      shard.state = 'active';
      this.logger.info(`Loaded ${shard.size} transactional id(s) from ${name} (${loaded.recordsRead} records up to offset ${loaded.endOffset}) in ${this.clock.nowMs() - started} ms`);
      // Transactions the previous coordinator prepared but did not complete: finish them now.
      for (const entry of shard.all()) {
        const prepared: TxnState = entry.metadata.state;
        if (prepared === 'PrepareCommit' || prepared === 'PrepareAbort') void this.ops.complete(shard, entry);
      }
    } catch (err) {
      if (shard.closed) return;
      this.logger.error(`Loading transactions from ${name} failed; retrying in ${LOAD_RETRY_MS} ms: ${(err as Error)?.stack ?? String(err)}`);
      this.clock.setTimer(LOAD_RETRY_MS, () => {
        if (shard.closed) return;
        for (const entry of shard.all()) shard.remove(entry.metadata.transactionalId);
        void this.load(shard);
      });
    }
  }

  private unload(shard: TxnShard): void {
    shard.closed = true;
    if (this.owned.get(shard.partition) === shard) this.owned.delete(shard.partition);
    this.logger.info(`Unloaded ${shard.size} transactional id(s) of ${TRANSACTION_STATE_TOPIC}-${shard.partition}`);
  }
}
