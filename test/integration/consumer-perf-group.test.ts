import { expect } from 'chai';
import { Admin } from '../../lib/client/admin';
import { Producer } from '../../lib/client/producer';
import { useOneBroker } from '../helpers/one-broker';
import { runCli } from '../helpers/run-cli';

const RECORDS = 40;

describe('integration/consumer-perf-group', function () {
  this.timeout(90000);
  const fixture = useOneBroker({ 'group.min.session.timeout.ms': 1000 });

  before(async () => {
    const admin = new Admin({ bootstrapServers: fixture.native });
    await admin.createTopic({ topic: 'perf-group', numPartitions: 2, replicationFactor: 1 });
    await admin.close();
    const producer = new Producer({ bootstrapServers: fixture.native, lingerMs: 0 });
    await Promise.all(Array.from({ length: RECORDS }, (_, i) => producer.send({ topic: 'perf-group', partition: i % 2, value: `record-${i}` })));
    await producer.close();
  });

  it('joins the named group, commits like a consumer, and leaves it Empty with no lag', async () => {
    const perf = await runCli('samsa-consumer-perf-test', [
      '--bootstrap-server', fixture.native, '--topic', 'perf-group', '--messages', String(RECORDS), '--group', 'perf-g', '--timeout', '20000',
    ]);
    expect(perf.code, perf.stderr).to.equal(0);
    const [header, summary, ...rest] = perf.stdout.trim().split('\n');
    expect(header).to.equal('start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec');
    expect(rest).to.deep.equal([]);
    const fields = summary.split(', ');
    expect(fields).to.have.length(10);
    expect(fields[4]).to.equal(String(RECORDS));
    expect(Number(fields[6]), 'time spent joining the group').to.be.greaterThan(0);

    const described = await runCli('samsa-consumer-groups', ['--bootstrap-server', fixture.native, '--describe', '--group', 'perf-g']);
    expect(described.code, described.stderr).to.equal(0);
    expect(described.stderr).to.equal("\nConsumer group 'perf-g' has no active members.\n");
    const rows = described.stdout.split('\n').filter((l) => l.startsWith('perf-g ')).map((l) => l.trim().split(/\s+/));
    expect(rows.map((r) => r.slice(0, 6))).to.deep.equal([
      ['perf-g', 'perf-group', '0', String(RECORDS / 2), String(RECORDS / 2), '0'],
      ['perf-g', 'perf-group', '1', String(RECORDS / 2), String(RECORDS / 2), '0'],
    ]);
  });
});
