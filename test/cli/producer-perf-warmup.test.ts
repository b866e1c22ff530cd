import { expect } from 'chai';
import { formatTotalLine, WarmupSplitStats } from '../../lib/cli/producer-perf-stats';
import { parseProducerPerfArgs } from '../../lib/cli/producer-perf-test';
import { captureIo } from './capture-io';

const NOTICE = 'Warmup first 3 records. Steady state results will print after the complete test summary.';
const BASE = ['--topic', 't', '--num-records', '10', '--record-size', '10', '--throughput', '-1', '--producer-props', 'bootstrap.servers=localhost:9092'];

describe('cli/producer-perf-stats --warmup-records split', () => {
  it("labels the steady-state summary as Kafka's ProducerPerformance does", () => {
    const line = formatTotalLine({ count: 1000, bytes: 100000, totalLatencyMs: 1500, maxLatencyMs: 9, elapsedMs: 2000 }, { p50: 1, p95: 3, p99: 7, p999: 9 }, true);
    expect(line).to.equal(
      '1000 steady state records sent, 500.000000 records/sec (0.05 MB/sec), 1.50 ms avg latency, 9.00 ms max latency, ' +
        '1 ms 50th, 3 ms 95th, 7 ms 99th, 9 ms 99.9th.',
    );
  });

  it('without warm-up prints no notice and one summary, as before the option existed', () => {
    let now = 0;
    const printed: string[] = [];
    const stats = new WarmupSplitStats((l) => printed.push(l), 0, () => now);
    for (let i = 0; i < 10; i++) {
      expect(stats.startsSteadyState(i)).to.equal(false);
      stats.recordWarmup(2, 10, now);
    }
    now = 1000;
    expect(printed).to.deep.equal([]);
    expect(stats.summaryLines()).to.deep.equal([
      '10 records sent, 10.000000 records/sec (0.00 MB/sec), 2.00 ms avg latency, 2.00 ms max latency, 2 ms 50th, 2 ms 95th, 2 ms 99th, 2 ms 99.9th.',
    ]);
    stats.close();
  });

  it('counts warm-up records in the whole run only and the rest in both, with exact percentiles of each', () => {
    let now = 0;
    const printed: string[] = [];
    const stats = new WarmupSplitStats((l) => printed.push(l), 3, () => now);
    expect(printed).to.deep.equal([NOTICE]);
    // Three slow warm-up records, then seven fast ones; one warm-up ack arrives after the switch.
    stats.recordWarmup(50, 100, now);
    stats.recordWarmup(40, 100, now);
    now = 1000;
    expect([2, 3, 4].map((i) => stats.startsSteadyState(i))).to.deep.equal([false, true, false]);
    stats.beginSteadyState();
    stats.recordWarmup(30, 100, now);
    for (let i = 0; i < 7; i++) stats.recordSteady(1 + (i % 2), 100, now);
    now = 3000;
    const [whole, steady] = stats.summaryLines();
    expect(stats.summaryLines()).to.have.length(2);
    expect(whole).to.equal('10 records sent, 3.333333 records/sec (0.00 MB/sec), 13.00 ms avg latency, 50.00 ms max latency, 2 ms 50th, 50 ms 95th, 50 ms 99th, 50 ms 99.9th.');
    expect(steady).to.equal('7 steady state records sent, 3.500000 records/sec (0.00 MB/sec), 1.43 ms avg latency, 2.00 ms max latency, 1 ms 50th, 2 ms 95th, 2 ms 99th, 2 ms 99.9th.');
    expect(printed).to.deep.equal([NOTICE]);
    stats.close();
  });

  it("hands the 5 s windows to the steady state, announcing it once with Kafka's 'In steady state.'", () => {
    let now = 0;
    const printed: string[] = [];
    const stats = new WarmupSplitStats((l) => printed.push(l), 3, () => now, 5000);
    now = 5000;
    stats.recordWarmup(4, 100, now);
    expect(printed.slice(1)).to.deep.equal(['1 records sent, 0.2 records/sec (0.00 MB/sec), 4.0 ms avg latency, 4.0 ms max latency.']);
    stats.beginSteadyState();
    now = 7000;
    stats.recordWarmup(6, 100, now);
    now = 10000;
    stats.recordSteady(2, 100, now);
    // The whole run's window is due too but no longer printed; the steady state's first window is.
    expect(printed.slice(2)).to.deep.equal(['In steady state.', '1 records sent, 0.2 records/sec (0.00 MB/sec), 2.0 ms avg latency, 2.0 ms max latency.']);
    now = 15000;
    stats.recordSteady(3, 100, now);
    expect(printed.slice(4)).to.deep.equal(['1 records sent, 0.2 records/sec (0.00 MB/sec), 3.0 ms avg latency, 3.0 ms max latency.']);
    expect(stats.summaryLines()[1]).to.match(/^2 steady state records sent, 0\.200000 records\/sec /);
    stats.close();
  });

  it('prints only the whole-run summary when the run ended before the steady state began', () => {
    const stats = new WarmupSplitStats(() => undefined, 3, () => 0);
    stats.recordWarmup(1, 10, 0);
    expect(stats.summaryLines()).to.have.length(1);
    stats.close();
  });
});

describe('cli/producer-perf-test --warmup-records arguments', () => {
  it('defaults to 0 and accepts fewer than --num-records', () => {
    const none = parseProducerPerfArgs(BASE, captureIo());
    expect(none.ok && none.options.warmupRecords).to.equal(0);
    const some = parseProducerPerfArgs([...BASE, '--warmup-records', '9'], captureIo());
    expect(some.ok && some.options.warmupRecords).to.equal(9);
  });

  it("treats a negative count as no warm-up, as Kafka's Math.max(warmupRecords, 0) does", () => {
    const parsed = parseProducerPerfArgs([...BASE, '--warmup-records', '-5'], captureIo());
    expect(parsed.ok && parsed.options.warmupRecords).to.equal(0);
  });

  for (const value of ['10', '11']) {
    it(`refuses --warmup-records ${value} with 10 records in Kafka's words`, () => {
      const io = captureIo();
      const parsed = parseProducerPerfArgs([...BASE, '--warmup-records', value], io);
      expect(parsed.ok).to.equal(false);
      expect(!parsed.ok && parsed.exitCode).to.equal(1);
      expect(io.stderrText()).to.contain('The value for --warmup-records must be strictly fewer than the number of records in the test, --num-records.');
    });
  }

  it('refuses a count that is not an integer', () => {
    const io = captureIo();
    expect(parseProducerPerfArgs([...BASE, '--warmup-records', '1.5'], io).ok).to.equal(false);
    expect(io.stderrText()).to.contain("option '--warmup-records <n>' argument '1.5' is invalid");
  });
});
