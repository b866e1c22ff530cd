/**
 * The transactional producer's side of KIP-98 (Kafka's TransactionManager): the transaction's
 * state machine, and the requests to the transaction coordinator (InitProducerId,
 * AddPartitionsToTxn, AddOffsetsToTxn, EndTxn) and to a group coordinator (TxnOffsetCommit).
 *
 * States and transitions are Kafka's, so a call out of order fails the same way (IllegalStateError
 * naming the states). A fatal error (fenced, not authorized) leaves the producer good only for
 * close(); an abortable one (a failed batch, a refused offset commit) lets the application abort
 * and begin again. The producer asks `sendError()` before accepting a record and reports each
 * partition a transactional send goes to; the sender asks `readiness()` before draining a batch,
 * which holds a partition's batches until AddPartitionsToTxn has added it (new partitions are
 * added in one request). The blocking calls wait at most max.block.ms; one that timed out keeps
 * running and must be retried (calling it again waits for the same operation), as in Kafka.
 */
import { Api, ApiDef } from '../protocol/api';
import { ErrorCode, SamsaError, errorForCode } from '../protocol/errors';
import { sleep, withTimeout } from '../util/time';
import { ClientLogger, clientLogger } from './client-logger';
import { IllegalStateError, InvalidArgumentError, TransactionAbortedError, asSamsaError, closedError, userError } from './client-errors';
import { ConnectionPool } from './connection-pool';
import { checkOffset } from './consumer-arguments';
import type { ConsumerGroupMetadata } from './consumer-group';
import { CoordinatorChannel, KEY_TYPE_GROUP, KEY_TYPE_TRANSACTION, coordinatorMoved } from './coordinator-channel';
import type { TopicPartitionOffset } from './offset-committer';
import { ProducerBatch } from './producer-batch';
import { ProducerIdempotence, Readiness } from './producer-idempotence';
import { ResolvedProducerOptions } from './producer-options';
import { exponentialBackoffMs } from './retry-policy';
import { abortableStateError, isFatalTransactionCode, transactionError, worstCode } from './transaction-errors';

export type TransactionState =
  | 'UNINITIALIZED' | 'INITIALIZING' | 'READY' | 'IN_TRANSACTION' | 'COMMITTING_TRANSACTION' | 'ABORTING_TRANSACTION'
  | 'ABORTABLE_ERROR' | 'FATAL_ERROR';

/** Kafka's TransactionManager.State#isTransitionValid: the states each state may be entered from. */
const ENTERED_FROM: Record<Exclude<TransactionState, 'FATAL_ERROR'>, readonly TransactionState[]> = {
  UNINITIALIZED: [],
  INITIALIZING: ['UNINITIALIZED', 'ABORTING_TRANSACTION'],
  READY: ['INITIALIZING', 'COMMITTING_TRANSACTION', 'ABORTING_TRANSACTION'],
  IN_TRANSACTION: ['READY'],
  COMMITTING_TRANSACTION: ['IN_TRANSACTION'],
  ABORTING_TRANSACTION: ['IN_TRANSACTION', 'ABORTABLE_ERROR'],
  ABORTABLE_ERROR: ['IN_TRANSACTION', 'COMMITTING_TRANSACTION', 'ABORTABLE_ERROR', 'INITIALIZING'],
};

/** What the transaction manager needs from the producer. */
export interface TransactionHooks {
  /** Sends everything buffered and waits until every record is acknowledged or failed. */
  flush(): Promise<void>;
  /** Fails every record not sent yet (no sequence number given out) with `err`. */
  dropUnsent(err: Error): void;
  wakeSender(): void;
}

/** Kafka's TransactionManager.ADD_PARTITIONS_RETRY_BACKOFF_MS. */
const CONCURRENT_TRANSACTIONS_BACKOFF_MS = 20;

function key(topic: string, partition: number): string {
  return `${topic}\u0000${partition}`;
}

