/**
 * Whether a log append writes synchronously on the event loop or through libuv's thread pool.
 *
 * Kafka appends to the page cache synchronously in the request handler thread
 * (FileRecords.append → FileChannel.write); the disk is only waited on by flushes. In Node the
 * thread-pool hop costs far more than the copy it carries: measured here (2,000 writes of 1 KB and
 * 16 KB) about 35 µs of CPU per fs.writev through the pool against 3–15 µs for fs.writevSync, and an
 * acks=all produce pays it on the leader and on every follower. So appends write synchronously,
 * within two bounds that keep a slow disk from stalling every connection the loop serves:
 * - a write larger than SYNC_WRITE_MAX_BYTES goes to the pool (one write's copy stays short);
 * - a synchronous write slower than SLOW_SYNC_WRITE_MS (the kernel throttling dirty pages, an ext4
 *   journal commit) sends every write to the pool for ASYNC_COOL_DOWN_MS, since such stalls come in
 *   runs while writeback catches up.
 * Time is passed in (monotonic milliseconds), so the rules are testable without a disk.
 */

/** Largest single append written on the event loop, in bytes. */
export const SYNC_WRITE_MAX_BYTES = 1024 * 1024;
/** A synchronous write slower than this (ms) means the disk is pushing back. */
export const SLOW_SYNC_WRITE_MS = 5;
/** How long appends stay on the thread pool after a slow synchronous write (ms). */
export const ASYNC_COOL_DOWN_MS = 10_000;

export class AppendWritePolicy {
  private asyncUntilMs = Number.NEGATIVE_INFINITY;

  /** True when an append of `bytes` should be written synchronously at time `nowMs`. */
  writeSynchronously(bytes: number, nowMs: number): boolean {
    return bytes <= SYNC_WRITE_MAX_BYTES && nowMs >= this.asyncUntilMs;
  }

  /** Reports how long a synchronous write took; a slow one moves appends to the pool for a while. */
  synchronousWriteTook(elapsedMs: number, nowMs: number): void {
    if (elapsedMs > SLOW_SYNC_WRITE_MS) this.asyncUntilMs = nowMs + ASYNC_COOL_DOWN_MS;
  }
}

/** One policy per process: every log shares the disk's (and the event loop's) fate. */
export const appendWritePolicy = new AppendWritePolicy();
