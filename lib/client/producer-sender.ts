/**
 * The producer's sending side: turns ready batches into Produce requests and their answers into
 * resolved or retried batches.
 *
 * Each run takes the head batch of every ready partition, groups them by the partition's leader
 * and sends one Produce request per broker (at most one batch per partition, at most
 * max.request.size bytes), keeping up to max.in.flight.requests.per.connection requests
 * outstanding per broker. Retriable failures refresh metadata and put the batch back with an
 * exponential backoff until retries or delivery.timeout.ms run out. One timer serves the whole
 * producer: the sender computes when the next batch becomes ready (linger, backoff, expiry).
 * With idempotence, ProducerIdempotence decides when a partition's head batch may go and how a
 * sequence error is handled; the sender tells it what became of every batch.
 */
import { Api } from '../protocol/api';
import { ErrorCode, SamsaError } from '../protocol/errors';
import { ProduceRequestData, ProduceResponseData } from '../protocol/messages/produce-fetch';
import { CompressionType } from '../record/compression';
import { ClientLogger, clientLogger } from './client-logger';
import { asSamsaError, authorizationError, responseError, userError } from './client-errors';
import { ConnectionPool } from './connection-pool';
import { MetadataCache } from './metadata-cache';
import { ProducerMetricsRecorder } from './client-metrics';
import { ProducerBatch } from './producer-batch';
import { ProducerIdempotence, Readiness } from './producer-idempotence';
import { PartitionQueue, RecordAccumulator } from './record-accumulator';
import { RetryPolicy, needsMetadataRefresh } from './retry-policy';

export interface SenderOptions {
  /** Wire value: -1 (all), 0 or 1. */
  acks: number;
  compression: CompressionType;
  maxInFlightRequestsPerConnection: number;
  maxRequestSize: number;
  requestTimeoutMs: number;
  deliveryTimeoutMs: number;
  retryBackoffMs: number;
  retryPolicy: RetryPolicy;
  /** Null when idempotence is off. */
  idempotence: ProducerIdempotence | null;
  /**
   * Transactional producers: the transaction manager says when a partition's batches may go (once
   * AddPartitionsToTxn has added it) or why they fail; batches carry the transactional bit and
   * Produce requests the transactional id.
   */
  transactions?: { transactionalId: string; readiness(batch: ProducerBatch): Readiness } | null;
  /** The producer's metrics: told once per request and per batch failed. */
  metrics?: ProducerMetricsRecorder;
  logger?: ClientLogger;
}

/** prepareHead results besides a size: the batch must wait, or it was failed. */
const WAIT = -1;
const FAILED = -2;

interface NodeDrain {
  batches: ProducerBatch[];
  bytes: number;
}

export class ProducerSender {
  private readonly log: ClientLogger;
  private readonly inFlight = new Map<number, number>();
  private timer: NodeJS.Timeout | null = null;
  private timerAtMs = Infinity;
  private immediate = false;
  private stopped = false;
  /** While > 0 every batch is ready at once (flush or close in progress). */
  flushing = 0;

  constructor(
    private readonly accumulator: RecordAccumulator,
    private readonly metadata: MetadataCache,
    private readonly pool: ConnectionPool,
    private readonly options: SenderOptions,
    /** Called once per batch when it is acknowledged or failed for good. */
    private readonly onBatchDone: (batch: ProducerBatch) => void,
    private readonly now: () => number = Date.now,
  ) {
    this.log = clientLogger(options.logger, 'producer');
  }

  /** Runs the sender on the next turn of the event loop; many calls in one turn cost one run. */
  wakeup(): void {
    if (this.immediate || this.stopped) return;
    this.immediate = true;
    setImmediate(() => {
      this.immediate = false;
      this.run();
    });
  }

