/**
 * The most recently appended bytes of each segment kept in memory, so a caught-up consumer or
 * follower reading what was just produced is answered without a disk read (no thread-pool hop,
 * no syscall): the Fetch read path (segment-read.ts) asks the cache before the file.
 *
 * Appends copy the written bytes into fixed-size blocks (one copy on the produce path: the
 * request buffers are not retained, so the produce path may reuse them). A block's bytes are
 * never overwritten once written, so a read hands out a subarray of a block without copying, and
 * an evicted block stays alive only while a response still refers to it. One budget bounds all
 * segments together: past it, the globally oldest block is dropped (first in, first out), so the
 * cache holds the newest bytes of the partitions being written. A segment's cache is cleared when
 * its file is cut (truncation), recovered, closed or deleted.
 */

/** Size of one cache block, in bytes (256 KiB). */
const BLOCK_BYTES = 256 * 1024;
/** Bound on cached bytes over all segments of the broker (32 MiB), counted in whole blocks. */
const DEFAULT_MAX_BYTES = 32 * 1024 * 1024;

interface Block {
  /** File position of the block's first byte. */
  readonly start: number;
  readonly buf: Buffer;
  /** Bytes filled; never decreases. */
  used: number;
  readonly owner: SegmentTailCache;
  /** False once evicted or its segment's cache was cleared. */
  live: boolean;
}

/** The shared bound: blocks in allocation order, oldest evicted first. */
export class TailCacheBudget {
  private readonly fifo: Array<Block | undefined> = [];
  private head = 0;
  private liveBytes = 0;

  constructor(readonly maxBytes = DEFAULT_MAX_BYTES, readonly blockBytes = BLOCK_BYTES) {
    if (maxBytes < blockBytes) throw new RangeError(`tail cache bound ${maxBytes} is below one block (${blockBytes} bytes)`);
  }

  /** Bytes held by live blocks. */
  get bytes(): number {
    return this.liveBytes;
  }

  /** A new block for `owner` starting at file position `start`, evicting the oldest blocks past the bound. */
  allocate(owner: SegmentTailCache, start: number): Block {
    while (this.liveBytes + this.blockBytes > this.maxBytes && this.head < this.fifo.length) {
      const oldest = this.fifo[this.head];
      this.fifo[this.head++] = undefined;
      if (oldest?.live) oldest.owner.evictOldest(oldest);
    }
    if (this.head > 64 && this.head * 2 > this.fifo.length) {
      this.fifo.splice(0, this.head);
      this.head = 0;
    }
    const block: Block = { start, buf: Buffer.allocUnsafeSlow(this.blockBytes), used: 0, owner, live: true };
    this.fifo.push(block);
    this.liveBytes += this.blockBytes;
    return block;
  }

  /** Marks `block` dead (its owner dropped it). */
  free(block: Block): void {
    if (!block.live) return;
    block.live = false;
    this.liveBytes -= this.blockBytes;
  }
}

/** One segment's cached tail: contiguous blocks covering file positions [start of first block, end). */
export class SegmentTailCache {
  private readonly blocks: Block[] = [];
  /** File position after the last cached byte. */
  private end = 0;

  constructor(private readonly budget: TailCacheBudget) {}

  /**
   * Copies `buffers`, just written at file position `position`, into the cache. A write that
   * does not continue the cached range starts it afresh; one larger than the whole budget is
   * not cached.
   */
  append(buffers: readonly Buffer[], position: number): void {
    if (position !== this.end || this.blocks.length === 0) {
      this.clear();
      this.end = position;
    }
    let total = 0;
    for (const b of buffers) total += b.length;
    if (total > this.budget.maxBytes / 2) {
      this.clear();
      this.end = position + total;
      return;
    }
    for (const b of buffers) {
      let from = 0;
      while (from < b.length) {
        let block = this.blocks[this.blocks.length - 1];
        if (block === undefined || block.used === block.buf.length) {
          block = this.budget.allocate(this, this.end);
          this.blocks.push(block);
        }
        const n = Math.min(b.length - from, block.buf.length - block.used);
        b.copy(block.buf, block.used, from, from + n);
        block.used += n;
        from += n;
        this.end += n;
      }
    }
  }

  /**
   * Bytes [position, position + length) if all are cached, else null: a view of one block, or
   * when they span blocks a copy (into `into` when it is long enough).
   */
  read(position: number, length: number, into?: Buffer): Buffer | null {
    const first = this.blocks[0];
    if (first === undefined || position < first.start || position + length > this.end || length <= 0) return null;
    let i = Math.floor((position - first.start) / this.budget.blockBytes);
    let block = this.blocks[i];
    let at = position - block.start;
    if (at + length <= block.used) return block.buf.subarray(at, at + length);
    const out = into !== undefined && into.length >= length ? into : Buffer.allocUnsafe(length);
    let filled = 0;
    while (filled < length) {
      const n = Math.min(length - filled, block.used - at);
      block.buf.copy(out, filled, at, at + n);
      filled += n;
      block = this.blocks[++i];
      at = 0;
    }
    return out.subarray(0, length);
  }

  /** Called by the budget: `block` is this cache's oldest. */
  evictOldest(block: Block): void {
    if (this.blocks[0] === block) this.blocks.shift();
    this.budget.free(block);
  }

  /** Forgets everything cached. */
  clear(): void {
    for (const block of this.blocks) this.budget.free(block);
    this.blocks.length = 0;
  }
}

/** The broker's budget, shared by every segment's tail cache. */
export const tailCacheBudget = new TailCacheBudget();
