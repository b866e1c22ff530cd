/**
 * Measurements and report lines of `samsa-producer-perf-test`, in the exact format of Kafka's
 * ProducerPerformance so results can be compared side by side (and parsed by the same scripts):
 *
 *   every 5 s:  N records sent, X.X records/sec (Y.YY MB/sec), A.A ms avg latency, M.M ms max latency.
 *   at the end: N records sent, X.XXXXXX records/sec (Y.YY MB/sec), A.AA ms avg latency,
 *               M.MM ms max latency, P50 ms 50th, P95 ms 95th, P99 ms 99th, P999 ms 99.9th.
 *
 * Latency is whole milliseconds from send() to acknowledgement, as in Kafka. Percentiles come
 * from a histogram rather than Kafka's sampled array: constant memory for any record count, and
 * recording is an array increment (the tool records millions of values a second): one exact
 * counter per millisecond below a minute, an HDR histogram for the rare longer ones.
 */
import type * as hdr from 'hdr-histogram-js';

/** Counters over one window or the whole run. */
export interface PerfCounts {
  count: number;
  bytes: number;
  totalLatencyMs: number;
  maxLatencyMs: number;
  elapsedMs: number;
}

export interface LatencyPercentiles {
  p50: number;
  p95: number;
  p99: number;
  p999: number;
}

const MB = 1024 * 1024;

function rates(c: PerfCounts): { recsPerSec: number; mbPerSec: number; avgLatency: number } {
  return {
    recsPerSec: (1000 * c.count) / c.elapsedMs,
    mbPerSec: (1000 * c.bytes) / c.elapsedMs / MB,
    avgLatency: c.totalLatencyMs / c.count,
  };
}

/** Java's `%.Nf` (NaN and infinities print as Java prints them). */
export function fixed(value: number, digits: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? 'Infinity' : '-Infinity';
  return value.toFixed(digits);
}

export function formatWindowLine(c: PerfCounts): string {
  const r = rates(c);
  return (
    `${c.count} records sent, ${fixed(r.recsPerSec, 1)} records/sec (${fixed(r.mbPerSec, 2)} MB/sec), ` +
    `${fixed(r.avgLatency, 1)} ms avg latency, ${fixed(c.maxLatencyMs, 1)} ms max latency.`
  );
}

export function formatTotalLine(c: PerfCounts, p: LatencyPercentiles): string {
  const r = rates(c);
  return (
    `${c.count} records sent, ${fixed(r.recsPerSec, 6)} records/sec (${fixed(r.mbPerSec, 2)} MB/sec), ` +
    `${fixed(r.avgLatency, 2)} ms avg latency, ${fixed(c.maxLatencyMs, 2)} ms max latency, ` +
    `${p.p50} ms 50th, ${p.p95} ms 95th, ${p.p99} ms 99th, ${p.p999} ms 99.9th.`
  );
}

/** Latencies up to this many ms are counted exactly, one counter each. */
const EXACT_LIMIT_MS = 60_000;

/** Whole-millisecond latencies; percentiles as HdrHistogram's getValueAtPercentile. */
class LatencyHistogram {
  private readonly counts = new Float64Array(EXACT_LIMIT_MS);
  private exactTotal = 0;
  private overflow: hdr.Histogram | null = null;

  record(latencyMs: number): void {
    if (latencyMs < EXACT_LIMIT_MS) {
      this.counts[latencyMs]++;
      this.exactTotal++;
    } else {
      // Loaded on first use: the package costs ~0.1 s of CPU to load (it builds Intl formatters),
      // which a run whose latencies all stay under a minute never needs.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      this.overflow ??= (require('hdr-histogram-js') as typeof hdr).build({ lowestDiscernibleValue: 1, numberOfSignificantValueDigits: 3 });
      this.overflow.recordValue(latencyMs);
    }
  }

  valueAtPercentile(percentile: number): number {
    const overflowTotal = this.overflow?.totalCount ?? 0;
    const total = this.exactTotal + overflowTotal;
    const rank = Math.max(1, Math.floor((percentile / 100) * total + 0.5));
    if (rank <= this.exactTotal) {
      let seen = 0;
      for (let ms = 0; ms < EXACT_LIMIT_MS; ms++) {
        seen += this.counts[ms];
        if (seen >= rank) return ms;
      }
    }
    const overflow = this.overflow as hdr.Histogram;
    return overflow.getValueAtPercentile(Math.min(100, (100 * (rank - this.exactTotal)) / overflowTotal));
  }

  destroy(): void {
    this.overflow?.destroy();
  }
}

function emptyCounts(): PerfCounts {
  return { count: 0, bytes: 0, totalLatencyMs: 0, maxLatencyMs: 0, elapsedMs: 0 };
}

/** Kafka's Stats: a running window printed every `reportIntervalMs`, plus run totals. */
export class ProducerPerfStats {
  private readonly start: number;
  private windowStart: number;
  private total = emptyCounts();
  private window = emptyCounts();
  private readonly histogram = new LatencyHistogram();

  constructor(
    private readonly print: (line: string) => void,
    private readonly now: () => number = Date.now,
    private readonly reportIntervalMs = 5000,
  ) {
    this.start = now();
    this.windowStart = this.start;
  }

  /** One acknowledged record; prints the window line when the interval has passed. */
  record(latencyMs: number, bytes: number, timeMs: number = this.now()): void {
    const latency = latencyMs > 0 ? Math.floor(latencyMs) : 0;
    add(this.total, latency, bytes);
    add(this.window, latency, bytes);
    this.histogram.record(latency);
    if (timeMs - this.windowStart >= this.reportIntervalMs) {
      this.print(formatWindowLine({ ...this.window, elapsedMs: this.now() - this.windowStart }));
      this.window = emptyCounts();
      this.windowStart = this.now();
    }
  }

  get count(): number {
    return this.total.count;
  }

  percentiles(): LatencyPercentiles {
    if (this.total.count === 0) return { p50: 0, p95: 0, p99: 0, p999: 0 };
    const at = (p: number): number => this.histogram.valueAtPercentile(p);
    return { p50: at(50), p95: at(95), p99: at(99), p999: at(99.9) };
  }

  totalLine(): string {
    return formatTotalLine({ ...this.total, elapsedMs: this.now() - this.start }, this.percentiles());
  }

  /** Frees the overflow histogram's buffers (a no-op for the plain-JS backend, required for WebAssembly). */
  close(): void {
    this.histogram.destroy();
  }
}

function add(c: PerfCounts, latency: number, bytes: number): void {
  c.count += 1;
  c.bytes += bytes;
  c.totalLatencyMs += latency;
  if (latency > c.maxLatencyMs) c.maxLatencyMs = latency;
}
