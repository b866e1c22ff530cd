import { expect } from 'chai';
import { Admin } from '../../lib/client/admin';
import { Consumer } from '../../lib/client/consumer';
import { Producer } from '../../lib/client/producer';
import { runCli } from '../helpers/run-cli';
import { useOneBroker } from '../helpers/one-broker';

/** Kafka's console consumer and subscribe() wait for a topic that does not exist yet. */
describe('integration/console-consumer-missing-topic', function () {
  this.timeout(120000);
  const cluster = useOneBroker();
  let bootstrap: string;

  before(() => {
    bootstrap = cluster.native;
  });

  it('waits for a topic created after it started, then prints its records', async () => {
    const consuming = runCli('samsa-console-consumer',
      ['--bootstrap-server', bootstrap, '--topic', 'late', '--from-beginning', '--max-messages', '50', '--timeout-ms', '60000'],
      { timeoutMs: 90000 });
    await new Promise((r) => setTimeout(r, 3000));
    const admin = new Admin({ bootstrapServers: bootstrap });
    await admin.createTopic({ topic: 'late', numPartitions: 2, replicationFactor: 1 });
    await admin.close();
    const producer = new Producer({ bootstrapServers: bootstrap });
    await Promise.all([...Array(50).keys()].map((i) => producer.send({ topic: 'late', key: `k${i}`, value: `late-${i}` })));
    await producer.close();

    const result = await consuming;
    expect(result.code, result.stderr).to.equal(0);
    expect(result.stderr).to.not.contain('does not exist');
    expect(result.stdout.trim().split('\n').sort()).to.deep.equal([...Array(50).keys()].map((i) => `late-${i}`).sort());
    expect(result.stderr).to.contain('Processed a total of 50 messages');
  });

  it('gives up after --timeout-ms on a topic that never appears, without calling it missing', async () => {
    const started = Date.now();
    const result = await runCli('samsa-console-consumer',
      ['--bootstrap-server', bootstrap, '--topic', 'never-created', '--timeout-ms', '2500'],
      { timeoutMs: 60000 });
    expect(Date.now() - started).to.be.at.least(2500);
    expect(result.code, result.stderr).to.equal(0);
    expect(result.stderr).to.not.contain('does not exist');
    expect(result.stderr).to.contain('Processed a total of 0 messages');
  });

  it('keeps failing fast when --partition names a topic that does not exist, as assign() does in Kafka', async () => {
    const result = await runCli('samsa-console-consumer',
      ['--bootstrap-server', bootstrap, '--topic', 'missing-assigned', '--partition', '0', '--timeout-ms', '2000'],
      { timeoutMs: 60000 });
    expect(result.code).to.equal(1);
    expect(result.stderr).to.contain("Topic 'missing-assigned' does not exist.");
  });

  it('lets a subscribed library consumer receive records of a topic created after subscribe()', async () => {
    const consumer = new Consumer({ bootstrapServers: bootstrap, groupId: 'late-subscriber', autoOffsetReset: 'earliest' });
    await consumer.connect();
    consumer.subscribe(['later']);
    expect(await consumer.poll(1500)).to.deep.equal([]);
    const admin = new Admin({ bootstrapServers: bootstrap });
    await admin.createTopic({ topic: 'later', numPartitions: 1, replicationFactor: 1 });
    await admin.close();
    const producer = new Producer({ bootstrapServers: bootstrap });
    await producer.send({ topic: 'later', value: 'finally' });
    await producer.close();
    const values: string[] = [];
    const deadline = Date.now() + 30000;
    while (values.length === 0 && Date.now() < deadline) {
      for (const r of await consumer.poll(500)) values.push(r.value!.toString());
    }
    expect(values).to.deep.equal(['finally']);
    expect(consumer.assignment()).to.deep.equal([{ topic: 'later', partition: 0 }]);
    await consumer.close();
  });
});
