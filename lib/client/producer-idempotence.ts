/**
 * The idempotent producer's bookkeeping (Kafka's TransactionManager, without transactions): the
 * producer id, and per partition the sequence numbers stamped into batches and what the broker
 * has acknowledged of them.
 *
 * The broker appends a batch of producer P only when its base sequence follows the last one it
 * appended for P, answers a resend of one of P's last 5 batches with the original offsets, and
 * rejects anything else with OUT_OF_ORDER_SEQUENCE_NUMBER. So a batch keeps its sequence through
 * every retry, and a partition never has more than 5 batches outstanding. When a batch fails
 * retriably, the batches sent after it come back out of order; they are retried, one at a time
 * and in sequence order, after the failed one (the sender asks `readiness()` before draining).
 * An out-of-order answer with no earlier batch unresolved, INVALID_PRODUCER_EPOCH and
 * UNKNOWN_PRODUCER_ID fail that batch's records with a clear error.
 *
 * A batch that fails for good leaves a hole in its partition's sequence. The producer then asks
 * for a new producer id; each partition moves to it (sequence 0) once nothing it sent under the
 * old id is outstanding. Old batches still in doubt are resent under the old id first, which the
 * broker either recognises as a duplicate or rejects as out of order - proof they are not in the
 * log, after which they get sequences under the new id, still in their original order.
 */
import { Api } from '../protocol/api';
import { ErrorCode, SamsaError } from '../protocol/errors';
import { ClientLogger, clientLogger } from './client-logger';
import { asSamsaError, responseError, userError } from './client-errors';
import { ConnectionPool } from './connection-pool';
import { ProducerBatch } from './producer-batch';
import { exponentialBackoffMs } from './retry-policy';
import { isAuthenticationError } from '../security/sasl/sasl-errors';

const MAX_SEQUENCE = 0x7fffffff;
/** Kafka's brokers keep the metadata of a producer's last 5 batches per partition for duplicate detection. */
export const MAX_OUTSTANDING_BATCHES_PER_PARTITION = 5;
/** What Kafka's idempotent (non-transactional) producer sends as transactionTimeoutMs. */
const NO_TRANSACTION_TIMEOUT_MS = 0x7fffffff;

/** `sequence + increment`, wrapping past 2^31-1 to 0 as Kafka's DefaultRecordBatch.incrementSequence does. */
export function incrementSequence(sequence: number, increment: number): number {
  if (sequence > MAX_SEQUENCE - increment) return increment - (MAX_SEQUENCE - sequence) - 1;
  return sequence + increment;
}

export interface ProducerIdAndEpoch {
  producerId: number;
  producerEpoch: number;
}

/** One partition's sequence numbers under one producer id. */
interface PartitionSequences {
  producerId: number;
  producerEpoch: number;
  nextSequence: number;
  /** Batches holding a sequence of producerId, neither acknowledged nor failed, lowest sequence first. */
  outstanding: ProducerBatch[];
  /** A batch failed for good: its sequence is lost, so no new sequence is given out under producerId. */
  gapped: boolean;
}

/** What the sender may do with the head batch of a partition. */
export type Readiness = 'send' | 'wait' | SamsaError;

export interface IdempotenceOptions {
  retryBackoffMs: number;
  retryBackoffMaxMs: number;
  logger?: ClientLogger;
  /**
   * Transactional producers: the producer id comes from initTransactions() (setProducerId), never
   * from a fetch of this class, and a sequence gap is reported here instead of replacing the id
   * (the transaction must be aborted, and a bumped epoch then restarts every sequence).
   */
  onSequenceGap?: (reason: string) => void;
}

export class ProducerIdempotence {
  private readonly log: ClientLogger;
  private readonly partitions = new Map<string, PartitionSequences[]>();
  private current: ProducerIdAndEpoch | null = null;
  private fetching = false;
  private closed = false;
  private backoffTimer: NodeJS.Timeout | null = null;
  private wakeBackoff: (() => void) | null = null;
  /** Set when the cluster refuses producer ids for good; batches without a sequence fail with it. */
  fatalError: SamsaError | null = null;

  constructor(
    private readonly pool: ConnectionPool,
    private readonly options: IdempotenceOptions,
    /** Called when a producer id arrives or fetching it failed for good (the sender should run). */
    private readonly onReady: () => void,
  ) {
    this.log = clientLogger(options.logger, 'producer');
  }

  get producerIdAndEpoch(): ProducerIdAndEpoch | null {
    return this.current;
  }