  /** Runs the sender at `atMs` unless a run is already due earlier. */
  wakeAt(atMs: number): void {
    if (this.stopped || atMs >= this.timerAtMs) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerAtMs = atMs;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.timerAtMs = Infinity;
      this.run();
    }, Math.max(0, atMs - this.now()));
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  inFlightTo(nodeId: number): number {
    return this.inFlight.get(nodeId) ?? 0;
  }

  run(): void {
    if (this.stopped) return;
    try {
      this.runOnce();
    } catch (err) {
      this.log.error(`producer sender failed: ${(err as Error).message}`, { error: err });
    }
  }

  private runOnce(): void {
    const now = this.now();
    this.metadata.maybeRefresh();
    this.expire(now);
    const drains = new Map<number, NodeDrain>();
    let nextWakeMs = Infinity;
    let leaderMissing = false;
    let moreReady = false;
    const flushing = this.flushing > 0;
    for (const q of this.accumulator.queues()) {
      if (q.batches.length === 0) continue;
      nextWakeMs = Math.min(nextWakeMs, q.batches[0].createdAtMs + this.options.deliveryTimeoutMs);
      const readyAt = this.accumulator.readyAtMs(q, flushing);
      if (readyAt > now) {
        nextWakeMs = Math.min(nextWakeMs, readyAt);
        continue;
      }
      const leader = this.metadata.leaderFor(q.topic, q.partition);
      if (leader < 0) {
        leaderMissing = true;
        continue;
      }
      if (this.options.acks !== 0 && this.inFlightTo(leader) >= this.options.maxInFlightRequestsPerConnection) continue;
      const size = this.prepareHead(q);
      if (size === WAIT) continue;
      const drain = drains.get(leader) ?? { batches: [], bytes: 0 };
      if (size === FAILED || (drain.batches.length > 0 && drain.bytes + size > this.options.maxRequestSize)) {
        moreReady = true;
        continue;
      }
      const batch = this.accumulator.drainHead(q);
      this.options.idempotence?.drained(batch);
      drain.batches.push(batch);
      drain.bytes += size;
      drains.set(leader, drain);
      if (q.batches.length > 0 && this.accumulator.readyAtMs(q, flushing) <= now) moreReady = true;
    }
    for (const [node, drain] of drains) void this.sendTo(node, drain.batches);
    if (leaderMissing) {
      this.metadata.requestRefresh();
      nextWakeMs = Math.min(nextWakeMs, now + this.options.retryBackoffMs);
    }
    if (moreReady) this.wakeup();
    if (nextWakeMs < Infinity) this.wakeAt(nextWakeMs);
  }

  /**
   * The encoded size of the partition's head batch when it may be sent now (stamped with its
   * producer id and sequence if idempotent); WAIT when idempotence holds it back, FAILED when it
   * was failed instead (it cannot be encoded, or the producer has no producer id for good).
   */
  private prepareHead(q: PartitionQueue): number {
    const head = q.batches[0];
    const transactions = this.options.transactions ?? null;
    const idempotence = this.options.idempotence;
    for (const gate of [transactions, idempotence]) {
      if (gate === null) continue;
      const readiness = gate.readiness(head);
      if (readiness === 'wait') return WAIT;
      if (readiness !== 'send') {
        this.finish(this.accumulator.drainHead(q), readiness);
        return FAILED;
      }
    }
    try {
      return head.encode(this.options.compression, transactions !== null).length;
    } catch (err) {
      this.finish(this.accumulator.drainHead(q), asSamsaError(err));
      return FAILED;
    }
  }

  /** Fails queued batches older than delivery.timeout.ms. */
  private expire(now: number): void {
    const deadline = now - this.options.deliveryTimeoutMs;
    const expired = this.accumulator.removeExpired(deadline);
    for (const batch of expired) {
      const err = userError(ErrorCode.REQUEST_TIMED_OUT,
        `Expiring ${batch.recordCount} record(s) for ${batch.topic}-${batch.partition}: ${now - batch.createdAtMs} ms has passed since batch creation`);
      this.finish(batch, err);
    }
  }

  private buildRequest(batches: readonly ProducerBatch[]): ProduceRequestData {
    const topics = new Map<string, ProduceRequestData['topics'][number]>();
    for (const batch of batches) {
      let t = topics.get(batch.topic);
      if (!t) {
        t = { name: batch.topic, partitions: [] };
        topics.set(batch.topic, t);
      }
      t.partitions.push({ index: batch.partition, records: batch.encoded });
    }
    return { transactionalId: this.options.transactions?.transactionalId ?? null, acks: this.options.acks, timeoutMs: this.options.requestTimeoutMs, topics: [...topics.values()] };
  }

  private async sendTo(node: number, batches: ProducerBatch[]): Promise<void> {
    const acks = this.options.acks;
    if (acks !== 0) this.inFlight.set(node, this.inFlightTo(node) + 1);
    for (const b of batches) b.attempts++;
    try {
      const request = this.buildRequest(batches);
      const conn = await this.pool.forNode(node);
      const metrics = this.options.metrics;
      metrics?.requestSent(batches);
      if (acks === 0) {
        await conn.send(Api.Produce, request, { expectResponse: false });
        for (const b of batches) this.finish(b, null, -1, -1);
      } else {
        const sentMs = metrics ? metrics.now() : 0;
        const response = await conn.send(Api.Produce, request);
        metrics?.requestAnswered(metrics.now() - sentMs, response.throttleTimeMs);
        this.handleResponse(batches, response);
      }
    } catch (err) {
      for (const b of batches) this.retryOrFail(b, this.classify(b, asSamsaError(err)));
    } finally {
      if (acks !== 0) this.inFlight.set(node, this.inFlightTo(node) - 1);
      this.wakeup();
    }
  }

  private handleResponse(batches: readonly ProducerBatch[], response: ProduceResponseData): void {
    const byKey = new Map<string, ProducerBatch>();
    for (const b of batches) byKey.set(`${b.topic}\u0000${b.partition}`, b);
    for (const t of response.topics) {
      for (const p of t.partitions) {
        const key = `${t.name}\u0000${p.index}`;
        const batch = byKey.get(key);
        if (!batch) continue;
        byKey.delete(key);
        if (p.errorCode === 0) {
          this.finish(batch, null, p.baseOffset, p.logAppendTimeMs);
        } else if (p.errorCode === ErrorCode.DUPLICATE_SEQUENCE_NUMBER.code && this.options.idempotence !== null) {
          // Written before, too long ago for the broker to still know its offsets (Kafka does the same).
          this.finish(batch, null, -1, -1);
        } else {
          this.retryOrFail(batch, this.classify(batch, authorizationError(p.errorCode, { topic: t.name }) ?? responseError(p.errorCode, p.errorMessage,
            `${errorNameFor(p.errorCode)} for ${t.name}-${p.index}`)));
        }
      }
    }
    for (const batch of byKey.values()) {
      this.finish(batch, userError(ErrorCode.UNKNOWN_SERVER_ERROR, `the broker did not answer for ${batch.topic}-${batch.partition}`));
    }
  }

  private classify(batch: ProducerBatch, err: SamsaError): SamsaError {
    return this.options.idempotence === null ? err : this.options.idempotence.classifyError(batch, err);
  }

  private retryOrFail(batch: ProducerBatch, err: SamsaError): void {
    if (needsMetadataRefresh(err.code)) this.metadata.requestRefresh();
    const now = this.now();
    const decision = this.stopped ? { retry: false as const, reason: 'the producer is closed' } : this.options.retryPolicy.decide(err, batch.attempts, batch.createdAtMs, now);
    if (decision.retry) {
      this.log.debug(`retrying ${batch.topic}-${batch.partition} (attempt ${batch.attempts + 1}) in ${decision.delayMs} ms after ${err.errorName}`);
      batch.retryAtMs = now + decision.delayMs;
      this.accumulator.requeue(batch);
      this.wakeAt(batch.retryAtMs);
      return;
    }
    this.finish(batch, err);
  }

  /** Completes a batch for good: `err` null means success at `baseOffset`. */
  private finish(batch: ProducerBatch, err: Error | null, baseOffset = -1, logAppendTimeMs = -1): void {
    if (batch.done) return;
    const idempotence = this.options.idempotence;
    if (err) {
      this.options.metrics?.recordsFailedForGood(batch.recordCount);
      idempotence?.failed(batch);
      batch.fail(err);
    } else {
      idempotence?.acknowledged(batch);
      batch.complete(baseOffset, logAppendTimeMs);
    }
    this.onBatchDone(batch);
  }

  /** Fails queued batches (all by default; abortTransaction() those never sent). */
  failQueued(err: Error, which: (batch: ProducerBatch) => boolean = () => true): void {
    for (const batch of this.accumulator.removeWhere(which)) this.finish(batch, err);
  }
}

function errorNameFor(code: number): string {
  return SamsaError.fromCode(code).errorName;
}
