/**
 * One segment of a partition log: a `.log` file of whole record batches plus its `.index`,
 * `.timeindex` and `.txnindex` (aborted transactions, transaction-index.ts), all named by the segment's 20-digit zero-padded base offset.
 *
 * Appends are two-phase so the partition log can group them: `reserve` assigns the file position
 * and updates the in-memory indexes at once (synchronously, in offset order), and `write` puts
 * the bytes there. Readers only ever look below `size`, the committed length, and only ask the
 * indexes about offsets that are already visible, so an index entry for a batch still in flight
 * is never used. The file handle stays open for the segment's life; index files are written on
 * flush and close (see index-file.ts). File names and the short-write loop live in
 * segment-files.ts, the Fetch read path in segment-read.ts.
 */
import { promises as fsp, constants as fsConstants } from 'fs';
import type { FileHandle } from 'fs/promises';
import { ErrorCode, SamsaError } from '../protocol/errors';
import { BATCH_HEADER_SIZE } from '../record/batch-header';
import { assert } from '../util/assert';
import { IndexCorruptError, MAX_RELATIVE_OFFSET } from './index-file';
import { OffsetIndex } from './offset-index';
import {
  DELETED_FILE_SUFFIX, INDEX_FILE_SUFFIX, LOG_FILE_SUFFIX, SegmentClosedError, TIME_INDEX_FILE_SUFFIX, TXN_INDEX_FILE_SUFFIX, fdWriter, PositionalWriter, segmentPath, writeFully,
} from './segment-files';
import { SegmentReadOptions, readSegmentBatches } from './segment-read';
import { SegmentTailCache, tailCacheBudget } from './segment-tail-cache';
import { BatchHeaderView, parseHeader, readAt, scanBatchHeaders } from './segment-scan';
import { NO_TIMESTAMP, TimeIndex } from './time-index';
import { TransactionIndex } from './transaction-index';

export {
  DELETED_FILE_SUFFIX, INDEX_FILE_SUFFIX, LOG_FILE_SUFFIX, SegmentClosedError, TIME_INDEX_FILE_SUFFIX, segmentFileName,
} from './segment-files';
export { SegmentReadOptions } from './segment-read';

/** What a segment needs to know about each batch it stores. */
export type BatchMeta = Omit<BatchHeaderView, 'position'>;

/** Settings a segment uses; a subset of LogConfig. */
export interface SegmentConfig {
  segmentBytes: number;
  segmentMs: number;
  indexIntervalBytes: number;
  indexSizeMaxBytes: number;
}

export class LogSegment {
  /** The `.log` file; carries the cleaner's `.cleaned`/`.swap` suffix while a cleaned segment is swapped in. */
  private logFile: string;
  /** Bytes written and visible to readers. */
  private committed: number;
  /** End of the bytes that have a position, written or not. */
  private reserved: number;
  private nextOffsetValue: number;
  private maxTimestampSoFar = NO_TIMESTAMP;
  private offsetOfMaxTimestamp: number;
  private bytesSinceLastIndexEntry = 0;
  /** When the segment's age started: its first append (segment.ms counts from there). */
  private rollBaseMs: number | null = null;
  private dirty = false;
  private closed = false;
  /** Files renamed to `*.deleted`: still readable through the open handle, never written again. */
  private retired = false;
  /** Why this segment must be rebuilt before use (set by open), or null. */
  recoveryReason: string | null = null;
  /** The `.txnindex` was missing or bad, or the segment is recovered: log-state-loader.ts refills it. */
  txnIndexStale = false;
  /** Appends write through the raw descriptor (fdWriter); close and delete wait for the write in flight. */
  private readonly writer: PositionalWriter;
  private inFlightWrite: Promise<number> | null = null;
  /** Recently written bytes for Fetch (segment-tail-cache.ts); null for the cleaner's `.cleaned` output. */
  private readonly tail: SegmentTailCache | null;

