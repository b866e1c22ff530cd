/**
 * One log cleaner pass over one compacted log (Kafka's Cleaner): keep only the latest record for
 * each key, with offsets unchanged.
 *
 * The pass (1) reads the dirty range (from the cleaner checkpoint up to the first uncleanable
 * segment, see log-to-clean.ts) into a key → latest offset map, stopping early at a batch boundary
 * when the map is full; (2) groups the segments below where the map reached into runs that fit one
 * segment (segment.bytes, segment.index.bytes, int32 relative offsets); (3) rewrites each group
 * into a new `.cleaned` segment, keeping a record only if no later record has its key, dropping
 * records without a key (invalid in a compacted topic, as in Kafka) and tombstones (null values)
 * whose segment was last modified before the delete horizon: the last clean segment's mtime minus
 * delete.retention.ms, so a tombstone stays readable for that long after it was first cleaned;
 * (4) swaps each cleaned segment in (segment-swap.ts) and keeps the old ones' mtime. Batches are
 * rewritten by cleaned-batch.ts; one that loses every record is dropped, leaving an offset gap,
 * unless it holds an idempotent producer's last sequence. Transactions follow Kafka
 * (cleaned-transactions.ts): aborted transactions' batches go, and a marker goes once its
 * transaction has no data left and its segment is past the delete horizon.
 *
 * All of it runs beside the writer: only the active segment takes appends, and it is never
 * cleaned. The pass reads in chunks and awaits between them, so appends and fetches keep flowing;
 * the swap itself is a short queued operation. If the log changed under the pass (truncation,
 * retention, close) the swap refuses and the pass stops with CleanerAbortedError.
 */
import { BATCH_HEADER_SIZE, batchSizeAt, readBatchInfo, validateBatch } from '../record/batch-header';
import { CorruptRecordError } from '../protocol/errors';
import { ConsumedRecord } from '../record/record';
import { FilteredBatch, filterBatch, isControlBatch, readBatchRecords } from './cleaned-batch';
import { MAX_RELATIVE_OFFSET } from './index-file';
import { DEFAULT_DELETE_RETENTION_MS } from './log-config';
import { LogSegment } from './log-segment';
import type { LogToClean } from './log-to-clean';
import { OffsetMap } from './offset-map';
import type { PartitionLog } from './partition-log';
import { readProducerBatch } from './producer-state';
import { CLEANED_FILE_SUFFIX } from './segment-swap';
import { CleanedTransactions } from './cleaned-transactions';
import { collectAbortedTransactions } from './txn-reads';

/** Bytes read from a segment at a time; the pass yields to the event loop between reads, so this bounds a stall. */
const READ_CHUNK_BYTES = 256 * 1024;

export interface CleanerOptions {
  nowMs: number;
  /** Distinct keys one pass may map (bounds its memory); the next pass continues where it stopped. */
  maxMapEntries: number;
  /** Checked between reads: true stops the pass (the broker is shutting down). */
  isAborted?: () => boolean;
}

export interface CleanerStats {
  firstDirtyOffset: number;
  /** Where the next pass starts: everything below was cleaned by this one. */
  endOffset: number;
  segmentsBefore: number;
  segmentsAfter: number;
  bytesBefore: number;
  bytesAfter: number;
  recordsRead: number;
  recordsRemoved: number;
  tombstonesRemoved: number;
  /** Records without a key, which a compacted log cannot keep. */
  invalidRecords: number;
  batchesDropped: number;
}

/** The pass stopped because the log changed or closed under it, or the broker is stopping. */
export class CleanerAbortedError extends Error {
  constructor(detail: string) {
    super(`log cleaning aborted: ${detail}`);
    this.name = 'CleanerAbortedError';
  }
}

interface PassContext {
  log: PartitionLog;
  map: OffsetMap;
  /** Records at or past this were not seen by the map and are kept as they are. */
  endOffset: number;
  deleteHorizonMs: number;
  options: CleanerOptions;
  stats: CleanerStats;
}

/** Cleans `log` over `range` (computed by logToClean on the same log just before). */
export async function cleanLog(log: PartitionLog, range: LogToClean, options: CleanerOptions): Promise<CleanerStats> {
  const segments = log.segmentsView();
  const stats: CleanerStats = {
    firstDirtyOffset: range.firstDirtyOffset, endOffset: range.firstDirtyOffset, segmentsBefore: 0, segmentsAfter: 0,
    bytesBefore: 0, bytesAfter: 0, recordsRead: 0, recordsRemoved: 0, tombstonesRemoved: 0, invalidRecords: 0, batchesDropped: 0,
  };
  const map = new OffsetMap(options.maxMapEntries);
  const endOffset = await buildOffsetMap(segments, range, map, options);
  stats.endOffset = endOffset;
  if (endOffset <= range.firstDirtyOffset) return stats;
  const deleteHorizonMs = await deleteHorizon(segments, range.firstDirtyOffset, log.config.deleteRetentionMs ?? DEFAULT_DELETE_RETENTION_MS);
  const ctx: PassContext = { log, map, endOffset, deleteHorizonMs, options, stats };
  const cleanable = segments.slice(0, -1).filter((s) => s.baseOffset < endOffset);
  for (const group of groupSegmentsBySize(cleanable, log.config)) await cleanGroup(ctx, group);
  return stats;
}

