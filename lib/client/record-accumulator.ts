/**
 * The producer's per-partition queues of batches, and the rules that say when a batch is ready
 * to send: it is full (batch.size), a later batch exists behind it, linger.ms has passed since it
 * was created, a flush is in progress, or — for a retried batch — its backoff has run out.
 *
 * Also keeps the byte count of records not yet acknowledged, which buffer.memory bounds, and (as
 * Kafka's BufferPool) a free list of batch.size buffers that finished batches hand back, at most
 * buffer.memory's worth, so the producer does not allocate a fresh buffer per batch. The
 * accumulator never sends anything and owns no timers: the sender asks it when to wake up next.
 * Every per-record step is O(1); only expiry and aborts look at more than a queue's ends.
 */
import { ProducerRecordData } from '../record/record';
import { BATCH_HEADER_SIZE } from '../record/batch-header';
import { Completion, ProducerBatch } from './producer-batch';

export interface PartitionQueue {
  readonly topic: string;
  readonly partition: number;
  /** Oldest first. Drained batches leave the queue; retried ones come back in sequence order. */
  readonly batches: ProducerBatch[];
}

export interface AccumulatorOptions {
  batchSize: number;
  lingerMs: number;
  /** Bounds the free list of batch buffers (Kafka's buffer.memory); default: 32 batches. */
  bufferMemory?: number;
}

export class RecordAccumulator {
  private readonly byTopic = new Map<string, PartitionQueue[]>();
  private readonly all: PartitionQueue[] = [];
  /** Estimated bytes of every batch not yet completed, queued or in flight. */
  bufferedBytes = 0;
  /** Buffers of exactly batch.size bytes from finished batches, ready for new ones. */
  private readonly freeBuffers: Buffer[] = [];
  private readonly maxFreeBuffers: number;
  /** The queue looked up last: consecutive records mostly go to the same partition. */
  private lastQueue: PartitionQueue | null = null;

  constructor(private readonly options: AccumulatorOptions) {
    this.maxFreeBuffers = Math.floor((options.bufferMemory ?? 32 * options.batchSize) / Math.max(1, options.batchSize));
  }

  queue(topic: string, partition: number): PartitionQueue {
    const last = this.lastQueue;
    if (last !== null && last.partition === partition && last.topic === topic) return last;
    let queues = this.byTopic.get(topic);
    if (queues === undefined) {
      queues = [];
      this.byTopic.set(topic, queues);
    }
    let q = queues[partition];
    if (q === undefined) {
      q = { topic, partition, batches: [] };
      queues[partition] = q;
      this.all.push(q);
    }
    this.lastQueue = q;
    return q;
  }

  queues(): readonly PartitionQueue[] {
    return this.all;
  }

  /** Whether a record of `recordBytes` would join an open batch of this partition rather than start one. */
  hasOpenBatchWithRoom(topic: string, partition: number, recordBytes: number): boolean {
    const last = this.lastQueue;
    const batches = last !== null && last.partition === partition && last.topic === topic ? last.batches : this.byTopic.get(topic)?.[partition]?.batches;
    if (batches === undefined || batches.length === 0) return false;
    return batches[batches.length - 1].hasRoomFor(recordBytes, this.options.batchSize);
  }

  /**
   * Encodes the record into the partition's open batch, or a new one, and returns that batch: a
   * new batch (whose linger clock starts now) is one holding a single record. No result object:
   * this runs once per record.
   */
  append(topic: string, partition: number, record: ProducerRecordData, recordBytes: number, completion: Completion, nowMs: number): ProducerBatch {
    const q = this.queue(topic, partition);
    let batch = q.batches.length > 0 ? q.batches[q.batches.length - 1] : undefined;
    let newBatch = false;
    if (batch === undefined || !batch.hasRoomFor(recordBytes, this.options.batchSize)) {
      if (batch !== undefined) batch.closed = true;
      batch = new ProducerBatch(topic, partition, nowMs, this.allocate(BATCH_HEADER_SIZE + recordBytes));
      newBatch = true;
    }
    try {
      batch.append(record, recordBytes, completion);
    } catch (err) {
      // The record could not be encoded: a batch opened for it must not stay behind empty.
      if (newBatch) this.recycle(batch);
      throw err;
    }
    if (newBatch) {
      q.batches.push(batch);
      this.bufferedBytes += BATCH_HEADER_SIZE;
    }
    this.bufferedBytes += recordBytes;
    if (batch.sizeBytes >= this.options.batchSize) batch.closed = true;
    return batch;
  }

