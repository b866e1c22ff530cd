/**
 * The machinery both sparse indexes share: fixed-size entries kept in a growing in-memory Buffer
 * and mirrored to a file.
 *
 * Lookups never touch the disk. The file is brought up to date on flush (segment roll, fsync
 * policy, close), which is cheap because only entries added since the last flush are written. The
 * file length is always a whole number of entries, which is what the load-time sanity check relies
 * on: any other length means a torn write, and the index is rebuilt from the log instead of trusted.
 * File writes for one index run one at a time so a flush and a truncation cannot interleave.
 */
import { promises as fsp, constants as fsConstants } from 'fs';
import { assert } from '../util/assert';
import { writeFully } from './segment-files';

/** The index file failed its sanity check; the caller rebuilds it from the segment's log. */
export class IndexCorruptError extends Error {
  constructor(readonly path: string, detail: string) {
    super(`corrupt index ${path}: ${detail}`);
    this.name = 'IndexCorruptError';
  }
}

/** Entries are offset-relative int32s, so a segment never spans more than this many offsets. */
export const MAX_RELATIVE_OFFSET = 0x7fffffff;

const INITIAL_CAPACITY_ENTRIES = 512;

export abstract class IndexFile {
  readonly maxEntries: number;
  protected buf: Buffer;
  protected count = 0;
  /** Entries already in the file; those above are written on the next flush. */
  private persisted = 0;
  /** True after a truncation, until the file has been cut to match. */
  private fileNeedsTrim = false;
  /** Bytes reached the file since its last fsync. */
  private unsynced = false;
  /** The file is known to exist; an empty index still gets a file so the next load finds one. */
  private fileExists = false;
  /** Counts truncations so a flush that raced with one does not claim entries it wrote as current. */
  private truncations = 0;
  private io: Promise<void> = Promise.resolve();
  /** Set once the segment is deleted: the file was renamed here and is never written again. */
  private retiredPath: string | null = null;

  /** Where the file lives; renameTo moves it (the log cleaner's `.cleaned` → `.swap` → live names). */
  private filePath: string;

  protected constructor(path: string, readonly baseOffset: number, readonly entrySize: number, maxIndexBytes: number) {
    this.filePath = path;
    this.maxEntries = Math.floor(maxIndexBytes / entrySize);
    this.buf = Buffer.alloc(Math.min(this.maxEntries, INITIAL_CAPACITY_ENTRIES) * entrySize);
  }

  get path(): string {
    return this.filePath;
  }

  get entries(): number {
    return this.count;
  }

  get isFull(): boolean {
    return this.count >= this.maxEntries;
  }

  get sizeInBytes(): number {
    return this.count * this.entrySize;
  }

