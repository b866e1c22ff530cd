/**
 * The console's live throughput chart: every few seconds, the records and bytes appended to the
 * partitions this broker leads, turned into rates and kept in a short ring. Sampled on the broker
 * (not in the browser) so the chart has history the moment the page opens. Only cluster-wide sums
 * are kept, so the chart reveals no topic names to users the authorizer hides them from.
 */

export interface LeaderLogTotals {
  /** Sum of log end offsets over the partitions this broker leads. */
  messages: number;
  /** Sum of log sizes (bytes) over the same partitions. */
  bytes: number;
}

export interface ThroughputSample {
  /** Sample time, ms since the epoch. */
  t: number;
  messagesPerSec: number;
  bytesPerSec: number;
}

/** One sample every 5 s (ms). */
export const THROUGHPUT_INTERVAL_MS = 5_000;
/** 120 samples of 5 s: the last 10 minutes. */
const MAX_SAMPLES = 120;

export class ThroughputHistory {
  private readonly samples: ThroughputSample[] = [];
  private last: { t: number; totals: LeaderLogTotals } | null = null;
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly totals: () => LeaderLogTotals, intervalMs = THROUGHPUT_INTERVAL_MS) {
    this.timer = setInterval(() => this.sample(), intervalMs);
    this.timer.unref();
  }

  history(): readonly ThroughputSample[] {
    return this.samples;
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private sample(): void {
    const t = Date.now();
    let totals: LeaderLogTotals;
    try {
      totals = this.totals();
    } catch {
      return; // the broker is starting or stopping; the next tick tries again
    }
    if (this.last !== null && t > this.last.t) {
      const seconds = (t - this.last.t) / 1000;
      // Leadership moving away or retention deleting segments shrinks the sums; that is not negative traffic.
      this.samples.push({
        t,
        messagesPerSec: Math.max(0, totals.messages - this.last.totals.messages) / seconds,
        bytesPerSec: Math.max(0, totals.bytes - this.last.totals.bytes) / seconds,
      });
      if (this.samples.length > MAX_SAMPLES) this.samples.shift();
    }
    this.last = { t, totals };
  }
}
