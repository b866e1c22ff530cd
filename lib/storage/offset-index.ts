/**
 * The `.index` file of a segment: a sparse map from offset to byte position in the `.log`.
 *
 * Entries are 8 bytes (int32 offset relative to the segment's base offset, int32 file position),
 * one every `indexIntervalBytes` of log, so a read finds the nearest entry at or below its offset
 * by binary search and scans batch headers from there. Both columns strictly increase; append()
 * asserts it and load() checks it, so a lookup can trust the order.
 */
import { assert } from '../util/assert';
import { IndexCorruptError, IndexFile, MAX_RELATIVE_OFFSET } from './index-file';

export interface OffsetPosition {
  offset: number;
  position: number;
}

export const OFFSET_INDEX_ENTRY_SIZE = 8;

export class OffsetIndex extends IndexFile {
  constructor(path: string, baseOffset: number, maxIndexBytes: number) {
    super(path, baseOffset, OFFSET_INDEX_ENTRY_SIZE, maxIndexBytes);
  }

  /** Loads an existing file; throws IndexCorruptError if it fails the sanity check. */
  static async load(path: string, baseOffset: number, maxIndexBytes: number): Promise<OffsetIndex> {
    const index = new OffsetIndex(path, baseOffset, maxIndexBytes);
    await index.loadFile();
    index.sanityCheck();
    return index;
  }

  private relativeAt(i: number): number {
    return this.buf.readInt32BE(i * OFFSET_INDEX_ENTRY_SIZE);
  }

  private positionAt(i: number): number {
    return this.buf.readInt32BE(i * OFFSET_INDEX_ENTRY_SIZE + 4);
  }

  entry(i: number): OffsetPosition {
    if (i < 0 || i >= this.count) throw new RangeError(`index entry ${i} out of range [0, ${this.count})`);
    return { offset: this.baseOffset + this.relativeAt(i), position: this.positionAt(i) };
  }

  /** The last entry, or (baseOffset, 0) when the index is empty. */
  lastEntry(): OffsetPosition {
    return this.count === 0 ? { offset: this.baseOffset, position: 0 } : this.entry(this.count - 1);
  }

  /**
   * Adds an entry after the last one. Only the segment's reserve() calls this, in offset order, so
   * an entry that does not strictly follow the last one (or does not fit the relative offsets) is a
   * bug, not bad input: lookups binary-search on both columns.
   */
  append(offset: number, position: number): void {
    const relative = offset - this.baseOffset;
    assert(relative >= 0 && relative <= MAX_RELATIVE_OFFSET, () => `offset ${offset} does not fit index ${this.path} based at ${this.baseOffset}`);
    assert(position >= 0, () => `index ${this.path}: negative position ${position}`);
    if (this.count > 0) {
      const lastRelative = this.relativeAt(this.count - 1);
      const lastPosition = this.positionAt(this.count - 1);
      assert(relative > lastRelative && position > lastPosition,
        () => `index ${this.path}: entry (${offset}, ${position}) does not follow (${this.baseOffset + lastRelative}, ${lastPosition})`);
    }
    const at = this.slotForAppend();
    this.buf.writeInt32BE(relative, at);
    this.buf.writeInt32BE(position, at + 4);
  }

  /** The largest entry whose offset is <= target; (baseOffset, 0) when there is none. */
  lookup(targetOffset: number): OffsetPosition {
    const relative = targetOffset - this.baseOffset;
    const i = this.largestAtOrBelow(relative, (k) => this.relativeAt(k));
    return i < 0 ? { offset: this.baseOffset, position: 0 } : this.entry(i);
  }

  /** Removes every entry whose offset is >= offset. */
  truncateTo(offset: number): void {
    const i = this.largestAtOrBelow(offset - this.baseOffset - 1, (k) => this.relativeAt(k));
    this.truncateEntries(i + 1);
  }

  /** Removes every entry whose position is >= position (the log was cut there). */
  truncateToPosition(position: number): void {
    const i = this.largestAtOrBelow(position - 1, (k) => this.positionAt(k));
    this.truncateEntries(i + 1);
  }

  private sanityCheck(): void {
    for (let i = 0; i < this.count; i++) {
      const relative = this.relativeAt(i);
      const position = this.positionAt(i);
      if (relative < 0 || position < 0) throw new IndexCorruptError(this.path, `entry ${i} is negative (${relative}, ${position})`);
      if (i > 0 && (relative <= this.relativeAt(i - 1) || position <= this.positionAt(i - 1))) {
        throw new IndexCorruptError(this.path, `entry ${i} (${relative}, ${position}) does not follow the previous one`);
      }
    }
  }
}
