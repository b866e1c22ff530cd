/**
 * The public Producer: send() records, get their offsets back.
 *
 * send() converts the record, picks its partition and encodes it into its batch, all
 * synchronously when the topic's metadata is known. A record's outcome is reported through one
 * Completion callback kept by its batch: the caller's own callback with send(record, callback),
 * which then costs no promise and no closure, or one that settles the promise send() returns. Records for a topic whose
 * metadata is still loading, or arriving while buffer.memory is exhausted, wait in FIFO queues
 * (so per-partition order is kept) for at most max.block.ms. The sender (producer-sender.ts)
 * does the network side; with idempotence (the default) ProducerIdempotence
 * (producer-idempotence.ts) gets a producer id and numbers each partition's batches.
 * Interceptors, serializers and the partitioner are resolved by producer-extensions.ts; send()
 * runs onSend first and reports every outcome to onAcknowledgement, as Kafka's producer does. With a
 * transactionalId, TransactionManager (transaction-manager.ts) runs the transactions: the methods
 * here only delegate to it and tell it about sends and failed batches.
 */
import { ErrorCode } from '../protocol/errors';
import { BATCH_HEADER_SIZE } from '../record/batch-header';
import { ProducerRecordData } from '../record/record';
import { IllegalStateError, closedError, userError } from './client-errors';
import { clientLogger } from './client-logger';
import { ConnectionPool } from './connection-pool';
import { MetadataCache, poolMetadataFetcher, TopicMetadata } from './metadata-cache';
import { Completion, estimateRecordSize, ProducerBatch, RecordMetadata } from './producer-batch';
import { ProducerOptions, ResolvedProducerOptions, producerOptionsFromProperties, resolveProducerOptions } from './producer-options';
import { ProducerPartitioner } from './producer-partitioner';
import { ProducerIdempotence } from './producer-idempotence';
import { ProducerRecord, toPlainRecordData, toRecordData, usesDefaultSerializers } from './producer-record';
import { ProducerExtensions, resolveProducerExtensions } from './producer-extensions';
import type { BytesOrString } from './serializers';
import { ProducerSender } from './producer-sender';
import { RecordAccumulator } from './record-accumulator';
import { PRODUCER_METRIC_DEFS, ProducerMetrics, ProducerMetricsRecorder } from './client-metrics';
import { registerClientMetrics } from './client-metrics-registry';
import { RetryPolicy } from './retry-policy';
import { TransactionManager } from './transaction-manager';
import type { ConsumerGroupMetadata } from './consumer-group';
import type { TopicPartitionOffset } from './offset-committer';

export type { ProducerOptions } from './producer-options';
export type { ProducerRecord } from './producer-record';
export type { RecordMetadata } from './producer-batch';
export type { ProducerMetrics } from './client-metrics';

/** A record that could not be appended yet (metadata loading or buffer full). */
interface PendingSend {
  /** The record as sent (after interceptors), for partitioners that look at the key or value. */
  source: { key?: unknown; value: unknown };
  topic: string;
  partition: number | undefined;
  data: ProducerRecordData;
  size: number;
  completion: Completion;
  sinceMs: number;
}

