/**
 * Walking batch headers in a `.log` file without reading the records in between.
 *
 * Loading a segment, translating an offset to a position, truncating and searching by timestamp
 * all need "the batches from position X on", but only their headers. Reads come in chunks so that
 * many small batches cost one read, and a large batch is skipped by jumping over its body.
 */
import type { FileHandle } from 'fs/promises';
import {
  BATCH_HEADER_SIZE, BATCH_LENGTH_OFFSET, CURRENT_MAGIC, LAST_OFFSET_DELTA_OFFSET, LOG_OVERHEAD, MAGIC_OFFSET,
  MAX_TIMESTAMP_OFFSET, RECORD_COUNT_OFFSET,
} from '../record/batch-header';
import { isControlBatchAt } from '../record/control-record';
import { readInt64 } from '../record/int64';

export interface BatchHeaderView {
  /** Position of the batch in the file. */
  position: number;
  sizeInBytes: number;
  baseOffset: number;
  lastOffset: number;
  maxTimestamp: number;
  recordCount: number;
}

export interface ScanResult {
  /** Position of the batch the visitor stopped at, or where scanning ended. */
  endPosition: number;
  /** False when the bytes at endPosition are not a plausible header (torn or corrupt tail). */
  clean: boolean;
  /** True when the visitor asked to stop. */
  stopped: boolean;
}

const DEFAULT_CHUNK_BYTES = 64 * 1024;

/** Positional read of up to `length` bytes; shorter only at end of file. */
export async function readAt(handle: FileHandle, position: number, length: number, into?: Buffer): Promise<Buffer> {
  const buf = into && into.length >= length ? into : Buffer.allocUnsafe(length);
  let filled = 0;
  while (filled < length) {
    const { bytesRead } = await handle.read(buf, filled, length - filled, position + filled);
    if (bytesRead === 0) break;
    filled += bytesRead;
  }
  return buf.subarray(0, filled);
}

/** Reads the header fields the storage layer needs; null if they are implausible. */
export function parseHeader(buf: Buffer, at: number, position: number): BatchHeaderView | null {
  const sizeInBytes = buf.readInt32BE(at + BATCH_LENGTH_OFFSET) + LOG_OVERHEAD;
  if (sizeInBytes < BATCH_HEADER_SIZE || buf.readInt8(at + MAGIC_OFFSET) !== CURRENT_MAGIC) return null;
  const lastOffsetDelta = buf.readInt32BE(at + LAST_OFFSET_DELTA_OFFSET);
  if (lastOffsetDelta < 0) return null;
  try {
    const baseOffset = readInt64(buf, at, 'baseOffset');
    const maxTimestamp = readInt64(buf, at + MAX_TIMESTAMP_OFFSET, 'maxTimestamp');
    const recordCount = buf.readInt32BE(at + RECORD_COUNT_OFFSET);
    return { position, sizeInBytes, baseOffset, lastOffset: baseOffset + lastOffsetDelta, maxTimestamp, recordCount };
  } catch {
    return null;
  }
}

/**
 * Visits the headers of the batches in [from, to) in order; `visit` returns true to stop at the
 * current batch. It also gets the buffer holding the header and where it starts there, for header
 * fields the view leaves out (only valid during the call); a control batch (a transaction marker,
 * a few dozen bytes) is always whole in that buffer, so its record can be read. Ends early, with `clean: false`, at the
 * first header that is cut off by `to`, declares a size running past `to`, or is otherwise
 * implausible.
 */
export async function scanBatchHeaders(
  handle: FileHandle,
  from: number,
  to: number,
  visit: (header: BatchHeaderView, buf: Buffer, at: number) => boolean | void,
  chunkBytes: number = DEFAULT_CHUNK_BYTES,
): Promise<ScanResult> {
  const scratch = Buffer.allocUnsafe(Math.max(chunkBytes, BATCH_HEADER_SIZE));
  let chunk: Buffer = scratch.subarray(0, 0);
  let chunkPosition = from;
  let position = from;
  while (position < to) {
    let at = position - chunkPosition;
    if (at < 0 || chunk.length - at < BATCH_HEADER_SIZE) {
      chunk = await readAt(handle, position, Math.min(scratch.length, to - position), scratch);
      chunkPosition = position;
      at = 0;
      if (chunk.length < BATCH_HEADER_SIZE) return { endPosition: position, clean: false, stopped: false };
    }
    let header = parseHeader(chunk, at, position);
    if (header === null || position + header.sizeInBytes > to) return { endPosition: position, clean: false, stopped: false };
    if (at + header.sizeInBytes > chunk.length && header.sizeInBytes <= scratch.length && isControlBatchAt(chunk, at)) {
      chunk = await readAt(handle, position, Math.min(scratch.length, to - position), scratch);
      chunkPosition = position;
      at = 0;
      header = parseHeader(chunk, at, position);
      if (header === null) return { endPosition: position, clean: false, stopped: false };
    }
    if (visit(header, chunk, at) === true) return { endPosition: position, clean: true, stopped: true };
    position += header.sizeInBytes;
  }
  return { endPosition: position, clean: true, stopped: false };
}