export class TransactionManager {
  private readonly log: ClientLogger;
  private readonly transactionalId: string;
  private readonly txnChannel: CoordinatorChannel;
  private readonly groupChannels = new Map<string, CoordinatorChannel>();
  private currentState: TransactionState = 'UNINITIALIZED';
  private lastError: SamsaError | null = null;
  /** Partitions the coordinator has added to the current transaction. */
  private readonly inTransaction = new Set<string>();
  /** Partitions sent to in this transaction and not yet asked for. */
  private readonly newPartitions = new Map<string, { topic: string; partition: number }>();
  /** Partitions of the AddPartitionsToTxn in flight. */
  private readonly addingPartitions = new Set<string>();
  private adding: Promise<void> | null = null;
  /** Something was added at the coordinator: the transaction must be ended with EndTxn. */
  private transactionStarted = false;
  /** A batch with a sequence number failed: after the abort, a new epoch restarts the sequences. */
  private epochBumpRequired = false;
  private pending: { name: string; result: Promise<void> } | null = null;
  private closed = false;

  constructor(
    private readonly pool: ConnectionPool,
    private readonly options: ResolvedProducerOptions,
    private readonly idempotence: ProducerIdempotence,
    private readonly hooks: TransactionHooks,
  ) {
    this.transactionalId = options.transactionalId as string;
    this.log = clientLogger(options.logger, 'producer');
    this.txnChannel = new CoordinatorChannel(pool, this.transactionalId, options, KEY_TYPE_TRANSACTION, 'producer');
  }

  get state(): TransactionState {
    return this.currentState;
  }

  // --- The application's calls ----------------------------------------------------------------

  initTransactions(): Promise<void> {
    return this.blocking('initTransactions', async () => {
      this.failIfFatal();
      this.transition('INITIALIZING');
      await this.initProducerId();
      this.transition('READY');
    });
  }

  beginTransaction(): void {
    this.throwIfPending('beginTransaction');
    this.failIfError();
    this.transition('IN_TRANSACTION');
  }

  sendOffsetsToTransaction(offsets: readonly TopicPartitionOffset[], group: ConsumerGroupMetadata): Promise<void> {
    return this.blocking('sendOffsetsToTransaction', async () => {
      this.failIfError();
      if (this.currentState !== 'IN_TRANSACTION') {
        throw new IllegalStateError(`Cannot send offsets if a transaction is not in progress (currentState= ${this.currentState})`);
      }
      if (!group || typeof group.groupId !== 'string' || group.groupId === '') {
        throw new InvalidArgumentError('sendOffsetsToTransaction needs the consumer\'s groupMetadata() (a non-empty groupId)');
      }
      const checked = offsets.map(checkOffset);
      await this.addOffsets(group.groupId);
      await this.commitOffsets(checked, group);
    });
  }

  commitTransaction(): Promise<void> {
    return this.blocking('commitTransaction', async () => {
      this.failIfError();
      this.transition('COMMITTING_TRANSACTION');
      await this.hooks.flush();
      await this.adding;
      // A batch that failed during the flush moved the transaction to ABORTABLE_ERROR.
      this.failIfError();
      await this.endTransaction(true);
    });
  }

  abortTransaction(): Promise<void> {
    return this.blocking('abortTransaction', async () => {
      this.failIfFatal();
      this.transition('ABORTING_TRANSACTION');
      this.newPartitions.clear();
      this.hooks.dropUnsent(new TransactionAbortedError());
      await this.hooks.flush();
      await this.adding;
      await this.endTransaction(false);
    });
  }

  close(): void {
    this.closed = true;
    this.txnChannel.close();
    for (const channel of this.groupChannels.values()) channel.close();
  }

  // --- The producer's and the sender's questions ----------------------------------------------

  /** Kafka's failIfNotReadyForSend: the error a send gets now, or null when it joins the transaction. */
  sendError(): SamsaError | null {
    if (this.currentState === 'FATAL_ERROR') return this.lastError;
    if (this.currentState === 'ABORTABLE_ERROR') return abortableStateError(this.lastError as SamsaError);
    if (this.currentState === 'UNINITIALIZED' || this.currentState === 'INITIALIZING') {
      return new IllegalStateError("Cannot perform a 'send' before completing a call to initTransactions when transactions are enabled.");
    }
    if (this.currentState !== 'IN_TRANSACTION') return new IllegalStateError(`Cannot call send in state ${this.currentState}`);
    return null;
  }

