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

/**
 * The first record at or after `timestamp` below `endOffset` (the high watermark) and at or past
 * the log start offset, or null. Records of a batch straddling the log start that lie below it
 * (deleted by DeleteRecords) never answer, as in Kafka.
 */
export async function recordAtTimestamp(log: PartitionLog, timestamp: number, endOffset: number): Promise<TimestampMatch | null> {
  let from = log.logStartOffset;
  // Each pass moves past one batch; only a batch straddling the log start can need a second.
  for (;;) {
    const batchOffset = await log.offsetForTimestamp(timestamp, from);
    if (batchOffset === null || batchOffset >= endOffset) return null;
    // minOneBatch hands back the whole batch whatever its size.
    const { records } = await log.read(Math.max(batchOffset, from), BATCH_HEADER_SIZE, { minOneBatch: true });
    if (records.length === 0) return null;
    const batch = decodeRecordBatch(records);
    // The batch's maximum timestamp reaches the target, so one of its records does; if that
    // record is at or past endOffset, so is every later one.
    const match = batch.records.find((r) => r.timestamp >= timestamp && r.offset >= from);
    if (match) return match.offset < endOffset ? { offset: match.offset, timestamp: match.timestamp } : null;
    from = Math.max(from, batch.lastOffset) + 1;
  }
}