export class Producer<K = BytesOrString, V = BytesOrString> {
  private readonly options: ResolvedProducerOptions;
  private readonly pool: ConnectionPool;
  private readonly metadata: MetadataCache;
  private readonly accumulator: RecordAccumulator;
  private readonly sender: ProducerSender;
  private readonly idempotence: ProducerIdempotence | null;
  private readonly partitioner: ProducerPartitioner;
  private readonly ext: ProducerExtensions<K, V>;
  private readonly txn: TransactionManager | null = null;
  private readonly awaitingMetadata = new Map<string, PendingSend[]>();
  private blocked: PendingSend[] = [];
  private blockedTimer: NodeJS.Timeout | null = null;
  /** Records handed to send() and not yet resolved or rejected. */
  private incomplete = 0;
  private idleWaiters: Array<() => void> = [];
  private closing: Promise<void> | null = null;
  private readonly recorder: ProducerMetricsRecorder;
  private readonly unregisterMetrics: () => void;
  /**
   * What append() hands the partitioner, reused for every record rather than a closure and an
   * object per record: the partitioner reads them during choose() and keeps neither.
   */
  private readonly probe = { topic: '', size: 0 };
  private readonly hasOpenBatch = (partition: number): boolean => this.accumulator.hasOpenBatchWithRoom(this.probe.topic, partition, this.probe.size);
  private readonly partitionerRecord: { key: unknown; value: unknown } = { key: null, value: null };
  /**
   * The commonest record (Buffer or null key and value, no headers or timestamp, default
   * serializers) is converted into this object rather than a new one per record
   * (toPlainRecordData); nothing keeps it past append(), and a record that must wait is copied.
   * `scratchBusy` guards against a send() from inside a partitioner reusing it mid-append.
   */
  private readonly scratch: ProducerRecordData = { key: null, value: null, headers: undefined, timestamp: 0 };
  private scratchBusy = false;
  /**
   * The batch the last keyless record without an explicit partition joined. While it stays open
   * and the partitioner's sticky answer for the same metadata is its partition, the next such
   * record joins it directly: the same batch choose() and accumulator.append() would pick.
   */
  private stickyBatch: ProducerBatch | null = null;
  private readonly plainSerializers: boolean;
  /** Read once per record: kept as fields rather than looked up in the options each time. */
  private readonly lingerMs: number;
  private readonly bufferMemory: number;
  /** The largest record estimate checkSize() accepts. */
  private readonly maxRecordBytes: number;

  constructor(options: ProducerOptions<K, V>) {
    this.options = resolveProducerOptions(options);
    const o = this.options;
    this.ext = resolveProducerExtensions(options, clientLogger(o.logger, 'producer'));
    this.plainSerializers = usesDefaultSerializers(this.ext.serializers);
    this.lingerMs = o.lingerMs;
    this.bufferMemory = o.bufferMemory;
    this.maxRecordBytes = Math.min(o.maxRequestSize, o.bufferMemory) - BATCH_HEADER_SIZE;
    this.partitioner = new ProducerPartitioner(Math.random, {
      partitioner: this.ext.partitioner, ignoreKeys: this.ext.ignoreKeys, lookup: (topic) => this.metadata.topic(topic),
    });
    this.pool = new ConnectionPool(o);
    this.recorder = new ProducerMetricsRecorder(this.pool.traffic);
    this.unregisterMetrics = o.metricsRegistry
      ? registerClientMetrics(o.metricsRegistry, 'producer', o.clientId, PRODUCER_METRIC_DEFS, () => this.recorder.snapshot())
      : () => undefined;
    this.metadata = new MetadataCache(poolMetadataFetcher(this.pool), {
      metadataMaxAgeMs: o.metadataMaxAgeMs, retryBackoffMs: o.retryBackoffMs, retryBackoffMaxMs: o.retryBackoffMaxMs,
      allowAutoTopicCreation: true, onBrokers: (brokers) => this.pool.setNodes(brokers), logger: o.logger,
    });
    this.accumulator = new RecordAccumulator({ batchSize: o.batchSize, lingerMs: o.lingerMs, bufferMemory: o.bufferMemory });
    const retryPolicy = new RetryPolicy({
      retries: o.retries, retryBackoffMs: o.retryBackoffMs, retryBackoffMaxMs: o.retryBackoffMaxMs, deliveryTimeoutMs: o.deliveryTimeoutMs,
    });
    const onSequenceGap = o.transactionalId === null ? undefined : (reason: string) => this.txn?.sequenceGap(reason);
    this.idempotence = o.enableIdempotence
      ? new ProducerIdempotence(this.pool, { retryBackoffMs: o.retryBackoffMs, retryBackoffMaxMs: o.retryBackoffMaxMs, logger: o.logger, onSequenceGap }, () => this.sender.wakeup())
      : null;
    if (o.transactionalId !== null && this.idempotence !== null) {
      this.txn = new TransactionManager(this.pool, o, this.idempotence, {
        flush: () => this.flush(), dropUnsent: (err) => this.dropUnsent(err), wakeSender: () => this.sender.wakeup(),
      });
    }
    this.sender = new ProducerSender(this.accumulator, this.metadata, this.pool, {
      acks: o.acks, compression: o.compression, maxInFlightRequestsPerConnection: o.maxInFlightRequestsPerConnection,
      maxRequestSize: o.maxRequestSize, requestTimeoutMs: o.requestTimeoutMs, deliveryTimeoutMs: o.deliveryTimeoutMs,
      retryBackoffMs: o.retryBackoffMs, retryPolicy, idempotence: this.idempotence, metrics: this.recorder, logger: o.logger,
      transactions: this.txn && { transactionalId: o.transactionalId as string, readiness: (batch) => (this.txn as TransactionManager).readiness(batch) },
    }, (batch) => this.onBatchDone(batch));
  }

