/**
 * Record-level work on stored batches, for the two places the broker must look inside them: the
 * log cleaner (which records of a batch survive compaction) and the key check on appends to
 * compacted topics.
 *
 * Everywhere else the broker moves batches as bytes. Here a batch is decompressed and its records
 * are read with the client's codec (lib/record), and a batch that lost records is re-encoded the
 * way Kafka's MemoryRecords.filterTo does it: same base offset, last offset delta, partition leader
 * epoch, producer fields, attributes (so the same compression codec) and record timestamps; each
 * kept record keeps its offset delta. A batch that keeps every record is copied as it is.
 */
import {
  ATTRIBUTES_OFFSET, BATCH_LENGTH_OFFSET, COMPRESSION_CODEC_MASK, CONTROL_FLAG_MASK, CRC_OFFSET,
  FIRST_TIMESTAMP_OFFSET, LOG_OVERHEAD, MAX_TIMESTAMP_OFFSET, PRODUCER_ID_OFFSET, RECORDS_OFFSET,
  RECORD_COUNT_OFFSET, TIMESTAMP_TYPE_MASK, computeBatchCrc, readBatchInfo,
} from '../record/batch-header';
import { compress, compressionTypeFromId, decompress } from '../record/compression';
import { ConsumedRecord } from '../record/record';
import { readRecord, recordBodySize, recordSize, writeRecord } from '../record/record-codec';
import { CorruptRecordError } from '../protocol/errors';

/** What the cleaner decided for one batch. */
export type FilteredBatch =
  | { kind: 'unchanged'; removed: 0 }
  | { kind: 'rewritten'; bytes: Buffer; removed: number }
  | { kind: 'dropped'; removed: number };

export function isControlBatch(buf: Buffer, at: number): boolean {
  return (buf.readInt16BE(at + ATTRIBUTES_OFFSET) & CONTROL_FLAG_MASK) !== 0;
}

/**
 * The records of the (already validated) batch at `at`. Timestamps are the stored create times,
 * also in LogAppendTime batches, so that a re-encoded batch keeps them exactly.
 */
export function readBatchRecords(buf: Buffer, at: number): ConsumedRecord[] {
  const info = readBatchInfo(buf, at);
  const codec = compressionTypeFromId(info.attributes & COMPRESSION_CODEC_MASK);
  const start = at + RECORDS_OFFSET;
  const end = at + info.sizeInBytes;
  const cursor = codec === 'none' ? { buf, position: start, end } : (() => {
    const plain = decompress(codec, buf.subarray(start, end));
    return { buf: plain, position: 0, end: plain.length };
  })();
  const context = {
    baseOffset: info.baseOffset,
    firstTimestamp: info.firstTimestamp,
    maxTimestamp: info.maxTimestamp,
    timestampType: 'CreateTime' as const,
    leaderEpoch: info.partitionLeaderEpoch,
  };
  // Each record takes at least 7 bytes, which bounds a hostile count before allocating.
  if (info.recordCount < 0 || info.recordCount * 7 > cursor.end - cursor.position) {
    throw new CorruptRecordError(`record batch at offset ${info.baseOffset} declares ${info.recordCount} records in ${cursor.end - cursor.position} bytes`);
  }
  const records: ConsumedRecord[] = new Array(info.recordCount);
  for (let i = 0; i < info.recordCount; i++) records[i] = readRecord(cursor, context);
  if (cursor.position !== cursor.end) throw new CorruptRecordError(`record batch at offset ${info.baseOffset} has bytes after its last record`);
  return records;
}

/**
 * Applies `retain` to every record of the batch at `at`. A batch left with no records is dropped,
 * unless `retainEmpty` (it holds an idempotent producer's last sequence), in which case its header
 * stays with zero records, as Kafka keeps it. Control batches are never rewritten.
 */
export function filterBatch(
  buf: Buffer, at: number, retain: (record: ConsumedRecord) => boolean, retainEmpty: boolean,
): FilteredBatch {
  if (isControlBatch(buf, at)) return { kind: 'unchanged', removed: 0 };
  const records = readBatchRecords(buf, at);
  const kept = records.filter(retain);
  const removed = records.length - kept.length;
  if (removed === 0) return { kind: 'unchanged', removed: 0 };
  if (kept.length === 0 && !retainEmpty) return { kind: 'dropped', removed };
  return { kind: 'rewritten', bytes: encodeRetained(buf, at, kept), removed };
}

/** A copy of the batch at `at` holding only `kept` (records of that batch, in order). */
export function encodeRetained(buf: Buffer, at: number, kept: readonly ConsumedRecord[]): Buffer {
  const info = readBatchInfo(buf, at);
  const codec = compressionTypeFromId(info.attributes & COMPRESSION_CODEC_MASK);
  const logAppendTime = (info.attributes & TIMESTAMP_TYPE_MASK) !== 0;
  const firstTimestamp = kept.length > 0 ? kept[0].timestamp : info.maxTimestamp;
  let maxTimestamp = kept.length > 0 ? firstTimestamp : info.maxTimestamp;
  const bodySizes: number[] = [];
  const headerKeyLengths: number[] = [];
  let plainSize = 0;
  for (const record of kept) {
    if (record.timestamp > maxTimestamp) maxTimestamp = record.timestamp;
    const body = recordBodySize(record, record.offset - info.baseOffset, record.timestamp - firstTimestamp, headerKeyLengths);
    bodySizes.push(body);
    plainSize += recordSize(body);
  }
  const plain = Buffer.allocUnsafe(plainSize);
  let position = 0;
  let keyIndex = 0;
  kept.forEach((record, i) => {
    position = writeRecord(plain, position, record, record.offset - info.baseOffset, record.timestamp - firstTimestamp, bodySizes[i], headerKeyLengths, keyIndex);
    keyIndex += record.headers.length;
  });
  if (position !== plainSize) throw new Error(`cleaner wrote ${position} record bytes, sized ${plainSize}`);
  const payload = codec === 'none' || kept.length === 0 ? plain : compress(codec, plain);
  const out = Buffer.allocUnsafe(RECORDS_OFFSET + payload.length);
  // baseOffset through lastOffsetDelta are kept as they are (attributes too: codec, timestamp type, flags).
  buf.copy(out, 0, at, at + FIRST_TIMESTAMP_OFFSET);
  out.writeInt32BE(out.length - LOG_OVERHEAD, BATCH_LENGTH_OFFSET);
  // Kafka writes an emptied batch as a bare, uncompressed header.
  if (kept.length === 0) out.writeInt16BE(info.attributes & ~COMPRESSION_CODEC_MASK, ATTRIBUTES_OFFSET);
  // A LogAppendTime batch reports its append time for every record, so that stays its max timestamp.
  out.writeBigInt64BE(BigInt(firstTimestamp), FIRST_TIMESTAMP_OFFSET);
  out.writeBigInt64BE(BigInt(logAppendTime ? info.maxTimestamp : maxTimestamp), MAX_TIMESTAMP_OFFSET);
  buf.copy(out, PRODUCER_ID_OFFSET, at + PRODUCER_ID_OFFSET, at + RECORD_COUNT_OFFSET);
  out.writeInt32BE(kept.length, RECORD_COUNT_OFFSET);
  payload.copy(out, RECORDS_OFFSET);
  out.writeUInt32BE(computeBatchCrc(out, 0, out.length), CRC_OFFSET);
  return out;
}