  private constructor(
    readonly dir: string,
    readonly baseOffset: number,
    private readonly handle: FileHandle,
    handlePath: string,
    fileSize: number,
    public offsetIndex: OffsetIndex,
    public timeIndex: TimeIndex,
    /** Aborted transactions whose marker is here; rebuilt by the log's loader when `txnIndexStale`. */
    public txnIndex: TransactionIndex,
  ) {
    this.logFile = handlePath;
    this.writer = fdWriter(() => handle.fd);
    this.committed = fileSize;
    this.reserved = fileSize;
    this.nextOffsetValue = baseOffset;
    this.offsetOfMaxTimestamp = baseOffset;
    this.tail = handlePath.endsWith(LOG_FILE_SUFFIX) ? new SegmentTailCache(tailCacheBudget) : null;
  }

  /**
   * Creates empty files for a new segment, replacing any leftovers with the same names. A
   * `fileSuffix` (the cleaner's `.cleaned`) keeps them apart from a live segment at the same base
   * offset until changeFileSuffix renames them.
   */
  static async create(dir: string, baseOffset: number, config: SegmentConfig, fileSuffix = ''): Promise<LogSegment> {
    const { offsetIndex, timeIndex, txnIndex } = emptyIndexes(dir, baseOffset, config, fileSuffix);
    await Promise.all([offsetIndex.delete(), timeIndex.delete(), txnIndex.delete()]);
    const flags = fsConstants.O_RDWR | fsConstants.O_CREAT | fsConstants.O_TRUNC;
    const logFile = segmentPath(dir, baseOffset, LOG_FILE_SUFFIX) + fileSuffix;
    const handle = await fsp.open(logFile, flags, 0o644);
    return new LogSegment(dir, baseOffset, handle, logFile, 0, offsetIndex, timeIndex, txnIndex);
  }

  /**
   * Opens an existing segment. With `trustIndexes`, loads and checks the index files and scans the
   * tail past the last index entry; any inconsistency sets `recoveryReason` instead of throwing.
   * Without it the indexes start empty and `recoveryReason` is set, for recovery.ts to rebuild.
   */
  static async open(dir: string, baseOffset: number, config: SegmentConfig, trustIndexes: boolean): Promise<LogSegment> {
    const logFile = segmentPath(dir, baseOffset, LOG_FILE_SUFFIX);
    const handle = await fsp.open(logFile, fsConstants.O_RDWR);
    let segment: LogSegment;
    try {
      const { size } = await handle.stat();
      const empty = emptyIndexes(dir, baseOffset, config, '');
      segment = new LogSegment(dir, baseOffset, handle, logFile, size, empty.offsetIndex, empty.timeIndex, empty.txnIndex);
    } catch (err) {
      await handle.close();
      throw err;
    }
    if (!trustIndexes) {
      segment.resetForRecovery();
      segment.recoveryReason = 'segment is past the recovery point';
      return segment;
    }
    try {
      segment.offsetIndex = await OffsetIndex.load(segmentPath(dir, baseOffset, INDEX_FILE_SUFFIX), baseOffset, config.indexSizeMaxBytes);
      segment.timeIndex = await TimeIndex.load(segmentPath(dir, baseOffset, TIME_INDEX_FILE_SUFFIX), baseOffset, config.indexSizeMaxBytes);
    } catch (err) {
      if (!(err instanceof IndexCorruptError)) throw err;
      segment.resetForRecovery();
      segment.recoveryReason = err.message;
      return segment;
    }
    try {
      segment.txnIndex = await TransactionIndex.load(segmentPath(dir, baseOffset, TXN_INDEX_FILE_SUFFIX), baseOffset);
    } catch (err) {
      // Only the aborted transactions need rebuilding, from the producer state, not the whole segment.
      if (!(err instanceof IndexCorruptError)) throw err;
      segment.txnIndexStale = true;
    }
    if (!(await segment.loadTail())) {
      segment.resetForRecovery();
      segment.recoveryReason = `indexes of ${segment.logPath} do not match the log, or its tail is torn`;
    }
    return segment;
  }

  get logPath(): string {
    return this.logFile;
  }