/**
 * Maps every keyed record from the first dirty offset to the first uncleanable segment; returns
 * the offset it reached (the end of the last mapped batch when the map filled up first).
 */
async function buildOffsetMap(segments: readonly LogSegment[], range: LogToClean, map: OffsetMap, options: CleanerOptions): Promise<number> {
  const { firstDirtyOffset, firstUncleanableOffset } = range;
  let reached = firstDirtyOffset;
  for (let i = 0; i < segments.length - 1 && segments[i].baseOffset < firstUncleanableOffset; i++) {
    const segment = segments[i];
    if (segments[i + 1].baseOffset <= firstDirtyOffset) continue;
    let full = false;
    await forEachWholeBatch(segment, segment.offsetIndex.lookup(firstDirtyOffset).position, options, (buf, at) => {
      const info = readBatchInfo(buf, at);
      const lastOffset = info.baseOffset + info.lastOffsetDelta;
      if (lastOffset < firstDirtyOffset) return true;
      if (map.size > 0 && map.wouldOverflow(info.recordCount)) {
        full = true;
        return false;
      }
      if (!isControlBatch(buf, at)) {
        validateBatch(buf, at);
        for (const record of readBatchRecords(buf, at)) {
          if (record.key !== null && record.offset >= firstDirtyOffset) map.put(record.key, record.offset);
        }
      }
      reached = lastOffset + 1;
      return true;
    });
    if (full) return reached;
  }
  return Math.max(reached, firstUncleanableOffset);
}

/** Kafka's rule: tombstones go from segments last modified before the last clean segment's mtime minus delete.retention.ms. */
async function deleteHorizon(segments: readonly LogSegment[], firstDirtyOffset: number, deleteRetentionMs: number): Promise<number> {
  let lastClean: LogSegment | null = null;
  for (const segment of segments) if (segment.baseOffset < firstDirtyOffset) lastClean = segment;
  return lastClean === null ? 0 : (await lastClean.lastModifiedMs()) - deleteRetentionMs;
}

/**
 * Kafka's groupSegmentsBySize: adjacent segments go into one cleaned segment while their log
 * bytes fit segment.bytes, each index fits segment.index.bytes and the offsets fit int32 deltas.
 */
export function groupSegmentsBySize(segments: readonly LogSegment[], limits: { segmentBytes: number; indexSizeMaxBytes: number }): LogSegment[][] {
  const groups: LogSegment[][] = [];
  let i = 0;
  while (i < segments.length) {
    const group = [segments[i]];
    let logBytes = segments[i].size;
    let indexBytes = segments[i].offsetIndex.sizeInBytes;
    let timeIndexBytes = segments[i].timeIndex.sizeInBytes;
    for (i++; i < segments.length; i++) {
      const next = segments[i];
      if (logBytes + next.size > limits.segmentBytes) break;
      if (indexBytes + next.offsetIndex.sizeInBytes > limits.indexSizeMaxBytes) break;
      if (timeIndexBytes + next.timeIndex.sizeInBytes > limits.indexSizeMaxBytes) break;
      if (next.nextOffset - 1 - group[0].baseOffset > MAX_RELATIVE_OFFSET) break;
      group.push(next);
      logBytes += next.size;
      indexBytes += next.offsetIndex.sizeInBytes;
      timeIndexBytes += next.timeIndex.sizeInBytes;
    }
    groups.push(group);
  }
  return groups;
}

/** Rewrites `group` into one `.cleaned` segment and swaps it in; the new files are deleted on any failure. */
async function cleanGroup(ctx: PassContext, group: LogSegment[]): Promise<void> {
  const { log } = ctx;
  const cleaned = await LogSegment.create(log.dir, group[0].baseOffset, log.config, CLEANED_FILE_SUFFIX);
  let swapped = false;
  try {
    const aborted = collectAbortedTransactions(log.segmentsView(), group[0].baseOffset, group[group.length - 1].nextOffset);
    const txns = new CleanedTransactions(aborted, cleaned.txnIndex);
    let lastModifiedMs = 0;
    for (const source of group) {
      const modifiedMs = await source.lastModifiedMs();
      lastModifiedMs = Math.max(lastModifiedMs, modifiedMs);
      await cleanInto(ctx, source, cleaned, modifiedMs > ctx.deleteHorizonMs, txns);
    }
    // Before the fsync, so the flushed inode carries it: retention and the next delete horizon read it.
    await cleaned.setLastModified(lastModifiedMs);
    await cleaned.flush();
    swapped = await log.replaceSegments(group, cleaned);
    if (!swapped) throw new CleanerAbortedError(`segments of ${log.topic}-${log.partition} changed during cleaning`);
    ctx.stats.segmentsBefore += group.length;
    ctx.stats.segmentsAfter += 1;
    ctx.stats.bytesBefore += group.reduce((sum, s) => sum + s.size, 0);
    ctx.stats.bytesAfter += cleaned.size;
  } finally {
    if (!swapped) await cleaned.delete().catch(() => undefined);
  }
}