  /** A transactional send chose this partition: it is added to the transaction before its first batch goes. */
  maybeAddPartition(topic: string, partition: number): void {
    const k = key(topic, partition);
    if (!this.inTransaction.has(k) && !this.addingPartitions.has(k)) this.newPartitions.set(k, { topic, partition });
  }

  /**
   * Whether the sender may drain this batch now. Batches of a partition not yet in the transaction
   * wait for AddPartitionsToTxn; in an error state, batches never sent fail with the error (those
   * already holding a sequence number still go, so the partition's sequence has no hole).
   */
  readiness(batch: ProducerBatch): Readiness {
    if (this.currentState === 'FATAL_ERROR') return this.lastError as SamsaError;
    if (batch.baseSequence >= 0) return 'send';
    if (this.currentState === 'ABORTABLE_ERROR') return abortableStateError(this.lastError as SamsaError);
    const k = key(batch.topic, batch.partition);
    if (this.inTransaction.has(k)) return 'send';
    if (this.currentState === 'ABORTING_TRANSACTION') return new TransactionAbortedError();
    this.maybeAddPartition(batch.topic, batch.partition);
    if (this.adding === null) this.adding = this.addPartitions();
    return 'wait';
  }

  /** A batch failed for good: the transaction can no longer commit (or, fenced, the producer is done). */
  batchFailed(err: Error): void {
    if (err instanceof TransactionAbortedError || err === this.lastError || this.currentState === 'FATAL_ERROR') return;
    const e = asSamsaError(err);
    if (isFatalTransactionCode(e.code)) {
      this.fatal(transactionError(this.transactionalId, e.code, 'Produce'));
      return;
    }
    if (this.currentState === 'IN_TRANSACTION' || this.currentState === 'COMMITTING_TRANSACTION') this.abortable(e);
  }

  /** ProducerIdempotence reports a hole in a partition's sequence numbers. */
  sequenceGap(reason: string): void {
    this.log.info(`Transactional id ${this.transactionalId}: ${reason}; the producer epoch is bumped after the abort`);
    this.epochBumpRequired = true;
  }

  // --- Requests ---------------------------------------------------------------------------------

  private async initProducerId(): Promise<void> {
    const response = await this.call(this.txnChannel, Api.InitProducerId,
      { transactionalId: this.transactionalId, transactionTimeoutMs: this.options.transactionTimeoutMs }, (r) => r.errorCode);
    if (response.errorCode !== 0) throw this.fatal(transactionError(this.transactionalId, response.errorCode, 'InitProducerId'));
    this.idempotence.setProducerId({ producerId: response.producerId, producerEpoch: response.producerEpoch });
    this.epochBumpRequired = false;
    this.log.info(`Transactional id ${this.transactionalId}: producer id ${response.producerId}, epoch ${response.producerEpoch}`);
  }

  /** One AddPartitionsToTxn for every partition waiting; the sender is woken when it is answered. */
  private async addPartitions(): Promise<void> {
    try {
      while (this.newPartitions.size > 0 && (this.currentState === 'IN_TRANSACTION' || this.currentState === 'COMMITTING_TRANSACTION')) {
        const adding = [...this.newPartitions.values()];
        for (const k of this.newPartitions.keys()) this.addingPartitions.add(k);
        this.newPartitions.clear();
        const topics = new Map<string, number[]>();
        for (const tp of adding) topics.set(tp.topic, [...(topics.get(tp.topic) ?? []), tp.partition]);
        let code: number;
        let topic: string | undefined;
        try {
          const body = { ...this.idAndEpoch(), topics: [...topics].map(([name, partitions]) => ({ name, partitions })) };
          const response = await this.call(this.txnChannel, Api.AddPartitionsToTxn, body, (r) => worstCode(r.results.flatMap((t) => t.results.map((p) => p.errorCode))));
          code = worstCode(response.results.flatMap((t) => t.results.map((p) => p.errorCode)));
          topic = response.results.find((t) => t.results.some((p) => p.errorCode === code))?.name;
        } catch (err) {
          this.batchFailed(err as Error);
          return;
        }
        if (code !== 0) {
          this.failWith(transactionError(this.transactionalId, code, 'AddPartitionsToTxn', { topic }));
          return;
        }
        for (const tp of adding) this.inTransaction.add(key(tp.topic, tp.partition));
        this.transactionStarted = true;
        this.log.debug(`Added partitions ${adding.map((tp) => `${tp.topic}-${tp.partition}`).join(', ')} to the transaction of ${this.transactionalId}`);
      }
    } finally {
      this.addingPartitions.clear();
      this.adding = null;
      this.hooks.wakeSender();
    }
  }