  /**
   * Kafka's producer-metrics by name (record-send-total, request-latency-avg, ...), as numbers
   * now; docs/operations.md lists them. Rates are per second since the producer was created.
   */
  metrics(): ProducerMetrics {
    return this.recorder.snapshot();
  }

  /** Kafka property names: bootstrap.servers, acks, linger.ms, batch.size, compression.type, ... */
  static fromProperties<K = BytesOrString, V = BytesOrString>(props: Record<string, string>): Producer<K, V> {
    return new Producer<K, V>(producerOptionsFromProperties<K, V>(props));
  }

  /** Fetches cluster metadata, so an unreachable cluster is reported here rather than by the first send. */
  async connect(): Promise<void> {
    if (this.closing) throw closedError('the producer');
    this.idempotence?.ensureProducerId();
    await this.metadata.refresh();
  }

  /**
   * Kafka's partitionsFor: the topic's partition ids, sorted, from freshly fetched metadata (so a
   * topic that just grew shows its new partitions). Waits up to max.block.ms for the topic.
   */
  async partitionsFor(topic: string): Promise<number[]> {
    if (this.closing) throw closedError('the producer');
    // A failed refresh leaves the cached answer; waitForTopic retries when there is none.
    await this.metadata.refresh([topic]).catch(() => undefined);
    const t = await this.metadata.waitForTopic(topic, this.options.maxBlockMs);
    return t.partitions.map((p) => p.partition).sort((a, b) => a - b);
  }

  /** The producer id and epoch stamped into batches; null until known (or with idempotence off). */
  get producerIdAndEpoch(): { producerId: number; producerEpoch: number } | null {
    return this.idempotence?.producerIdAndEpoch ?? null;
  }

  /**
   * Transactions (Kafka's KafkaProducer): initTransactions() once, then beginTransaction(), sends,
   * sendOffsetsToTransaction(), and commitTransaction() or abortTransaction(). Needs transactionalId.
   * Fencing and authorization errors are fatal (only close() is left); after any other error,
   * abortTransaction() and begin again. docs/client.md has the loop.
   */
  async initTransactions(): Promise<void> {
    return this.transactions().initTransactions();
  }

  beginTransaction(): void {
    this.transactions().beginTransaction();
  }

  /** Adds a consumer's positions to the transaction: they are committed for its group only if the transaction commits. */
  async sendOffsetsToTransaction(offsets: TopicPartitionOffset[], groupMetadata: ConsumerGroupMetadata): Promise<void> {
    return this.transactions().sendOffsetsToTransaction(offsets, groupMetadata);
  }

  /** Flushes the transaction's records, then commits it. */
  async commitTransaction(): Promise<void> {
    return this.transactions().commitTransaction();
  }

