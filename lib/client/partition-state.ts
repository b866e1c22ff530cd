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
import { RecordView } from '../record/record-view';
import { asSamsaError } from './client-errors';
import { FetchedRecords } from './fetched-records';

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

/** The ConsumerRecord poll() returns for the record `view` points at (key and value are views into the fetched bytes). */
function consumerRecordOf(topic: string, partition: number, view: RecordView): ConsumerRecord {
  return {
    topic, partition, offset: view.offset, timestamp: view.timestamp, timestampType: view.timestampType,
    key: view.key(), value: view.value(), headers: view.headers(), leaderEpoch: view.leaderEpoch,
  };
}

/** take() builds records from it right away, so one view serves every partition. */
const SCRATCH_VIEW = new RecordView();

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
  /** The last fetch's records not yet returned (read lazily, see fetched-records.ts). */
  private fetched: FetchedRecords | null = null;
  /** Where fetching resumes once the buffer is consumed (after the last complete batch). */
  private bufferEndOffset = -1;

  constructor(readonly topic: string, readonly partition: number) {}

  get buffered(): number {
    return this.fetched === null ? 0 : this.fetched.remaining;
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
    this.fetched = null;
    this.bufferEndOffset = -1;
  }

  /** Stores a fetch's records (those at or after the position it was fetched from). */
  fill(fetched: FetchedRecords): void {
    this.fetched = fetched;
    this.bufferEndOffset = fetched.nextOffset;
    if (fetched.remaining === 0) this.finishBuffer();
  }

  /** Appends up to `max` buffered records to `out`, advancing the position; returns how many. */
  take(max: number, out: ConsumerRecord[]): number {
    const view = SCRATCH_VIEW;
    let taken = 0;
    while (taken < max && this.nextView(view)) {
      out.push(consumerRecordOf(this.topic, this.partition, view));
      taken++;
    }
    return taken;
  }

  /**
   * Hands up to `max` buffered records to `visit` as the same reused view, advancing the position
   * before each call (a visit that throws ends the walk; that record counts as consumed).
   */
  visit(max: number, view: RecordView, visit: (record: RecordView, topic: string, partition: number) => void): number {
    const fetched = this.fetched;
    if (fetched === null) return 0;
    let visited = -1;
    try {
      visited = fetched.visit(max, view, visit, this.topic, this.partition);
    } finally {
      // -1: `visit` threw; the view is on its record, which counts as consumed.
      if (visited !== 0) this.position = view.offset + 1;
      if (fetched.unreadable !== null) {
        // As nextView: the error is raised by the next poll, and the position stays at the unreadable record.
        this.error = asSamsaError(fetched.unreadable);
        this.clearBuffer();
      } else if (fetched.remaining === 0) {
        this.finishBuffer();
      }
    }
    return visited;
  }

  /**
   * Moves `view` to the next buffered record and the position past it. A corrupt record becomes
   * this partition's error (raised by the next poll) and drops the buffer, so the position stays
   * at the corrupt record and the next fetch meets it again, as in Kafka.
   */
  private nextView(view: RecordView): boolean {
    const fetched = this.fetched;
    if (fetched === null) return false;
    let found: boolean;
    try {
      found = fetched.next(view);
    } catch (err) {
      this.error = asSamsaError(err);
      this.clearBuffer();
      return false;
    }
    if (!found) {
      this.finishBuffer();
      return false;
    }
    this.position = view.offset + 1;
    if (fetched.remaining === 0) this.finishBuffer();
    return true;
  }

  private finishBuffer(): void {
    this.fetched = null;
    this.advanceToBufferEnd();
  }

  private advanceToBufferEnd(): void {
    if (this.bufferEndOffset >= 0 && this.position !== null && this.bufferEndOffset > this.position) this.position = this.bufferEndOffset;
    this.bufferEndOffset = -1;
  }
}
