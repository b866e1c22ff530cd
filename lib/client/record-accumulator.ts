/**
 * The producer's per-partition queues of batches, and the rules that say when a batch is ready
 * to send: it is full (batch.size), a later batch exists behind it, linger.ms has passed since it
 * was created, a flush is in progress, or — for a retried batch — its backoff has run out.
 *
 * Also keeps the byte count of records not yet acknowledged, which buffer.memory bounds. The
 * accumulator never sends anything and owns no timers: the sender asks it when to wake up next.
 */
import { ProducerRecordData } from '../record/record';
import { ProducerBatch, Reject, Resolve } from './producer-batch';

export interface PartitionQueue {
  readonly topic: string;
  readonly partition: number;
  /** Oldest first. Drained batches leave the queue; retried ones come back in sequence order. */
  readonly batches: ProducerBatch[];
}

export interface AccumulatorOptions {
  batchSize: number;
  lingerMs: number;
}

export interface AppendResult {
  batch: ProducerBatch;
  /** The append opened a new batch (the linger clock of that batch starts now). */
  newBatch: boolean;
}

export class RecordAccumulator {
  private readonly byTopic = new Map<string, PartitionQueue[]>();
  private readonly all: PartitionQueue[] = [];
  /** Estimated bytes of every batch not yet completed, queued or in flight. */
  bufferedBytes = 0;

  constructor(private readonly options: AccumulatorOptions) {}

  queue(topic: string, partition: number): PartitionQueue {
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
    return q;
  }

  queues(): readonly PartitionQueue[] {
    return this.all;
  }

  /** Whether a record of `recordBytes` would join an open batch of this partition rather than start one. */
  hasOpenBatchWithRoom(topic: string, partition: number, recordBytes: number): boolean {
    const batches = this.byTopic.get(topic)?.[partition]?.batches;
    if (batches === undefined || batches.length === 0) return false;
    return batches[batches.length - 1].hasRoomFor(recordBytes, this.options.batchSize);
  }

  append(topic: string, partition: number, record: ProducerRecordData, recordBytes: number, resolve: Resolve, reject: Reject, nowMs: number): AppendResult {
    const q = this.queue(topic, partition);
    let batch = q.batches.length > 0 ? q.batches[q.batches.length - 1] : undefined;
    let newBatch = false;
    if (batch === undefined || !batch.hasRoomFor(recordBytes, this.options.batchSize)) {
      if (batch !== undefined) batch.closed = true;
      batch = new ProducerBatch(topic, partition, nowMs);
      q.batches.push(batch);
      this.bufferedBytes += batch.sizeBytes;
      newBatch = true;
    }
    batch.append(record, recordBytes, resolve, reject);
    this.bufferedBytes += recordBytes;
    if (batch.sizeBytes >= this.options.batchSize) batch.closed = true;
    return { batch, newBatch };
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

  /** The batch finished (acknowledged or failed): its bytes no longer count against buffer.memory. */
  release(batch: ProducerBatch): void {
    this.bufferedBytes -= batch.sizeBytes;
  }

  /** Removes queued batches matching `predicate` (expired ones, those an aborted transaction drops). */
  removeWhere(predicate: (batch: ProducerBatch) => boolean): ProducerBatch[] {
    const out: ProducerBatch[] = [];
    for (const q of this.all) {
      for (let i = q.batches.length - 1; i >= 0; i--) {
        if (predicate(q.batches[i])) out.unshift(...q.batches.splice(i, 1));
      }
    }
    return out;
  }
}
