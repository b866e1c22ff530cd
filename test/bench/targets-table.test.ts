import { expect } from 'chai';
import { cpuMicrosPerRecord, evaluateTargets, targetCells, TargetMeasurements, TARGETS } from '../../bench/targets-table';

const none: TargetMeasurements = {
  produceDefaults: null, produceBatched: null, consumeDefaults: null, produceReplicated: null,
  latencyP99: null, latencyP999: null, brokerCpuProduceUs: null, brokerCpuFetchUs: null, brokerRssBytes: null,
};

describe('bench/targets-table', () => {
  it('has one row for each row of issue 17\'s table (latency as p99 and p99.9)', () => {
    expect(TARGETS.map((t) => t.key)).to.have.members(Object.keys(none));
  });

  it('passes at the target and misses just past it', () => {
    const at = evaluateTargets({
      ...none, produceDefaults: 1_500_000, produceBatched: 2_000_000, consumeDefaults: 3_000_000, produceReplicated: 500_000,
      latencyP99: 5, latencyP999: 20, brokerCpuProduceUs: 0.30, brokerCpuFetchUs: 0.10, brokerRssBytes: 299 * 2 ** 20,
    });
    expect(at.map((r) => r.pass)).to.deep.equal(TARGETS.map(() => true));
    const past = evaluateTargets({
      ...none, produceDefaults: 1_499_999, produceBatched: 1_999_999, consumeDefaults: 2_999_999, produceReplicated: 499_999,
      latencyP99: 6, latencyP999: 21, brokerCpuProduceUs: 0.31, brokerCpuFetchUs: 0.11, brokerRssBytes: 300 * 2 ** 20,
    });
    expect(past.map((r) => r.pass)).to.deep.equal(TARGETS.map(() => false));
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
