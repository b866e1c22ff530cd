/**
 * Reading whole record batches out of one segment for Fetch: find the batch holding the start
 * offset, then hand back as many whole batches as the byte and offset limits allow.
 *
 * Kept apart from LogSegment's state keeping: a read only needs the committed size, the offset
 * index and positional reads, which is all `ReadableSegment` exposes. One read of `maxBytes` plus
 * some slack usually covers both the index-to-batch scan and the batches returned.
 *
 * Reads go into slabs leased from the read-buffer pool (read-buffer-pool.ts); the batches come
 * back as a subarray of one, which the connection releases once the response is written. A slab
 * this module stops using (a re-read, an empty answer) goes straight back. No per-record work:
 * only batch headers are looked at, from the index entry to the start and then batch by batch to
 * the byte or offset limit.
 */
import { BATCH_HEADER_SIZE, LAST_OFFSET_DELTA_OFFSET, batchSizeAt } from '../record/batch-header';
import { readInt64 } from '../record/int64';
import { ErrorCode, SamsaError } from '../protocol/errors';
import type { OffsetPosition } from './offset-index';
import { readBufferPool } from './read-buffer-pool';
import { BatchHeaderView, parseHeader } from './segment-scan';

export interface SegmentReadOptions {
  /** Do not return bytes at or past this file position. */
  maxPosition?: number;
  /** Exclusive upper bound: stop before the first batch whose last offset reaches it. */
  maxOffset?: number;
  /** Return the first batch even when it is larger than maxBytes (default true). */
  minOneBatch?: boolean;
  /** Read into leased slabs of the read-buffer pool (see ReadOptions.pooled). */
  pooled?: boolean;
}

/** What a read needs from a segment. */
export interface ReadableSegment {
  /** Committed bytes: nothing at or past this is read. */
  readonly size: number;
  readonly logPath: string;
  readonly offsetIndex: { lookup(offset: number): OffsetPosition };
  /** Positional read; into `into` when given and long enough. */
  readBytes(position: number, length: number, into?: Buffer): Promise<Buffer>;
  /** The same bytes copied from memory when the segment's tail cache holds them (segment-tail-cache.ts), else null. */
  readCached?(position: number, length: number, into?: Buffer): Buffer | null;
}

const EMPTY = Buffer.alloc(0);
/** Extra bytes read before the wanted batch, so the index-to-batch scan usually costs no extra read. */
const READ_SLACK_BYTES = 8 * 1024;
/** Results shorter than this leave the pooled slab (protocol/writer.ts inlines chunks under 1 KiB). */
const COPY_OUT_BELOW_BYTES = 4 * 1024;

/**
 * Whole batches starting with the one that contains `startOffset` (or the first batch after it),
 * up to `maxBytes`. Null when no batch at or after `startOffset` lies below the read limit, so the
 * caller moves on to the next segment; an empty buffer when such a batch exists but is excluded
 * by maxOffset or maxBytes.
 */
export async function readSegmentBatches(
  segment: ReadableSegment, startOffset: number, maxBytes: number, options: SegmentReadOptions = {},
): Promise<Buffer | null> {
  const limit = Math.min(options.maxPosition ?? Number.MAX_SAFE_INTEGER, segment.size);
  const readAhead = Math.max(maxBytes, BATCH_HEADER_SIZE) + READ_SLACK_BYTES;
  let position = segment.offsetIndex.lookup(startOffset).position;
  let chunkPosition = position;
  const pooled = options.pooled === true;
  let chunk = position < limit ? await readChunk(segment, position, Math.min(limit - position, readAhead), pooled) : EMPTY;
  for (;;) {
    if (position >= limit) return released(chunk, null);
    let at = position - chunkPosition;
    if (chunk.length - at < BATCH_HEADER_SIZE) {
      readBufferPool.release(chunk);
      chunk = await readChunk(segment, position, Math.min(limit - position, readAhead), pooled);
      chunkPosition = position;
      at = 0;
      if (chunk.length < BATCH_HEADER_SIZE) return released(chunk, null);
    }
    const header = parseHeader(chunk, at, position);
    if (header === null) {
      readBufferPool.release(chunk);
      throw new SamsaError(ErrorCode.KAFKA_STORAGE_ERROR, `${segment.logPath}: unreadable batch header at ${position}`);
    }
    if (header.lastOffset >= startOffset) return collect(segment, header, chunk, chunkPosition, limit, maxBytes, options);
    position += header.sizeInBytes;
  }
}

/** A read, into a leased slab when `pooled`; the slab goes back if the read fails. */
async function readChunk(segment: ReadableSegment, position: number, length: number, pooled: boolean): Promise<Buffer> {
  if (!pooled) return segment.readBytes(position, length);
  const slab = readBufferPool.acquire(length);
  const cached = segment.readCached?.(position, length, slab) ?? null;
  if (cached !== null) return cached.buffer === slab.buffer ? cached : released(slab, cached);
  try {
    return await segment.readBytes(position, length, slab);
  } catch (err) {
    readBufferPool.release(slab);
    throw err;
  }
}

/** Releases `chunk`'s slab (nothing refers to it any more) and returns `result`. */
function released<T>(chunk: Buffer, result: T): T {
  readBufferPool.release(chunk);
  return result;
}

async function collect(
  segment: ReadableSegment, first: BatchHeaderView, chunk: Buffer, chunkPosition: number, limit: number, maxBytes: number,
  options: SegmentReadOptions,
): Promise<Buffer> {
  const maxOffset = options.maxOffset ?? Number.MAX_SAFE_INTEGER;
  if (first.lastOffset >= maxOffset) return released(chunk, EMPTY);
  const budget = options.minOneBatch === false ? maxBytes : Math.max(maxBytes, first.sizeInBytes);
  if (first.sizeInBytes > budget) return released(chunk, EMPTY);
  const length = Math.min(budget, limit - first.position);
  const at = first.position - chunkPosition;
  let data: Buffer;
  if (at + length <= chunk.length) {
    data = chunk.subarray(at, at + length);
  } else {
    readBufferPool.release(chunk);
    data = await readChunk(segment, first.position, length, options.pooled === true);
  }
  let end = 0;
  while (data.length - end >= BATCH_HEADER_SIZE) {
    const size = batchSizeAt(data, end);
    if (size < BATCH_HEADER_SIZE || end + size > data.length) break;
    const lastOffset = readInt64(data, end, 'baseOffset') + data.readInt32BE(end + LAST_OFFSET_DELTA_OFFSET);
    if (lastOffset >= maxOffset) break;
    end += size;
  }
  if (end === 0) return released(data, EMPTY);
  if (end >= COPY_OUT_BELOW_BYTES || !readBufferPool.isLeased(data)) return data.subarray(0, end);
  // A few small batches (a caught-up reader) are copied out so short reads never hold a slab; the
  // response writer inlines chunks under 1 KiB, so such a slab would never be released.
  const small = Buffer.allocUnsafe(end);
  data.copy(small, 0, 0, end);
  return released(data, small);
}