  /** Drops the records not sent yet (their sends fail with TransactionAbortedError), then aborts. */
  async abortTransaction(): Promise<void> {
    return this.transactions().abortTransaction();
  }

  private transactions(): TransactionManager {
    if (this.closing) throw closedError('the producer');
    if (this.txn === null) throw new IllegalStateError('Transactional method invoked on a non-transactional producer.');
    return this.txn;
  }

  /**
   * Queues a record and resolves with its partition and offset once acknowledged. With a
   * callback (Kafka's `send(record, callback)`), no promise is created: the callback gets the
   * error or the metadata, which is what high-rate senders such as the perf tool use.
   */
  send(record: ProducerRecord<K, V>): Promise<RecordMetadata>;
  send(record: ProducerRecord<K, V>, callback: (err: Error | null, metadata?: RecordMetadata) => void): void;
  send(record: ProducerRecord<K, V>, callback?: (err: Error | null, metadata?: RecordMetadata) => void): Promise<RecordMetadata> | void {
    // The closures of the other paths live in their own methods: a closure here would make every
    // call allocate a context for the variables it captures, whichever path the call takes.
    if (callback) {
      if (this.ext.interceptors.empty) this.dispatch(record, callback);
      else this.intercept(record, callback);
      return;
    }
    return this.sendForPromise(record);
  }

  private sendForPromise(record: ProducerRecord<K, V>): Promise<RecordMetadata> {
    return new Promise<RecordMetadata>((resolve, reject) => {
      const completion: Completion = (err, metadata) => {
        if (err) reject(err);
        else resolve(metadata as RecordMetadata);
      };
      if (this.ext.interceptors.empty) this.dispatch(record, completion);
      else this.intercept(record, completion);
    });
  }

  /** onSend before anything else; onAcknowledgement before the application hears of the outcome. */
  private intercept(record: ProducerRecord<K, V>, completion: Completion): void {
    const interceptors = this.ext.interceptors;
    const sent = interceptors.onSend(record);
    this.dispatch(sent, (err, metadata, partition) => {
      if (err) interceptors.onSendError(sent, err, partition);
      else interceptors.onAcknowledgement(metadata as RecordMetadata, null);
      completion(err, metadata, partition);
    });
  }

  private dispatch(record: ProducerRecord<K, V>, completion: Completion): void {
    if (this.closing) {
      this.recorder.recordsFailedForGood(1);
      completion(closedError('the producer'));
      return;
    }
    const refused = this.txn?.sendError();
    if (refused) {
      this.recorder.recordsFailedForGood(1);
      completion(refused);
      return;
    }
    let data: ProducerRecordData;
    let size: number;
    const now = Date.now();
    try {
      const plain = this.plainSerializers && !this.scratchBusy ? toPlainRecordData(record, now, this.scratch) : null;
      data = plain ?? toRecordData(record, now, this.ext.serializers);
      size = estimateRecordSize(data);
      if (size > this.maxRecordBytes) this.checkSize(size);
    } catch (err) {
      this.recorder.recordsFailedForGood(1);
      completion(err as Error);
      return;
    }
    this.incomplete++;
    this.idempotence?.ensureProducerId();
    const topic = record.topic;
    // Fast path: nothing queued ahead of this record, metadata known, memory available.
    const metadata = this.blocked.length === 0 && (this.awaitingMetadata.size === 0 || !this.awaitingMetadata.has(topic)) ? this.metadata.topic(topic) : undefined;
    if (metadata !== undefined && this.accumulator.bufferedBytes + size <= this.bufferMemory) {
      if (data === this.scratch) {
        this.scratchBusy = true;
        this.append(metadata, topic, record.partition, data, size, completion, record, now);
        data.key = null;
        data.value = null;
        this.scratchBusy = false;
      } else {
        this.append(metadata, topic, record.partition, data, size, completion, record, now);
      }
    } else {
      if (data === this.scratch) data = { key: data.key, value: data.value, headers: undefined, timestamp: now };
      this.enqueue({ source: record, topic, partition: record.partition, data, size, completion, sinceMs: 0 });
    }
  }

