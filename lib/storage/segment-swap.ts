/**
 * Putting a cleaned segment in place of the segments it was made from, crash-safely, and finishing
 * a swap that a crash interrupted (Kafka's Log.replaceSegments and the `.swap` rules of its loader).
 *
 * The cleaner writes a new segment under `.cleaned` names and fsyncs it. The swap then (1) renames
 * its files to `.swap`, the point from which the swap counts as done; (2) lists it in place of the
 * old segments; (3) retires the old segments through the SegmentDeleter (renamed `.deleted`, their
 * open handles kept for reads already under way, removed after file.delete.delay.ms); (4) renames
 * the new files to their live names, which the first old segment's files no longer hold. On
 * startup, `.cleaned` files are unfinished work and deleted (log-loader.ts); a `.log.swap` file
 * means the crash came after (1): the live segments it covers are deleted and it takes its live
 * name, its indexes rebuilt from the log like any segment whose index is missing.
 */
import { promises as fsp, constants as fsConstants } from 'fs';
import * as path from 'path';
import type { Logger } from '../util/logger';
import { LogSegment } from './log-segment';
import { INDEX_FILE_SUFFIX, TIME_INDEX_FILE_SUFFIX, TXN_INDEX_FILE_SUFFIX } from './segment-files';
import { scanBatchHeaders } from './segment-scan';

export const CLEANED_FILE_SUFFIX = '.cleaned';
export const SWAP_FILE_SUFFIX = '.swap';

/** What a swap needs from a log; PartitionLog provides it from inside its writer queue. */
export interface SwapTarget {
  segments(): readonly LogSegment[];
  setSegments(segments: LogSegment[]): void;
  /** Stops serving the files of segments no longer listed (SegmentDeleter.retireAndSchedule). */
  retire(segments: LogSegment[]): Promise<void>;
  logger: Logger;
}

/**
 * Replaces `old` (adjacent segments, never the active one) by `cleaned`. Returns false, changing
 * nothing, when the log no longer holds exactly those segments (retention or a truncation got
 * there first); the caller then deletes `cleaned`. Once `cleaned` is listed this returns true
 * even if a later rename fails: the segment serves as it is and the next load finishes the swap.
 */
export async function swapInCleaned(target: SwapTarget, old: readonly LogSegment[], cleaned: LogSegment): Promise<boolean> {
  const current = target.segments();
  const start = current.indexOf(old[0]);
  if (start < 0 || start + old.length >= current.length || old.some((s, i) => current[start + i] !== s)) return false;
  if (cleaned.baseOffset !== old[0].baseOffset) throw new Error(`cleaned segment ${cleaned.baseOffset} cannot replace segment ${old[0].baseOffset}`);
  await cleaned.changeFileSuffix(SWAP_FILE_SUFFIX);
  target.setSegments([...current.slice(0, start), cleaned, ...current.slice(start + old.length)]);
  try {
    await target.retire([...old]);
    await cleaned.changeFileSuffix('');
  } catch (err) {
    target.logger.error(`Renaming swapped-in segment ${cleaned.logPath} failed; the next load finishes the swap: ${(err as Error).message}`);
  }
  return true;
}

const SWAP_LOG_NAME = /^(\d{20})\.log\.swap$/;
const SEGMENT_FILE_NAME = /^(\d{20})\.(log|index|timeindex|txnindex)$/;

/** Finishes every swap a crash interrupted in `dir` (see the module comment); run before segments are listed. */
export async function completeInterruptedSwaps(dir: string, logger: Logger): Promise<void> {
  const names = await fsp.readdir(dir);
  for (const name of names) {
    const match = SWAP_LOG_NAME.exec(name);
    if (!match) continue;
    const baseOffset = Number(match[1]);
    const swapFile = path.join(dir, name);
    const nextOffset = await nextOffsetOf(swapFile, baseOffset);
    for (const other of names) {
      const live = SEGMENT_FILE_NAME.exec(other);
      if (!live) continue;
      const otherBase = Number(live[1]);
      if (otherBase >= baseOffset && (otherBase === baseOffset || otherBase < nextOffset)) await fsp.rm(path.join(dir, other), { force: true });
    }
    await fsp.rename(swapFile, path.join(dir, name.slice(0, -SWAP_FILE_SUFFIX.length)));
    logger.info(`Completed the interrupted swap of cleaned segment ${swapFile} (offsets up to ${nextOffset - 1})`);
  }
  // Index files of a swap are rebuilt from its log; those of a swap that never got its log renamed are unfinished.
  for (const name of names) {
    if ([INDEX_FILE_SUFFIX, TIME_INDEX_FILE_SUFFIX, TXN_INDEX_FILE_SUFFIX].some((suffix) => name.endsWith(suffix + SWAP_FILE_SUFFIX))) {
      await fsp.rm(path.join(dir, name), { force: true });
    }
  }
}

/** The offset after the last readable batch of a `.log` file; its base offset when it has none. */
async function nextOffsetOf(file: string, baseOffset: number): Promise<number> {
  const handle = await fsp.open(file, fsConstants.O_RDONLY);
  try {
    const { size } = await handle.stat();
    let next = baseOffset;
    await scanBatchHeaders(handle, 0, size, (header) => {
      next = header.lastOffset + 1;
    });
    return next;
  } finally {
    await handle.close();
  }
}
