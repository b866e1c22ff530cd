/**
 * Reading whole record batches out of one segment for Fetch: find the batch holding the start
 * offset, then hand back as many whole batches as the byte and offset limits allow.
 *
 * Kept apart from LogSegment's state keeping: a read only needs the committed size, the offset
 * index and positional reads, which is all `ReadableSegment` exposes. One read of `maxBytes` plus
 * some slack usually covers both the index-to-batch scan and the batches returned.
 */
import { BATCH_HEADER_SIZE, LAST_OFFSET_DELTA_OFFSET, batchSizeAt } from '../record/batch-header';
import { readInt64 } from '../record/int64';
import { ErrorCode, SamsaError } from '../protocol/errors';
import type { OffsetPosition } from './offset-index';
import { BatchHeaderView, parseHeader } from './segment-scan';

export interface SegmentReadOptions {
  /** Do not return bytes at or past this file position. */
  maxPosition?: number;
  /** Exclusive upper bound: stop before the first batch whose last offset reaches it. */
  maxOffset?: number;
  /** Return the first batch even when it is larger than maxBytes (default true). */
  minOneBatch?: boolean;
}

/** What a read needs from a segment. */
export interface ReadableSegment {
  /** Committed bytes: nothing at or past this is read. */
  readonly size: number;
  readonly logPath: string;
  readonly offsetIndex: { lookup(offset: number): OffsetPosition };
  readBytes(position: number, length: number): Promise<Buffer>;
}

const EMPTY = Buffer.alloc(0);
/** Extra bytes read before the wanted batch, so the index-to-batch scan usually costs no extra read. */
const READ_SLACK_BYTES = 8 * 1024;

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
  let chunk = position < limit ? await segment.readBytes(position, Math.min(limit - position, readAhead)) : EMPTY;
  for (;;) {
    if (position >= limit) return null;
    let at = position - chunkPosition;
    if (chunk.length - at < BATCH_HEADER_SIZE) {
      chunk = await segment.readBytes(position, Math.min(limit - position, readAhead));
      chunkPosition = position;
      at = 0;
      if (chunk.length < BATCH_HEADER_SIZE) return null;
    }
    const header = parseHeader(chunk, at, position);
    if (header === null) throw new SamsaError(ErrorCode.KAFKA_STORAGE_ERROR, `${segment.logPath}: unreadable batch header at ${position}`);
    if (header.lastOffset >= startOffset) return collect(segment, header, chunk, chunkPosition, limit, maxBytes, options);
    position += header.sizeInBytes;
  }
}

async function collect(
  segment: ReadableSegment, first: BatchHeaderView, chunk: Buffer, chunkPosition: number, limit: number, maxBytes: number,
  options: SegmentReadOptions,
): Promise<Buffer> {
  const maxOffset = options.maxOffset ?? Number.MAX_SAFE_INTEGER;
  if (first.lastOffset >= maxOffset) return EMPTY;
  const budget = options.minOneBatch === false ? maxBytes : Math.max(maxBytes, first.sizeInBytes);
  if (first.sizeInBytes > budget) return EMPTY;
  const length = Math.min(budget, limit - first.position);
  const at = first.position - chunkPosition;
  const data = at + length <= chunk.length ? chunk.subarray(at, at + length) : await segment.readBytes(first.position, length);
  let end = 0;
  while (data.length - end >= BATCH_HEADER_SIZE) {
    const size = batchSizeAt(data, end);
    if (size < BATCH_HEADER_SIZE || end + size > data.length) break;
    const lastOffset = readInt64(data, end, 'baseOffset') + data.readInt32BE(end + LAST_OFFSET_DELTA_OFFSET);
    if (lastOffset >= maxOffset) break;
    end += size;
  }
  return data.subarray(0, end);
}
