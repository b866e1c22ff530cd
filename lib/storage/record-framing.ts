/**
 * The leader's per-record check of an uncompressed batch: its records exactly fill the batch and
 * number what the header's record count says.
 *
 * Kafka 2.8's LogValidator.assignOffsetsNonCompressed iterates every record of every uncompressed
 * batch on the leader (`for (record <- batch.asScala) validateRecord(...)`,
 * https://github.com/apache/kafka/blob/2.8/core/src/main/scala/kafka/log/LogValidator.scala), and
 * DefaultRecordBatch's iterator refuses a batch whose records end early or leave bytes behind
 * ("Incorrect declared batch size", InvalidRecordException = INVALID_RECORD). The rest of
 * validateRecord is configuration-dependent and runs only when configured (append-validation.ts:
 * keys for compacted topics, message.timestamp.difference.max.ms); v2 records carry no CRC of their
 * own (the batch CRC was checked once). So the broker needs only the records' length prefixes:
 * one varint read per record, no record objects, no key/value/header decoding (issue 17). A batch
 * that passes cannot make a consumer's decoder run off its end. Followers copy their leader's
 * bytes and skip this, as Kafka's follower append does.
 */
import { ErrorCode, SamsaError } from '../protocol/errors';
import { ATTRIBUTES_OFFSET, COMPRESSION_CODEC_MASK, RECORDS_OFFSET } from '../record/batch-header';

/** attributes, timestampDelta, offsetDelta, key length, value length, header count: one byte each at least. */
const MIN_RECORD_BODY_BYTES = 6;

function invalid(message: string): SamsaError {
  return new SamsaError(ErrorCode.INVALID_RECORD, message);
}

/**
 * Throws INVALID_RECORD unless the `recordCount` records of the batch at `position` (total size
 * `sizeInBytes`, header included) are each a length prefix plus that many body bytes, ending
 * exactly at the batch end.
 */
export function checkRecordFraming(buf: Buffer, position: number, sizeInBytes: number, recordCount: number): void {
  const end = position + sizeInBytes;
  let p = position + RECORDS_OFFSET;
  for (let i = 0; i < recordCount; i++) {
    // Zig-zag varint (Kafka's ByteUtils.readVarint): at most 5 bytes.
    let raw = 0;
    let shift = 0;
    let b: number;
    do {
      if (p >= end) throw invalid(`Incorrect declared batch size, premature EOF reached after ${i} of ${recordCount} records`);
      if (shift > 28) throw invalid('Invalid record length varint: more than 5 bytes');
      b = buf[p++];
      raw |= (b & 0x7f) << shift;
      shift += 7;
    } while (b & 0x80);
    const length = (raw >>> 1) ^ -(raw & 1);
    if (length < MIN_RECORD_BODY_BYTES) throw invalid(`Invalid record size ${length} for record ${i} of the batch`);
    if (length > end - p) throw invalid(`Incorrect declared batch size, premature EOF reached in record ${i} of ${recordCount}`);
    p += length;
  }
  if (p !== end) throw invalid(`Incorrect declared batch size, records still remaining in file: ${end - p} bytes after ${recordCount} records`);
}

/** Leader path: checks the framing of every uncompressed batch in `records` (compressed ones are decoded where recompressed). */
export function checkUncompressedFraming(records: Buffer, batches: ReadonlyArray<{ position: number; sizeInBytes: number; recordCount: number }>): void {
  for (const batch of batches) {
    if ((records.readInt16BE(batch.position + ATTRIBUTES_OFFSET) & COMPRESSION_CODEC_MASK) !== 0) continue;
    checkRecordFraming(records, batch.position, batch.sizeInBytes, batch.recordCount);
  }
}
