/**
 * The `.index` and `.timeindex` parts of `samsa-dump-log`: print a segment's index entries, check
 * each against the `.log` beside it, or run the same sanity check a broker runs when it loads
 * the index (--index-sanity-check), as Kafka's DumpLogSegments does.
 *
 * What "matches" means follows Samsa's indexes: an offset index entry names the base offset of
 * the batch at its position, and a time index entry names the base offset of the batch holding
 * the largest timestamp so far (Kafka indexes last offsets; docs/operations.md says so).
 */
import { promises as fsp } from 'fs';
import type { FileHandle } from 'fs/promises';
import * as path from 'path';
import { readInt64 } from '../record/int64';
import { OFFSET_INDEX_ENTRY_SIZE, OffsetIndex } from '../storage/offset-index';
import { BatchHeaderView, scanBatchHeaders } from '../storage/segment-scan';
import { NO_TIMESTAMP, TIME_INDEX_ENTRY_SIZE, TimeIndex } from '../storage/time-index';

export interface IndexDumpOptions {
  indexSanityOnly: boolean;
  verifyOnly: boolean;
  maxMessageSize: number;
}

/** Problems found while dumping, printed on stderr after every file (Kafka's order and words). */
export interface IndexFindings {
  /** Per offset index file: (index offset, log offset). */
  offsetMismatches: Map<string, Array<[number, number]>>;
  /** Per time index file: (index timestamp, log timestamp). */
  timestampMismatches: Map<string, Array<[number, number]>>;
  /** Per time index file: (index timestamp, previous index timestamp). */
  outOfOrder: Map<string, Array<[number, number]>>;
  /** Per time index file: (indexed offset, offset found in the log or -1). */
  offsetNotFound: Map<string, Array<[number, number]>>;
}

export function emptyIndexFindings(): IndexFindings {
  return { offsetMismatches: new Map(), timestampMismatches: new Map(), outOfOrder: new Map(), offsetNotFound: new Map() };
}

/** Keyed by absolute path, as Kafka prints them. */
function note(map: Map<string, Array<[number, number]>>, file: string, pair: [number, number]): void {
  const key = path.resolve(file);
  map.set(key, [...(map.get(key) ?? []), pair]);
}

/** Large enough never to limit a file the tool reads; the indexes are only read here. */
const NO_SIZE_LIMIT = 2 ** 31;

/** Entries of an index file as stored, (key, relative offset) pairs are decoded by the caller. */
async function readEntries(file: string, entrySize: number): Promise<Buffer[]> {
  const data = await fsp.readFile(file);
  const entries: Buffer[] = [];
  for (let at = 0; at + entrySize <= data.length; at += entrySize) entries.push(data.subarray(at, at + entrySize));
  return entries;
}

/** A preallocated index that was not trimmed holds zero entries after the real ones: stop there, as Kafka does. */
function isPadding(relativeOffset: number, i: number): boolean {
  return relativeOffset === 0 && i > 0;
}

export async function dumpOffsetIndex(file: string, logFile: string, baseOffset: number, opts: IndexDumpOptions,
  findings: IndexFindings, out: (line: string) => void): Promise<void> {
  if (opts.indexSanityOnly) {
    await OffsetIndex.load(file, baseOffset, NO_SIZE_LIMIT);
    out(`${file} passed sanity check.`);
    return;
  }
  const entries = await readEntries(file, OFFSET_INDEX_ENTRY_SIZE);
  const log = await fsp.open(logFile, 'r');
  try {
    const logSize = (await log.stat()).size;
    for (let i = 0; i < entries.length; i++) {
      const relative = entries[i].readInt32BE(0);
      const position = entries[i].readInt32BE(4);
      if (isPadding(relative, i)) return;
      const offset = baseOffset + relative;
      let found = -1;
      if (position >= 0) {
        await scanBatchHeaders(log, position, Math.min(logSize, position + opts.maxMessageSize), (h) => {
          found = h.baseOffset;
          return true;
        });
      }
      if (found !== offset) note(findings.offsetMismatches, file, [offset, found]);
      if (!opts.verifyOnly) out(`offset: ${offset} position: ${position}`);
    }
  } finally {
    await log.close();
  }
}

