/**
 * Shared steps of the log cleaner tests: keyed batches built with the client's codec, reading a
 * whole log back as records, and one cleaner pass run the way the LogCleanerManager runs it.
 */
import { DecodedBatch, decodeRecordBatches, EncodeBatchOptions, encodeRecordBatch } from '../../lib/record/record-batch';
import { cleanLog, CleanerStats } from '../../lib/storage/log-cleaner';
import { logToClean } from '../../lib/storage/log-to-clean';
import { PartitionLog } from '../../lib/storage/partition-log';

export const T0 = 1_700_000_000_000;

/** [key, value] with null for a null value (a tombstone). */
export type KV = [string, string | null];

export interface StoredRecord {
  offset: number;
  key: string | null;
  value: string | null;
  timestamp: number;
}

/** One batch of `records`; record i gets timestamp `now + i` unless given. */
export function keyedBatch(records: KV[], options: EncodeBatchOptions = {}): Buffer {
  const now = options.now ?? T0;
  return encodeRecordBatch(records.map(([key, value], i) => ({
    key: Buffer.from(key),
    value: value === null ? null : Buffer.from(value),
    timestamp: now + i,
  })), { now, ...options });
}

/** Appends one single-record batch per entry, as a leader. */
export async function appendEach(log: PartitionLog, records: KV[], options: EncodeBatchOptions = {}): Promise<void> {
  for (const record of records) await log.append(keyedBatch([record], options), { leaderEpoch: 0 });
}

/** Every batch in the log, in offset order, read segment by segment the way a consumer fetches. */
export async function allBatches(log: PartitionLog): Promise<DecodedBatch[]> {
  const out: DecodedBatch[] = [];
  let offset = log.logStartOffset;
  while (offset < log.logEndOffset) {
    const { batches } = decodeRecordBatches((await log.read(offset, 1 << 20)).records);
    if (batches.length === 0) break;
    out.push(...batches);
    offset = batches[batches.length - 1].lastOffset + 1;
  }
  return out;
}

/** Every record in the log, in offset order. */
export async function readAll(log: PartitionLog): Promise<StoredRecord[]> {
  return (await allBatches(log)).flatMap((batch) => batch.records.map((r) => ({
    offset: r.offset, key: r.key?.toString() ?? null, value: r.value?.toString() ?? null, timestamp: r.timestamp,
  })));
}

/** One cleaner pass up to the active segment (or `highWatermark`), recording the checkpoint. */
export async function cleanOnce(log: PartitionLog, options: { highWatermark?: number; maxMapEntries?: number; nowMs?: number } = {}): Promise<CleanerStats> {
  const range = logToClean(log.segmentsView(), log.logEndOffset, log.cleanerCheckpoint, log.lastStableOffset(options.highWatermark ?? log.logEndOffset));
  const generation = log.truncations;
  const stats = await cleanLog(log, range, { nowMs: options.nowMs ?? Date.now(), maxMapEntries: options.maxMapEntries ?? 1000 });
  log.setCleanerCheckpoint(stats.endOffset, generation);
  return stats;
}

/** The latest record of every key among `records` below `below`, plus everything at or above it. */
export function compacted(records: StoredRecord[], below: number): StoredRecord[] {
  const latest = new Map<string | null, number>();
  for (const r of records) if (r.offset < below) latest.set(r.key, r.offset);
  return records.filter((r) => r.offset >= below || latest.get(r.key) === r.offset);
}
