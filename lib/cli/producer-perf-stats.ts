/**
 * Measurements and report lines of `samsa-producer-perf-test`, in the exact format of Kafka's
 * ProducerPerformance so results can be compared side by side (and parsed by the same scripts):
 *
 *   every 5 s:  N records sent, X.X records/sec (Y.YY MB/sec), A.A ms avg latency, M.M ms max latency.
 *   at the end: N records sent, X.XXXXXX records/sec (Y.YY MB/sec), A.AA ms avg latency,
 *               M.MM ms max latency, P50 ms 50th, P95 ms 95th, P99 ms 99th, P999 ms 99.9th.
 *
 * With `--warmup-records` (Kafka 4.1, KIP-1052) the final line counts the whole run and a second
 * one, `N steady state records sent, ...`, only the records sent after the warm-up
 * (WarmupSplitStats); from then on the 5 s lines are the steady state's, the first one preceded
 * by `In steady state.`.
 *
 * Latency is whole milliseconds from send() to acknowledgement, as in Kafka. Percentiles come
 * from a histogram rather than Kafka's sampled array: constant memory for any record count, and
 * recording is an array increment (the tool records millions of values a second): one exact
 * counter per millisecond below a minute, an HDR histogram for the rare longer ones.
 */
import type * as hdr from 'hdr-histogram-js';
import { assert } from '../util/assert';

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

/** `steadyState`: Kafka's ` steady state` after the count, which marks the steady-state summary. */
export function formatTotalLine(c: PerfCounts, p: LatencyPercentiles, steadyState = false): string {
  const r = rates(c);
  return (
    `${c.count}${steadyState ? ' steady state' : ''} records sent, ${fixed(r.recsPerSec, 6)} records/sec (${fixed(r.mbPerSec, 2)} MB/sec), ` +
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
  private windowsPrinted = true;

  constructor(
    private readonly print: (line: string) => void,
    private readonly now: () => number = Date.now,
    private readonly reportIntervalMs = 5000,
    /** The steady-state stats of a run with warm-up: labels its summary and its first window. */
    private readonly steadyState = false,
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
      // Kafka's test: the first window of the steady state is the one whose count is the total.
      if (this.steadyState && this.total.count === this.window.count) this.print('In steady state.');
      if (this.windowsPrinted) this.print(formatWindowLine({ ...this.window, elapsedMs: this.now() - this.windowStart }));
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
    return formatTotalLine({ ...this.total, elapsedMs: this.now() - this.start }, this.percentiles(), this.steadyState);
  }

  /** Kafka's suppressPrinting: windows still roll over but are not printed (the steady state's are). */
  suppressWindows(): void {
    this.windowsPrinted = false;
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

/**
 * Kafka's `--warmup-records` (KIP-1052): `whole` counts every record; the send of record number
 * `warmupRecords` (0-based) starts a second, steady-state stats that counts the records sent from
 * then on, and stops the whole run's window lines (the steady state's take over). A record belongs
 * to the steady state by when it was sent, not when its ack came: Kafka's callback carries the
 * stats current at send time, so a warm-up record acknowledged late counts only in the whole run.
 */
export class WarmupSplitStats {
  readonly whole: ProducerPerfStats;
  private steady: ProducerPerfStats | null = null;

  constructor(
    private readonly print: (line: string) => void,
    /** 0: no warm-up, and output exactly as without the option. */
    readonly warmupRecords: number,
    private readonly now: () => number = Date.now,
    private readonly reportIntervalMs = 5000,
  ) {
    if (warmupRecords > 0) print(`Warmup first ${warmupRecords} records. Steady state results will print after the complete test summary.`);
    this.whole = new ProducerPerfStats(print, now, reportIntervalMs);
  }

  /** Whether record `index` is the first of the steady state (never without warm-up). */
  startsSteadyState(index: number): boolean {
    return this.warmupRecords > 0 && index === this.warmupRecords;
  }

  /** Called as record number `warmupRecords` is sent; its elapsed time starts now. */
  beginSteadyState(): void {
    assert(this.steady === null, 'the steady state begins once');
    this.steady = new ProducerPerfStats(this.print, this.now, this.reportIntervalMs, true);
    this.whole.suppressWindows();
  }

  /** An acknowledged record sent before the steady state began. */
  recordWarmup(latencyMs: number, bytes: number, timeMs: number): void {
    this.whole.record(latencyMs, bytes, timeMs);
  }

  /** An acknowledged record sent after the steady state began: counted in both. */
  recordSteady(latencyMs: number, bytes: number, timeMs: number): void {
    this.whole.record(latencyMs, bytes, timeMs);
    (this.steady as ProducerPerfStats).record(latencyMs, bytes, timeMs);
  }

  /** The whole run's summary, then the steady state's if it began (Kafka prints none if the run stopped before). */
  summaryLines(): string[] {
    return this.steady === null ? [this.whole.totalLine()] : [this.whole.totalLine(), this.steady.totalLine()];
  }

  close(): void {
    this.whole.close();
    this.steady?.close();
  }
}
