// subscribe(/pattern/) and the console consumer's --include against a real broker: topics created
// after subscribing are picked up through the periodic metadata refresh.
import { expect } from 'chai';
import { Admin } from '../../lib/client/admin';
import { Consumer } from '../../lib/client/consumer';
import { Producer } from '../../lib/client/producer';
import { useOneBroker } from '../helpers/one-broker';
import { runCli } from '../helpers/run-cli';
import { waitUntil } from '../helpers/wait';

describe('integration/consumer-pattern-subscription', function () {
  this.timeout(120000);
  const cluster = useOneBroker({ 'group.min.session.timeout.ms': 1000 });
  let admin: Admin;
  let producer: Producer;
  const consumers: Consumer[] = [];

  before(() => {
    admin = new Admin({ bootstrapServers: cluster.native });
    producer = new Producer({ bootstrapServers: cluster.native, lingerMs: 0 });
  });

  afterEach(async () => {
    for (const c of consumers.splice(0)) await c.close(5000);
  });

  after(async () => {
    await producer?.close();
    await admin?.close();
  });

  async function produce(topic: string, n: number): Promise<void> {
    await Promise.all([...Array(n).keys()].map((i) => producer.send({ topic, value: `${topic}-${i}` })));
  }

  it('picks up a matching topic created after subscribing, and drops a deleted one', async () => {
    await admin.createTopic({ topic: 'metrics-cpu', numPartitions: 2, replicationFactor: 1 });
    await admin.createTopic({ topic: 'logs', numPartitions: 1, replicationFactor: 1 });
    await produce('metrics-cpu', 10);
    await produce('logs', 5);
    const c = new Consumer({
      bootstrapServers: cluster.native, groupId: 'pattern-group', autoOffsetReset: 'earliest', metadataMaxAgeMs: 500,
      sessionTimeoutMs: 6000, heartbeatIntervalMs: 200, fetchMaxWaitMs: 50,
    });
    consumers.push(c);
    c.subscribe(/metrics-.*/);
    const seen = new Set<string>();
    const pollUntil = (what: string, done: () => boolean) => waitUntil(what, async () => {
      for (const r of await c.poll(100)) seen.add(r.value!.toString());
      return done();
    }, 60000);
    await pollUntil('the existing matching topic', () => seen.size === 10);
    expect(c.subscription()).to.deep.equal(['metrics-cpu']);
    expect([...seen].every((v) => v.startsWith('metrics-cpu-'))).to.equal(true);

    await admin.createTopic({ topic: 'metrics-mem', numPartitions: 3, replicationFactor: 1 });
    await produce('metrics-mem', 12);
    await pollUntil('the topic created after subscribing', () => seen.size === 22);
    expect(c.subscription()).to.deep.equal(['metrics-cpu', 'metrics-mem']);
    expect(c.assignment()).to.have.length(5);

    await admin.deleteTopic('metrics-cpu');
    await pollUntil('the deleted topic to leave the subscription and the assignment', () => c.subscription().join() === 'metrics-mem' && c.assignment().length === 3);
    expect(c.assignment().map((tp) => tp.topic)).to.deep.equal(['metrics-mem', 'metrics-mem', 'metrics-mem']);
    expect([...seen].some((v) => v.startsWith('logs-'))).to.equal(false);
  });

  it('leaves internal topics out of a match-everything pattern', async () => {
    const c = new Consumer({ bootstrapServers: cluster.native, groupId: 'everything', metadataMaxAgeMs: 500, sessionTimeoutMs: 6000, heartbeatIntervalMs: 200 });
    consumers.push(c);
    c.subscribe(/.*/);
    await waitUntil('a subscription', async () => { await c.poll(100); return c.subscription().length > 0; }, 30000);
    expect(c.subscription()).to.include('logs');
    expect(c.subscription().filter((t) => t.startsWith('__'))).to.deep.equal([]);
  });

  it('consumes with the console consumer\'s --include, including a topic created after it started', async () => {
    const consuming = runCli('samsa-console-consumer', [
      '--bootstrap-server', cluster.native, '--include', 'orders-.*', '--from-beginning', '--max-messages', '20', '--timeout-ms', '60000',
      '--consumer-property', 'metadata.max.age.ms=500',
    ], { timeoutMs: 90000 });
    await new Promise((r) => setTimeout(r, 2000));
    await admin.createTopic({ topic: 'orders-late', numPartitions: 2, replicationFactor: 1 });
    await produce('orders-late', 20);
    const result = await consuming;
    expect(result.code, result.stderr).to.equal(0);
    const lines = result.stdout.trim().split('\n').sort();
    expect(lines).to.have.length(20);
    expect(lines.every((l) => l.startsWith('orders-late-'))).to.equal(true);
    expect(result.stderr).to.contain('Processed a total of 20 messages');
  });
});
