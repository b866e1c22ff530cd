/**
 * max.compaction.lag.ms (KIP-354): how overdue a compacted log's dirty records are, so the cleaner
 * takes the log even below its min.cleanable.dirty.ratio (Kafka's
 * LogCleanerManager.maxCompactionDelay).
 *
 * The age of a dirty segment is its first batch's max timestamp, read from the file's first batch
 * header (Kafka's getFirstBatchTimestamp); segments without timestamps do not count. Only the
 * non-active segments from the first dirty one on are looked at: the active one is never cleaned,
 * and it rolls by max.compaction.lag.ms itself (log-config.ts maxSegmentMs).
 */
import { BATCH_HEADER_SIZE, readBatchInfo } from '../record/batch-header';
import type { LogSegment } from './log-segment';

/** 0 when nothing dirty is older than the lag; otherwise by how many ms the oldest dirty batch is overdue. */
export async function maxCompactionDelay(segments: readonly LogSegment[], firstDirtyOffset: number, maxCompactionLagMs: number, nowMs: number): Promise<number> {
  if (!(maxCompactionLagMs > 0) || maxCompactionLagMs >= Number.MAX_SAFE_INTEGER) return 0;
  let earliest = Number.POSITIVE_INFINITY;
  for (let i = 0; i < segments.length - 1; i++) {
    if (segments[i + 1].baseOffset <= firstDirtyOffset) continue;
    const timestamp = await firstBatchTimestamp(segments[i]);
    if (timestamp > 0) earliest = Math.min(earliest, timestamp);
  }
  const cleanUntilMs = nowMs - maxCompactionLagMs;
  return earliest < cleanUntilMs ? cleanUntilMs - earliest : 0;
}

async function firstBatchTimestamp(segment: LogSegment): Promise<number> {
  if (segment.size === 0) return -1;
  const head = await segment.readBytes(0, BATCH_HEADER_SIZE);
  return head.length === BATCH_HEADER_SIZE ? readBatchInfo(head, 0).maxTimestamp : -1;
}
