import { expect } from 'chai';
import { parseProducerPerf } from '../../bench/peers/perf-output';
import { cpuMicrosPerRecord, evaluateTargets, steadyStateSummary, targetCells, TargetMeasurements, TARGETS } from '../../bench/targets-table';

const none: TargetMeasurements = {
  produceDefaults: null, produceBatched: null, consumeDefaults: null, produceReplicated: null,
  latencyP99: null, latencyP999: null, latencyWholeRunP99: null, latencyWholeRunP999: null, brokerCpuProduceUs: null, brokerCpuFetchUs: null, brokerRssBytes: null,
};
const judged = TARGETS.filter((t) => t.passes !== undefined);

describe('bench/targets-table', () => {
  it('has one row for each row of issue 17\'s table (latency as p99 and p99.9)', () => {
    expect(TARGETS.map((t) => t.key)).to.have.members(Object.keys(none));
  });

  it('passes at the target and misses just past it', () => {
    const at = evaluateTargets({
      ...none, produceDefaults: 1_500_000, produceBatched: 2_000_000, consumeDefaults: 3_000_000, produceReplicated: 500_000,
      latencyP99: 5, latencyP999: 20, brokerCpuProduceUs: 0.30, brokerCpuFetchUs: 0.10, brokerRssBytes: 299 * 2 ** 20,
    });
    expect(at.filter((r) => r.pass !== null).map((r) => r.row)).to.deep.equal(judged.map((t) => t.row));
    expect(at.filter((r) => r.pass !== null).map((r) => r.pass)).to.deep.equal(judged.map(() => true));
    const past = evaluateTargets({
      ...none, produceDefaults: 1_499_999, produceBatched: 1_999_999, consumeDefaults: 2_999_999, produceReplicated: 499_999,
      latencyP99: 6, latencyP999: 21, brokerCpuProduceUs: 0.31, brokerCpuFetchUs: 0.11, brokerRssBytes: 300 * 2 ** 20,
    });
    expect(past.filter((r) => r.pass !== null).map((r) => r.pass)).to.deep.equal(judged.map(() => false));
  });

  it("judges latency on the steady state and shows the whole run's percentiles beside it, unjudged", () => {
    const rows = evaluateTargets({ ...none, latencyP99: 4, latencyP999: 12, latencyWholeRunP99: 9, latencyWholeRunP999: 48 });
    const first = rows.findIndex((r) => r.row.startsWith('latency'));
    const latency = targetCells(rows).slice(first + 1, first + 5);
    expect(latency).to.deep.equal([
      ['latency at a steady 10k rec/s, RF=3, acks=all, linger 0 (steady state, after the warm-up): p99', '≤ 5 ms', '4 ms', 'pass'],
      ['same: p99.9', '≤ 20 ms', '12 ms', 'pass'],
      ['same run, whole run with the warm-up (informational): p99', '—', '9 ms', '—'],
      ['same run, whole run with the warm-up (informational): p99.9', '—', '48 ms', '—'],
    ]);
  });

  it("reads the perf tool's steady-state summary line with the whole-run parser", () => {
    const output = [
      'Warmup first 50000 records. Steady state results will print after the complete test summary.',
      'In steady state.',
      '50010 records sent, 10002.0 records/sec (0.95 MB/sec), 1.1 ms avg latency, 9.0 ms max latency.',
      '300000 records sent, 9999.666678 records/sec (0.95 MB/sec), 1.20 ms avg latency, 54.00 ms max latency, 1 ms 50th, 2 ms 95th, 9 ms 99th, 41 ms 99.9th.',
      '250000 steady state records sent, 9999.600016 records/sec (0.95 MB/sec), 1.05 ms avg latency, 11.00 ms max latency, 1 ms 50th, 2 ms 95th, 3 ms 99th, 8 ms 99.9th.',
      '',
    ].join('\n');
    expect(parseProducerPerf(output)).to.include({ records: 300000, p99Ms: 9, p999Ms: 41 });
    expect(parseProducerPerf(steadyStateSummary(output) ?? '')).to.include({ records: 250000, recordsPerSec: 9999.600016, maxLatencyMs: 11, p99Ms: 3, p999Ms: 8 });
    expect(steadyStateSummary(output.split('\n').slice(3, 4).join('\n'))).to.equal(null);
  });

  it('formats what was measured and marks what was not', () => {
    const rows = evaluateTargets({ ...none, produceDefaults: 578_034.68, brokerCpuProduceUs: 0.5432, brokerRssBytes: 116 * 2 ** 20 });
    expect(rows[0]).to.deep.equal({ row: TARGETS[0].row, target: '≥ 1,500,000 rec/s', measured: '578,035 rec/s', pass: false });
    expect(rows.find((r) => r.row.startsWith('broker CPU per record produced'))!.measured).to.equal('0.543 µs');
    expect(rows.find((r) => r.row.startsWith('broker RSS'))).to.include({ measured: '116 MB', pass: true });
    expect(rows[1]).to.include({ measured: 'not measured', pass: null });
    const cells = targetCells(rows);
    expect(cells[0]).to.deep.equal(['row', 'target', 'measured', 'pass/miss']);
    expect(cells[1][3]).to.equal('miss');
    expect(cells[2][3]).to.equal('—');
  });

  it('turns /proc clock ticks into µs per record', () => {
    expect(cpuMicrosPerRecord(1000, 1108, 100, 2_000_000)).to.be.closeTo(0.54, 1e-9);
  });
});
