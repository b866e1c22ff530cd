/**
 * Checks a produce or replication payload before any of it reaches the log, and assigns offsets.
 *
 * A request is all or nothing: every batch is validated (size, magic, CRC, limits) before the
 * first byte is queued, so a corrupt batch in the middle leaves the log untouched. Offsets are then
 * stamped in place; the CRC does not cover baseOffset or partitionLeaderEpoch, so the records are
 * never re-encoded. Only a leader of a compacted topic decodes them, to refuse records without a key.
 */
import { CorruptRecordError, ErrorCode, SamsaError } from '../protocol/errors';
import { ATTRIBUTES_OFFSET, LOG_OVERHEAD, readProducerId, setMaxTimestamp, stampBatch, validateBatch } from '../record/batch-header';
import { isControlAttributes, isTransactionalAttributes } from '../record/control-record';
import { isControlBatch, readBatchRecords } from './cleaned-batch';
import type { LogConfig } from './log-config';
import type { BatchMeta } from './log-segment';
import type { AppendResult } from './partition-log-types';
import { ProducerBatch, readProducerBatch } from './producer-state';

const NO_TIMESTAMP = -1;

/** A validated batch: where it sits in the request buffer and what the log needs to know about it. */
export interface ValidBatch extends BatchMeta {
  position: number;
  lastOffsetDelta: number;
  /** Set by readProducerBatches for a batch with a producer id. */
  producer?: ProducerBatch;
}

export interface AppendLimits {
  maxMessageBytes: number;
  segmentBytes: number;
}

/**
 * Validates every batch in `records`; throws CORRUPT_MESSAGE (bad CRC, size, magic, trailing
 * bytes), MESSAGE_TOO_LARGE (batch over maxMessageBytes; producers only, as in Kafka, since a
 * follower must copy whatever its leader accepted) or RECORD_LIST_TOO_LARGE (batch over
 * segmentBytes, so it could never fit a segment).
 */
export function validateRecords(records: Buffer, limits: AppendLimits, checkMaxMessageBytes: boolean): ValidBatch[] {
  const batches: ValidBatch[] = [];
  let position = 0;
  while (position < records.length) {
    if (records.length - position < LOG_OVERHEAD) {
      throw new CorruptRecordError(`${records.length - position} trailing bytes after the last record batch`);
    }
    const info = validateBatch(records, position);
    if (checkMaxMessageBytes && info.sizeInBytes > limits.maxMessageBytes) {
      throw new SamsaError(ErrorCode.MESSAGE_TOO_LARGE, `record batch of ${info.sizeInBytes} bytes exceeds max.message.bytes ${limits.maxMessageBytes}`);
    }
    if (info.sizeInBytes > limits.segmentBytes) {
      throw new SamsaError(ErrorCode.RECORD_LIST_TOO_LARGE, `record batch of ${info.sizeInBytes} bytes exceeds segment.bytes ${limits.segmentBytes}`);
    }
    batches.push({
      position,
      sizeInBytes: info.sizeInBytes,
      baseOffset: info.baseOffset,
      lastOffsetDelta: info.lastOffsetDelta,
      lastOffset: info.baseOffset + info.lastOffsetDelta,
      maxTimestamp: info.maxTimestamp,
      recordCount: info.recordCount,
    });
    position += info.sizeInBytes;
  }
  return batches;
}

/**
 * Leader path (Kafka's LogValidator.validateBatch): a transactional batch needs a producer id, and
 * only the transaction coordinator (`fromCoordinator`, WriteTxnMarkers) writes control batches.
 * Throws INVALID_RECORD. One header read per batch.
 */
export function checkTransactionalBatches(records: Buffer, batches: ValidBatch[], fromCoordinator: boolean): void {
  for (const batch of batches) {
    const attributes = records.readInt16BE(batch.position + ATTRIBUTES_OFFSET);
    if (isControlAttributes(attributes) && !fromCoordinator) {
      throw new SamsaError(ErrorCode.INVALID_RECORD, `Clients are not allowed to write control records (batch at offset ${batch.baseOffset})`);
    }
    if (isTransactionalAttributes(attributes) && readProducerId(records, batch.position) < 0) {
      throw new SamsaError(ErrorCode.INVALID_RECORD, 'Transactional records must have a producer id');
    }
  }
}

/**
 * Leader path of a compacted topic: every record needs a key, since the cleaner keeps the latest
 * record per key (Kafka's LogValidator.validateKey). Throws INVALID_RECORD with Kafka's message.
 */
export function requireKeys(records: Buffer, batches: ValidBatch[], logName: string): void {
  for (const batch of batches) {
    if (isControlBatch(records, batch.position)) continue;
    for (const record of readBatchRecords(records, batch.position)) {
      if (record.key === null) throw new SamsaError(ErrorCode.INVALID_RECORD, `Compacted topic cannot accept message without key in topic partition ${logName}.`);
    }
  }
}

