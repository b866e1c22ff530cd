/**
 * Long-poll fetches waiting for data (Kafka's delayed fetch purgatory).
 *
 * A fetch that found fewer than `minBytes` parks here keyed by the partitions it reads. Each
 * append reports its size; once the bytes appended since parking reach what was missing, the
 * fetch completes and re-reads once. A timer completes it at `maxWaitMs` whatever happened. The
 * purgatory is bounded: past `maxWaiters`, fetches complete immediately instead of waiting.
 */

interface DelayedFetch {
  missingBytes: number;
  keys: string[];
  timer: NodeJS.Timeout;
  complete: () => void;
}

export class FetchPurgatory {
  private readonly byKey = new Map<string, Set<DelayedFetch>>();
  private count = 0;

  constructor(private readonly maxWaiters = 10000) {}

  get size(): number {
    return this.count;
  }

  /**
   * Resolves when `missingBytes` more bytes were appended to any of `keys`, or after `maxWaitMs`:
   * true once it has waited, false at once when it could not park (full, nothing to wait for), so
   * a caller that parks again after a wake-up knows a refusal from a wake-up in the same millisecond.
   */
  wait(keys: string[], missingBytes: number, maxWaitMs: number): Promise<boolean> {
    if (maxWaitMs <= 0 || keys.length === 0 || this.count >= this.maxWaiters) return Promise.resolve(false);
    return new Promise((resolve) => {
      const delayed: DelayedFetch = {
        missingBytes,
        keys,
        timer: setTimeout(() => this.finish(delayed), maxWaitMs),
        complete: () => resolve(true),
      };
      this.count++;
      for (const key of keys) {
        let set = this.byKey.get(key);
        if (!set) this.byKey.set(key, (set = new Set()));
        set.add(delayed);
      }
    });
  }

  /** Called after every append that became visible to readers. */
  onAppend(key: string, bytes: number): void {
    const set = this.byKey.get(key);
    if (!set) return;
    for (const delayed of set) {
      delayed.missingBytes -= bytes;
      if (delayed.missingBytes <= 0) this.finish(delayed);
    }
  }

  /** Wakes every fetch on `key` (leadership moved, partition deleted). */
  wakeAll(key: string): void {
    const set = this.byKey.get(key);
    if (!set) return;
    for (const delayed of [...set]) this.finish(delayed);
  }

  private finish(delayed: DelayedFetch): void {
    clearTimeout(delayed.timer);
    let removed = false;
    for (const key of delayed.keys) {
      const set = this.byKey.get(key);
      if (set?.delete(delayed)) removed = true;
      if (set && set.size === 0) this.byKey.delete(key);
    }
    if (removed) {
      this.count--;
      delayed.complete();
    }
  }

  shutdown(): void {
    const all = new Set<DelayedFetch>();
    for (const set of this.byKey.values()) for (const d of set) all.add(d);
    for (const d of all) this.finish(d);
  }
}
