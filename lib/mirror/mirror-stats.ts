/**
 * Counters of what the mirror maker copied, read by the periodic progress line and the
 * /metrics endpoint (samsa_mirror_* families, see docs/mirror-maker.md).
 */
export class MirrorStats {
  records = 0;
  bytes = 0;
  sendFailures = 0;
  /** Last lag seen per source partition (`topic-partition` → records), updated by each progress round. */
  lag = new Map<string, { topic: string; partition: number; lag: number }>();

  copied(bytes: number): void {
    this.records++;
    this.bytes += bytes;
  }

  failed(): void {
    this.sendFailures++;
  }
}

/** The one-line progress report. Partitions are listed up to `maxListed`, the largest lags first. */
export function progressLine(stats: MirrorStats, sinceRecords: number, elapsedMs: number, maxListed = 20): string {
  const rate = elapsedMs > 0 ? (sinceRecords * 1000) / elapsedMs : 0;
  const lags = [...stats.lag.values()].sort((a, b) => b.lag - a.lag || (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition));
  const total = lags.reduce((n, l) => n + l.lag, 0);
  const listed = lags.slice(0, maxListed).map((l) => `${l.topic}-${l.partition}=${l.lag}`).join(',');
  const more = lags.length > maxListed ? ` (+${lags.length - maxListed} more)` : '';
  return `Mirrored ${stats.records} records (${stats.bytes} bytes), ${rate.toFixed(1)} records/sec, ${stats.sendFailures} send failures; `
    + `lag ${total}${listed === '' ? '' : `: ${listed}`}${more}`;
}