  private async addOffsets(groupId: string): Promise<void> {
    const response = await this.call(this.txnChannel, Api.AddOffsetsToTxn, { ...this.idAndEpoch(), groupId }, (r) => r.errorCode);
    if (response.errorCode !== 0) throw this.failWith(transactionError(this.transactionalId, response.errorCode, 'AddOffsetsToTxn', { group: groupId }));
    this.transactionStarted = true;
  }

  /** TxnOffsetCommit to the group's coordinator: the offsets count only if the transaction commits. */
  private async commitOffsets(offsets: readonly TopicPartitionOffset[], group: ConsumerGroupMetadata): Promise<void> {
    const topics = new Map<string, { partitionIndex: number; committedOffset: number; committedLeaderEpoch: number; committedMetadata: string | null }[]>();
    for (const o of offsets) {
      topics.set(o.topic, [...(topics.get(o.topic) ?? []), { partitionIndex: o.partition, committedOffset: o.offset, committedLeaderEpoch: -1, committedMetadata: o.metadata ?? '' }]);
    }
    const { producerId, producerEpoch } = this.idAndEpoch();
    const body = {
      transactionalId: this.transactionalId, groupId: group.groupId, producerId, producerEpoch,
      generationId: group.generationId, memberId: group.memberId, groupInstanceId: group.groupInstanceId,
      topics: [...topics].map(([name, partitions]) => ({ name, partitions })),
    };
    const codes = (r: { topics: { partitions: { errorCode: number }[] }[] }): number => worstCode(r.topics.flatMap((t) => t.partitions.map((p) => p.errorCode)));
    const response = await this.call(this.groupChannel(group.groupId), Api.TxnOffsetCommit, body, codes);
    const code = codes(response);
    if (code !== 0) throw this.failWith(transactionError(this.transactionalId, code, 'TxnOffsetCommit', { group: group.groupId }));
  }

  private async endTransaction(committed: boolean): Promise<void> {
    if (this.transactionStarted) {
      const response = await this.call(this.txnChannel, Api.EndTxn, { ...this.idAndEpoch(), committed }, (r) => r.errorCode);
      if (response.errorCode !== 0) {
        // Kafka's EndTxnHandler: every error it does not retry is fatal.
        throw this.fatal(transactionError(this.transactionalId, response.errorCode, `EndTxn(${committed ? 'commit' : 'abort'})`));
      }
    }
    this.inTransaction.clear();
    this.newPartitions.clear();
    this.transactionStarted = false;
    this.lastError = null;
    if (!committed && this.epochBumpRequired) {
      this.transition('INITIALIZING');
      await this.initProducerId();
    }
    this.transition('READY');
  }

  /**
   * Sends to a coordinator until the answer carries no retriable code: NOT_COORDINATOR and
   * COORDINATOR_NOT_AVAILABLE look the coordinator up again; COORDINATOR_LOAD_IN_PROGRESS,
   * CONCURRENT_TRANSACTIONS and lost connections retry after a backoff. Bounded by close() and by
   * the caller's max.block.ms (the operation goes on for a retry of the call).
   */
  private async call<Req, Resp>(channel: CoordinatorChannel, api: ApiDef<Req, Resp>, body: Req, codeOf: (r: Resp) => number): Promise<Resp> {
    const o = this.options;
    for (let attempt = 0; ; attempt++) {
      if (this.closed) throw closedError('the producer');
      let code: number;
      try {
        const response = await channel.send(api, body, o.requestTimeoutMs, Date.now() + o.maxBlockMs);
        code = codeOf(response);
        if (code === 0 || !errorForCode(code).retriable) return response;
      } catch (err) {
        const e = asSamsaError(err);
        if (!e.retriable) throw e;
        code = e.code;
      }
      if (coordinatorMoved(code)) channel.markUnknown(errorForCode(code).name);
      this.log.debug(`${api.name} for ${this.transactionalId} answered ${errorForCode(code).name}; retrying`);
      // The previous transaction's markers are usually a few milliseconds from done: Kafka's
      // producer retries CONCURRENT_TRANSACTIONS after 20 ms rather than retry.backoff.ms.
      const concurrent = code === ErrorCode.CONCURRENT_TRANSACTIONS.code;
      await sleep(concurrent ? Math.min(CONCURRENT_TRANSACTIONS_BACKOFF_MS, o.retryBackoffMs) : exponentialBackoffMs(attempt, o.retryBackoffMs, o.retryBackoffMaxMs));
    }
  }