  /** Reads the file into memory; throws IndexCorruptError when its length is not whole entries. */
  protected async loadFile(): Promise<void> {
    let data: Buffer;
    try {
      data = await fsp.readFile(this.path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new IndexCorruptError(this.path, 'file is missing');
      throw err;
    }
    if (data.length % this.entrySize !== 0) {
      throw new IndexCorruptError(this.path, `length ${data.length} is not a multiple of the entry size ${this.entrySize}`);
    }
    this.buf = data.length >= this.buf.length ? data : Buffer.concat([data], this.buf.length);
    this.count = data.length / this.entrySize;
    this.persisted = this.count;
    this.fileExists = true;
  }

  /** Returns the byte position for a new entry, growing the buffer if needed. */
  protected slotForAppend(): number {
    // Callers check isFull first (the segment rolls when an index fills up).
    assert(!this.isFull, () => `index ${this.path} is full (${this.maxEntries} entries)`);
    const position = this.count * this.entrySize;
    if (position + this.entrySize > this.buf.length) {
      const capacity = Math.min(this.maxEntries, Math.max(INITIAL_CAPACITY_ENTRIES, this.count * 2));
      const grown = Buffer.alloc(capacity * this.entrySize);
      this.buf.copy(grown, 0, 0, position);
      this.buf = grown;
    }
    this.count++;
    return position;
  }

  /**
   * Index of the last entry whose key is <= target, or -1 when there is none. `keyAt` must be
   * non-decreasing over the entries, which append() asserts.
   */
  protected largestAtOrBelow(target: number, keyAt: (i: number) => number): number {
    let lo = 0;
    let hi = this.count - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (keyAt(mid) <= target) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found;
  }

  /** Keeps the first `entries` entries. */
  protected truncateEntries(entries: number): void {
    if (entries >= this.count) return;
    this.count = entries;
    this.persisted = Math.min(this.persisted, entries);
    // A flush may be writing the dropped entries right now, so always cut the file next time.
    this.fileNeedsTrim = true;
    this.truncations++;
  }

  /** Drops every entry (recovery rebuilds from scratch). */
  reset(): void {
    this.truncateEntries(0);
  }

  /** Writes entries added since the last flush, cuts the file after a truncation, fsyncs if asked. */
  flush(sync: boolean): Promise<void> {
    const run = async (): Promise<void> => {
      if (this.retiredPath !== null) return;
      const from = this.persisted;
      const to = this.count;
      // A file this object has not loaded or written may hold stale entries of any length.
      const trim = this.fileNeedsTrim || !this.fileExists;
      const generation = this.truncations;
      if (this.fileExists && from === to && !trim && !(sync && this.unsynced)) return;
      this.fileNeedsTrim = false;
      // Copy: the in-memory buffer may be regrown or overwritten while the write is in flight.
      const bytes = Buffer.from(this.buf.subarray(from * this.entrySize, to * this.entrySize));
      // Pair assertion with loadFile's length check: the file only ever grows by whole entries.
      assert(from <= to && bytes.length % this.entrySize === 0, () => `index ${this.path}: flushing entries [${from}, ${to})`);
      try {
        const handle = await fsp.open(this.path, fsConstants.O_RDWR | fsConstants.O_CREAT, 0o644);
        try {
          if (trim) await handle.truncate(to * this.entrySize);
          if (bytes.length > 0) await writeFully(handle, [bytes], from * this.entrySize, this.path);
          if (sync) await handle.sync();
          this.unsynced = !sync;
          this.fileExists = true;
        } finally {
          await handle.close();
        }
      } catch (err) {
        this.fileNeedsTrim ||= trim;
        throw err;
      }
      if (generation === this.truncations) this.persisted = to;
    };
    this.io = this.io.then(run, run);
    return this.io;
  }

  /**
   * Renames the file to `path + suffix` behind any write in flight and turns later flushes into
   * no-ops, so a retired segment's index can never reappear under its live name.
   */
  retire(suffix: string): Promise<void> {
    const retiredPath = this.path + suffix;
    this.retiredPath = retiredPath;
    const run = async (): Promise<void> => {
      await fsp.rename(this.path, retiredPath).catch((err: NodeJS.ErrnoException) => {
        // An index that was never flushed has no file to rename.
        if (err.code !== 'ENOENT') throw err;
      });
    };
    this.io = this.io.then(run, run);
    return this.io;
  }

  /**
   * Renames the file to `newPath` behind any write in flight; later flushes write there. A file
   * that was never flushed has nothing to rename.
   */
  renameTo(newPath: string): Promise<void> {
    const run = async (): Promise<void> => {
      assert(this.retiredPath === null, () => `index ${this.filePath} is retired and cannot be renamed`);
      await fsp.rename(this.filePath, newPath).catch((err: NodeJS.ErrnoException) => {
        if (err.code !== 'ENOENT') throw err;
      });
      this.filePath = newPath;
    };
    this.io = this.io.then(run, run);
    return this.io;
  }

  /** Removes the file (the renamed one once retired); a missing file is fine. */
  delete(): Promise<void> {
    const run = async (): Promise<void> => {
      await fsp.rm(this.retiredPath ?? this.path, { force: true });
      this.fileExists = false;
      this.persisted = 0;
      this.fileNeedsTrim = false;
    };
    this.io = this.io.then(run, run);
    return this.io;
  }
}
