/**
 * The transaction coordinator's request logic (Kafka's TransactionCoordinator): InitProducerId,
 * AddPartitionsToTxn (AddOffsetsToTxn too), EndTxn, and the completion of an ended transaction
 * (markers, then the Complete* record). Decisions come from the pure txn-state.ts; this module
 * marks the id pending, writes the decided metadata through the runtime, and only then makes it
 * current, so a failed or superseded write changes nothing in memory.
 */
import { GroupClock } from '../group/group-clock';
import { ErrorCode, SamsaError, toErrorCode } from '../protocol/errors';
import { Logger } from '../util/logger';
import { TxnCoordinatorConfig } from './txn-config';
import { MarkerSender } from './txn-marker-sender';
import { TxnEntry, TxnShard } from './txn-shard';
import {
  decideAddPartitions, decideEndTxn, decideInitProducerId, initNeedsNewProducerId, isValidTxnTimeout, newTxnMetadata,
  NO_PRODUCER_EPOCH, NO_PRODUCER_ID, prepareComplete, prepareFenceProducerEpoch, TxnMetadata, TxnPartition,
} from './txn-state';

const COMPLETE_WRITE_RETRY_MIN_MS = 100;
const COMPLETE_WRITE_RETRY_MAX_MS = 5000;

export interface TxnRuntime {
  readonly config: TxnCoordinatorConfig;
  readonly clock: GroupClock;
  readonly logger: Logger;
  readonly markers: MarkerSender;
  /** NOT_COORDINATOR, COORDINATOR_LOAD_IN_PROGRESS or COORDINATOR_NOT_AVAILABLE unless this broker serves the id now. */
  route(transactionalId: string): { readonly shard: TxnShard } | { readonly errorCode: number };
  /** Writes `next` (null: a tombstone) for `transactionalId` with acks=all; the error is already the client's. */
  write(shard: TxnShard, transactionalId: string, next: TxnMetadata | null): Promise<number>;
  newProducerId(): Promise<number>;
}

export interface InitProducerIdResult {
  readonly errorCode: number;
  readonly producerId: number;
  readonly producerEpoch: number;
}

const initError = (errorCode: number): InitProducerIdResult => ({ errorCode, producerId: NO_PRODUCER_ID, producerEpoch: NO_PRODUCER_EPOCH });

export class TxnOperations {
  constructor(private readonly rt: TxnRuntime) {}

  async initProducerId(transactionalId: string, txnTimeoutMs: number, producerId = NO_PRODUCER_ID, producerEpoch = NO_PRODUCER_EPOCH): Promise<InitProducerIdResult> {
    if (transactionalId === '') return initError(ErrorCode.INVALID_REQUEST.code);
    if (!isValidTxnTimeout(txnTimeoutMs, this.rt.config.maxTimeoutMs)) return initError(ErrorCode.INVALID_TRANSACTION_TIMEOUT.code);
    try {
      let route = this.rt.route(transactionalId);
      if (!('shard' in route)) return initError(route.errorCode);
      if (!route.shard.get(transactionalId)) {
        const fresh = await this.rt.newProducerId();
        route = this.rt.route(transactionalId);
        if (!('shard' in route)) return initError(route.errorCode);
        if (!route.shard.get(transactionalId)) route.shard.add(newTxnMetadata(transactionalId, fresh, txnTimeoutMs, this.rt.clock.nowMs()));
      }
      const { shard } = route;
      const request = { txnTimeoutMs, producerId, producerEpoch };
      let entry = shard.get(transactionalId) as TxnEntry;
      let rotated: number | undefined;
      if (entry.pending === null && initNeedsNewProducerId(entry.metadata, request)) {
        rotated = await this.rt.newProducerId();
        if (shard.closed || shard.get(transactionalId) !== entry) return initError(ErrorCode.NOT_COORDINATOR.code);
        entry = shard.get(transactionalId) as TxnEntry;
      }
      if (entry.pending === null && rotated === undefined && initNeedsNewProducerId(entry.metadata, request)) return initError(ErrorCode.CONCURRENT_TRANSACTIONS.code);
      const decision = decideInitProducerId(entry.metadata, request, entry.pending !== null, this.rt.clock.nowMs(), rotated);
      if (!decision.ok) return initError(decision.errorCode);
      const next = decision.value.metadata;
      if (decision.value.kind === 'fence') {
        // Abort the open transaction with the bumped epoch; the client retries and gets a further bump.
        entry.pending = 'PrepareEpochFence';
        const code = await this.endTransaction(transactionalId, next.producerId, next.producerEpoch, false, false);
        return initError(code === ErrorCode.NONE.code ? ErrorCode.CONCURRENT_TRANSACTIONS.code : code);
      }
      const code = await this.transition(shard, entry, next);
      if (code !== ErrorCode.NONE.code) return initError(code);
      return { errorCode: ErrorCode.NONE.code, producerId: next.producerId, producerEpoch: next.producerEpoch };
    } catch (err) {
      if (!(err instanceof SamsaError)) this.rt.logger.error(`InitProducerId for transactional id ${transactionalId} failed: ${(err as Error)?.stack ?? String(err)}`);
      return initError(toErrorCode(err));
    }
  }