  private groupChannel(groupId: string): CoordinatorChannel {
    let channel = this.groupChannels.get(groupId);
    if (channel === undefined) {
      channel = new CoordinatorChannel(this.pool, groupId, this.options, KEY_TYPE_GROUP, 'producer');
      this.groupChannels.set(groupId, channel);
    }
    return channel;
  }

  private idAndEpoch(): { transactionalId: string; producerId: number; producerEpoch: number } {
    const id = this.idempotence.producerIdAndEpoch;
    if (id === null) throw userError(ErrorCode.INVALID_PRODUCER_ID_MAPPING, 'The transactional producer has no producer id; call initTransactions() first.');
    return { transactionalId: this.transactionalId, ...id };
  }

  // --- State ------------------------------------------------------------------------------------

  /**
   * Runs a blocking call for at most max.block.ms. A call that timed out keeps running: calling
   * it again waits for the same operation; any other transactional call fails until it is retried.
   */
  private async blocking(name: string, start: () => Promise<void>): Promise<void> {
    if (this.closed) throw closedError('the producer');
    this.throwIfPending(name);
    if (this.pending === null) {
      const result = start();
      const pending = { name, result };
      this.pending = pending;
      const clear = (): void => {
        if (this.pending === pending) this.pending = null;
      };
      result.then(clear, clear);
    }
    const ms = this.options.maxBlockMs;
    await withTimeout(this.pending.result, ms, () => userError(ErrorCode.REQUEST_TIMED_OUT,
      `Timeout expired after ${ms} ms while awaiting ${name}; call ${name}() again to keep waiting for it.`));
  }

  private throwIfPending(name: string): void {
    if (this.pending !== null && this.pending.name !== name) {
      throw new IllegalStateError(`Cannot attempt operation \`${name}\` because the previous call to \`${this.pending.name}\` timed out and must be retried`);
    }
  }

  private failIfFatal(): void {
    if (this.currentState === 'FATAL_ERROR') throw this.lastError as SamsaError;
  }

  private failIfError(): void {
    this.failIfFatal();
    if (this.currentState === 'ABORTABLE_ERROR') throw abortableStateError(this.lastError as SamsaError);
  }

  private transition(target: Exclude<TransactionState, 'FATAL_ERROR'>): void {
    if (!ENTERED_FROM[target].includes(this.currentState)) {
      throw new IllegalStateError(`TransactionalId ${this.transactionalId}: Invalid transition attempted from state ${this.currentState} to state ${target}`);
    }
    this.currentState = target;
  }

  /** Fatal or abortable, as the code says; returns the error to throw. */
  private failWith(err: SamsaError): SamsaError {
    return isFatalTransactionCode(err.code) ? this.fatal(err) : this.abortable(err);
  }

  private fatal(err: SamsaError): SamsaError {
    if (this.currentState === 'FATAL_ERROR') return this.lastError as SamsaError;
    this.log.error(`Transactional id ${this.transactionalId}: ${err.message} (fatal; the producer can only be closed)`);
    this.lastError = err;
    this.currentState = 'FATAL_ERROR';
    this.hooks.wakeSender();
    return err;
  }

  private abortable(err: SamsaError): SamsaError {
    if (this.currentState === 'FATAL_ERROR') return this.lastError as SamsaError;
    if (this.currentState === 'ABORTING_TRANSACTION') return err;
    this.log.warn(`Transactional id ${this.transactionalId}: ${err.message} (the transaction must be aborted)`);
    this.lastError = err;
    this.transition('ABORTABLE_ERROR');
    this.hooks.wakeSender();
    return err;
  }
}
