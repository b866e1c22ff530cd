/**
 * The files of a segment: their names, and the positional write that puts bytes in them.
 *
 * A segment is four files named by its 20-digit zero-padded base offset (`.log`, `.index`,
 * `.timeindex`, `.txnindex`), plus suffixes for the states a file passes through (`.deleted`, and the cleaner's
 * `.cleaned`/`.swap`). Writes go through `writeFully`, which owns the short-write loop: the kernel
 * may write fewer bytes than asked, and a write that makes no progress at all is a disk fault,
 * reported as one instead of spinning forever. The writer is an interface (a FileHandle fits) so
 * tests can stand in a disk that misbehaves.
 */
import * as fs from 'fs';
import * as path from 'path';
import { ErrorCode, SamsaError } from '../protocol/errors';
import { AppendWritePolicy, appendWritePolicy } from './append-write-policy';

export const LOG_FILE_SUFFIX = '.log';
export const INDEX_FILE_SUFFIX = '.index';
export const TIME_INDEX_FILE_SUFFIX = '.timeindex';
/** The aborted-transaction index (transaction-index.ts). */
export const TXN_INDEX_FILE_SUFFIX = '.txnindex';
/** Appended to the files of a segment that is being deleted; log-loader removes leftovers. */
export const DELETED_FILE_SUFFIX = '.deleted';

/** A read or write raced with close/delete (truncation, topic deletion); the caller may retry. */
export class SegmentClosedError extends SamsaError {
  constructor(file: string) {
    super(ErrorCode.KAFKA_STORAGE_ERROR, `segment ${file} is closed`);
    this.name = 'SegmentClosedError';
  }
}

export function segmentFileName(baseOffset: number, suffix: string): string {
  return String(baseOffset).padStart(20, '0') + suffix;
}

export function segmentPath(dir: string, baseOffset: number, suffix: string): string {
  return path.join(dir, segmentFileName(baseOffset, suffix));
}

/** What writeFully needs from a file: a positional gather write (fs.promises FileHandle has it). */
export interface PositionalWriter {
  writev(buffers: Buffer[], position: number): Promise<{ bytesWritten: number }>;
}

/**
 * A positional writer on a raw descriptor: synchronous while append-write-policy.ts allows it (a
 * thread-pool hop costs more CPU than the copy), else through fs.writev's callback, which still
 * skips the FileHandle promise machinery (its per-call ref counting and promise). The owner must
 * not close the descriptor while a write is in flight.
 */
export function fdWriter(fd: () => number, policy: AppendWritePolicy = appendWritePolicy): PositionalWriter {
  return {
    writev: (buffers, position) => {
      let bytes = 0;
      for (const b of buffers) bytes += b.length;
      const startMs = performance.now();
      if (policy.writeSynchronously(bytes, startMs)) {
        try {
          const bytesWritten = fs.writevSync(fd(), buffers, position);
          const endMs = performance.now();
          policy.synchronousWriteTook(endMs - startMs, endMs);
          return Promise.resolve({ bytesWritten });
        } catch (err) {
          return Promise.reject(err);
        }
      }
      return new Promise((resolve, reject) => {
        fs.writev(fd(), buffers, position, (err, bytesWritten) => (err ? reject(err) : resolve({ bytesWritten })));
      });
    },
  };
}

/**
 * Writes all of `buffers` at `position`, repeating after short writes. Throws KAFKA_STORAGE_ERROR
 * if a write reports 0 bytes while bytes remain: the kernel will not do better on a retry, and
 * looping would hang the log's single writer (and every append queued behind it) for good.
 */
export async function writeFully(file: PositionalWriter, buffers: Buffer[], position: number, fileName: string): Promise<number> {
  let total = 0;
  for (const b of buffers) total += b.length;
  let remaining = buffers;
  let written = 0;
  while (written < total) {
    const { bytesWritten } = await file.writev(remaining, position + written);
    if (!(bytesWritten > 0)) {
      throw new SamsaError(ErrorCode.KAFKA_STORAGE_ERROR,
        `${fileName}: write at position ${position + written} made no progress with ${total - written} bytes left`);
    }
    written += bytesWritten;
    if (written < total) remaining = dropPrefix(remaining, bytesWritten);
  }
  return total;
}

/** The buffers that remain after the first `bytes` bytes were written (a short writev). */
function dropPrefix(buffers: Buffer[], bytes: number): Buffer[] {
  let skip = bytes;
  let i = 0;
  while (i < buffers.length && skip >= buffers[i].length) skip -= buffers[i++].length;
  const rest = buffers.slice(i);
  if (rest.length > 0 && skip > 0) rest[0] = rest[0].subarray(skip);
  return rest;
}
