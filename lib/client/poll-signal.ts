/**
 * Wakes parked poll() calls: fetch answers, new assignments, seeks and close() signal it; a poll
 * waits on it for at most its remaining time. Each waiter removes itself on timeout, so polls that
 * time out leave nothing behind (the set is bounded by the polls in flight).
 */
export class PollSignal {
  private readonly waiters = new Set<() => void>();

  /** Wakes every parked poll. */
  readonly signal = (): void => {
    const waiters = [...this.waiters];
    this.waiters.clear();
    for (const w of waiters) w();
  };

  /** Resolves on the next signal or after `ms`, whichever comes first. */
  wait(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.waiters.add(done);
    });
  }

  get parked(): number {
    return this.waiters.size;
  }
}

/**
 * Resolves after the event loop's next I/O phase. A poll() that finds records buffered returns
 * without ever waiting on a timer or socket, so a caller polling in a tight loop would otherwise
 * keep fetch answers unread in the socket until every buffer ran dry.
 */
export function yieldToIo(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
