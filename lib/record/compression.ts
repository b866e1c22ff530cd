/**
 * The compression codecs a RecordBatch may use, with Kafka's attribute ids and wire formats.
 *
 * Owns the mapping name <-> attribute id (bits 0-2 of the batch attributes) and synchronous
 * compress/decompress for each codec, so the batch encoder stays synchronous. Formats follow the
 * Java client so batches interoperate: gzip is a gzip member (RFC 1952), snappy uses the xerial
 * framing (see snappy-xerial.ts), lz4 is the LZ4 *frame* format with independent 64 KiB blocks
 * and no checksums (what KafkaLZ4BlockOutputStream writes for magic 2), zstd is a zstd frame.
 * Decompression failures of any codec surface as CorruptRecordError, never as a native error.
 */
import * as zlib from 'zlib';
import * as lz4 from 'lz4-napi';
import * as zstd from 'zstd-napi';
import * as zstdBinding from 'zstd-napi/binding';
import { CorruptRecordError, ErrorCode, SamsaError } from '../protocol/errors';
import { xerialCompress, xerialUncompress } from './snappy-xerial';

export type CompressionType = 'none' | 'gzip' | 'snappy' | 'lz4' | 'zstd';

/** Attribute ids, indexed by name; the inverse of COMPRESSION_TYPES. */
export const COMPRESSION_IDS: Readonly<Record<CompressionType, number>> = { none: 0, gzip: 1, snappy: 2, lz4: 3, zstd: 4 };

/** Names indexed by attribute id. */
export const COMPRESSION_TYPES: readonly CompressionType[] = ['none', 'gzip', 'snappy', 'lz4', 'zstd'];

/** Parses a configuration value such as `compression.type=lz4` (case-insensitive). */
export function compressionTypeFromName(name: string): CompressionType {
  const normalized = name.trim().toLowerCase();
  if ((COMPRESSION_TYPES as readonly string[]).includes(normalized)) return normalized as CompressionType;
  throw new SamsaError(
    ErrorCode.UNSUPPORTED_COMPRESSION_TYPE,
    `unknown compression type "${name}"; expected one of ${COMPRESSION_TYPES.join(', ')}`,
  );
}

/** Maps attribute bits 0-2 to a codec; ids 5-7 are unassigned and mean a corrupt batch. */
export function compressionTypeFromId(id: number): CompressionType {
  const type = COMPRESSION_TYPES[id];
  if (type === undefined) throw new CorruptRecordError(`unknown compression codec id ${id} in batch attributes`);
  return type;
}

export function compress(type: CompressionType, input: Buffer): Buffer {
  switch (type) {
    case 'none': return input;
    case 'gzip': return zlib.gzipSync(input);
    case 'snappy': return xerialCompress(input);
    case 'lz4': return lz4.compressFrameSync(input);
    case 'zstd': return zstd.compress(input);
    default: throw unknownType(type);
  }
}

/**
 * zstd frames are decompressed on our own context, reset before every call: zstd-napi's shared
 * decompressor returns a truncated frame's partial output without an error and then refuses every
 * later call ("stage wrong"), so one bad batch from a client would break zstd for the process.
 * A frame that does not end is reported as corrupt here.
 */
const zstdContext = new zstdBinding.DCtx();
const ZSTD_OUT_CHUNK = zstdBinding.dStreamOutSize();

function zstdDecompress(input: Buffer): Buffer {
  zstdContext.reset(zstdBinding.ResetDirective.sessionOnly);
  const chunks: Buffer[] = [];
  let remaining = input;
  let pending = 0;
  while (remaining.length > 0) {
    const chunk = Buffer.allocUnsafe(Math.max(ZSTD_OUT_CHUNK, remaining.length * 2));
    const [hint, produced, consumed] = zstdContext.decompressStream(chunk, remaining);
    chunks.push(chunk.subarray(0, produced));
    remaining = remaining.subarray(consumed);
    pending = hint;
    if (consumed === 0 && produced === 0) break;
  }
  // Output may still be buffered inside the context when the input ran out exactly.
  while (pending !== 0) {
    const chunk = Buffer.allocUnsafe(ZSTD_OUT_CHUNK);
    const [hint, produced] = zstdContext.decompressStream(chunk, EMPTY_INPUT);
    chunks.push(chunk.subarray(0, produced));
    if (produced === 0) break;
    pending = hint;
  }
  if (pending !== 0 || remaining.length > 0) throw new CorruptRecordError('zstd data ends in the middle of a frame');
  return chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
}

const EMPTY_INPUT = Buffer.alloc(0);

export function decompress(type: CompressionType, input: Buffer): Buffer {
  if (type === 'none') return input;
  if (type === 'snappy') return xerialUncompress(input);
  try {
    switch (type) {
      case 'gzip': return zlib.gunzipSync(input);
      case 'lz4': return lz4.decompressFrameSync(input);
      case 'zstd': return zstdDecompress(input);
      default: throw unknownType(type);
    }
  } catch (err) {
    if (err instanceof SamsaError) throw err;
    throw new CorruptRecordError(`${type} data does not decompress: ${(err as Error).message}`);
  }
}

/** Reached only when a caller bypasses the type system (plain JS, casts). */
function unknownType(type: never): SamsaError {
  return new SamsaError(ErrorCode.UNSUPPORTED_COMPRESSION_TYPE, `unknown compression type "${String(type)}"`);
}
