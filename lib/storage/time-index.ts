/**
 * The `.timeindex` file of a segment: a sparse map from timestamp to offset, for ListOffsets by time.
 *
 * Entries are 12 bytes (int64 largest timestamp seen so far, int32 offset relative to the segment's
 * base offset). The timestamp column is a running maximum, so it only grows and can be binary
 * searched even though producers' timestamps are not ordered. An entry is added only when the
 * maximum grows, which keeps both columns increasing.
 */
import { readInt64, writeInt64 } from '../record/int64';
import { assert } from '../util/assert';
import { IndexCorruptError, IndexFile, MAX_RELATIVE_OFFSET } from './index-file';

export interface TimestampOffset {
  timestamp: number;
  offset: number;
}

export const TIME_INDEX_ENTRY_SIZE = 12;
/** Kafka's RecordBatch.NO_TIMESTAMP. */
export const NO_TIMESTAMP = -1;

export class TimeIndex extends IndexFile {
  constructor(path: string, baseOffset: number, maxIndexBytes: number) {
    super(path, baseOffset, TIME_INDEX_ENTRY_SIZE, maxIndexBytes);
  }

  /** Loads an existing file; throws IndexCorruptError if it fails the sanity check. */
  static async load(path: string, baseOffset: number, maxIndexBytes: number): Promise<TimeIndex> {
    const index = new TimeIndex(path, baseOffset, maxIndexBytes);
    await index.loadFile();
    try {
      index.sanityCheck();
    } catch (err) {
      // A timestamp outside the safe integer range is as corrupt as one out of order.
      if (err instanceof IndexCorruptError) throw err;
      throw new IndexCorruptError(path, (err as Error).message);
    }
    return index;
  }

  private timestampAt(i: number): number {
    return readInt64(this.buf, i * TIME_INDEX_ENTRY_SIZE, 'time index timestamp');
  }

  private relativeAt(i: number): number {
    return this.buf.readInt32BE(i * TIME_INDEX_ENTRY_SIZE + 8);
  }

  entry(i: number): TimestampOffset {
    if (i < 0 || i >= this.count) throw new RangeError(`time index entry ${i} out of range [0, ${this.count})`);
    return { timestamp: this.timestampAt(i), offset: this.baseOffset + this.relativeAt(i) };
  }

  /** The last entry, or (NO_TIMESTAMP, baseOffset) when the index is empty. */
  lastEntry(): TimestampOffset {
    return this.count === 0 ? { timestamp: NO_TIMESTAMP, offset: this.baseOffset } : this.entry(this.count - 1);
  }

  /**
   * Appends (timestamp, offset) if timestamp is larger than the last entry's; returns whether it
   * did. A smaller timestamp is normal (producers' clocks differ); an offset that goes backwards or
   * does not fit the relative offsets is a bug in the caller (the segment's reserve), so asserted.
   */
  maybeAppend(timestamp: number, offset: number): boolean {
    const relative = offset - this.baseOffset;
    assert(relative >= 0 && relative <= MAX_RELATIVE_OFFSET, () => `offset ${offset} does not fit time index ${this.path} based at ${this.baseOffset}`);
    if (this.count > 0) {
      const lastRelative = this.relativeAt(this.count - 1);
      assert(relative >= lastRelative, () => `time index ${this.path}: offset ${offset} goes backwards from ${this.baseOffset + lastRelative}`);
      if (timestamp <= this.timestampAt(this.count - 1)) return false;
    }
    const at = this.slotForAppend();
    writeInt64(this.buf, at, timestamp, 'time index timestamp');
    this.buf.writeInt32BE(relative, at + 8);
    return true;
  }

  /** The largest entry whose timestamp is <= target; (NO_TIMESTAMP, baseOffset) when there is none. */
  lookup(targetTimestamp: number): TimestampOffset {
    const i = this.largestAtOrBelow(targetTimestamp, (k) => this.timestampAt(k));
    return i < 0 ? { timestamp: NO_TIMESTAMP, offset: this.baseOffset } : this.entry(i);
  }

  /** Removes every entry whose offset is >= offset. */
  truncateTo(offset: number): void {
    const i = this.largestAtOrBelow(offset - this.baseOffset - 1, (k) => this.relativeAt(k));
    this.truncateEntries(i + 1);
  }

  private sanityCheck(): void {
    for (let i = 0; i < this.count; i++) {
      const relative = this.relativeAt(i);
      if (relative < 0) throw new IndexCorruptError(this.path, `entry ${i} has negative offset ${relative}`);
      if (i > 0 && (this.timestampAt(i) <= this.timestampAt(i - 1) || relative < this.relativeAt(i - 1))) {
        throw new IndexCorruptError(this.path, `entry ${i} does not follow the previous one`);
      }
    }
  }
}
