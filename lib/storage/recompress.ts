/**
 * compression.type on the leader (Kafka's LogValidator with BrokerCompressionCodec): `producer`
 * stores batches as sent; any other value stores them in that codec (`uncompressed` = none),
 * re-encoding a batch whose codec differs. The re-encoded batch keeps its base offset, producer
 * id/epoch/sequence, timestamp type, record offsets deltas and timestamps (cleaned-batch.ts
 * encodeRetained); only the codec bits and the payload change. Control batches and empty ones are
 * left alone, and followers never re-encode: they copy the leader's bytes.
 */
import { ATTRIBUTES_OFFSET, COMPRESSION_CODEC_MASK, RECORDS_OFFSET } from '../record/batch-header';
import { COMPRESSION_IDS, CompressionType } from '../record/compression';
import { encodeRetained, isControlBatch, readBatchRecords } from './cleaned-batch';
import type { LogConfig } from './log-config';

/** The leader's batches re-encoded for the log's compression.type, or null when they are stored as sent. */
export function recompressFor(config: Readonly<LogConfig>, records: Buffer, batches: ReadonlyArray<BatchSpan>): Buffer | null {
  const codec = targetCodec(config.compressionType);
  return codec === null ? null : recompressBatches(records, batches, codec);
}

/** Where the stored batches must end up, or null for `producer` (keep what was sent). */
function targetCodec(compressionType: LogConfig['compressionType']): CompressionType | null {
  if (compressionType === undefined || compressionType === 'producer') return null;
  return compressionType === 'uncompressed' ? 'none' : compressionType;
}

interface BatchSpan {
  position: number;
  sizeInBytes: number;
  recordCount: number;
}

/** `records` with every batch in `codec`, or null when all already are (the common case: no copy). */
function recompressBatches(records: Buffer, batches: ReadonlyArray<BatchSpan>, codec: CompressionType): Buffer | null {
  const codecId = COMPRESSION_IDS[codec];
  const needs = (b: BatchSpan): boolean =>
    b.recordCount > 0 && !isControlBatch(records, b.position) && (records.readInt16BE(b.position + ATTRIBUTES_OFFSET) & COMPRESSION_CODEC_MASK) !== codecId;
  if (!batches.some(needs)) return null;
  return Buffer.concat(batches.map((batch) => {
    const original = records.subarray(batch.position, batch.position + batch.sizeInBytes);
    if (!needs(batch)) return original;
    const header = Buffer.from(records.subarray(batch.position, batch.position + RECORDS_OFFSET));
    header.writeInt16BE((header.readInt16BE(ATTRIBUTES_OFFSET) & ~COMPRESSION_CODEC_MASK) | codecId, ATTRIBUTES_OFFSET);
    return encodeRetained(header, 0, readBatchRecords(records, batch.position));
  }));
}
