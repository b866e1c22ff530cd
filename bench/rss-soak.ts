/**
 * Broker memory while gigabytes flow through (issue 17: RSS < 300 MB and flat over 10 GB): one
 * broker process, one 6-partition topic, bin/samsa-producer-perf-test and
 * bin/samsa-consumer-perf-test running at the same time, and the broker's VmRSS sampled every few
 * seconds. Retention keeps the disk bounded (128 MiB per partition in 32 MiB segments, checked
 * every 5 s: at most about 1 GiB on disk), so the run also exercises segment rolls and deletions.
 *
 *   node dist/bench/rss-soak.js --gb 10          (standalone; --record-size, --interval-s)
 *   BENCH_ONLY=rss npm run bench                  (section of bench/run.ts; BENCH_RSS_GB, default 1)
 *
 * Prints every sample, then the first, max and last RSS and the growth after warm-up (flat means
 * close to zero; see summary). The consumer starts from the earliest
 * offset; should it fall more than the retention behind, it skips what was deleted, which the
 * consumed count then shows.
 */
import * as fs from 'fs';
import * as os from 'os';
import { BrokerProcess, spawnBroker, SINGLE_BROKER_GROUPS } from '../test/helpers/cluster';
import { runCli } from '../test/helpers/run-cli';
import { startTestZooKeeper } from '../test/helpers/zookeeper';

const RETENTION_BYTES = 128 * 1024 * 1024;
const SEGMENT_BYTES = 32 * 1024 * 1024;
const PARTITIONS = 6;
/** Free space asked for before starting: what retention lets the log hold, plus headroom. */
const MIN_FREE_DISK_BYTES = 3 * 1024 * 1024 * 1024;
const MB = 1024 * 1024;

export interface RssSoakOptions {
  gb: number;
  recordSize: number;
  intervalS: number;
}

interface Sample {
  atS: number;
  rssMb: number;
}

/** VmRSS of `pid` in MiB, or null once the process is gone. */
function rssMb(pid: number): number | null {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : null;
  } catch {
    return null;
  }
}

function freeDiskBytes(dir: string): number {
  const s = fs.statfsSync(dir);
  return s.bavail * s.bsize;
}

export async function rssSoakBench(opts: RssSoakOptions, section: (title: string) => void): Promise<void> {
  const records = Math.round((opts.gb * 1024 * MB) / opts.recordSize);
  section(`broker RSS while ${opts.gb} GB flow through (${records} records of ${opts.recordSize} B, produce and consume at once, retention ${RETENTION_BYTES / MB} MiB per partition)`);
  const free = freeDiskBytes(os.tmpdir());
  if (free < MIN_FREE_DISK_BYTES) {
    console.log(`skipped: ${(free / 2 ** 30).toFixed(1)} GiB free in ${os.tmpdir()}, need ${MIN_FREE_DISK_BYTES / 2 ** 30} GiB`);
    return;
  }
  const zk = await startTestZooKeeper();
  let broker: BrokerProcess | undefined;
  try {
    broker = await spawnBroker({ brokerId: 1, zkConnect: zk.connectString, overrides: { ...SINGLE_BROKER_GROUPS, 'log.level': 'warn', 'log.retention.check.interval.ms': 5000 } });
    const pid = broker.process.pid!;
    const bootstrap = `127.0.0.1:${broker.port}`;
    await runCli('samsa-topics', ['--bootstrap-server', bootstrap, '--create', '--topic', 'soak', '--partitions', String(PARTITIONS), '--replication-factor', '1',
      '--config', `retention.bytes=${RETENTION_BYTES}`, '--config', `segment.bytes=${SEGMENT_BYTES}`]);
    const samples: Sample[] = [];
    const started = Date.now();
    const sample = (): void => {
      const rss = rssMb(pid);
      if (rss === null) return;
      const s = { atS: Math.round((Date.now() - started) / 1000), rssMb: rss };
      samples.push(s);
      console.log(`  t=${String(s.atS).padStart(5)} s  broker VmRSS ${s.rssMb.toFixed(0)} MB`);
    };
    sample();
    const timer = setInterval(sample, opts.intervalS * 1000);
    const longRunMs = 6 * 3600 * 1000;
    const [produced, consumed] = await Promise.all([
      runCli('samsa-producer-perf-test', ['--topic', 'soak', '--num-records', String(records), '--record-size', String(opts.recordSize), '--throughput', '-1',
        '--producer-props', `bootstrap.servers=${bootstrap}`, 'acks=1', 'linger.ms=5', 'batch.size=65536'], { timeoutMs: longRunMs }),
      runCli('samsa-consumer-perf-test', ['--bootstrap-server', bootstrap, '--topic', 'soak', '--messages', String(records), '--timeout', '60000'], { timeoutMs: longRunMs }),
    ]).finally(() => clearInterval(timer));
    sample();
    console.log(`  producer: ${lastLine(produced.stdout + produced.stderr)}`);
    console.log(`  consumer: ${lastLine(consumed.stdout + consumed.stderr)}`);
    console.log(summary(samples));
  } finally {
    if (broker) {
      await broker.stop('SIGTERM');
      fs.rmSync(broker.logDir, { recursive: true, force: true });
    }
    await zk.stop();
  }
}

function lastLine(out: string): string {
  return out.trim().split('\n').pop() ?? '';
}

/**
 * First, max and last RSS, and the growth past warm-up: the mean of the last quarter of the
 * samples after the first fifth (start-up and first allocations) minus the mean of their first quarter.
 */
export function summary(samples: readonly Sample[]): string {
  if (samples.length === 0) return 'no samples';
  const steady = samples.slice(Math.floor(samples.length / 5));
  const quarter = Math.max(1, Math.floor(steady.length / 4));
  const mean = (xs: readonly Sample[]): number => xs.reduce((a, s) => a + s.rssMb, 0) / xs.length;
  const max = samples.reduce((m, s) => Math.max(m, s.rssMb), 0);
  const growth = mean(steady.slice(-quarter)) - mean(steady.slice(0, quarter));
  const head = `broker RSS: first ${samples[0].rssMb.toFixed(0)} MB, max ${max.toFixed(0)} MB, last ${samples[samples.length - 1].rssMb.toFixed(0)} MB, `;
  if (steady.length < 8) return `${head}too few samples (${samples.length}) to judge growth: run more GB or a shorter --interval-s`;
  return `${head}growth after warm-up ${growth >= 0 ? '+' : ''}${growth.toFixed(0)} MB (last quarter minus first quarter of the samples after the first fifth; ${samples.length} samples)`;
}

function option(args: string[], name: string, fallback: number): number {
  const i = args.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const value = Number(args[i + 1]);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} needs a positive number, got ${args[i + 1]}`);
  return value;
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const opts = { gb: option(args, 'gb', 1), recordSize: option(args, 'record-size', 1000), intervalS: option(args, 'interval-s', 5) };
  rssSoakBench(opts, (title) => console.log(`\n=== ${title} ===`)).then(() => process.exit(0), (err) => {
    console.error(err);
    process.exit(1);
  });
}
