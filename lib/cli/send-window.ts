/**
 * A bound on sends that are in flight but not yet acknowledged, for tools that produce from a loop
 * (console producer reading a large file, producer perf test).
 *
 * `Producer.send` returns a promise per record; a loop that never awaits would queue every record
 * of a 10 GB input in memory and starve the event loop, so nothing is sent until the loop ends.
 * Waiting for a free slot both bounds memory and yields to the I/O the producer needs.
 */
export class SendWindow {
  private outstanding = 0;
  private readonly slotWaiters: Array<() => void> = [];
  private readonly drainWaiters: Array<() => void> = [];
  private levelWaiter: { level: number; resolve: () => void } | null = null;

  constructor(private readonly maxOutstanding: number) {
    if (!Number.isInteger(maxOutstanding) || maxOutstanding < 1) throw new RangeError('maxOutstanding must be a positive integer');
  }

  get inFlight(): number {
    return this.outstanding;
  }

  /** Takes a slot if one is free, without waiting (no promise on the hot path). */
  tryAcquire(): boolean {
    if (this.outstanding >= this.maxOutstanding) return false;
    this.outstanding += 1;
    return true;
  }

  /** Resolves once a slot is free; call before starting a send. */
  async acquire(): Promise<void> {
    while (this.outstanding >= this.maxOutstanding) {
      await new Promise<void>((resolve) => this.slotWaiters.push(resolve));
    }
    this.outstanding += 1;
  }

  /**
   * Resolves once at most `level` slots are taken. A loop that finds the window full waits here
   * for many free slots at once, rather than for one at a time (a promise per send).
   */
  waitUntilAtMost(level: number): Promise<void> {
    if (this.outstanding <= level) return Promise.resolve();
    if (this.levelWaiter !== null) throw new Error('SendWindow.waitUntilAtMost is already waited on');
    return new Promise<void>((resolve) => {
      this.levelWaiter = { level, resolve };
    });
  }

  /** Hands back the slot taken by `acquire`, whatever the send's outcome. */
  release(): void {
    if (this.outstanding <= 0) throw new Error('SendWindow.release without a matching acquire');
    this.outstanding -= 1;
    if (this.slotWaiters.length > 0) (this.slotWaiters.shift() as () => void)();
    const levelWaiter = this.levelWaiter;
    if (levelWaiter !== null && this.outstanding <= levelWaiter.level) {
      this.levelWaiter = null;
      levelWaiter.resolve();
    }
    if (this.outstanding === 0) this.drainWaiters.splice(0).forEach((resolve) => resolve());
  }

  /** Resolves when every acquired slot has been released. */
  drain(): Promise<void> {
    if (this.outstanding === 0) return Promise.resolve();
    return new Promise<void>((resolve) => this.drainWaiters.push(resolve));
  }
}
