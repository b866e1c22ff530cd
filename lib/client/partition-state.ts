/**
 * What the consumer knows about one assigned partition: its position (the next offset to hand to
 * the application), a pending reset (earliest/latest), the records fetched but not yet returned,
 * and fetch bookkeeping (in flight, backoff, last error).
 *
 * `epoch` changes whenever the position is moved from outside (seek, reset, unassign), so a
 * fetch or offset lookup that was in flight at that moment can tell its answer is stale.
 */
import { SamsaError } from '../protocol/errors';
import { RecordHeader } from '../record/record';

export type { TopicPartition } from '../util/topic-partition';

/** K and V are what the consumer's deserializers return: Buffers by default. */
export interface ConsumerRecord<K = Buffer, V = Buffer> {
  topic: string;
  partition: number;
  offset: number;
  timestamp: number;
  timestampType: 'CreateTime' | 'LogAppendTime';
  key: K | null;
  value: V | null;
  headers: RecordHeader[];
  leaderEpoch: number;
}

export type ResetSpec = 'earliest' | 'latest';

export class PartitionState {
  /** Next offset to return; null until resolved from a reset. */
  position: number | null = null;
  /** A reset waiting for ListOffsets (from seek() or auto.offset.reset). */
  reset: ResetSpec | null = null;
  epoch = 0;
  assigned = true;
  fetching = false;
  /** No fetch or offset lookup before this time (backoff after an error). */
  retryAtMs = 0;
  /** An error to raise from the next poll(). */
  error: SamsaError | null = null;
  highWatermark = -1;
  /** Multiplier for max.partition.fetch.bytes after a fetch returned only a partial batch. */
  fetchSizeFactor = 1;
  private records: ConsumerRecord[] = [];
  private next = 0;
  /** Where fetching resumes once the buffer is consumed (after the last complete batch). */
  private bufferEndOffset = -1;

  constructor(readonly topic: string, readonly partition: number) {}

  get buffered(): number {
    return this.records.length - this.next;
  }

  /** Moves the position from outside (seek or reset): buffered records and in-flight answers no longer apply. */
  moveTo(position: number | null, reset: ResetSpec | null): void {
    this.position = position;
    this.reset = reset;
    this.epoch++;
    this.error = null;
    this.retryAtMs = 0;
    this.clearBuffer();
  }

  clearBuffer(): void {
    this.records = [];
    this.next = 0;
    this.bufferEndOffset = -1;
  }

  /** Stores fetched records (already filtered to offsets >= position) and the offset after them. */
  fill(records: ConsumerRecord[], endOffset: number): void {
    this.records = records;
    this.next = 0;
    this.bufferEndOffset = endOffset;
    if (records.length === 0) this.advanceToBufferEnd();
  }

  /** Appends up to `max` buffered records to `out`, advancing the position; returns how many. */
  take(max: number, out: ConsumerRecord[]): number {
    const end = Math.min(this.records.length, this.next + max);
    const taken = end - this.next;
    for (let i = this.next; i < end; i++) out.push(this.records[i]);
    if (taken > 0) this.position = this.records[end - 1].offset + 1;
    this.next = end;
    if (this.next >= this.records.length) {
      this.advanceToBufferEnd();
      this.records = [];
      this.next = 0;
    }
    return taken;
  }

  /** Buffered records not yet returned, for handing back unconsumed ones. */
  peekBuffered(): readonly ConsumerRecord[] {
    return this.records.slice(this.next);
  }

  private advanceToBufferEnd(): void {
    if (this.bufferEndOffset >= 0 && this.position !== null && this.bufferEndOffset > this.position) this.position = this.bufferEndOffset;
    this.bufferEndOffset = -1;
  }
}
