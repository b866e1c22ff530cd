/**
 * Replays one `__consumer_offsets` partition into the groups and offsets it describes, as a broker
 * does when it becomes that partition's leader (Kafka's doLoadGroupsAndOffsets).
 *
 * The log is read from its start to the end it had when loading began. Records are applied in log
 * order, so the last record per key wins and a tombstone deletes whatever came before it — the
 * same answer compaction would give, whether or not the log has been compacted yet.
 *
 * Offsets written by TxnOffsetCommit sit in transactional batches: they are held per producer id
 * until that producer's control batch (commit or abort marker) on this partition. A commit
 * applies them at the marker, in marker order, yet never over an offset a later record stored
 * (Kafka's CommitRecordMetadataAndOffset.olderThan); an abort drops them; those with no marker
 * yet come back as `pending`, to complete when the marker arrives (Kafka's loadGroupsAndOffsets).
 */
import { CONTROL_TYPE_ABORT, CONTROL_TYPE_COMMIT, controlRecordType } from '../record/control-record';
import { DecodedBatch, decodeRecordBatches } from '../record/record-batch';
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
  /** Offsets of transactions without a marker yet, in log order; a null value is a tombstone. */
  readonly pending: PendingLoadedOffset[];
  readonly recordsRead: number;
  readonly endOffset: number;
}

export interface PendingLoadedOffset {
  readonly producerId: number;
  readonly group: string;
  readonly topic: string;
  readonly partition: number;
  readonly value: CommittedOffset | null;
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
  const pending = new Map<number, PendingLoadedOffset[]>();
  let recordsRead = 0;
  while (position < endOffset) {
    if (opts.cancelled()) return null;
    const { records } = await log.read(position, opts.maxBytes);
    const { batches } = decodeRecordBatches(records);
    if (batches.length === 0) break;
    for (const batch of batches) {
      if (batch.baseOffset >= endOffset) break;
      if (batch.isControl) {
        const outcome = markerOutcome(batch, opts.logger);
        if (outcome === null) continue;
        const txn = pending.get(batch.producerId);
        pending.delete(batch.producerId);
        if (outcome === 'commit') for (const o of txn ?? []) applyOffset(o.group, o.topic, o.partition, o.value, offsets, true);
        continue;
      }
      for (const record of batch.records) {
        if (record.offset >= endOffset) break;
        recordsRead++;
        const decoded = decodeOrSkip(record.key, record.value, record.offset, opts.logger);
        if (!decoded) continue;
        if (batch.isTransactional && decoded.key.type === 'offset') {
          let txn = pending.get(batch.producerId);
          if (!txn) pending.set(batch.producerId, (txn = []));
          const { group, topic, partition } = decoded.key;
          txn.push({ producerId: batch.producerId, group, topic, partition, value: committedOffset(decoded.value as OffsetCommitValue | null, record.offset) });
        } else {
          apply(decoded, record.offset, groups, offsets);
        }
      }
    }
    position = batches[batches.length - 1].lastOffset + 1;
  }
  if (opts.cancelled()) return null;
  return { groups, offsets, pending: [...pending.values()].flat(), recordsRead, endOffset };
}

/** Whether a control batch ends its producer's transaction with a commit or an abort; null for anything else. */
function markerOutcome(batch: DecodedBatch, logger: Logger): 'commit' | 'abort' | null {
  try {
    const type = controlRecordType(batch.records[0]?.key ?? null);
    if (type === CONTROL_TYPE_COMMIT) return 'commit';
    if (type === CONTROL_TYPE_ABORT) return 'abort';
    return null;
  } catch (err) {
    logger.warn(`Skipping unreadable control batch at offset ${batch.baseOffset} of __consumer_offsets: ${(err as Error).message}`);
    return null;
  }
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
  applyOffset(group, topic, partition, committedOffset(record.value as OffsetCommitValue, recordOffset), offsets, false);
}

function committedOffset(v: OffsetCommitValue | null, recordOffset: number): CommittedOffset | null {
  if (v === null) return null;
  return {
    offset: v.offset, leaderEpoch: v.leaderEpoch, metadata: v.metadata, commitTimestamp: v.commitTimestamp,
    expireTimestamp: v.expireTimestamp, recordOffset,
  };
}

/**
 * Stores (or with null deletes) one group's offset. `atMarker`: a committed transaction's offset,
 * applied when its marker is read, which loses to a record written after it.
 */
function applyOffset(
  group: string, topic: string, partition: number, value: CommittedOffset | null, offsets: Map<string, Map<string, LoadedOffset>>, atMarker: boolean,
): void {
  const key = topicPartitionKey({ topic, partition });
  let byPartition = offsets.get(group);
  const existing = byPartition?.get(key);
  if (atMarker && existing && value && existing.value.recordOffset > value.recordOffset) return;
  if (value === null) {
    byPartition?.delete(key);
    if (byPartition?.size === 0) offsets.delete(group);
    return;
  }
  if (!byPartition) offsets.set(group, (byPartition = new Map()));
  byPartition.set(key, { topic, partition, value });
}
