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
 * - when synchronous writes slower than SLOW_SYNC_WRITE_MS add up to SLOW_WRITES_BUDGET_MS within
 *   SLOW_WRITE_WINDOW_MS (the kernel throttling dirty pages, an ext4 journal commit), every write
 *   goes to the pool for ASYNC_COOL_DOWN_MS, since such stalls come in runs while writeback catches
 *   up. One slow write is not enough: on a loaded machine the thread is preempted inside a write
 *   several times a second (measured: ~150 writes over 5 ms in 11,000, 5-28 ms each, while two
 *   cores served ten runnable processes), which the pool would not avoid; counting each of them
 *   as pushback had sent nearly every append through the pool, at 2-3 times the CPU per write.
 * Time is passed in (monotonic milliseconds), so the rules are testable without a disk.
 */

/** Largest single append written on the event loop, in bytes. */
export const SYNC_WRITE_MAX_BYTES = 1024 * 1024;
/** A synchronous write slower than this (ms) means the disk is pushing back. */
export const SLOW_SYNC_WRITE_MS = 5;
/** How long appends stay on the thread pool once the disk pushed back (ms). */
export const ASYNC_COOL_DOWN_MS = 10_000;
/** The window (ms) over which slow synchronous writes add up, from the first one in it. */
export const SLOW_WRITE_WINDOW_MS = 1000;
/** Time in slow synchronous writes within one window (ms, a fifth of it) that means the disk pushes back. */
export const SLOW_WRITES_BUDGET_MS = 200;

export class AppendWritePolicy {
  private asyncUntilMs = Number.NEGATIVE_INFINITY;
  private windowStartMs = Number.NEGATIVE_INFINITY;
  private slowMsInWindow = 0;

  /** True when an append of `bytes` should be written synchronously at time `nowMs`. */
  writeSynchronously(bytes: number, nowMs: number): boolean {
    return bytes <= SYNC_WRITE_MAX_BYTES && nowMs >= this.asyncUntilMs;
  }

  /** Reports how long a synchronous write took; slow ones past the budget move appends to the pool for a while. */
  synchronousWriteTook(elapsedMs: number, nowMs: number): void {
    if (elapsedMs <= SLOW_SYNC_WRITE_MS) return;
    if (nowMs - this.windowStartMs > SLOW_WRITE_WINDOW_MS) {
      this.windowStartMs = nowMs;
      this.slowMsInWindow = 0;
    }
    this.slowMsInWindow += elapsedMs;
    if (this.slowMsInWindow >= SLOW_WRITES_BUDGET_MS) this.asyncUntilMs = nowMs + ASYNC_COOL_DOWN_MS;
  }
}

/** One policy per process: every log shares the disk's (and the event loop's) fate. */
export const appendWritePolicy = new AppendWritePolicy();