  /**
   * Appends to `batch` when it is still its partition's open batch (not closed, drained or done)
   * and has room, exactly as append() would for that partition; false, changing nothing, otherwise.
   */
  appendToOpen(batch: ProducerBatch, record: ProducerRecordData, recordBytes: number, completion: Completion): boolean {
    if (batch.done || !batch.hasRoomFor(recordBytes, this.options.batchSize)) return false;
    batch.append(record, recordBytes, completion);
    this.bufferedBytes += recordBytes;
    if (batch.sizeBytes >= this.options.batchSize) batch.closed = true;
    return true;
  }

  /** A buffer for a new batch: batch.size bytes (reused when one is free), more for a larger first record. */
  private allocate(firstBatchBytes: number): Buffer {
    const size = this.options.batchSize;
    if (firstBatchBytes > size) return Buffer.allocUnsafe(firstBatchBytes);
    return this.freeBuffers.pop() ?? Buffer.allocUnsafe(size);
  }

  private recycle(batch: ProducerBatch): void {
    batch.done = true;
    const buffer = batch.takeBuffer();
    if (buffer !== null && buffer.length === this.options.batchSize && this.freeBuffers.length < this.maxFreeBuffers) {
      this.freeBuffers.push(buffer);
    }
  }

  /**
   * When the head batch of `q` may be sent: a time <= now means "now"; Infinity when the queue is empty.
   * A full batch, one with another batch behind it, or any batch during a flush is ready at once;
   * otherwise it waits out linger.ms from its creation. A retried batch waits for its backoff.
   */
  readyAtMs(q: PartitionQueue, flushing: boolean): number {
    const head = q.batches[0];
    if (head === undefined) return Infinity;
    if (head.attempts > 0) return head.retryAtMs;
    if (head.closed || q.batches.length > 1 || flushing) return 0;
    return head.createdAtMs + this.options.lingerMs;
  }

  /** Takes the head batch off its queue for sending; it accepts no more records. */
  drainHead(q: PartitionQueue): ProducerBatch {
    const batch = q.batches.shift();
    if (batch === undefined) throw new Error(`no batch to drain for ${q.topic}-${q.partition}`);
    batch.closed = true;
    return batch;
  }

  /** Puts a batch back for a retry, ahead of any batch created after it. */
  requeue(batch: ProducerBatch): void {
    const batches = this.queue(batch.topic, batch.partition).batches;
    let i = 0;
    while (i < batches.length && batches[i].sequence < batch.sequence) i++;
    batches.splice(i, 0, batch);
  }

  /**
   * The batch finished (acknowledged or failed): its bytes no longer count against buffer.memory.
   * With `reuseBuffer` its buffer goes to the free list: only when nothing can still read it, i.e.
   * the broker answered the request that carried it or it was never sent (acks=0 requests have no
   * answer, so the socket may still be writing them).
   */
  release(batch: ProducerBatch, reuseBuffer = false): void {
    this.bufferedBytes -= batch.sizeBytes;
    if (reuseBuffer) this.recycle(batch);
  }

  /**
   * Removes queued batches created at or before `deadlineMs` (delivery.timeout.ms). Each queue is
   * in creation order (retries go back in their place), so only its head needs looking at.
   */
  removeExpired(deadlineMs: number): ProducerBatch[] {
    let out: ProducerBatch[] | null = null;
    for (const q of this.all) {
      while (q.batches.length > 0 && q.batches[0].createdAtMs <= deadlineMs) {
        (out ??= []).push(q.batches.shift() as ProducerBatch);
      }
    }
    return out ?? NONE;
  }

  /** Removes queued batches matching `predicate` (those an aborted transaction drops, or all). */
  removeWhere(predicate: (batch: ProducerBatch) => boolean): ProducerBatch[] {
    const out: ProducerBatch[] = [];
    for (const q of this.all) {
      const kept: ProducerBatch[] = [];
      for (const b of q.batches) (predicate(b) ? out : kept).push(b);
      if (kept.length !== q.batches.length) q.batches.splice(0, q.batches.length, ...kept);
    }
    return out;
  }
}

const NONE: ProducerBatch[] = [];
