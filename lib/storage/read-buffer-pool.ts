/**
 * Reusable buffers for Fetch reads, so serving records does not allocate a fresh megabyte-sized
 * Buffer per partition per request.
 *
 * Each fresh large Buffer is external memory to V8: allocating ~6 MB per consumer fetch made the
 * garbage collector the broker's biggest cost on the fetch path (45% of its active time in a
 * 2M-record consume, mostly full collections forced by external-memory pressure). A read now
 * leases a slab, the records go out as subarrays of it, and the connection gives it back once the
 * response reached the kernel (ClientConnection's write callback, `releaseChunks`).
 *
 * Safety rests on one rule: only the code that wrote a leased slab's bytes to a socket releases
 * it, and only after the write completed. A slab that is never released (a read for the broker's
 * own use, a response dropped by a throttle or a closed connection) is simply garbage collected:
 * leases are tracked in a WeakMap, so losing one leaks nothing. Releasing twice, or releasing a
 * buffer the pool never lent, is a no-op.
 */

/** Smallest slab: reads of a few kilobytes (a caught-up consumer) share this class. */
const MIN_SLAB_BYTES = 64 * 1024;
/** Largest pooled slab; longer reads get a one-off buffer. 16 MiB covers max.partition.fetch.bytes up to 16 MiB. */
const MAX_SLAB_BYTES = 16 * 1024 * 1024;
/**
 * Bound on idle slabs kept for reuse, in bytes of slab length (16 MiB: the slabs of a few
 * consumer fetches at the default 1 MiB per partition). Kept small because long-lived external
 * memory makes V8 collect more often (see segment-tail-cache.ts). Leased slabs are not counted:
 * they are live responses, bounded by connections times queued.max.requests as before. Pages of
 * a slab never written by a read stay untouched, so RSS counts only what reads filled.
 */
const DEFAULT_MAX_IDLE_BYTES = 16 * 1024 * 1024;

export class ReadBufferPool {
  /** Idle slabs per size class (index = log2(size / MIN_SLAB_BYTES)). */
  private readonly idle: Buffer[][] = [];
  private idleBytes = 0;
  /** Slabs lent out, by their memory: a subarray of one finds it through `.buffer`. */
  private readonly leased = new WeakMap<ArrayBufferLike, Buffer>();

  constructor(private readonly maxIdleBytes = DEFAULT_MAX_IDLE_BYTES) {}

  /** A buffer of at least `length` bytes (contents undefined), lent until `release`. */
  acquire(length: number): Buffer {
    if (length > MAX_SLAB_BYTES) return Buffer.allocUnsafeSlow(length);
    const cls = sizeClass(length);
    let slab = this.idle[cls]?.pop();
    if (slab !== undefined) this.idleBytes -= slab.length;
    else slab = Buffer.allocUnsafeSlow(MIN_SLAB_BYTES << cls);
    this.leased.set(slab.buffer, slab);
    return slab;
  }

  /** Gives back the slab `buf` (or a subarray of it) was lent in; anything else is ignored. */
  release(buf: Buffer): void {
    const slab = this.leased.get(buf.buffer);
    if (slab === undefined) return;
    this.leased.delete(buf.buffer);
    if (this.idleBytes + slab.length > this.maxIdleBytes) return;
    const cls = sizeClass(slab.length);
    (this.idle[cls] ??= []).push(slab);
    this.idleBytes += slab.length;
  }

  /** Releases every leased slab among `chunks` (a response frame once written). */
  releaseChunks(chunks: readonly Buffer[]): void {
    for (const chunk of chunks) this.release(chunk);
  }

  /** Whether `buf` lies in a slab currently lent out. */
  isLeased(buf: Buffer): boolean {
    return this.leased.has(buf.buffer);
  }

  /** Bytes of idle slabs kept for reuse. */
  get idleSlabBytes(): number {
    return this.idleBytes;
  }
}

function sizeClass(length: number): number {
  let cls = 0;
  while ((MIN_SLAB_BYTES << cls) < length) cls++;
  return cls;
}

/** The broker's pool: segment reads lease from it, client connections release into it. */
export const readBufferPool = new ReadBufferPool();

/**
 * Large request frames that arrive over several socket reads are copied into one buffer; a fresh
 * one per request (~100 KB per default produce request) was external memory that set off a full
 * collection every ~100-250 ms of producing (36 per 4M records; 2 with reused buffers). Produce
 * frames lease slabs here and the connection releases them once the handler answered (every
 * append of the request has settled, so the log holds no view of them; the tail cache copied the
 * bytes). Other requests' frames are never released: their bytes may live on (group metadata).
 */
export const requestFramePool = new ReadBufferPool(8 * 1024 * 1024);