  /** Committed bytes: what readers may see. */
  get size(): number {
    return this.committed;
  }

  /** Committed plus in-flight bytes: what roll decisions count. */
  get reservedSize(): number {
    return this.reserved;
  }

  /** The offset after the last batch that has a position in this segment. */
  get nextOffset(): number {
    return this.nextOffsetValue;
  }

  get largestTimestamp(): number {
    return this.maxTimestampSoFar;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  get isRetired(): boolean {
    return this.retired;
  }

  /** mtime of the `.log` file: the age of a segment whose batches carry no timestamps. */
  async lastModifiedMs(): Promise<number> {
    if (this.closed) throw new SegmentClosedError(this.logPath);
    return (await this.handle.stat()).mtimeMs;
  }

  /** Sets the `.log` file's mtime: a cleaned segment keeps the age of the segments it replaces (as in Kafka). */
  async setLastModified(ms: number): Promise<void> {
    if (this.closed) throw new SegmentClosedError(this.logPath);
    await this.handle.utimes(new Date(ms), new Date(ms));
  }

  /**
   * Renames the four files to their live names plus `suffix` ('' for the live names). The log
   * file goes last, so its name alone tells recovery how far a cleaner swap got.
   */
  async changeFileSuffix(suffix: string): Promise<void> {
    if (this.closed || this.retired) throw new SegmentClosedError(this.logPath);
    await this.offsetIndex.renameTo(segmentPath(this.dir, this.baseOffset, INDEX_FILE_SUFFIX) + suffix);
    await this.timeIndex.renameTo(segmentPath(this.dir, this.baseOffset, TIME_INDEX_FILE_SUFFIX) + suffix);
    await this.txnIndex.renameTo(segmentPath(this.dir, this.baseOffset, TXN_INDEX_FILE_SUFFIX) + suffix);
    const target = segmentPath(this.dir, this.baseOffset, LOG_FILE_SUFFIX) + suffix;
    await fsp.rename(this.logFile, target);
    this.logFile = target;
  }

  /** Whether `batch` must go to a new segment instead of this one. */
  shouldRoll(batch: BatchMeta, config: SegmentConfig, nowMs: number): boolean {
    if (batch.lastOffset - this.baseOffset > MAX_RELATIVE_OFFSET) return true;
    // An empty segment takes any batch that passed the size limits, so a roll always makes progress.
    if (this.reserved === 0) return false;
    if (this.reserved + batch.sizeInBytes > config.segmentBytes) return true;
    if (this.offsetIndex.isFull || this.timeIndex.isFull) return true;
    return nowMs - (this.rollBaseMs ?? nowMs) > config.segmentMs;
  }

  /**
   * Gives `batch` the next file position and records it in the indexes. Offsets must strictly
   * increase and fit a relative int32; both are asserted because a violation would corrupt lookups
   * (the log validates input before it gets here, and shouldRoll keeps the relative offset small).
   */
  reserve(batch: BatchMeta, indexIntervalBytes: number, nowMs: number): number {
    assert(batch.baseOffset >= this.nextOffsetValue && batch.lastOffset >= batch.baseOffset,
      () => `${this.logPath}: batch [${batch.baseOffset}, ${batch.lastOffset}] does not follow offset ${this.nextOffsetValue - 1}`);
    assert(batch.lastOffset - this.baseOffset <= MAX_RELATIVE_OFFSET,
      () => `${this.logPath}: offset ${batch.lastOffset} overflows the segment's relative offsets`);
    const position = this.reserved;
    if (batch.maxTimestamp > this.maxTimestampSoFar) {
      this.maxTimestampSoFar = batch.maxTimestamp;
      this.offsetOfMaxTimestamp = batch.baseOffset;
    }
    if (this.bytesSinceLastIndexEntry > indexIntervalBytes && !this.offsetIndex.isFull) {
      this.offsetIndex.append(batch.baseOffset, position);
      if (this.maxTimestampSoFar > NO_TIMESTAMP && !this.timeIndex.isFull) {
        this.timeIndex.maybeAppend(this.maxTimestampSoFar, this.offsetOfMaxTimestamp);
      }
      this.bytesSinceLastIndexEntry = 0;
    }
    this.bytesSinceLastIndexEntry += batch.sizeInBytes;
    this.reserved += batch.sizeInBytes;
    this.nextOffsetValue = batch.lastOffset + 1;
    if (this.rollBaseMs === null) this.rollBaseMs = nowMs;
    return position;
  }

  /** Writes reserved bytes at `position` (which must be the committed end) and makes them visible. */
  async write(buffers: Buffer[], position: number): Promise<void> {
    if (this.closed) throw new SegmentClosedError(this.logPath);
    assert(position === this.committed, () => `${this.logPath}: write at ${position} but committed size is ${this.committed}`);
    const writing = writeFully(this.writer, buffers, position, this.logPath);
    this.inFlightWrite = writing;
    let total: number;
    try {
      total = await writing;
    } finally {
      this.inFlightWrite = null;
    }
    // Pair assertion with reserve: the bytes written are exactly the bytes that were given positions.
    assert(position + total <= this.reserved, () => `${this.logPath}: wrote up to ${position + total} but reserved only ${this.reserved}`);
    this.committed = position + total;
    this.tail?.append(buffers, position);
    this.dirty = true;
  }

  /** Whole batches from the one holding `startOffset`, up to `maxBytes`; see segment-read.ts. */
  read(startOffset: number, maxBytes: number, options: SegmentReadOptions = {}): Promise<Buffer | null> {
    return readSegmentBatches(this, startOffset, maxBytes, options);
  }

  /** The first batch whose last offset is >= offset, or null if there is none in this segment. */
  async translateOffset(offset: number): Promise<BatchHeaderView | null> {
    let found: BatchHeaderView | null = null;
    const start = this.offsetIndex.lookup(offset).position;
    await this.scan(start, (h) => {
      if (h.lastOffset < offset) return false;
      found = h;
      return true;
    });
    return found;
  }

  /** Base offset of the first batch whose max timestamp is >= timestamp, or null. */
  async findOffsetByTimestamp(timestamp: number, fromOffset = 0): Promise<number | null> {
    if (this.maxTimestampSoFar < timestamp) return null;
    // The time index entry is the first batch to reach its running maximum, so every earlier
    // batch has a smaller timestamp; scanning from there (or from `fromOffset`, whichever is
    // later) cannot miss the answer.
    const entry = this.timeIndex.lookup(timestamp);
    const start = Math.max(this.offsetIndex.lookup(entry.offset).position, this.offsetIndex.lookup(fromOffset).position);
    let found: number | null = null;
    await this.scan(start, (h) => {
      if (h.maxTimestamp < timestamp || h.lastOffset < fromOffset) return false;
      found = h.baseOffset;
      return true;
    });
    return found;
  }

  /**
   * Removes the batch containing `offset` and everything after it; returns the bytes removed.
   * The caller guarantees no write is in flight.
   */
  async truncateTo(offset: number): Promise<number> {
    const header = await this.translateOffset(offset);
    if (header === null) return 0;
    const removed = this.committed - header.position;
    this.offsetIndex.truncateToPosition(header.position);
    // Time entries never point past the last offset entry (they are added together), which
    // loadTail relies on to rescan every batch the removed entries summarised.
    this.timeIndex.truncateTo(Math.min(header.baseOffset, this.offsetIndex.lastEntry().offset + 1));
    this.txnIndex.truncateTo(header.baseOffset);
    await this.cutFile(header.position);
    if (!(await this.loadTail())) throw new SamsaError(ErrorCode.KAFKA_STORAGE_ERROR, `${this.logPath}: inconsistent after truncation`);
    return removed;
  }

  /** Cuts the log file at `position` and forgets everything past it. */
  async cutFile(position: number): Promise<void> {
    if (this.closed) throw new SegmentClosedError(this.logPath);
    this.tail?.clear();
    await this.handle.truncate(position);
    this.committed = position;
    this.reserved = position;
    this.dirty = true;
    if (position === 0) this.rollBaseMs = null;
  }

  /**
   * Recomputes next offset, largest timestamp and index spacing from the last index entries plus a
   * scan of the batches after them. Returns false when the indexes and the log disagree.
   */
  private async loadTail(): Promise<boolean> {
    const lastIndexed = this.offsetIndex.lastEntry();
    const lastTimed = this.timeIndex.lastEntry();
    if (lastIndexed.position > this.committed || lastTimed.offset > lastIndexed.offset) return false;
    this.maxTimestampSoFar = lastTimed.timestamp;
    this.offsetOfMaxTimestamp = lastTimed.offset;
    this.nextOffsetValue = lastIndexed.offset;
    let consistent = true;
    // The last index entry must point at a batch that starts with exactly its offset.
    let indexedBatchSeen = this.offsetIndex.entries === 0;
    const result = await this.scan(lastIndexed.position, (h) => {
      if (h.position === lastIndexed.position && !indexedBatchSeen) indexedBatchSeen = h.baseOffset === lastIndexed.offset;
      if (!indexedBatchSeen || h.baseOffset < this.nextOffsetValue) {
        consistent = false;
        return true;
      }
      if (h.maxTimestamp > this.maxTimestampSoFar) {
        this.maxTimestampSoFar = h.maxTimestamp;
        this.offsetOfMaxTimestamp = h.baseOffset;
      }
      this.nextOffsetValue = h.lastOffset + 1;
      return false;
    });
    this.bytesSinceLastIndexEntry = this.committed - lastIndexed.position;
    return consistent && indexedBatchSeen && result.clean;
  }

  /** Sets the segment age from its first batch (Kafka rolls by the first batch's timestamp). */
  async loadRollBase(nowMs: number): Promise<void> {
    if (this.committed === 0) return;
    const head = await this.readBytes(0, BATCH_HEADER_SIZE);
    const header = head.length === BATCH_HEADER_SIZE ? parseHeader(head, 0, 0) : null;
    this.rollBaseMs = header !== null && header.maxTimestamp >= 0 ? Math.min(header.maxTimestamp, nowMs) : nowMs;
  }

  /**
   * Visits the header of every committed batch whose last offset is >= `fromOffset`, with the
   * buffer it was read from (see scanBatchHeaders). Throws if the file holds an unreadable header.
   */
  async forEachBatchFrom(fromOffset: number, visit: (header: BatchHeaderView, buf: Buffer, at: number) => void): Promise<void> {
    const result = await this.scan(this.offsetIndex.lookup(fromOffset).position, (h, buf, at) => {
      if (h.lastOffset >= fromOffset) visit(h, buf, at);
      return false;
    });
    if (!result.clean) throw new SamsaError(ErrorCode.KAFKA_STORAGE_ERROR, `${this.logPath}: unreadable batch header at ${result.endPosition}`);
  }

  private scan(from: number, visit: (h: BatchHeaderView, buf: Buffer, at: number) => boolean) {
    if (this.closed) throw new SegmentClosedError(this.logPath);
    return scanBatchHeaders(this.handle, from, this.committed, visit).catch((err) => {
      throw this.closed ? new SegmentClosedError(this.logPath) : err;
    });
  }

  /** A copy of committed bytes (into `into` if long enough) from the tail cache when it holds them all, else null. */
  readCached(position: number, length: number, into?: Buffer): Buffer | null {
    if (this.closed || position + length > this.committed) return null;
    return this.tail?.read(position, length, into) ?? null;
  }

  /** Positional read of committed or recovering bytes (into `into` if long enough); shorter only at end of file. */
  async readBytes(position: number, length: number, into?: Buffer): Promise<Buffer> {
    if (this.closed) throw new SegmentClosedError(this.logPath);
    try {
      return await readAt(this.handle, position, length, into);
    } catch (err) {
      throw this.closed ? new SegmentClosedError(this.logPath) : err;
    }
  }

  /** Current length of the `.log` file on disk (recovery reads up to it). */
  async fileSize(): Promise<number> {
    return (await this.handle.stat()).size;
  }

  /** Forgets all batches and index entries; recovery then re-reserves every valid batch. */
  resetForRecovery(): void {
    this.tail?.clear();
    this.offsetIndex.reset();
    this.timeIndex.reset();
    this.txnIndex.reset();
    this.txnIndexStale = true;
    this.committed = 0;
    this.reserved = 0;
    this.nextOffsetValue = this.baseOffset;
    this.maxTimestampSoFar = NO_TIMESTAMP;
    this.offsetOfMaxTimestamp = this.baseOffset;
    this.bytesSinceLastIndexEntry = 0;
  }

  /** Ends a rebuild: cuts the file after the last valid batch and persists the new indexes. */
  async finishRecovery(validBytes: number): Promise<void> {
    assert(validBytes === this.reserved, () => `${this.logPath}: recovered ${validBytes} bytes but reserved ${this.reserved}`);
    await this.cutFile(validBytes);
    this.recoveryReason = null;
    await this.flush();
  }

  /** fsyncs the log if it changed, then writes and fsyncs both indexes. */
  async flush(): Promise<void> {
    if (this.closed || this.retired) return;
    if (this.dirty) {
      this.dirty = false;
      try {
        await this.handle.sync();
      } catch (err) {
        this.dirty = true;
        throw this.closed ? new SegmentClosedError(this.logPath) : err;
      }
    }
    await Promise.all([this.offsetIndex.flush(true), this.timeIndex.flush(true), this.txnIndex.flush(true)]);
  }

  /** Writes the indexes (no fsync: a clean shutdown flushes first) and closes the log file. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.tail?.clear();
    try {
      await Promise.all([this.offsetIndex.flush(false), this.timeIndex.flush(false), this.txnIndex.flush(false)]);
    } finally {
      await this.writeSettled();
      await this.handle.close();
    }
  }

  /** The raw descriptor the appends write through (fdWriter) must outlive the write in flight. */
  private async writeSettled(): Promise<void> {
    if (this.inFlightWrite !== null) await this.inFlightWrite.catch(() => undefined);
  }

  /**
   * First step of deleting a segment the log no longer lists: renames its four files to
   * `*.deleted` (the open handle keeps serving readers that already hold the segment) so that a
   * crash before `delete` leaves leftovers the next load removes, never a live-looking segment.
   */
  async retire(): Promise<void> {
    if (this.retired) return;
    this.retired = true;
    this.tail?.clear();
    await Promise.all([
      fsp.rename(this.logPath, this.logPath + DELETED_FILE_SUFFIX),
      this.offsetIndex.retire(DELETED_FILE_SUFFIX),
      this.timeIndex.retire(DELETED_FILE_SUFFIX),
      this.txnIndex.retire(DELETED_FILE_SUFFIX),
    ]);
  }

  /** Closes the segment and removes its four files (their `.deleted` names once retired). */
  async delete(): Promise<void> {
    this.tail?.clear();
    if (!this.closed) {
      this.closed = true;
      await this.writeSettled();
      await this.handle.close();
    }
    const logFile = this.retired ? this.logPath + DELETED_FILE_SUFFIX : this.logPath;
    await Promise.all([fsp.rm(logFile, { force: true }), this.offsetIndex.delete(), this.timeIndex.delete(), this.txnIndex.delete()]);
  }
}

function emptyIndexes(dir: string, baseOffset: number, config: SegmentConfig, suffix: string) {
  return {
    offsetIndex: new OffsetIndex(segmentPath(dir, baseOffset, INDEX_FILE_SUFFIX) + suffix, baseOffset, config.indexSizeMaxBytes),
    timeIndex: new TimeIndex(segmentPath(dir, baseOffset, TIME_INDEX_FILE_SUFFIX) + suffix, baseOffset, config.indexSizeMaxBytes),
    txnIndex: new TransactionIndex(segmentPath(dir, baseOffset, TXN_INDEX_FILE_SUFFIX) + suffix, baseOffset),
  };
}
