/**
 * Bounds password guessing per client IP. Each failed SASL authentication from an IP counts in
 * a fixed window of WINDOW_MS (60 s); past MAX_FAILURES_PER_WINDOW (10) failures in the window,
 * every further SaslAuthenticate from that IP fails without its credentials being checked, until
 * the window ends. The table holds at most MAX_TRACKED_IPS (10 000) IPs, least recently failing
 * evicted first, so a flood of addresses costs bounded memory (an evicted IP starts afresh).
 * Every failure also waits `connection.failed.authentication.delay.ms` before it is answered.
 */

export const WINDOW_MS = 60_000;
export const MAX_FAILURES_PER_WINDOW = 10;
export const MAX_TRACKED_IPS = 10_000;

interface Window {
  startMs: number;
  failures: number;
}

export class FailedAuthenticationThrottle {
  private readonly byIp = new Map<string, Window>();

  constructor(private readonly now: () => number = Date.now, private readonly maxTracked = MAX_TRACKED_IPS) {}

  /** True when `ip` has used up its failures for the current window. */
  isBlocked(ip: string): boolean {
    const w = this.current(ip);
    return w !== undefined && w.failures >= MAX_FAILURES_PER_WINDOW;
  }

  /** Counts a failure; returns the failures of `ip` in the current window. */
  recordFailure(ip: string): number {
    const w = this.current(ip) ?? { startMs: this.now(), failures: 0 };
    w.failures++;
    // Re-inserting keeps the Map in least-recently-failed order for eviction.
    this.byIp.delete(ip);
    this.byIp.set(ip, w);
    while (this.byIp.size > this.maxTracked) this.byIp.delete(this.byIp.keys().next().value as string);
    return w.failures;
  }

  get trackedIps(): number {
    return this.byIp.size;
  }

  private current(ip: string): Window | undefined {
    const w = this.byIp.get(ip);
    if (w && this.now() - w.startMs >= WINDOW_MS) {
      this.byIp.delete(ip);
      return undefined;
    }
    return w;
  }
}