  /** Sends everything buffered now and waits until every record sent so far is acknowledged or failed. */
  async flush(): Promise<void> {
    if (this.incomplete === 0) return;
    this.sender.flushing++;
    this.sender.wakeup();
    try {
      await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
    } finally {
      this.sender.flushing--;
    }
  }

  /** Flushes, then closes the connections. Later sends are rejected. */
  close(): Promise<void> {
    if (!this.closing) {
      this.closing = (async () => {
        try {
          await this.flush();
        } finally {
          this.sender.stop();
          this.unregisterMetrics();
          this.idempotence?.close();
          this.ext.interceptors.close();
          this.partitioner.close();
          this.txn?.close();
          if (this.blockedTimer) clearTimeout(this.blockedTimer);
          this.pool.close();
        }
      })();
    }
    return this.closing;
  }

  private checkSize(size: number): void {
    const serialized = size + BATCH_HEADER_SIZE;
    if (serialized > this.options.maxRequestSize) {
      throw userError(ErrorCode.MESSAGE_TOO_LARGE, `The message is ${serialized} bytes when serialized which is larger than `
        + `${this.options.maxRequestSize}, which is the value of the max.request.size configuration.`);
    }
    if (serialized > this.options.bufferMemory) {
      throw userError(ErrorCode.MESSAGE_TOO_LARGE, `The message is ${serialized} bytes when serialized which is larger than `
        + 'the total memory buffer you have configured with the buffer.memory configuration.');
    }
  }

  /** Appends now when possible; otherwise queues behind earlier records so order is kept. */
  private enqueue(p: PendingSend): void {
    const waiting = this.awaitingMetadata.get(p.topic);
    if (waiting) {
      waiting.push(p);
      return;
    }
    const topic = this.metadata.topic(p.topic);
    if (topic === undefined) {
      this.awaitMetadata(p);
      return;
    }
    if (this.blocked.length > 0 || this.accumulator.bufferedBytes + p.size > this.options.bufferMemory) {
      this.block(p);
      return;
    }
    this.appendPending(topic, p);
  }

  private appendPending(metadata: TopicMetadata, p: PendingSend): void {
    this.append(metadata, p.topic, p.partition, p.data, p.size, p.completion, p.source, Date.now());
  }

  private append(metadata: TopicMetadata, topic: string, explicit: number | undefined, data: ProducerRecordData, size: number,
    completion: Completion, source: PendingSend['source'], now: number): void {
    let partition: number;
    let batch: ProducerBatch;
    try {
      const sticky = this.stickyBatch;
      if (sticky !== null && explicit === undefined && data.key === null && this.txn === null && sticky.topic === topic
        && this.partitioner.stickyPartition(metadata) === sticky.partition && this.accumulator.appendToOpen(sticky, data, size, completion)) {
        if (sticky.closed || this.lingerMs === 0 || this.sender.flushing > 0) this.sender.wakeup();
        return;
      }
      this.probe.topic = topic;
      this.probe.size = size;
      const forPartitioner = this.partitionerRecord;
      forPartitioner.key = source.key ?? null;
      forPartitioner.value = source.value;
      partition = this.partitioner.choose(metadata, data.key, explicit, this.hasOpenBatch, forPartitioner);
      forPartitioner.key = null;
      forPartitioner.value = null;
      this.txn?.maybeAddPartition(topic, partition);
      batch = this.accumulator.append(topic, partition, data, size, completion, now);
      if (explicit === undefined && data.key === null) this.stickyBatch = batch;
    } catch (err) {
      this.recorder.recordsFailedForGood(1);
      completion(err as Error);
      this.recordsDone(1);
      return;
    }
    if (batch.closed || this.lingerMs === 0 || this.sender.flushing > 0) {
      this.sender.wakeup();
    } else if (batch.recordCount === 1) { // a new batch: its linger clock starts now
      if (this.accumulator.queue(topic, partition).batches.length > 1) this.sender.wakeup();
      else this.sender.wakeAt(now + this.lingerMs);
    }
  }

