/**
 * Which whole segments time- and size-based retention deletes from the start of a log (Kafka's
 * `deleteOldSegments` for `cleanup.policy=delete`, also applied under `compact,delete`).
 *
 * Rules, applied in Kafka's order: first every leading segment whose newest record is more than
 * `retentionMs` older than `now` (by the largest batch timestamp, or the file's mtime when no batch
 * carries one); then, while the log is larger than `retentionBytes`, the oldest segment as long as
 * what remains is still at least `retentionBytes`. Only a prefix is ever deleted, nothing at or
 * past the high watermark, and never an empty active segment. When every segment qualifies, the
 * active one is rolled first so the log keeps a (new, empty) segment and a quiet topic's data still
 * expires. PartitionLog runs this inside its writer queue, so no append or truncation interleaves.
 */
import { LogConfig, deletesSegments } from './log-config';
import type { LogSegment } from './log-segment';

export type RetentionReason = 'retention.ms' | 'retention.bytes';

export interface RetentionOptions {
  /** Segments holding offsets at or past this stay (default: the log end offset). */
  highWatermark?: number;
}

export interface RetentionResult {
  segmentsDeleted: number;
  bytesDeleted: number;
  /** The limits that deleted something, in the order they were applied. */
  reasons: RetentionReason[];
  /** The log start offset after the run. */
  logStartOffset: number;
}

/** What retention needs from a log; PartitionLog provides it from inside its writer queue. */
export interface RetentionTarget {
  readonly config: Readonly<LogConfig>;
  /** The current segments, oldest first; the last one is active. */
  segments(): readonly LogSegment[];
  readonly logEndOffset: number;
  readonly highWatermark: number;
  /** Starts a new active segment at the log end offset. */
  rollActive(): Promise<void>;
  /** Stops listing the first `count` segments and starts deleting their files. */
  deleteOldest(count: number): Promise<void>;
}

type SegmentPredicate = (segment: LogSegment) => Promise<boolean> | boolean;

/** Applies retention.ms, then retention.bytes, to `log`; `nowMs` is the time the run started. */
export async function applyRetention(log: RetentionTarget, nowMs: number): Promise<RetentionResult> {
  const result: RetentionResult = { segmentsDeleted: 0, bytesDeleted: 0, reasons: [], logStartOffset: log.segments()[0].baseOffset };
  if (!deletesSegments(log.config)) return result;
  const retentionMs = log.config.retentionMs ?? -1;
  if (retentionMs >= 0) {
    const expired = async (segment: LogSegment): Promise<boolean> => nowMs - (await largestTimestamp(segment)) > retentionMs;
    await deleteLeading(log, await countDeletable(log, expired), 'retention.ms', result);
  }
  const retentionBytes = log.config.retentionBytes ?? -1;
  if (retentionBytes >= 0) {
    let excess = totalSize(log.segments()) - retentionBytes;
    const oversized = (segment: LogSegment): boolean => {
      if (excess - segment.size < 0) return false;
      excess -= segment.size;
      return true;
    };
    if (excess >= 0) await deleteLeading(log, await countDeletable(log, oversized), 'retention.bytes', result);
  }
  result.logStartOffset = log.segments()[0].baseOffset;
  return result;
}

/** How many leading segments `predicate` accepts, stopping at the first it refuses (Kafka's deletableSegments). */
async function countDeletable(log: RetentionTarget, predicate: SegmentPredicate): Promise<number> {
  const segments = log.segments();
  let count = 0;
  for (let i = 0; i < segments.length; i++) {
    const next = i + 1 < segments.length ? segments[i + 1] : null;
    // Data the followers may not have yet stays; so does an empty active segment (nothing to expire).
    const upperBoundOffset = next ? next.baseOffset : log.logEndOffset;
    if (log.highWatermark < upperBoundOffset) break;
    if (next === null && segments[i].size === 0) break;
    if (!(await predicate(segments[i]))) break;
    count++;
  }
  return count;
}

async function deleteLeading(log: RetentionTarget, count: number, reason: RetentionReason, result: RetentionResult): Promise<void> {
  if (count === 0) return;
  // A log always keeps one segment: when the active one goes too, start its successor first.
  if (count === log.segments().length) await log.rollActive();
  const doomed = log.segments().slice(0, count);
  await log.deleteOldest(count);
  result.segmentsDeleted += count;
  result.bytesDeleted += totalSize(doomed);
  result.reasons.push(reason);
}

/** Kafka's LogSegment.largestTimestamp: the newest batch timestamp, or the file's mtime when there is none. */
async function largestTimestamp(segment: LogSegment): Promise<number> {
  return segment.largestTimestamp >= 0 ? segment.largestTimestamp : segment.lastModifiedMs();
}

function totalSize(segments: readonly LogSegment[]): number {
  return segments.reduce((sum, s) => sum + s.size, 0);
}