  /** The transaction manager's producer id and epoch (transactional producers only). */
  setProducerId(id: ProducerIdAndEpoch): void {
    this.current = { ...id };
    this.log.debug(`producer id ${id.producerId}, epoch ${id.producerEpoch}`);
  }

  /** Starts fetching a producer id unless one is known or on its way. Cheap enough to call per record. */
  ensureProducerId(): void {
    if (this.options.onSequenceGap !== undefined) return;
    if (this.current !== null || this.fetching || this.closed || this.fatalError !== null) return;
    this.fetching = true;
    void this.fetchProducerId().finally(() => {
      this.fetching = false;
      if (!this.closed) this.onReady();
    });
  }

  close(): void {
    this.closed = true;
    if (this.backoffTimer) clearTimeout(this.backoffTimer);
    this.wakeBackoff?.();
  }

  /**
   * Whether the head batch of a partition may be drained now, stamping it with its producer id
   * and sequence if so. A batch already holding a sequence goes only as the partition's lowest
   * outstanding one (a retry); a new batch waits for a producer id, for the partition to let go
   * of an old producer id, and for room among the outstanding batches.
   */
  readiness(batch: ProducerBatch): Readiness {
    const p = this.sequencesFor(batch.topic, batch.partition);
    if (batch.baseSequence >= 0 && p.outstanding.includes(batch)) return p.outstanding[0] === batch ? 'send' : 'wait';
    const current = this.current;
    if (current === null) {
      if (this.fatalError) return this.fatalError;
      this.ensureProducerId();
      return 'wait';
    }
    if (p.producerId !== current.producerId || p.producerEpoch !== current.producerEpoch) {
      if (p.outstanding.length > 0) return 'wait';
      this.restart(p, current);
    }
    if (p.gapped || p.outstanding.length >= MAX_OUTSTANDING_BATCHES_PER_PARTITION) return 'wait';
    batch.setProducerState(current.producerId, current.producerEpoch, p.nextSequence);
    return 'send';
  }

  /** The batch was drained: a newly stamped one now holds its sequence. */
  drained(batch: ProducerBatch): void {
    const p = this.sequencesFor(batch.topic, batch.partition);
    if (batch.baseSequence < 0 || p.outstanding.includes(batch)) return;
    p.outstanding.push(batch);
    p.nextSequence = incrementSequence(p.nextSequence, batch.recordCount);
  }

  /** The broker acknowledged the batch (a duplicate included). */
  acknowledged(batch: ProducerBatch): void {
    this.removeOutstanding(this.sequencesFor(batch.topic, batch.partition), batch);
  }

  /** The batch failed for good: if it held a sequence, the partition has a hole and needs a new producer id. */
  failed(batch: ProducerBatch): void {
    const p = this.sequencesFor(batch.topic, batch.partition);
    if (!this.removeOutstanding(p, batch) || p.gapped) return;
    p.gapped = true;
    // A partition still on an older producer id moves to the current one anyway.
    const current = this.current;
    if (current !== null && current.producerId === p.producerId && current.producerEpoch === p.producerEpoch) {
      this.resetProducerId(`a batch of ${batch.topic}-${batch.partition} with sequence ${batch.baseSequence} failed`);
    }
  }

  /**
   * The error to retry or fail a batch with, given what the broker said about its sequence. An
   * out-of-order answer is retriable while an earlier batch is unresolved; in a partition with a
   * hole it proves the batch is not in the log, so the batch is restamped later under the new id.
   */
  classifyError(batch: ProducerBatch, err: SamsaError): SamsaError {
    const p = this.sequencesFor(batch.topic, batch.partition);
    const tp = `${batch.topic}-${batch.partition}`;
    const outOfOrder = err.code === ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER.code;
    const index = batch.baseSequence < 0 ? -1 : p.outstanding.indexOf(batch);
    if (index < 0) {
      // Its sequence was withdrawn while it was in flight (see below): it waits for the new producer id.
      return outOfOrder ? retriable(err, `${err.message} (${tp}: resending under a new producer id)`) : err;
    }
    if (outOfOrder && p.gapped) {
      // Not in the log, so neither is anything sent after it: they all get sequences under the new id.
      for (const unwritten of p.outstanding.splice(index)) unwritten.setProducerState(-1, -1, -1);
      return retriable(err, `${err.message} (${tp} moves to a new producer id; resending under it)`);
    }
    if (outOfOrder) {
      if (index > 0) return retriable(err, `${err.message} (${tp}: an earlier batch is unresolved; resending in sequence order)`);
      // Nothing earlier can still fill the gap the broker sees, so waiting would not help.
      return userError(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER, `The broker rejected sequence ${batch.baseSequence} of producer `
        + `${batch.producerId} for ${tp} as out of order, with no earlier batch unresolved: the broker may have lost data. `
        + 'These records were not written.');
    }
    if (err.code === ErrorCode.INVALID_PRODUCER_EPOCH.code || err.code === ErrorCode.UNKNOWN_PRODUCER_ID.code) {
      return userError(errorDefinitionOf(err), `${err.errorName} for ${tp}: the broker refused producer id ${batch.producerId} `
        + `epoch ${batch.producerEpoch}. These records were not written; the producer continues with a new producer id.`);
    }
    return err;
  }

