/**
 * Replays one `__consumer_offsets` partition into the groups and offsets it describes, as a broker
 * does when it becomes that partition's leader (Kafka's doLoadGroupsAndOffsets).
 *
 * The log is read from its start to the end it had when loading began. Records are applied in log
 * order, so the last record per key wins and a tombstone deletes whatever came before it — the
 * same answer compaction would give, whether or not the log has been compacted yet.
 */
import { decodeRecordBatches } from '../record/record-batch';
import { Logger } from '../util/logger';
import { CommittedOffset } from './committed-offsets';
import { ReadableLog } from './offsets-log';
import { decodeOffsetsRecord, GroupMetadataValue, OffsetCommitValue, OffsetsRecord } from './offsets-records';
import { topicPartitionKey } from '../util/topic-partition';

export interface LoadedOffset {
  readonly topic: string;
  readonly partition: number;
  readonly value: CommittedOffset;
}

export interface LoadedPartition {
  /** The last group metadata per group; groups whose last record was a tombstone are absent. */
  readonly groups: Map<string, GroupMetadataValue>;
  /** group → (topic-partition key → offset); only live offsets. */
  readonly offsets: Map<string, Map<string, LoadedOffset>>;
  readonly recordsRead: number;
  readonly endOffset: number;
}

export interface LoadOptions {
  /** Bytes per read (Kafka's offsets.load.buffer.size). */
  readonly maxBytes: number;
  /** Checked between reads: leadership moved on, so the result would be thrown away. */
  readonly cancelled: () => boolean;
  readonly logger: Logger;
}

/** Returns null when cancelled part way. */
export async function loadOffsetsPartition(log: ReadableLog, opts: LoadOptions): Promise<LoadedPartition | null> {
  const groups = new Map<string, GroupMetadataValue>();
  const offsets = new Map<string, Map<string, LoadedOffset>>();
  const endOffset = log.logEndOffset;
  let position = log.logStartOffset;
  let recordsRead = 0;
  while (position < endOffset) {
    if (opts.cancelled()) return null;
    const { records } = await log.read(position, opts.maxBytes);
    const { batches } = decodeRecordBatches(records);
    if (batches.length === 0) break;
    for (const batch of batches) {
      if (batch.isControl) continue;
      for (const record of batch.records) {
        if (record.offset >= endOffset) break;
        recordsRead++;
        const decoded = decodeOrSkip(record.key, record.value, record.offset, opts.logger);
        if (decoded) apply(decoded, record.offset, groups, offsets);
      }
    }
    position = batches[batches.length - 1].lastOffset + 1;
  }
  if (opts.cancelled()) return null;
  return { groups, offsets, recordsRead, endOffset };
}

function decodeOrSkip(key: Buffer | null, value: Buffer | null, offset: number, logger: Logger): OffsetsRecord | null {
  if (key === null) {
    logger.warn(`Skipping record at offset ${offset} of __consumer_offsets: it has no key`);
    return null;
  }
  try {
    return decodeOffsetsRecord(key, value);
  } catch (err) {
    // Kafka fails the load here; skipping one unreadable record keeps every other group available.
    logger.warn(`Skipping unreadable record at offset ${offset} of __consumer_offsets: ${(err as Error).message}`);
    return null;
  }
}

function apply(
  record: OffsetsRecord, recordOffset: number, groups: Map<string, GroupMetadataValue>, offsets: Map<string, Map<string, LoadedOffset>>,
): void {
  // The key's type decides the value's; TypeScript cannot narrow the pair through the nested key.
  if (record.key.type === 'group') {
    const value = record.value as GroupMetadataValue | null;
    if (value === null) groups.delete(record.key.group);
    else groups.set(record.key.group, value);
    return;
  }
  const { group, topic, partition } = record.key;
  const key = topicPartitionKey({ topic, partition });
  let byPartition = offsets.get(group);
  if (record.value === null) {
    byPartition?.delete(key);
    if (byPartition?.size === 0) offsets.delete(group);
    return;
  }
  if (!byPartition) offsets.set(group, (byPartition = new Map()));
  const v = record.value as OffsetCommitValue;
  byPartition.set(key, {
    topic, partition,
    value: {
      offset: v.offset, leaderEpoch: v.leaderEpoch, metadata: v.metadata, commitTimestamp: v.commitTimestamp,
      expireTimestamp: v.expireTimestamp, recordOffset,
    },
  });
}