/** Copies the records of `source` that survive into `dest`, one chunk (one write) at a time. */
async function cleanInto(ctx: PassContext, source: LogSegment, dest: LogSegment, retainDeletes: boolean, txns: CleanedTransactions): Promise<void> {
  const { stats } = ctx;
  const retain = (record: ConsumedRecord): boolean => {
    if (record.offset >= ctx.endOffset) return true;
    if (record.key === null) {
      stats.invalidRecords++;
      return false;
    }
    const latest = ctx.map.get(record.key);
    if (latest >= 0 && record.offset < latest) return false;
    if (record.value === null && !retainDeletes) {
      stats.tombstonesRemoved++;
      return false;
    }
    return true;
  };
  let out: Buffer[] = [];
  let outPosition = dest.size;
  await forEachWholeBatch(source, 0, ctx.options, (buf, at, size) => {
    const batch = validateBatch(buf, at);
    const discard = txns.shouldDiscard(buf, at, batch.baseOffset);
    // A marker past the delete horizon stays, as a tombstone does; aborted data goes at once.
    const result: FilteredBatch = discard && isControlBatch(buf, at)
      ? (retainDeletes ? { kind: 'unchanged', removed: 0 } : { kind: 'dropped', removed: batch.recordCount })
      : filterBatch(buf, at, discard ? () => false : retain, holdsLastSequence(ctx.log, buf, at));
    stats.recordsRead += batch.recordCount;
    stats.recordsRemoved += result.removed;
    if (result.kind === 'dropped') {
      stats.batchesDropped++;
      return true;
    }
    const bytes = result.kind === 'unchanged' ? buf.subarray(at, at + size) : result.bytes;
    const info = readBatchInfo(bytes, 0);
    dest.reserve({
      baseOffset: info.baseOffset, lastOffset: info.baseOffset + info.lastOffsetDelta, sizeInBytes: info.sizeInBytes,
      maxTimestamp: info.maxTimestamp, recordCount: info.recordCount,
    }, ctx.log.config.indexIntervalBytes, ctx.options.nowMs);
    out.push(bytes);
    return true;
  }, async () => {
    if (out.length === 0) return;
    await dest.write(out, outPosition);
    outPosition = dest.size;
    out = [];
  });
}

/** Kafka keeps an emptied batch while it holds the last sequence of a producer the log still tracks. */
function holdsLastSequence(log: PartitionLog, buf: Buffer, at: number): boolean {
  const info = readBatchInfo(buf, at);
  const producer = readProducerBatch(buf, at, info.baseOffset, info.lastOffsetDelta, info.maxTimestamp);
  if (producer === null) return false;
  const entry = log.producerState(producer.producerId);
  const last = entry?.batches[entry.batches.length - 1];
  return entry?.epoch === producer.producerEpoch && last?.lastSeq === producer.lastSequence;
}

/**
 * Calls `visit` with every whole batch of `segment` from file position `from` (a buffer, where the
 * batch starts in it and its size) until `visit` returns false, reading READ_CHUNK_BYTES at a time
 * (or one larger batch). `afterChunk` runs after each chunk's batches, before the next read.
 */
async function forEachWholeBatch(
  segment: LogSegment, from: number, options: CleanerOptions,
  visit: (buf: Buffer, at: number, size: number) => boolean, afterChunk?: () => Promise<void>,
): Promise<void> {
  const end = segment.size;
  let position = from;
  while (position < end) {
    if (options.isAborted?.()) throw new CleanerAbortedError('the log manager is stopping');
    let chunk = await segment.readBytes(position, Math.min(end - position, READ_CHUNK_BYTES));
    const firstSize = batchSizeAt(chunk, 0);
    if (firstSize < BATCH_HEADER_SIZE) throw new CorruptRecordError(`${segment.logPath}: unreadable batch at position ${position}`);
    if (firstSize > chunk.length) chunk = await segment.readBytes(position, firstSize);
    let at = 0;
    let stopped = false;
    while (!stopped && chunk.length - at >= BATCH_HEADER_SIZE) {
      const size = batchSizeAt(chunk, at);
      if (size < BATCH_HEADER_SIZE) throw new CorruptRecordError(`${segment.logPath}: unreadable batch at position ${position + at}`);
      if (at + size > chunk.length) break;
      stopped = !visit(chunk, at, size);
      if (!stopped) at += size;
    }
    await afterChunk?.();
    if (stopped) return;
    if (at === 0) throw new CorruptRecordError(`${segment.logPath}: batch at position ${position} runs past the end of the segment`);
    position += at;
  }
}