  private sequencesFor(topic: string, partition: number): PartitionSequences {
    let byPartition = this.partitions.get(topic);
    if (byPartition === undefined) {
      byPartition = [];
      this.partitions.set(topic, byPartition);
    }
    let p = byPartition[partition];
    if (p === undefined) {
      p = { producerId: -1, producerEpoch: -1, nextSequence: 0, outstanding: [], gapped: false };
      byPartition[partition] = p;
    }
    return p;
  }

  private removeOutstanding(p: PartitionSequences, batch: ProducerBatch): boolean {
    if (batch.baseSequence < 0) return false;
    const i = p.outstanding.indexOf(batch);
    if (i < 0) return false;
    p.outstanding.splice(i, 1);
    return true;
  }

  private restart(p: PartitionSequences, id: ProducerIdAndEpoch): void {
    p.producerId = id.producerId;
    p.producerEpoch = id.producerEpoch;
    p.nextSequence = 0;
    p.gapped = false;
  }

  private resetProducerId(reason: string): void {
    if (this.current === null) return;
    if (this.options.onSequenceGap !== undefined) {
      this.options.onSequenceGap(reason);
      return;
    }
    this.log.info(`Producer id ${this.current.producerId} gets replaced: ${reason}`);
    this.current = null;
    this.ensureProducerId();
  }

  /** InitProducerId to any broker, with backoff, until it succeeds, fails for good, or the producer closes. */
  private async fetchProducerId(): Promise<void> {
    for (let attempt = 0; !this.closed; attempt++) {
      let err: SamsaError;
      try {
        const conn = await this.pool.anyConnection();
        const resp = await conn.send(Api.InitProducerId, { transactionalId: null, transactionTimeoutMs: NO_TRANSACTION_TIMEOUT_MS });
        if (resp.errorCode === 0) {
          this.current = { producerId: resp.producerId, producerEpoch: resp.producerEpoch };
          this.log.debug(`producer id ${resp.producerId}, epoch ${resp.producerEpoch}`);
          return;
        }
        err = responseError(resp.errorCode, null);
      } catch (thrown) {
        err = asSamsaError(thrown);
      }
      if (this.closed) return;
      if (!err.retriable && err.code === ErrorCode.CLUSTER_AUTHORIZATION_FAILED.code) {
        // Kafka's ClusterAuthorizationException: the principal needs IdempotentWrite on the cluster or Write on a topic.
        this.fatalError = userError(ErrorCode.CLUSTER_AUTHORIZATION_FAILED, 'Cluster authorization failed: an idempotent producer needs IdempotentWrite on the cluster or Write on some topic.', err);
        this.log.warn(this.fatalError.message);
        return;
      }
      const refusedLogin: boolean = isAuthenticationError(err);
      if (refusedLogin) {
        // A refused login says nothing about InitProducerId: report it as it is.
        this.fatalError = err;
        return;
      }
      if (!err.retriable) {
        this.fatalError = userError(errorDefinitionOf(err), `Could not get a producer id for the idempotent producer (${err.errorName}: `
          + `${err.message.replace(/\.$/, '')}). Brokers without InitProducerId need enable.idempotence=false.`, err);
        this.log.warn(this.fatalError.message);
        return;
      }
      this.log.debug(`InitProducerId failed (${err.message}); retrying`);
      await this.backoff(exponentialBackoffMs(attempt, this.options.retryBackoffMs, this.options.retryBackoffMaxMs));
    }
  }

  private backoff(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.wakeBackoff = resolve;
      this.backoffTimer = setTimeout(resolve, ms);
    });
  }
}

function errorDefinitionOf(err: SamsaError): { code: number; name: string; retriable: boolean; message: string } {
  return { code: err.code, name: err.errorName, retriable: err.retriable, message: err.message };
}

/** The same error, retriable: out of order behind an unresolved batch is a reason to wait, not to give up. */
function retriable(err: SamsaError, message: string): SamsaError {
  return userError({ ...errorDefinitionOf(err), retriable: true }, message);
}
