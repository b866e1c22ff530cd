/**
 * The most recently appended bytes of each segment kept in memory, so a caught-up consumer or
 * follower reading what was just produced is answered without a disk read (no thread-pool hop,
 * no syscall): the Fetch read path (segment-read.ts) asks the cache before the file.
 *
 * Appends copy the written bytes into fixed-size blocks (one copy on the produce path: the
 * request buffers are not retained, so the produce path may reuse them). Reads copy out of the
 * blocks into the caller's buffer (Fetch's pooled slab) instead of handing out views: a block
 * then has no reader once evicted and is recycled at once, so the cache allocates its memory
 * once. One budget bounds all segments together: past it, the globally oldest block is evicted
 * (first in, first out), so the cache holds the newest bytes of the partitions being written. A
 * segment's cache is cleared when its file is cut (truncation), recovered, closed or deleted.
 */

/** Size of one cache block, in bytes (64 KiB). */
const BLOCK_BYTES = 64 * 1024;
/**
 * Bound on cached bytes over all segments of the broker (4 MiB), counted in whole blocks: the
 * last few hundred KiB of each partition being written, which is what caught-up readers ask for.
 * Not more: with 32 MiB of long-lived cache memory V8 ran a full mark-compact every few hundred
 * milliseconds while producing (14 instead of 1 in a 1M-record run), which cost the produce path
 * ~0.5 µs per record; at 4 MiB the GC count and produce CPU match a broker without the cache.
 */
const DEFAULT_MAX_BYTES = 4 * 1024 * 1024;

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

/** The shared bound: blocks in allocation order, oldest evicted first, their memory recycled. */
export class TailCacheBudget {
  private readonly fifo: Array<Block | undefined> = [];
  private head = 0;
  private liveBytes = 0;
  /** Memory of evicted or cleared blocks, reused by the next allocations; live + spare ≤ maxBytes. */
  private readonly spare: Buffer[] = [];

  constructor(readonly maxBytes = DEFAULT_MAX_BYTES, readonly blockBytes = BLOCK_BYTES) {
    if (maxBytes < blockBytes) throw new RangeError(`tail cache bound ${maxBytes} is below one block (${blockBytes} bytes)`);
  }

  /** Bytes held by live blocks. */
  get bytes(): number {
    return this.liveBytes;
  }

  /** Bytes of memory the cache holds, live or spare: never above maxBytes. */
  get heldBytes(): number {
    return this.liveBytes + this.spare.length * this.blockBytes;
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
    const buf = this.spare.pop() ?? Buffer.allocUnsafeSlow(this.blockBytes);
    const block: Block = { start, buf, used: 0, owner, live: true };
    this.fifo.push(block);
    this.liveBytes += this.blockBytes;
    return block;
  }

  /** Marks `block` dead (its owner dropped it) and keeps its memory for the next block. */
  free(block: Block): void {
    if (!block.live) return;
    block.live = false;
    this.liveBytes -= this.blockBytes;
    this.spare.push(block.buf);
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
   * A copy of bytes [position, position + length) (into `into` when it is long enough) if all
   * are cached, else null.
   */
  read(position: number, length: number, into?: Buffer): Buffer | null {
    const first = this.blocks[0];
    if (first === undefined || position < first.start || position + length > this.end || length <= 0) return null;
    let i = Math.floor((position - first.start) / this.budget.blockBytes);
    let block = this.blocks[i];
    let at = position - block.start;
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

  /** Called by the budget: `block` is this cache's oldest (blocks are allocated and evicted in order). */
  evictOldest(block: Block): void {
    // Were it not, freeing it would leave a hole in the range: its memory goes to another block.
    if (this.blocks[0] === block) this.blocks.shift();
    else this.clear();
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
