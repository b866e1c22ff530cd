/**
 * Issue 17's target table as data: each row's target, how to read the measured value, and
 * whether it passes. Pure, so the table logic is unit tested (test/bench/targets-table.test.ts)
 * apart from the runs that measure it (bench/targets.ts).
 */

export interface TargetMeasurements {
  /** records/s */
  produceDefaults: number | null;
  produceBatched: number | null;
  consumeDefaults: number | null;
  produceReplicated: number | null;
  /** ms, the steady state: the records after the latency run's warm-up (its --warmup-records). */
  latencyP99: number | null;
  latencyP999: number | null;
  /** ms, the same run's whole-run summary, warm-up included: informational, beside the row's figure. */
  latencyWholeRunP99: number | null;
  latencyWholeRunP999: number | null;
  /** broker CPU µs per record */
  brokerCpuProduceUs: number | null;
  brokerCpuFetchUs: number | null;
  brokerRssBytes: number | null;
}

export interface TargetRow {
  row: string;
  target: string;
  measured: string;
  /** null when not measured. */
  pass: boolean | null;
}

interface TargetDef {
  row: string;
  key: keyof TargetMeasurements;
  target: string;
  /** Absent for an informational row: shown, never judged (pass/miss '—'). */
  passes?(value: number): boolean;
  format(value: number): string;
}

const rate = (v: number): string => `${Math.round(v).toLocaleString('en-US')} rec/s`;
const ms = (v: number): string => `${v} ms`;
const us = (v: number): string => `${v.toFixed(3)} µs`;

export const TARGETS: TargetDef[] = [
  { row: 'produce, 1 broker, acks=1, producer defaults', key: 'produceDefaults', target: '≥ 1,500,000 rec/s', passes: (v) => v >= 1_500_000, format: rate },
  { row: 'same with batch.size=65536 linger.ms=5', key: 'produceBatched', target: '≥ 2,000,000 rec/s', passes: (v) => v >= 2_000_000, format: rate },
  { row: 'consume, samsa-consumer-perf-test defaults', key: 'consumeDefaults', target: '≥ 3,000,000 rec/s', passes: (v) => v >= 3_000_000, format: rate },
  { row: 'produce, 3 brokers, RF=3, min.insync=2, acks=all, defaults', key: 'produceReplicated', target: '≥ 500,000 rec/s', passes: (v) => v >= 500_000, format: rate },
  { row: 'latency at a steady 10k rec/s, RF=3, acks=all, linger 0 (steady state, after the warm-up): p99', key: 'latencyP99', target: '≤ 5 ms', passes: (v) => v <= 5, format: ms },
  { row: 'same: p99.9', key: 'latencyP999', target: '≤ 20 ms', passes: (v) => v <= 20, format: ms },
  { row: 'same run, whole run with the warm-up (informational): p99', key: 'latencyWholeRunP99', target: '—', format: ms },
  { row: 'same run, whole run with the warm-up (informational): p99.9', key: 'latencyWholeRunP999', target: '—', format: ms },
  { row: 'broker CPU per record produced (acks=1)', key: 'brokerCpuProduceUs', target: '≤ 0.30 µs', passes: (v) => v <= 0.30, format: us },
  { row: 'broker CPU per record fetched', key: 'brokerCpuFetchUs', target: '≤ 0.10 µs', passes: (v) => v <= 0.10, format: us },
  {
    row: 'broker RSS after the single-broker runs (flatness: the RSS soak bench)', key: 'brokerRssBytes', target: '< 300 MB',
    passes: (v) => v < 300 * 2 ** 20, format: (v) => `${(v / 2 ** 20).toFixed(0)} MB`,
  },
];

export function evaluateTargets(m: TargetMeasurements): TargetRow[] {
  return TARGETS.map((t) => {
    const value = m[t.key];
    return value === null
      ? { row: t.row, target: t.target, measured: 'not measured', pass: null }
      : { row: t.row, target: t.target, measured: t.format(value), pass: t.passes === undefined ? null : t.passes(value) };
  });
}

export function targetCells(rows: TargetRow[]): string[][] {
  return [['row', 'target', 'measured', 'pass/miss'], ...rows.map((r) => [r.row, r.target, r.measured, r.pass === null ? '—' : r.pass ? 'pass' : 'miss'])];
}

/** Broker CPU per record in µs from two /proc tick readings. */
export function cpuMicrosPerRecord(ticksBefore: number, ticksAfter: number, ticksPerSecond: number, records: number): number {
  return (ticksAfter - ticksBefore) / ticksPerSecond * 1e6 / records;
}

/**
 * samsa-producer-perf-test's steady-state summary (`N steady state records sent, ...`, printed
 * after the whole-run one with --warmup-records) in the whole-run line's form, so the same parser
 * reads it; null if absent.
 */
export function steadyStateSummary(output: string): string | null {
  const line = output.split('\n').find((l) => /^\d+ steady state records sent, /.test(l));
  return line === undefined ? null : line.replace(' steady state records sent, ', ' records sent, ');
}
