/**
 * Rebuilding segments after an unclean shutdown or a failed index sanity check.
 *
 * Bytes past the last fsync may be torn or garbage after a crash. Recovery rescans each suspect
 * segment batch by batch, validating size, magic and CRC exactly as an append does, re-creates
 * both indexes from the valid batches, and cuts the file at the first invalid byte. Once a segment
 * had to be cut, anything in later segments no longer follows it, so those are deleted (Kafka's
 * rule). Only the segments from the recovery point on are scanned; older ones were fsynced.
 */
import { CorruptRecordError } from '../protocol/errors';
import { BATCH_HEADER_SIZE, LOG_OVERHEAD, batchSizeAt, validateBatch } from '../record/batch-header';
import type { Logger } from '../util/logger';
import { MAX_RELATIVE_OFFSET } from './index-file';
import { LogSegment } from './log-segment';

const RECOVERY_CHUNK_BYTES = 1024 * 1024;

/**
 * Rebuilds `segment` from its `.log` file; returns how many bytes were cut from its end.
 * Stops at the first batch that is torn, fails validation, or whose offsets go backwards or
 * overflow the segment's relative offsets.
 */
export async function recoverSegment(segment: LogSegment, indexIntervalBytes: number, nowMs: number): Promise<number> {
  const fileSize = await segment.fileSize();
  segment.resetForRecovery();
  let chunk: Buffer = Buffer.alloc(0);
  let chunkPosition = 0;
  let position = 0;
  // Returns where `length` bytes at `position` start in `chunk`, reading more if needed; -1 if the file is too short.
  const ensure = async (length: number): Promise<number> => {
    const at = position - chunkPosition;
    if (at >= 0 && at + length <= chunk.length) return at;
    if (position + length > fileSize) return -1;
    chunk = await segment.readBytes(position, Math.min(fileSize - position, Math.max(length, RECOVERY_CHUNK_BYTES)));
    chunkPosition = position;
    return chunk.length >= length ? 0 : -1;
  };
  while (position < fileSize) {
    let at = await ensure(LOG_OVERHEAD);
    if (at < 0) break;
    const size = batchSizeAt(chunk, at);
    if (size < BATCH_HEADER_SIZE) break;
    at = await ensure(size);
    if (at < 0) break;
    let info;
    try {
      info = validateBatch(chunk, at);
    } catch (err) {
      if (err instanceof CorruptRecordError) break;
      throw err;
    }
    const lastOffset = info.baseOffset + info.lastOffsetDelta;
    if (!Number.isSafeInteger(info.baseOffset) || info.baseOffset < segment.nextOffset || lastOffset - segment.baseOffset > MAX_RELATIVE_OFFSET) break;
    segment.reserve({ ...info, lastOffset }, indexIntervalBytes, nowMs);
    position += size;
  }
  await segment.finishRecovery(position);
  return fileSize - position;
}

/**
 * Recovers every segment that has a `recoveryReason`, in offset order. After a segment loses
 * bytes, the later segments are deleted. Returns the segments that remain.
 */
export async function recoverSegments(
  segments: LogSegment[], indexIntervalBytes: number, nowMs: number, logger: Logger, logName: string,
): Promise<LogSegment[]> {
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i];
    if (segment.recoveryReason === null) continue;
    const reason = segment.recoveryReason;
    const truncated = await recoverSegment(segment, indexIntervalBytes, nowMs);
    logger.debug(`Recovered segment ${segment.logPath} of ${logName} (${reason})`);
    if (truncated === 0) continue;
    const later = segments.slice(i + 1);
    logger.warn(`Recovery of ${logName} truncated ${truncated} invalid bytes from ${segment.logPath} ` +
      `(next offset ${segment.nextOffset}) and deleted ${later.length} later segment(s)`);
    for (const s of later) await s.delete();
    return segments.slice(0, i + 1);
  }
  return segments;
}
