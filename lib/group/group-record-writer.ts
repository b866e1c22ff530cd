/**
 * Writes group metadata, offset commits and their tombstones to `__consumer_offsets`.
 *
 * Every write is one RecordBatch v2 appended by the partition leader with acks=-1, so a commit is
 * acknowledged only once the in-sync replicas hold it and a new coordinator will find it. The
 * append error is translated into what a group client understands, following Kafka's
 * GroupMetadataManager (storeGroup and storeOffsets map the same produce errors differently).
 */
import { ErrorCode, toErrorCode } from '../protocol/errors';
import { encodeRecordBatch } from '../record/record-batch';
import { incrementSequence } from '../storage/producer-state';
import { Logger } from '../util/logger';
import { GroupClock } from './group-clock';
import { OFFSETS_TOPIC, OffsetsReplicas } from './offsets-log';
import {
  encodeGroupMetadataKey, encodeGroupMetadataValue, encodeOffsetCommitKey, encodeOffsetCommitValue, GroupMetadataValue,
  OffsetCommitValue,
} from './offsets-records';

export interface KeyedRecord {
  readonly key: Buffer;
  /** null = tombstone. */
  readonly value: Buffer | null;
}

export interface WriteResult {
  /** Already translated for the kind of write (see storeGroupError / storeOffsetsError). */
  readonly errorCode: number;
  /** Log offset of the first record written; -1 on error. Record i got baseOffset + i. */
  readonly baseOffset: number;
}

export function groupMetadataRecord(groupId: string, value: GroupMetadataValue | null): KeyedRecord {
  return { key: encodeGroupMetadataKey(groupId), value: value === null ? null : encodeGroupMetadataValue(value) };
}

export function offsetCommitRecord(
  groupId: string, topic: string, partition: number, value: Omit<OffsetCommitValue, 'expireTimestamp'> | null,
): KeyedRecord {
  return { key: encodeOffsetCommitKey(groupId, topic, partition), value: value === null ? null : encodeOffsetCommitValue(value) };
}

/** Kafka's storeGroup translation: a failed group write makes the members rebalance or find the coordinator again. */
export function storeGroupError(code: number): number {
  switch (code) {
    case ErrorCode.UNKNOWN_TOPIC_OR_PARTITION.code:
    case ErrorCode.NOT_ENOUGH_REPLICAS.code:
    case ErrorCode.NOT_ENOUGH_REPLICAS_AFTER_APPEND.code:
      return ErrorCode.COORDINATOR_NOT_AVAILABLE.code;
    case ErrorCode.NOT_LEADER_FOR_PARTITION.code:
    case ErrorCode.LEADER_NOT_AVAILABLE.code:
    case ErrorCode.KAFKA_STORAGE_ERROR.code:
      return ErrorCode.NOT_COORDINATOR.code;
    case ErrorCode.REQUEST_TIMED_OUT.code:
      return ErrorCode.REBALANCE_IN_PROGRESS.code;
    case ErrorCode.MESSAGE_TOO_LARGE.code:
    case ErrorCode.RECORD_LIST_TOO_LARGE.code:
    case ErrorCode.INVALID_FETCH_SIZE.code:
      return ErrorCode.UNKNOWN_SERVER_ERROR.code;
    default:
      return code;
  }
}

/** Kafka's storeOffsets translation: like storeGroup, but a timeout stays a (retriable) timeout. */
export function storeOffsetsError(code: number): number {
  switch (code) {
    case ErrorCode.REQUEST_TIMED_OUT.code:
      return code;
    case ErrorCode.MESSAGE_TOO_LARGE.code:
    case ErrorCode.RECORD_LIST_TOO_LARGE.code:
    case ErrorCode.INVALID_FETCH_SIZE.code:
      return ErrorCode.INVALID_COMMIT_OFFSET_SIZE.code;
    default:
      return storeGroupError(code);
  }
}

/** A TxnOffsetCommit's batch: transactional, in the producer's name (Kafka's storeOffsets with a producer id). */
export interface TxnBatchOwner {
  readonly producerId: number;
  readonly producerEpoch: number;
}

export class GroupRecordWriter {
  constructor(
    private readonly replicas: OffsetsReplicas,
    private readonly clock: GroupClock,
    private readonly commitTimeoutMs: number,
    private readonly logger: Logger,
  ) {}

  /**
   * Appends `records` as one batch to `partition` of `__consumer_offsets`; never throws. With
   * `txn`, the batch is transactional and carries the producer's id and epoch, so the log's
   * producer state fences an older epoch and the LSO waits for the marker.
   */
  async write(partition: number, records: readonly KeyedRecord[], translate: (code: number) => number, txn?: TxnBatchOwner): Promise<WriteResult> {
    if (records.length === 0) return { errorCode: ErrorCode.NONE.code, baseOffset: -1 };
    let code: number;
    let baseOffset = -1;
    try {
      const now = this.clock.nowMs();
      const owner = txn ? {
        producerId: txn.producerId, producerEpoch: txn.producerEpoch, transactional: true,
        baseSequence: this.nextSequence(partition, txn),
      } : {};
      const batch = encodeRecordBatch(records.map((r) => ({ key: r.key, value: r.value, timestamp: now })), { now, ...owner });
      const result = await this.replicas.appendRecords(OFFSETS_TOPIC, partition, batch, -1, this.commitTimeoutMs);
      code = result.errorCode;
      baseOffset = result.baseOffset;
    } catch (err) {
      code = toErrorCode(err);
      if (code === ErrorCode.UNKNOWN_SERVER_ERROR.code) this.logger.error(`Appending to ${OFFSETS_TOPIC}-${partition} failed: ${(err as Error)?.stack ?? String(err)}`);
    }
    if (code !== ErrorCode.NONE.code) {
      this.logger.warn(`Appending ${records.length} record(s) to ${OFFSETS_TOPIC}-${partition} failed with error ${code}`);
      return { errorCode: translate(code), baseOffset: -1 };
    }
    return { errorCode: ErrorCode.NONE.code, baseOffset };
  }

  /**
   * The sequence that follows the producer's last batch on this partition (0 in a new epoch).
   * Kafka appends coordinator batches without sequence checks (AppendOrigin.Coordinator); here
   * the log checks every producer batch, so the coordinator continues the producer's sequence.
   */
  private nextSequence(partition: number, txn: TxnBatchOwner): number {
    const entry = this.replicas.getPartition(OFFSETS_TOPIC, partition)?.log.producerState?.(txn.producerId);
    if (!entry || entry.epoch !== txn.producerEpoch) return 0;
    const last = entry.batches[entry.batches.length - 1];
    return last ? incrementSequence(last.lastSeq, 1) : 0;
  }
}