  /** AddPartitionsToTxn, and AddOffsetsToTxn with the group's `__consumer_offsets` partition. */
  async addPartitions(transactionalId: string, producerId: number, producerEpoch: number, partitions: readonly TxnPartition[]): Promise<number> {
    if (transactionalId === '') return ErrorCode.INVALID_REQUEST.code;
    const route = this.rt.route(transactionalId);
    if (!('shard' in route)) return route.errorCode;
    const entry = route.shard.get(transactionalId);
    if (!entry) return ErrorCode.INVALID_PRODUCER_ID_MAPPING.code;
    const decision = decideAddPartitions(entry.metadata, producerId, producerEpoch, partitions, entry.pending !== null, this.rt.clock.nowMs());
    if (!decision.ok) return decision.errorCode;
    if (decision.value === null) return ErrorCode.NONE.code;
    return this.transition(route.shard, entry, decision.value);
  }

  /**
   * EndTxn (`fromClient`), or the coordinator's own abort of a fenced or timed-out transaction.
   * Answers once the Prepare* record is written, as Kafka does; the markers and the Complete*
   * record follow in the background, and requests meanwhile get CONCURRENT_TRANSACTIONS.
   */
  async endTransaction(transactionalId: string, producerId: number, producerEpoch: number, commit: boolean, fromClient: boolean): Promise<number> {
    const route = this.rt.route(transactionalId);
    const entry = 'shard' in route ? route.shard.get(transactionalId) : undefined;
    const clearFence = (): void => { if (entry?.pending === 'PrepareEpochFence') entry.pending = null; };
    if (!('shard' in route)) return route.errorCode;
    if (!entry) return ErrorCode.INVALID_PRODUCER_ID_MAPPING.code;
    const decision = decideEndTxn(entry.metadata, producerId, producerEpoch, commit, fromClient, entry.pending, this.rt.clock.nowMs());
    if (!decision.ok || decision.value.kind === 'done') {
      clearFence();
      return decision.ok ? ErrorCode.NONE.code : decision.errorCode;
    }
    entry.pending = null;
    const code = await this.transition(route.shard, entry, decision.value.metadata);
    if (code === ErrorCode.NONE.code) void this.complete(route.shard, entry);
    return code;
  }

  /**
   * Sends the markers of a transaction in PrepareCommit/PrepareAbort, then writes Complete*.
   * Also run for such transactions found when a partition is loaded (the old coordinator died between).
   */
  async complete(shard: TxnShard, entry: TxnEntry): Promise<void> {
    const prepared = entry.metadata;
    const done = prepareComplete(prepared, this.rt.clock.nowMs());
    entry.pending = done.state;
    const stillOurs = (): boolean => !shard.closed && shard.get(prepared.transactionalId) === entry && entry.pending === done.state;
    const outcome = await this.rt.markers.send({
      transactionalId: prepared.transactionalId, producerId: prepared.producerId, producerEpoch: prepared.producerEpoch,
      committed: prepared.state === 'PrepareCommit', coordinatorEpoch: shard.coordinatorEpoch, partitions: prepared.partitions,
      stillValid: stillOurs,
    });
    if (outcome === 'cancelled') return;
    for (let backoffMs = COMPLETE_WRITE_RETRY_MIN_MS; ; backoffMs = Math.min(backoffMs * 2, COMPLETE_WRITE_RETRY_MAX_MS)) {
      if (!stillOurs()) return;
      const completed = { ...done, txnLastUpdateTimestamp: this.rt.clock.nowMs() };
      const code = await this.rt.write(shard, prepared.transactionalId, completed);
      if (!stillOurs()) return;
      if (code === ErrorCode.NONE.code) {
        entry.metadata = completed;
        entry.pending = null;
        return;
      }
      if (code === ErrorCode.NOT_COORDINATOR.code) return;
      this.rt.logger.warn(`Transactional id ${prepared.transactionalId}: writing ${done.state} failed with error ${code}; retrying in ${backoffMs} ms`);
      await new Promise<void>((resolve) => this.rt.clock.setTimer(backoffMs, resolve));
    }
  }

  /** Kafka's abortTimedOutTransactions for one id: fence (bump the epoch) and abort. */
  async abortTimedOut(entry: TxnEntry): Promise<number> {
    const m = entry.metadata;
    const fence = prepareFenceProducerEpoch(m);
    this.rt.logger.info(`Aborting transaction of transactional id ${m.transactionalId} (producer ${m.producerId}, epoch ${m.producerEpoch}): open longer than its timeout of ${m.txnTimeoutMs} ms`);
    entry.pending = 'PrepareEpochFence';
    return this.endTransaction(m.transactionalId, m.producerId, fence.producerEpoch, false, false);
  }

  /** Marks the id pending, writes `next`, and makes it current only if the write succeeded and the shard is still ours. */
  private async transition(shard: TxnShard, entry: TxnEntry, next: TxnMetadata): Promise<number> {
    entry.pending = next.state;
    const code = await this.rt.write(shard, next.transactionalId, next);
    if (shard.closed || shard.get(next.transactionalId) !== entry) return ErrorCode.NOT_COORDINATOR.code;
    entry.pending = null;
    if (code === ErrorCode.NONE.code) entry.metadata = next;
    return code;
  }
}
