/**
 * ListOffsets by timestamp, to the record: Kafka answers with the first record whose timestamp
 * is at or after the target, and that record's own timestamp. The log's time index finds the
 * batch; the batch is decoded (decompressed if need be) to find the record inside it. This runs
 * once per query, off the produce/fetch path.
 */
import { decodeRecordBatch } from '../record/record-batch';
import { BATCH_HEADER_SIZE } from '../record/batch-header';
import { PartitionLog } from '../storage/partition-log';

export interface TimestampMatch {
  offset: number;
  timestamp: number;
}

/** The first record at or after `timestamp` below `endOffset` (the high watermark), or null. */
export async function recordAtTimestamp(log: PartitionLog, timestamp: number, endOffset: number): Promise<TimestampMatch | null> {
  const batchOffset = await log.offsetForTimestamp(timestamp);
  if (batchOffset === null || batchOffset >= endOffset) return null;
  // minOneBatch hands back the whole batch whatever its size.
  const { records } = await log.read(batchOffset, BATCH_HEADER_SIZE, { minOneBatch: true });
  if (records.length === 0) return null;
  // The batch's maximum timestamp reaches the target, so one of its records does; if that
  // record is at or past endOffset, so is every later one.
  const match = decodeRecordBatch(records).records.find((r) => r.timestamp >= timestamp);
  return match && match.offset < endOffset ? { offset: match.offset, timestamp: match.timestamp } : null;
}
