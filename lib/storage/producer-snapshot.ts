/**
 * Producer-state snapshot files: `<20-digit offset>.snapshot` in the partition directory (Kafka's
 * names, Samsa's own format), each the state of every idempotent producer as of the batches below
 * that offset. Loading a log starts from the newest valid snapshot at or below its end and replays
 * batch headers only after it, instead of from the log start.
 *
 * Format: line 1 is the CRC-32C of the rest, as 8 hex digits; the rest is JSON
 * `{"version":2,"offset":N,"producers":[{"id","epoch","lastTimestamp","coordinatorEpoch","currentTxnFirstOffset",
 * "batches":[[firstSeq,lastSeq,firstOffset,lastOffset],...]}]}`. Version 2 added the two transaction
 * fields (-1 when unset), so an open transaction survives a restart with its first offset (the
 * last stable offset depends on it); version 1 files still load, as producers without transactions.
 * Files are written atomically (temp, fsync, rename), and a torn or hand-edited one fails the CRC
 * and is ignored, which costs a longer replay, never a wrong state.
 */
import { crc32c } from '@node-rs/crc32';
import { promises as fsp } from 'fs';
import * as path from 'path';
import { BatchMetadata, MAX_CACHED_BATCHES, ProducerEntry } from './producer-state';

export const SNAPSHOT_FILE_SUFFIX = '.snapshot';
const SNAPSHOT_VERSION = 2;
const SNAPSHOT_NAME = /^(\d{20})\.snapshot$/;

export function snapshotFileName(offset: number): string {
  return String(offset).padStart(20, '0') + SNAPSHOT_FILE_SUFFIX;
}

/** Offsets of the snapshot files in `dir`, ascending. */
export async function listSnapshots(dir: string): Promise<number[]> {
  const offsets: number[] = [];
  for (const name of await fsp.readdir(dir)) {
    const match = SNAPSHOT_NAME.exec(name);
    if (match) offsets.push(Number(match[1]));
  }
  return offsets.sort((a, b) => a - b);
}

export function formatSnapshot(offset: number, producers: ReadonlyMap<number, Readonly<ProducerEntry>>): string {
  const body = JSON.stringify({
    version: SNAPSHOT_VERSION,
    offset,
    producers: [...producers].map(([id, e]) => ({
      id, epoch: e.epoch, lastTimestamp: e.lastTimestamp, coordinatorEpoch: e.coordinatorEpoch, currentTxnFirstOffset: e.currentTxnFirstOffset,
      batches: e.batches.map((b) => [b.firstSeq, b.lastSeq, b.firstOffset, b.lastOffset]),
    })),
  });
  return `${crcHex(body)}\n${body}`;
}

/** The producers in a snapshot's text, or null when it fails the CRC or does not have the expected shape. */
export function parseSnapshot(text: string, expectedOffset: number): Map<number, ProducerEntry> | null {
  const newline = text.indexOf('\n');
  if (newline !== 8) return null;
  const body = text.slice(newline + 1);
  if (text.slice(0, 8) !== crcHex(body)) return null;
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return null;
  }
  const root = json as { version?: unknown; offset?: unknown; producers?: unknown };
  if ((root.version !== 1 && root.version !== SNAPSHOT_VERSION) || root.offset !== expectedOffset || !Array.isArray(root.producers)) return null;
  const producers = new Map<number, ProducerEntry>();
  for (const p of root.producers as Array<Record<string, unknown>>) {
    const entry = parseEntry(p);
    if (entry === null) return null;
    producers.set(p.id as number, entry);
  }
  return producers;
}

function parseEntry(p: Record<string, unknown>): ProducerEntry | null {
  const ints = (values: unknown[]): boolean => values.every((v) => Number.isSafeInteger(v));
  if (p === null || typeof p !== 'object' || !ints([p.id, p.epoch, p.lastTimestamp]) || !Array.isArray(p.batches)) return null;
  // A transaction marker with a new epoch leaves a producer without batches of that epoch.
  if (p.batches.length > MAX_CACHED_BATCHES) return null;
  const coordinatorEpoch = p.coordinatorEpoch ?? -1;
  const currentTxnFirstOffset = p.currentTxnFirstOffset ?? -1;
  if (!ints([coordinatorEpoch, currentTxnFirstOffset])) return null;
  const batches: BatchMetadata[] = [];
  for (const b of p.batches as unknown[]) {
    if (!Array.isArray(b) || b.length !== 4 || !ints(b)) return null;
    batches.push({ firstSeq: b[0], lastSeq: b[1], firstOffset: b[2], lastOffset: b[3] });
  }
  return {
    epoch: p.epoch as number, lastTimestamp: p.lastTimestamp as number, batches,
    coordinatorEpoch: coordinatorEpoch as number, currentTxnFirstOffset: currentTxnFirstOffset as number,
  };
}

/** The snapshot at `offset`, or null if the file is missing or invalid. */
export async function readSnapshot(dir: string, offset: number): Promise<Map<number, ProducerEntry> | null> {
  try {
    return parseSnapshot(await fsp.readFile(path.join(dir, snapshotFileName(offset)), 'utf8'), offset);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

export async function deleteSnapshot(dir: string, offset: number): Promise<void> {
  await fsp.rm(path.join(dir, snapshotFileName(offset)), { force: true });
}

function crcHex(text: string): string {
  return (crc32c(Buffer.from(text, 'utf8')) >>> 0).toString(16).padStart(8, '0');
}