export async function dumpTimeIndex(file: string, logFile: string, indexFile: string, baseOffset: number, opts: IndexDumpOptions,
  findings: IndexFindings, out: (line: string) => void): Promise<void> {
  if (opts.indexSanityOnly) {
    await TimeIndex.load(file, baseOffset, NO_SIZE_LIMIT);
    out(`${file} passed sanity check.`);
    return;
  }
  const entries = await readEntries(file, TIME_INDEX_ENTRY_SIZE);
  const offsetEntries = await readEntries(indexFile, OFFSET_INDEX_ENTRY_SIZE).catch(() => [] as Buffer[]);
  const log = await fsp.open(logFile, 'r');
  try {
    const logSize = (await log.stat()).size;
    let previous = NO_TIMESTAMP;
    for (let i = 0; i < entries.length; i++) {
      const timestamp = readInt64(entries[i], 0, 'time index timestamp');
      const relative = entries[i].readInt32BE(8);
      if (isPadding(relative, i)) return;
      const offset = baseOffset + relative;
      const b = await batchReaching(log, positionBefore(offsetEntries, relative), logSize, offset);
      if (b === null) {
        note(findings.offsetNotFound, file, [offset, -1]);
      } else if (b.baseOffset !== offset) {
        note(findings.offsetNotFound, file, [offset, b.baseOffset]);
      } else {
        if (b.maxTimestamp !== timestamp) note(findings.timestampMismatches, file, [timestamp, b.maxTimestamp]);
        if (previous >= timestamp) note(findings.outOfOrder, file, [timestamp, previous]);
      }
      if (!opts.verifyOnly) out(`timestamp: ${timestamp} offset: ${offset}`);
      previous = timestamp;
    }
  } finally {
    await log.close();
  }
}

/** The header of the first batch from `from` on whose last offset is at least `offset`. */
async function batchReaching(log: FileHandle, from: number, to: number, offset: number): Promise<BatchHeaderView | null> {
  let found: BatchHeaderView | null = null;
  await scanBatchHeaders(log, from, to, (h) => {
    if (h.lastOffset < offset) return false;
    found = h;
    return true;
  });
  return found;
}

/** Position of the last offset index entry at or below `relative` (0 without one): where to start scanning. */
function positionBefore(entries: readonly Buffer[], relative: number): number {
  let position = 0;
  for (let i = 0; i < entries.length; i++) {
    const r = entries[i].readInt32BE(0);
    if (isPadding(r, i) || r > relative) break;
    position = entries[i].readInt32BE(4);
  }
  return position;
}

/** Kafka's closing report on stderr. */
export function indexFindingsText(f: IndexFindings): string {
  let text = '';
  for (const [file, pairs] of f.offsetMismatches) {
    text += `Mismatches in :${file}\n`;
    for (const [indexOffset, logOffset] of pairs) text += `  Index offset: ${indexOffset}, log offset: ${logOffset}\n`;
  }
  for (const [file, pairs] of f.timestampMismatches) {
    text += `Found timestamp mismatch in :${file}\n`;
    for (const [indexTs, logTs] of pairs) text += `  Index timestamp: ${indexTs}, log timestamp: ${logTs}\n`;
  }
  for (const [file, pairs] of f.outOfOrder) {
    text += `Found out of order timestamp in :${file}\n`;
    for (const [indexTs, prevTs] of pairs) text += `  Index timestamp: ${indexTs}, Previously indexed timestamp: ${prevTs}\n`;
  }
  for (const pairs of f.offsetNotFound.values()) {
    text += 'The following indexed offsets are not found in the log.\n';
    for (const [indexed, found] of pairs) text += `Indexed offset: ${indexed}, found log offset: ${found}\n`;
  }
  return text;
}
