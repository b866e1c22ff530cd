/**
 * Turning a partition directory back into an ordered list of usable segments.
 *
 * Owns the decisions made once per open: which files are leftovers to delete (half-finished
 * deletes and cleaner output, index files whose `.log` is gone), which cleaner swaps to finish
 * (segment-swap.ts), which segments are trusted and which are rebuilt
 * (everything from the recovery point on after an unclean shutdown, plus any segment whose index
 * fails its sanity check), and creating the first segment of a new log.
 */
import { promises as fsp } from 'fs';
import * as path from 'path';
import type { Logger } from '../util/logger';
import { LogSegment, SegmentConfig } from './log-segment';
import { INDEX_FILE_SUFFIX, LOG_FILE_SUFFIX, TIME_INDEX_FILE_SUFFIX, TXN_INDEX_FILE_SUFFIX } from './segment-files';
import { recoverSegments } from './recovery';
import { CLEANED_FILE_SUFFIX, completeInterruptedSwaps } from './segment-swap';

export interface LoadOptions {
  /** Rescan segments from the recovery point on (the clean-shutdown marker was missing). */
  recover: boolean;
  /** Offsets below this were fsynced before the last shutdown. */
  recoveryPoint: number;
  /** Base offset of the first segment when the directory holds none. */
  initialOffset: number;
  nowMs: number;
  logName: string;
  logger: Logger;
}

const SEGMENT_NAME = /^(\d{20})(\.log|\.index|\.timeindex|\.txnindex)$/;
/** Suffixes of files an interrupted delete, compaction or checkpoint left behind (`.swap` files are finished instead). */
const LEFTOVER_SUFFIXES = ['.deleted', CLEANED_FILE_SUFFIX, '.tmp'];

/** Opens (and if needed recovers) every segment in `dir`, oldest first; never returns an empty list. */
export async function loadSegments(dir: string, config: SegmentConfig & { indexIntervalBytes: number }, options: LoadOptions): Promise<LogSegment[]> {
  await fsp.mkdir(dir, { recursive: true });
  const baseOffsets = await listSegmentsAndCleanUp(dir, options.logger);
  const recoverFrom = options.recover ? recoveryStart(baseOffsets, options.recoveryPoint) : Number.POSITIVE_INFINITY;
  let segments: LogSegment[] = [];
  try {
    for (const baseOffset of baseOffsets) {
      segments.push(await LogSegment.open(dir, baseOffset, config, baseOffset < recoverFrom));
    }
    for (const s of segments) {
      if (s.recoveryReason !== null && s.baseOffset < recoverFrom) options.logger.warn(`Rebuilding ${s.logPath}: ${s.recoveryReason}`);
    }
    segments = await recoverSegments(segments, config.indexIntervalBytes, options.nowMs, options.logger, options.logName);
    if (segments.length === 0) segments.push(await LogSegment.create(dir, options.initialOffset, config));
    await segments[segments.length - 1].loadRollBase(options.nowMs);
  } catch (err) {
    await Promise.allSettled(segments.map((s) => s.close()));
    throw err;
  }
  return segments;
}

/** Base offset of the segment holding the recovery point: the first one that needs a rescan. */
function recoveryStart(baseOffsets: number[], recoveryPoint: number): number {
  let start = baseOffsets.length > 0 ? baseOffsets[0] : 0;
  for (const b of baseOffsets) if (b <= recoveryPoint) start = b;
  return start;
}

async function listSegmentsAndCleanUp(dir: string, logger: Logger): Promise<number[]> {
  for (const name of await fsp.readdir(dir)) {
    if (!LEFTOVER_SUFFIXES.some((suffix) => name.endsWith(suffix))) continue;
    logger.info(`Deleting leftover file ${path.join(dir, name)}`);
    await fsp.rm(path.join(dir, name), { force: true, recursive: true });
  }
  await completeInterruptedSwaps(dir, logger);
  const logs = new Set<number>();
  const indexes: Array<{ name: string; baseOffset: number }> = [];
  for (const name of await fsp.readdir(dir)) {
    const match = SEGMENT_NAME.exec(name);
    if (!match) continue;
    const baseOffset = Number(match[1]);
    if (match[2] === LOG_FILE_SUFFIX) logs.add(baseOffset);
    else if (match[2] === INDEX_FILE_SUFFIX || match[2] === TIME_INDEX_FILE_SUFFIX || match[2] === TXN_INDEX_FILE_SUFFIX) indexes.push({ name, baseOffset });
  }
  for (const { name, baseOffset } of indexes) {
    if (logs.has(baseOffset)) continue;
    logger.info(`Deleting index ${path.join(dir, name)} whose log segment is missing`);
    await fsp.rm(path.join(dir, name), { force: true });
  }
  return [...logs].sort((a, b) => a - b);
}
