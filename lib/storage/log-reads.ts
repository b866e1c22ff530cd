/**
 * The read side of a partition log: fetches and timestamp lookups over a view of its segments.
 *
 * Reads never wait for the writer. Each attempt takes the current segment list, end offset and
 * truncation generation; if a truncation or deletion closes or replaces a segment under a read,
 * the read retries (twice at most) on the new state. Split from partition-log.ts, which owns the
 * writer and hands this module a `LogReadView`.
 */
import { ErrorCode, SamsaError } from '../protocol/errors';
import { LogSegment } from './log-segment';
import { SegmentClosedError } from './segment-files';
import { ReadOptions, ReadResult } from './partition-log-types';

/** What reads see of a log. */
export interface LogReadView {
  /** `topic-partition`, for messages. */
  readonly name: string;
  /** The current state; throws if the log is closed. */
  current(): { segments: readonly LogSegment[]; logStartOffset: number; logEndOffset: number };
  /** Bumped by every truncation. */
  generation(): number;
  isClosing(): boolean;
}

const EMPTY = Buffer.alloc(0);
const MAX_ATTEMPTS = 3;

/**
 * Whole batches from the one containing `fetchOffset`, up to `maxBytes`, all below `maxOffset`.
 * Throws OFFSET_OUT_OF_RANGE outside [logStartOffset, logEndOffset]; at logEndOffset (or at or
 * past maxOffset) the records are empty.
 */
export async function readBatches(log: LogReadView, fetchOffset: number, maxBytes: number, opts: ReadOptions = {}): Promise<ReadResult> {
  for (let attempt = 1; ; attempt++) {
    const { segments, logStartOffset, logEndOffset } = log.current();
    if (fetchOffset < logStartOffset || fetchOffset > logEndOffset) {
      throw new SamsaError(ErrorCode.OFFSET_OUT_OF_RANGE, `offset ${fetchOffset} is outside [${logStartOffset}, ${logEndOffset}] of ${log.name}`);
    }
    const maxOffset = Math.min(opts.maxOffset ?? logEndOffset, logEndOffset);
    if (fetchOffset >= maxOffset) return { records: EMPTY, logStartOffset, logEndOffset };
    const generation = log.generation();
    try {
      for (let i = floorSegment(segments, fetchOffset); i < segments.length; i++) {
        const records = await segments[i].read(fetchOffset, maxBytes, { maxOffset, minOneBatch: opts.minOneBatch, pooled: opts.pooled });
        if (records !== null) return { records, logStartOffset, logEndOffset };
      }
      return { records: EMPTY, logStartOffset, logEndOffset };
    } catch (err) {
      // A truncation replaced or cut a segment mid-read; the next attempt sees the new state.
      const raced = err instanceof SegmentClosedError || generation !== log.generation();
      if (raced && attempt < MAX_ATTEMPTS && !log.isClosing()) continue;
      throw err;
    }
  }
}

/**
 * Base offset of the first batch whose max timestamp is >= `timestamp` and whose last offset is
 * at or past `fromOffset` (and the log start), or null if none. Like Kafka without decompression:
 * the answer is the start of the batch holding the first matching record, so records just before
 * it in the same batch may be older than `timestamp` (broker/timestamp-lookup.ts finds the record).
 */
export async function offsetForTimestamp(log: LogReadView, timestamp: number, fromOffset = 0): Promise<number | null> {
  for (let attempt = 1; ; attempt++) {
    const { segments, logStartOffset, logEndOffset } = log.current();
    const from = Math.max(fromOffset, logStartOffset);
    try {
      for (let i = floorSegment(segments, from); i < segments.length; i++) {
        const segment = segments[i];
        if (segment.largestTimestamp < timestamp) continue;
        const offset = await segment.findOffsetByTimestamp(timestamp, from);
        if (offset !== null) return offset < logEndOffset ? offset : null;
      }
      return null;
    } catch (err) {
      if (err instanceof SegmentClosedError && attempt < MAX_ATTEMPTS && !log.isClosing()) continue;
      throw err;
    }
  }
}

/** Index of the segment that would hold `offset`: the last one whose base offset is <= it (0 if none). */
export function floorSegment(segments: readonly LogSegment[], offset: number): number {
  let lo = 0;
  let hi = segments.length - 1;
  let found = 0;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if (segments[mid].baseOffset <= offset) {
      found = mid;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  return found;
}
