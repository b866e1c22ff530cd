import { expect } from 'chai';
import { formatMetricsTable } from '../../lib/cli/print-metrics';
import { Admin } from '../../lib/client/admin';
import { useOneBroker } from '../helpers/one-broker';
import { runCli } from '../helpers/run-cli';

const RECORDS = 2000;

/** The rows of a ToolsUtils-style table: merged name -> value. */
function metricRows(stdout: string): Map<string, number> {
  const lines = stdout.split('\n');
  const header = lines.findIndex((l) => /^Metric Name\s+Value$/.test(l));
  expect(header, stdout).to.be.at.least(0);
  const rows = new Map<string, number>();
  for (const line of lines.slice(header + 1)) {
    const m = /^(\S+)\s+: (-?\d+\.\d{3})$/.exec(line);
    if (!m) break;
    rows.set(m[1], Number(m[2]));
  }
  return rows;
}

describe('cli/perf tools --print-metrics', function () {
  this.timeout(60000);
  const fixture = useOneBroker();

  before(async () => {
    const admin = new Admin({ bootstrapServers: fixture.native });
    await admin.createTopic({ topic: 'perf-metrics', numPartitions: 2, replicationFactor: 1 });
    await admin.close();
  });

  it("lays the table out like Kafka's ToolsUtils.printMetrics", () => {
    const table = formatMetricsTable({
      'b-total': { group: 'g', description: '' },
      'a-rate': { group: 'g', description: '' },
    }, { 'b-total': 3, 'a-rate': 12345.6784 }, 'c1');
    expect(table).to.equal([
      '',
      'Metric Name                Value',
      'g:a-rate:{client-id=c1}  : 12345.678',
      'g:b-total:{client-id=c1} : 3.000',
      '',
    ].join('\n'));
  });

  it('prints the producer metrics after a run, consistent with what was sent, then the consumer metrics after reading it back', async () => {
    const produced = await runCli('samsa-producer-perf-test', [
      '--topic', 'perf-metrics', '--num-records', String(RECORDS), '--record-size', '100', '--throughput', '-1',
      '--producer-props', `bootstrap.servers=${fixture.native}`, 'client.id=perf-p', '--print-metrics',
    ]);
    expect(produced.code, produced.stderr).to.equal(0);
    const p = metricRows(produced.stdout);
    expect(p.get('producer-metrics:record-send-total:{client-id=perf-p}')).to.equal(RECORDS);
    expect(p.get('producer-metrics:record-error-total:{client-id=perf-p}')).to.equal(0);
    expect(p.get('producer-metrics:record-send-rate:{client-id=perf-p}')).to.be.greaterThan(0);
    const requests = p.get('producer-metrics:request-total:{client-id=perf-p}')!;
    expect(requests).to.be.at.least(1);
    expect(p.get('producer-metrics:records-per-request-avg:{client-id=perf-p}')! * requests).to.be.closeTo(RECORDS, 1);
    expect(p.get('producer-metrics:batch-size-avg:{client-id=perf-p}')).to.be.greaterThan(100);
    expect(p.get('producer-metrics:outgoing-byte-total:{client-id=perf-p}')).to.be.greaterThan(RECORDS * 100);
    const names = [...p.keys()];
    expect(names).to.deep.equal([...names].sort());

    const consumed = await runCli('samsa-consumer-perf-test', [
      '--bootstrap-server', fixture.native, '--topic', 'perf-metrics', '--messages', String(RECORDS), '--timeout', '20000', '--print-metrics',
    ]);
    expect(consumed.code, consumed.stderr).to.equal(0);
    const c = metricRows(consumed.stdout);
    expect(c.get('consumer-fetch-manager-metrics:records-consumed-total:{client-id=perf-consumer-client}')).to.equal(RECORDS);
    expect(c.get('consumer-fetch-manager-metrics:bytes-consumed-total:{client-id=perf-consumer-client}')).to.be.greaterThan(RECORDS * 100);
    expect(c.get('consumer-fetch-manager-metrics:fetch-total:{client-id=perf-consumer-client}')).to.be.at.least(1);
    expect(c.get('consumer-fetch-manager-metrics:records-lag-max:{client-id=perf-consumer-client}')).to.equal(0);
  });
});
