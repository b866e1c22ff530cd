/**
 * Reads the numbers out of what the measured tools print: the Samsa perf tools' Kafka-format
 * result lines, kcat's version banner, and /proc's per-process CPU and memory. Pure functions,
 * unit tested against captured output (test/bench/perf-output.test.ts).
 */

export interface ProducerPerfResult {
  records: number;
  recordsPerSec: number;
  mbPerSec: number;
  avgLatencyMs: number;
  maxLatencyMs: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  p999Ms: number;
}

const PRODUCER_TOTAL = new RegExp(
  '(\\d+) records sent, ([\\d.]+) records/sec \\(([\\d.]+) MB/sec\\), ([\\d.]+) ms avg latency, ([\\d.]+) ms max latency, ' +
  '(\\d+) ms 50th, (\\d+) ms 95th, (\\d+) ms 99th, (\\d+) ms 99.9th');

/** The final line of samsa-producer-perf-test (Kafka's ProducerPerformance format); null if absent. */
export function parseProducerPerf(output: string): ProducerPerfResult | null {
  const m = PRODUCER_TOTAL.exec(output);
  if (!m) return null;
  const n = m.slice(1).map(Number);
  return {
    records: n[0], recordsPerSec: n[1], mbPerSec: n[2], avgLatencyMs: n[3], maxLatencyMs: n[4],
    p50Ms: n[5], p95Ms: n[6], p99Ms: n[7], p999Ms: n[8],
  };
}

export interface ConsumerPerfResult {
  records: number;
  /** nMsg.sec: records over the whole run, group join included, as Kafka's tool reports it. */
  recordsPerSec: number;
  mbPerSec: number;
  /** fetch.nMsg.sec: the same without the time spent joining the group. */
  fetchRecordsPerSec: number;
}

/**
 * The result line of samsa-consumer-perf-test (Kafka's ConsumerPerformance: `start.time, end.time,
 * data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, rebalance.time.ms, fetch.time.ms,
 * fetch.MB.sec, fetch.nMsg.sec`), the line after that header; null if absent.
 */
export function parseConsumerPerf(output: string): ConsumerPerfResult | null {
  const lines = output.split('\n');
  const header = lines.findIndex((l) => l.startsWith('start.time, end.time,'));
  if (header < 0 || header + 1 >= lines.length) return null;
  const fields = lines[header + 1].split(',').map((f) => f.trim());
  if (fields.length < 10) return null;
  const result = { records: Number(fields[4]), recordsPerSec: Number(fields[5]), mbPerSec: Number(fields[3]), fetchRecordsPerSec: Number(fields[9]) };
  return Object.values(result).every(Number.isFinite) ? result : null;
}

/** Newline bytes in `kcat -C` output (one record a line): the records it consumed. */
export function countLines(data: Buffer): number {
  let lines = 0;
  for (let at = data.indexOf(10); at !== -1; at = data.indexOf(10, at + 1)) lines++;
  return lines;
}

/** kcat's and librdkafka's versions from `kcat -V`. */
export function parseKcatVersion(output: string): { kcat: string; librdkafka: string } | null {
  const m = /Version (\S+) \(.*librdkafka (\S+)/.exec(output);
  return m ? { kcat: m[1], librdkafka: m[2] } : null;
}

/** utime + stime in clock ticks from /proc/<pid>/stat (fields 14 and 15; comm may hold spaces). */
export function parseProcStatCpuTicks(stat: string): number {
  const after = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // `after` starts at field 3 (state), so field N is after[N - 3].
  const ticks = Number(after[11]) + Number(after[12]);
  if (!Number.isFinite(ticks)) throw new Error(`unreadable /proc stat line: ${stat.slice(0, 80)}`);
  return ticks;
}

/** VmRSS from /proc/<pid>/status, in bytes. */
export function parseVmRssBytes(status: string): number {
  const m = /^VmRSS:\s+(\d+) kB/m.exec(status);
  if (!m) throw new Error('no VmRSS line in /proc status');
  return Number(m[1]) * 1024;
}
