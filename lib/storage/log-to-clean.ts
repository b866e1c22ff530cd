/**
 * How much of a compacted log the cleaner may work on, and how dirty it is (Kafka's LogToClean
 * and LogCleanerManager.cleanableOffsets).
 *
 * A compacted log has a clean head (everything below the offset the last pass reached, kept in
 * `cleaner-offset-checkpoint`) and a dirty tail. The cleaner may touch only whole segments that
 * are not active and lie entirely below the high watermark, since data above it may still be
 * truncated away on a leader change. The dirty ratio is dirty bytes over clean plus dirty bytes,
 * counted per segment as Kafka does; the log with the highest ratio above its
 * `min.cleanable.dirty.ratio` is cleaned first. With `min.compaction.lag.ms` a dirty segment whose
 * newest record is younger than the lag is left for later, with everything after it (a segment
 * without timestamps counts as old). `max.compaction.lag.ms` is the cleaner manager's business
 * (compaction-lag.ts): it makes a log due whatever its ratio.
 */
import type { LogSegment } from './log-segment';

export interface LogToClean {
  /** Where this pass starts: the checkpoint, or the log start when it has none or it is out of range. */
  firstDirtyOffset: number;
  /** Base offset of the first segment the cleaner must leave alone (the active one at the latest). */
  firstUncleanableOffset: number;
  cleanBytes: number;
  dirtyBytes: number;
  /** dirtyBytes / (cleanBytes + dirtyBytes), 0 for an empty log. */
  dirtyRatio: number;
}

/** The clock and min.compaction.lag.ms for the range computation (Kafka's cleanableOffsets). */
export interface CompactionLag {
  nowMs: number;
  minCompactionLagMs?: number;
}

/**
 * The cleanable range of a log made of `segments` (oldest first, the last one active).
 * `checkpoint` is where the previous pass ended, if any; `highWatermark` bounds what may be cleaned.
 */
export function logToClean(
  segments: readonly LogSegment[], logEndOffset: number, checkpoint: number | undefined, highWatermark: number, lag?: CompactionLag,
): LogToClean {
  const logStartOffset = segments[0].baseOffset;
  // Kafka resets an out-of-range checkpoint (after truncation or retention) to the log start.
  const firstDirtyOffset = checkpoint !== undefined && checkpoint >= logStartOffset && checkpoint <= logEndOffset ? checkpoint : logStartOffset;
  let uncleanable = segments.length - 1;
  for (let i = 0; i < segments.length - 1; i++) {
    if (segments[i + 1].baseOffset > highWatermark) {
      uncleanable = i;
      break;
    }
  }
  // min.compaction.lag.ms: the first dirty segment holding a record younger than the lag, and all after it, wait.
  const minLagMs = lag?.minCompactionLagMs ?? 0;
  if (lag !== undefined && minLagMs > 0) {
    for (let i = 0; i < uncleanable; i++) {
      if (segments[i + 1].baseOffset <= firstDirtyOffset) continue;
      if (segments[i].largestTimestamp > lag.nowMs - minLagMs) {
        uncleanable = i;
        break;
      }
    }
  }
  const firstUncleanableOffset = Math.max(segments[uncleanable].baseOffset, logStartOffset);
  let cleanBytes = 0;
  let dirtyBytes = 0;
  for (let i = 0; i < uncleanable; i++) {
    const segment = segments[i];
    const nextBase = segments[i + 1].baseOffset;
    if (segment.baseOffset < firstDirtyOffset) cleanBytes += segment.size;
    if (nextBase > firstDirtyOffset) dirtyBytes += segment.size;
  }
  const total = cleanBytes + dirtyBytes;
  return { firstDirtyOffset, firstUncleanableOffset, cleanBytes, dirtyBytes, dirtyRatio: total === 0 ? 0 : dirtyBytes / total };
}
