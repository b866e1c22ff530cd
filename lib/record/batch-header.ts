/**
 * Byte-level view of a RecordBatch v2 header: the only part of a batch the broker reads.
 *
 * The broker validates, stamps and serves batches as bytes; it never decodes records. Everything
 * it needs (base offset, record count, timestamps, CRC) sits at fixed positions in the 61-byte
 * header, documented in docs/protocol.md ("RecordBatch v2").
 */
import { crc32c } from '@node-rs/crc32';
import { CorruptRecordError } from '../protocol/errors';
import { readInt64 } from './int64';

export const BASE_OFFSET_OFFSET = 0;
export const BATCH_LENGTH_OFFSET = 8;
export const PARTITION_LEADER_EPOCH_OFFSET = 12;
export const MAGIC_OFFSET = 16;
export const CRC_OFFSET = 17;
export const ATTRIBUTES_OFFSET = 21;
export const LAST_OFFSET_DELTA_OFFSET = 23;
export const FIRST_TIMESTAMP_OFFSET = 27;
export const MAX_TIMESTAMP_OFFSET = 35;
export const PRODUCER_ID_OFFSET = 43;
export const PRODUCER_EPOCH_OFFSET = 51;
export const BASE_SEQUENCE_OFFSET = 53;
export const RECORD_COUNT_OFFSET = 57;
export const RECORDS_OFFSET = 61;

/** Size of the header, and the smallest legal batch. */
export const BATCH_HEADER_SIZE = 61;
/** baseOffset (8) + batchLength (4): the bytes not counted by batchLength. */
export const LOG_OVERHEAD = 12;
export const CURRENT_MAGIC = 2;

export const COMPRESSION_CODEC_MASK = 0x07;
export const TIMESTAMP_TYPE_MASK = 0x08;
export const TRANSACTIONAL_FLAG_MASK = 0x10;
export const CONTROL_FLAG_MASK = 0x20;

/** Summary of one batch, read from its header without touching the records. */
export interface BatchInfo {
  /** Position of the batch in the buffer it was found in. */
  position: number;
  /** Total size in bytes, LOG_OVERHEAD included. */
  sizeInBytes: number;
  baseOffset: number;
  lastOffsetDelta: number;
  recordCount: number;
  firstTimestamp: number;
  maxTimestamp: number;
  attributes: number;
  partitionLeaderEpoch: number;
}

/** Total size of the batch starting at `position`, or -1 if the buffer does not hold its length field. */
export function batchSizeAt(buf: Buffer, position: number): number {
  if (buf.length - position < LOG_OVERHEAD) return -1;
  return buf.readInt32BE(position + BATCH_LENGTH_OFFSET) + LOG_OVERHEAD;
}

/**
 * Size of the complete batch at `position` of fetched bytes, or -1 when the buffer ends inside it
 * (a fetch size limit cut it: not an error, the rest comes with the next fetch). Throws
 * CorruptRecordError when the declared length is below a batch header's.
 */
export function completeBatchSizeAt(buf: Buffer, position: number): number {
  const size = batchSizeAt(buf, position);
  if (size === -1) return -1;
  if (size < BATCH_HEADER_SIZE) {
    throw new CorruptRecordError(`record batch at position ${position} declares length ${size - LOG_OVERHEAD}, below the ${BATCH_HEADER_SIZE - LOG_OVERHEAD}-byte minimum`);
  }
  return size > buf.length - position ? -1 : size;
}

/**
 * An int64 field as a number, rounded as Number(readBigInt64BE) rounds, without allocating a
 * BigInt (three per batch header on the produce path).
 */
export function readInt64AsNumber(buf: Buffer, offset: number): number {
  return buf.readInt32BE(offset) * 0x100000000 + buf.readUInt32BE(offset + 4);
}

/** Writes `value` as an int64; safe integers without a BigInt, anything else as BigInt(value) would (or throw as it does). */
export function writeInt64FromNumber(buf: Buffer, value: number, offset: number): void {
  if (!Number.isSafeInteger(value)) {
    buf.writeBigInt64BE(BigInt(value), offset);
    return;
  }
  const high = Math.floor(value / 0x100000000);
  buf.writeInt32BE(high, offset);
  buf.writeUInt32BE(value - high * 0x100000000, offset + 4);
}

export function readBatchInfo(buf: Buffer, position: number): BatchInfo {
  return {
    position,
    sizeInBytes: buf.readInt32BE(position + BATCH_LENGTH_OFFSET) + LOG_OVERHEAD,
    baseOffset: readInt64AsNumber(buf, position + BASE_OFFSET_OFFSET),
    lastOffsetDelta: buf.readInt32BE(position + LAST_OFFSET_DELTA_OFFSET),
    recordCount: buf.readInt32BE(position + RECORD_COUNT_OFFSET),
    firstTimestamp: readInt64AsNumber(buf, position + FIRST_TIMESTAMP_OFFSET),
    maxTimestamp: readInt64AsNumber(buf, position + MAX_TIMESTAMP_OFFSET),
    attributes: buf.readInt16BE(position + ATTRIBUTES_OFFSET),
    partitionLeaderEpoch: buf.readInt32BE(position + PARTITION_LEADER_EPOCH_OFFSET),
  };
}

