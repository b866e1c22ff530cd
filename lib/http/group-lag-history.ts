/**
 * The console's consumer-group lag chart: every 15 s (by default), each group's total lag kept in
 * a short ring per group. Sampled on the broker (not in the browser) so the chart has history the
 * moment the page opens. The console serves a group's ring only after the requesting user's own
 * describe of that group succeeded, so the sampler reveals nothing the authorizer hides.
 */

export interface LagPoint {
  /** Sample time, ms since the epoch. */
  timeMs: number;
  /** Sum of the group's per-partition lag (records). */
  totalLag: number;
}

/** One sample every 15 s (ms). */
export const GROUP_LAG_INTERVAL_MS = 15_000;
/** At most this many groups are sampled (the first by name); more would cost a describe each per tick. */
export const MAX_LAG_GROUPS = 50;
/** 240 points of 15 s: the last hour. */
const MAX_POINTS = 240;

/** Total lag per group id now; groups missing from the answer are no longer sampled. */
export type LagSampler = () => Promise<Map<string, number>>;

export class GroupLagHistory {
  private readonly rings = new Map<string, LagPoint[]>();
  private readonly timer: NodeJS.Timeout;
  private sampling = false;

  constructor(private readonly sampler: LagSampler, readonly intervalMs = GROUP_LAG_INTERVAL_MS, private readonly maxPoints = MAX_POINTS) {
    this.timer = setInterval(() => void this.tick(), intervalMs);
    this.timer.unref();
  }

  history(groupId: string): readonly LagPoint[] {
    return this.rings.get(groupId) ?? [];
  }

  /** One sample of every group: groups absent from `lags` are dropped, at most MAX_LAG_GROUPS (by name) kept. */
  record(lags: ReadonlyMap<string, number>, timeMs = Date.now()): void {
    const kept = new Set([...lags.keys()].sort().slice(0, MAX_LAG_GROUPS));
    for (const groupId of [...this.rings.keys()]) if (!kept.has(groupId)) this.rings.delete(groupId);
    for (const groupId of kept) {
      let ring = this.rings.get(groupId);
      if (ring === undefined) this.rings.set(groupId, ring = []);
      ring.push({ timeMs, totalLag: lags.get(groupId) as number });
      if (ring.length > this.maxPoints) ring.shift();
    }
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private async tick(): Promise<void> {
    // A slow broker must not stack up samples.
    if (this.sampling) return;
    this.sampling = true;
    try {
      this.record(await this.sampler());
    } catch {
      // The broker is starting or stopping, or the sampler cannot sign in; the next tick tries again.
    } finally {
      this.sampling = false;
    }
  }
}