/**
 * Leader path of a CreateTime log with message.timestamp.difference.max.ms set: every record's
 * timestamp must lie within `maxDifferenceMs` of the broker clock (Kafka's
 * LogValidator.validateTimestamp, with its INVALID_TIMESTAMP message). Records without a timestamp
 * (-1) pass. Decodes the records, so it only runs when the check is on.
 */
export function checkTimestamps(records: Buffer, batches: ValidBatch[], maxDifferenceMs: number, nowMs: number): void {
  for (const batch of batches) {
    if (isControlBatch(records, batch.position)) continue;
    for (const record of readBatchRecords(records, batch.position)) {
      if (record.timestamp === NO_TIMESTAMP || Math.abs(record.timestamp - nowMs) <= maxDifferenceMs) continue;
      throw new SamsaError(ErrorCode.INVALID_TIMESTAMP, `Timestamp ${record.timestamp} of message with offset ${record.offset} is out of range. ` +
        `The timestamp should be within [${nowMs - maxDifferenceMs}, ${nowMs + maxDifferenceMs}]`);
    }
  }
}

/** Leader path: gives the batches consecutive offsets from `firstOffset` and stamps the leader epoch. */
export function assignOffsets(records: Buffer, batches: ValidBatch[], firstOffset: number, leaderEpoch: number): void {
  let next = firstOffset;
  for (const batch of batches) {
    stampBatch(records, batch.position, next, leaderEpoch);
    batch.baseOffset = next;
    batch.lastOffset = next + batch.lastOffsetDelta;
    next = batch.lastOffset + 1;
  }
}

/** LogAppendTime topics: the broker's clock replaces the producer's (the CRC is recomputed). */
export function applyLogAppendTime(records: Buffer, batches: ValidBatch[], nowMs: number): void {
  for (const batch of batches) {
    setMaxTimestamp(records, batch.position, 'LogAppendTime', nowMs);
    batch.maxTimestamp = nowMs;
  }
}

/**
 * Places validated batches at `nextOffset` on. Leader (`leaderEpoch` set): assigns consecutive
 * offsets and stamps the epoch, and for LogAppendTime topics the broker's time, which it returns
 * (otherwise -1). Follower (`leaderEpoch` null): keeps the leader's offsets, checked to increase.
 */
export function placeBatches(
  records: Buffer, batches: ValidBatch[], nextOffset: number, leaderEpoch: number | null,
  timestampType: LogConfig['messageTimestampType'], clock: () => number,
): number {
  if (leaderEpoch === null) {
    checkOffsetsIncrease(batches, nextOffset);
    return -1;
  }
  assignOffsets(records, batches, nextOffset, leaderEpoch);
  if (timestampType !== 'LogAppendTime') return -1;
  const nowMs = clock();
  applyLogAppendTime(records, batches, nowMs);
  return nowMs;
}

/** What an append of `batches` (placed, not yet written) answers once written. */
export function appendResult(records: Buffer, batches: ValidBatch[], logAppendTime: number): AppendResult {
  return {
    baseOffset: batches[0].baseOffset,
    lastOffset: batches[batches.length - 1].lastOffset,
    logAppendTime,
    recordCount: batches.reduce((sum, b) => sum + b.recordCount, 0),
    sizeInBytes: records.length,
  };
}

/** Follower path: the leader's offsets are kept, but must strictly increase from `nextOffset`. */
export function checkOffsetsIncrease(batches: ValidBatch[], nextOffset: number): void {
  let expected = nextOffset;
  for (const batch of batches) {
    if (batch.baseOffset < expected) {
      throw new SamsaError(ErrorCode.UNKNOWN_SERVER_ERROR, `out of order offsets: batch at ${batch.baseOffset} but the log expects ${expected} or more`);
    }
    expected = batch.lastOffset + 1;
  }
}

/**
 * Reads the producer fields of every batch that has a producer id and links them to the batch;
 * null when none has one, the common case, which costs one int32 read per batch.
 */
export function readProducerBatches(records: Buffer, batches: ValidBatch[]): ProducerBatch[] | null {
  let found: ProducerBatch[] | null = null;
  for (const batch of batches) {
    const producer = readProducerBatch(records, batch.position, batch.baseOffset, batch.lastOffsetDelta, batch.maxTimestamp);
    if (producer === null) continue;
    batch.producer = producer;
    (found ??= []).push(producer);
  }
  return found;
}

/** Copies the offsets and max timestamp the log settled on (leader path) into the linked producer fields. */
export function settleProducerBatches(batches: ValidBatch[]): void {
  for (const batch of batches) {
    if (batch.producer === undefined) continue;
    batch.producer.firstOffset = batch.baseOffset;
    batch.producer.lastOffset = batch.lastOffset;
    batch.producer.maxTimestamp = batch.maxTimestamp;
  }
}
