/**
 * The ordered segments of one partition log, and every change to that list: roll, truncation,
 * reset, dropping the oldest (retention) and cleaner swaps (Kafka's LocalLog).
 *
 * The list is replaced, never mutated in place, so a reader that took `all` keeps a consistent
 * snapshot while the writer moves on. Files of segments that leave the list go through the
 * SegmentDeleter so reads already under way can finish. Decisions about offsets, producer state
 * and fsync stay with PartitionLog; this module only answers "which files hold the log now".
 */
import { assert } from '../util/assert';
import type { Logger } from '../util/logger';
import { LogSegment, SegmentConfig } from './log-segment';
import { SegmentDeleter } from './segment-deleter';
import type { SwapTarget } from './segment-swap';

export interface TruncationOutcome {
  /** Where the log ends now. */
  endOffset: number;
  droppedSegments: number;
  /** Bytes cut from the segment that held the truncation offset. */
  removedBytes: number;
}

export class SegmentList {
  private list: LogSegment[];
  /** The log start offset when DeleteRecords (or a leader's) moved it inside the first segment. */
  private start: number;
  private truncationCount = 0;
  private readonly deleter: SegmentDeleter;

  constructor(readonly dir: string, segments: LogSegment[], private readonly logger: Logger) {
    assert(segments.length > 0, `${dir}: a log always has an active segment`);
    this.list = segments;
    this.start = segments[0].baseOffset;
    this.deleter = new SegmentDeleter(logger);
  }

  /** The current segments, oldest first, the last one active. */
  get all(): readonly LogSegment[] {
    return this.list;
  }

  get active(): LogSegment {
    return this.list[this.list.length - 1];
  }

  /** The first offset readers may see: the first segment's base, or later when moved by advanceStart. */
  get logStartOffset(): number {
    return Math.max(this.start, this.list[0].baseOffset);
  }

  /** Moves the log start offset forward (never back); offsets below it are gone for readers. */
  advanceStart(offset: number): void {
    this.start = Math.max(this.start, offset);
  }

  /** How many leading segments lie wholly below `offset` (never the active one). */
  countBelow(offset: number): number {
    let count = 0;
    while (count + 1 < this.list.length && this.list[count + 1].baseOffset <= offset) count++;
    return count;
  }

  get count(): number {
    return this.list.length;
  }

  /** Committed bytes of all segments. */
  get sizeInBytes(): number {
    return this.list.reduce((sum, s) => sum + s.size, 0);
  }

  /** Bumped by every truncation and reset, so work that raced with one can tell. */
  get generation(): number {
    return this.truncationCount;
  }

  /**
   * Starts a new active segment at `baseOffset`. Returns the finished previous segment, or null when
   * the active segment was empty and is replaced instead (only an offset jump, a follower copying a
   * compacted leader, rolls an empty segment).
   */
  async roll(baseOffset: number, config: SegmentConfig): Promise<LogSegment | null> {
    const previous = this.active;
    assert(baseOffset >= previous.nextOffset, () => `${this.dir}: roll at ${baseOffset} is behind the active segment's next offset ${previous.nextOffset}`);
    const next = await LogSegment.create(this.dir, baseOffset, config);
    if (previous.reservedSize === 0) {
      await previous.delete();
      this.list = [...this.list.slice(0, -1), next];
      return null;
    }
    this.list = [...this.list, next];
    this.logger.debug(`Rolled new segment ${next.logPath} at offset ${baseOffset}`);
    return previous;
  }

  /**
   * Removes every batch that holds an offset >= `offset` (a whole batch goes if it straddles it).
   * The caller handles `offset` below the log start with reset instead.
   */
  async truncateTo(offset: number): Promise<TruncationOutcome> {
    assert(offset >= this.logStartOffset, () => `${this.dir}: truncation to ${offset} is below the log start ${this.logStartOffset}`);
    this.truncationCount++;
    const keep = this.list.filter((s) => s.baseOffset <= offset);
    const drop = this.list.filter((s) => s.baseOffset > offset);
    this.list = keep;
    for (const s of drop) await s.delete();
    const removedBytes = await this.active.truncateTo(offset);
    // Nothing at or past `offset` left in the last kept segment: offsets up to it are a compaction
    // gap, so the log ends at `offset` (as in Kafka), not below it.
    const endOffset = removedBytes === 0 ? Math.max(this.active.nextOffset, offset) : this.active.nextOffset;
    return { endOffset, droppedSegments: drop.length, removedBytes };
  }

  /** Deletes every segment and starts over with one empty segment at `offset`. */
  async reset(offset: number, config: SegmentConfig): Promise<void> {
    this.truncationCount++;
    const old = this.list;
    this.list = [];
    // Old files go first: a segment based at `offset` has the new one's file names.
    for (const s of old) await s.delete();
    this.list = [await LogSegment.create(this.dir, offset, config)];
    this.start = offset;
  }

  /** Stops listing the first `count` segments (never all of them) and retires their files. */
  async dropOldest(count: number, fileDeleteDelayMs: number): Promise<void> {
    // retention.ts rolls the active segment first when it would delete everything.
    assert(count < this.list.length, () => `${this.dir}: cannot delete all ${count} segments`);
    const doomed = this.list.slice(0, count);
    this.list = this.list.slice(count);
    await this.deleter.retireAndSchedule(doomed, fileDeleteDelayMs);
  }

  /** What segment-swap.ts needs to put a cleaned segment in place. */
  swapTarget(fileDeleteDelayMs: number): SwapTarget {
    return {
      segments: () => this.list,
      setSegments: (segments) => {
        this.list = segments;
      },
      retire: (segments) => this.deleter.retireAndSchedule(segments, fileDeleteDelayMs),
      logger: this.logger,
    };
  }

  /** Closes every segment (writing its indexes) and removes retired files now. */
  async close(): Promise<void> {
    for (const segment of this.list) await segment.close();
    await this.deleter.deleteAllNow();
  }
}
