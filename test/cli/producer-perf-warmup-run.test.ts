import { expect } from 'chai';
import { Admin } from '../../lib/client/admin';
import { useOneBroker } from '../helpers/one-broker';
import { runCli } from '../helpers/run-cli';

const PARTITIONS = 2;
const WINDOW_LINE = /^\d+ records sent, \d+\.\d records\/sec \(\d+\.\d\d MB\/sec\), \d+\.\d ms avg latency, \d+\.\d ms max latency\.$/;
const SUMMARY = /^(\d+)( steady state)? records sent, \d+\.\d{6} records\/sec \(\d+\.\d\d MB\/sec\), \d+\.\d\d ms avg latency, (\d+)\.00 ms max latency, (\d+) ms 50th, (\d+) ms 95th, (\d+) ms 99th, (\d+) ms 99\.9th\.$/;

describe('cli/samsa-producer-perf-test --warmup-records (run as a process)', function () {
  this.timeout(90000);
  const fixture = useOneBroker();
  let admin: Admin;

  before(async () => {
    admin = new Admin({ bootstrapServers: fixture.native });
    for (const topic of ['perf-warmup', 'perf-warmup-refused', 'perf-no-warmup']) await admin.createTopic({ topic, numPartitions: PARTITIONS, replicationFactor: 1 });
  });
  after(async () => {
    await admin?.close();
  });

  async function recordsIn(topic: string): Promise<number> {
    let total = 0;
    for (let p = 0; p < PARTITIONS; p++) total += await admin.listOffsets(topic, p, 'latest');
    return total;
  }

  function perfTest(topic: string, records: number, extra: string[], throughput = -1) {
    return runCli('samsa-producer-perf-test', ['--topic', topic, '--num-records', String(records), '--record-size', '100',
      '--throughput', String(throughput), '--producer-props', `bootstrap.servers=${fixture.native}`, ...extra], { timeoutMs: 60000 });
  }

  it('prints the notice, hands the 5 s windows to the steady state, then the whole-run and steady-state summaries', async () => {
    // 1,000 warm-up records at 1,000 rec/s, then 5,500 more: the steady state lasts over 5 s, so
    // it prints a window.
    const r = await perfTest('perf-warmup', 6500, ['--warmup-records', '1000'], 1000);
    expect(r.code, r.stderr).to.equal(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).to.equal('Warmup first 1000 records. Steady state results will print after the complete test summary.');
    const steadyAt = lines.indexOf('In steady state.');
    expect(steadyAt, r.stdout).to.be.greaterThan(0);
    expect(lines.filter((l) => l === 'In steady state.')).to.have.length(1);
    expect(lines[steadyAt + 1]).to.match(WINDOW_LINE);
    const whole = SUMMARY.exec(lines[lines.length - 2]);
    const steady = SUMMARY.exec(lines[lines.length - 1]);
    expect(whole, r.stdout).to.not.equal(null);
    expect(steady, r.stdout).to.not.equal(null);
    expect([whole![1], whole![2]]).to.deep.equal(['6500', undefined]);
    expect([steady![1], steady![2]]).to.deep.equal(['5500', ' steady state']);
    // The steady state is a subset of the run: its max cannot exceed the run's.
    expect(Number(steady![3])).to.be.at.most(Number(whole![3]));
    for (const line of lines.slice(1, -2)) if (line !== 'In steady state.') expect(line).to.match(WINDOW_LINE);
    expect(await recordsIn('perf-warmup')).to.equal(6500);
  });

  it("refuses --warmup-records not below --num-records with Kafka's error, exit 1, and sends nothing", async () => {
    const r = await perfTest('perf-warmup-refused', 100, ['--warmup-records', '100']);
    expect(r.code).to.equal(1);
    expect(r.stderr).to.contain('The value for --warmup-records must be strictly fewer than the number of records in the test, --num-records.');
    expect(r.stdout).to.equal('');
    expect(await recordsIn('perf-warmup-refused')).to.equal(0);
  });

  it('prints exactly one summary and no warm-up lines without the option', async () => {
    const r = await perfTest('perf-no-warmup', 500, []);
    expect(r.code, r.stderr).to.equal(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines).to.have.length(1);
    expect(SUMMARY.exec(lines[0])?.slice(1, 3)).to.deep.equal(['500', undefined]);
    expect(await recordsIn('perf-no-warmup')).to.equal(500);
  });
});