/**
 * The batch's producerId, or -1 (also for any other negative id). Idempotence checks call this on
 * every appended batch, so the common "no producer id" case costs one int32 read.
 */
export function readProducerId(buf: Buffer, position: number): number {
  const high = buf.readInt32BE(position + PRODUCER_ID_OFFSET);
  if (high < 0) return -1;
  return high * 0x100000000 + buf.readUInt32BE(position + PRODUCER_ID_OFFSET + 4);
}

export function readProducerEpoch(buf: Buffer, position: number): number {
  return buf.readInt16BE(position + PRODUCER_EPOCH_OFFSET);
}

export function readBaseSequence(buf: Buffer, position: number): number {
  return buf.readInt32BE(position + BASE_SEQUENCE_OFFSET);
}

export function readPartitionLeaderEpoch(buf: Buffer, position: number): number {
  return buf.readInt32BE(position + PARTITION_LEADER_EPOCH_OFFSET);
}

/** CRC-32C over attributes..end, as stored in the header. */
export function computeBatchCrc(buf: Buffer, position: number, sizeInBytes: number): number {
  return crc32c(buf.subarray(position + ATTRIBUTES_OFFSET, position + sizeInBytes)) >>> 0;
}

/**
 * Validates the batch at `position` (length, magic, CRC, record count, offset delta) and returns
 * its header. Throws CorruptRecordError with the reason; never RangeError.
 */
export function validateBatch(buf: Buffer, position: number): BatchInfo {
  const remaining = buf.length - position;
  if (remaining < BATCH_HEADER_SIZE) {
    throw new CorruptRecordError(`record batch truncated: ${remaining} bytes, header needs ${BATCH_HEADER_SIZE}`);
  }
  const size = batchSizeAt(buf, position);
  if (size < BATCH_HEADER_SIZE) throw new CorruptRecordError(`record batch length ${size - LOG_OVERHEAD} is below the header size`);
  if (size > remaining) throw new CorruptRecordError(`record batch declares ${size} bytes but only ${remaining} are present`);
  const magic = buf.readInt8(position + MAGIC_OFFSET);
  if (magic !== CURRENT_MAGIC) throw new CorruptRecordError(`unsupported record batch magic ${magic}, expected ${CURRENT_MAGIC}`);
  const stored = buf.readUInt32BE(position + CRC_OFFSET);
  const actual = computeBatchCrc(buf, position, size);
  if (stored !== actual) throw new CorruptRecordError(`record batch CRC mismatch: stored ${stored}, computed ${actual}`);
  const info = readBatchInfo(buf, position);
  if (info.recordCount < 0 || info.lastOffsetDelta < 0) {
    throw new CorruptRecordError(`record batch has recordCount ${info.recordCount}, lastOffsetDelta ${info.lastOffsetDelta}`);
  }
  // Timestamps become numbers in the log's time index; one past 2^53 must be refused here, not
  // fail the append halfway and leave the partition refusing every later write.
  readInt64(buf, position + FIRST_TIMESTAMP_OFFSET, 'record batch firstTimestamp');
  readInt64(buf, position + MAX_TIMESTAMP_OFFSET, 'record batch maxTimestamp');
  return info;
}

/** Overwrites baseOffset and partitionLeaderEpoch in place; neither is covered by the CRC. */
export function stampBatch(buf: Buffer, position: number, baseOffset: number, partitionLeaderEpoch: number): void {
  writeInt64FromNumber(buf, baseOffset, position + BASE_OFFSET_OFFSET);
  buf.writeInt32BE(partitionLeaderEpoch, position + PARTITION_LEADER_EPOCH_OFFSET);
}

/** Calls `visit` for each complete batch in `buf`; returns the number of bytes covered by them. */
export function forEachBatch(buf: Buffer, visit: (position: number, sizeInBytes: number) => void): number {
  let position = 0;
  for (;;) {
    const size = batchSizeAt(buf, position);
    if (size < LOG_OVERHEAD || position + size > buf.length) return position;
    visit(position, size);
    position += size;
  }
}

/**
 * Sets the timestamp type and max timestamp of the batch at `position` and recomputes its CRC
 * (both fields are covered by it), like Kafka's DefaultRecordBatch.setMaxTimestamp. A broker whose
 * topic uses `message.timestamp.type=LogAppendTime` calls it with 'LogAppendTime' and the append
 * time; readers then report that time for every record of the batch.
 */
export function setMaxTimestamp(buf: Buffer, position: number, timestampType: 'CreateTime' | 'LogAppendTime', maxTimestamp: number): void {
  const attributes = buf.readInt16BE(position + ATTRIBUTES_OFFSET);
  const updated = timestampType === 'LogAppendTime' ? attributes | TIMESTAMP_TYPE_MASK : attributes & ~TIMESTAMP_TYPE_MASK;
  buf.writeInt16BE(updated, position + ATTRIBUTES_OFFSET);
  writeInt64FromNumber(buf, maxTimestamp, position + MAX_TIMESTAMP_OFFSET);
  const size = batchSizeAt(buf, position);
  buf.writeUInt32BE(computeBatchCrc(buf, position, size), position + CRC_OFFSET);
}