  private awaitMetadata(first: PendingSend): void {
    const queue = [first];
    this.awaitingMetadata.set(first.topic, queue);
    this.metadata.waitForTopic(first.topic, this.options.maxBlockMs).then(
      () => {
        this.awaitingMetadata.delete(first.topic);
        for (const p of queue) this.enqueue(p);
      },
      (err: Error) => {
        this.awaitingMetadata.delete(first.topic);
        for (const p of queue) this.settleOne(p, err);
      },
    );
  }

  private block(p: PendingSend): void {
    p.sinceMs = Date.now();
    this.blocked.push(p);
    if (!this.blockedTimer) this.armBlockedTimer();
  }

  /** One timer for all blocked records: it fires when the oldest would exceed max.block.ms. */
  private armBlockedTimer(): void {
    if (this.blocked.length === 0) return;
    const dueMs = this.blocked[0].sinceMs + this.options.maxBlockMs - Date.now();
    this.blockedTimer = setTimeout(() => {
      this.blockedTimer = null;
      const now = Date.now();
      while (this.blocked.length > 0 && now - this.blocked[0].sinceMs >= this.options.maxBlockMs) {
        const p = this.blocked.shift() as PendingSend;
        this.settleOne(p, userError(ErrorCode.REQUEST_TIMED_OUT,
          `Failed to allocate memory within the configured max blocking time ${this.options.maxBlockMs} ms.`));
      }
      this.armBlockedTimer();
    }, Math.max(0, dueMs));
  }

  /** Moves blocked records into the accumulator while buffer.memory allows. */
  private unblock(): void {
    if (this.blocked.length === 0) return;
    let i = 0;
    while (i < this.blocked.length && this.accumulator.bufferedBytes + this.blocked[i].size <= this.options.bufferMemory) {
      const p = this.blocked[i++];
      const topic = this.metadata.topic(p.topic);
      if (topic) this.appendPending(topic, p);
      else this.awaitMetadataOrQueue(p);
    }
    if (i > 0) this.blocked = this.blocked.slice(i);
    if (this.blocked.length === 0 && this.blockedTimer) {
      clearTimeout(this.blockedTimer);
      this.blockedTimer = null;
    }
  }

  private awaitMetadataOrQueue(p: PendingSend): void {
    const waiting = this.awaitingMetadata.get(p.topic);
    if (waiting) waiting.push(p);
    else this.awaitMetadata(p);
  }

  /** A record that failed before joining a batch. */
  private settleOne(p: PendingSend, err: Error): void {
    this.recorder.recordsFailedForGood(1);
    p.completion(err);
    this.recordsDone(1);
  }

  /** abortTransaction(): fails the records not yet sent, queued in batches or still waiting to join one. */
  private dropUnsent(err: Error): void {
    this.sender.failQueued(err, (batch) => batch.baseSequence < 0);
    const waiting = [...this.blocked.splice(0), ...[...this.awaitingMetadata.values()].flatMap((queue) => queue.splice(0))];
    for (const p of waiting) this.settleOne(p, err);
  }

  private onBatchDone(batch: ProducerBatch): void {
    if (batch.error !== null) this.txn?.batchFailed(batch.error);
    // acks=0: no answer tells that the socket is done with the batch's bytes, so they are not reused.
    this.accumulator.release(batch, this.options.acks !== 0);
    this.recordsDone(batch.recordCount);
    this.unblock();
  }

  private recordsDone(count: number): void {
    this.incomplete -= count;
    if (this.incomplete === 0 && this.idleWaiters.length > 0) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const w of waiters) w();
    }
  }
}
