import { expect } from 'chai';
import { Broker } from '../../lib/broker/broker';
import { startBroker } from '../helpers/cluster';
import { waitUntil } from '../helpers/wait';
import { runCli } from '../helpers/run-cli';
import { startTestZooKeeper, TestZooKeeper } from '../helpers/zookeeper';

describe('integration/topics-cli', function () {
  this.timeout(120000);
  let zk: TestZooKeeper;
  let broker: Broker;
  let bootstrap: string;

  before(async () => {
    zk = await startTestZooKeeper();
    broker = await startBroker({ brokerId: 1, zkConnect: zk.connectString, overrides: { 'group.initial.rebalance.delay.ms': 0, 'offsets.topic.num.partitions': 3 } });
    bootstrap = `127.0.0.1:${broker.port}`;
  });

  after(async () => {
    await broker?.shutdown();
    await zk?.stop();
  });

  const topics = (...args: string[]) => runCli('samsa-topics', args);

  it('creates a topic and describes it in Kafka\'s format', async () => {
    const created = await topics('--bootstrap-server', bootstrap, '--create', '--topic', 'events', '--partitions', '3', '--replication-factor', '1', '--config', 'retention.ms=60000');
    expect(created.code, created.stderr).to.equal(0);
    expect(created.stdout.trim()).to.equal('Created topic events.');
    const described = await topics('--bootstrap-server', bootstrap, '--describe', '--topic', 'events');
    expect(described.code, described.stderr).to.equal(0);
    const lines = described.stdout.trimEnd().split('\n');
    expect(lines[0]).to.equal('Topic: events\tPartitionCount: 3\tReplicationFactor: 1\tConfigs: retention.ms=60000');
    expect(lines.slice(1)).to.deep.equal([0, 1, 2].map((p) => `\tTopic: events\tPartition: ${p}\tLeader: 1\tReplicas: 1\tIsr: 1`));
  });

  it('lists topics, one per line', async () => {
    const created = await topics('--bootstrap-server', bootstrap, '--create', '--topic', 'another');
    expect(created.code, created.stderr).to.equal(0);
    const listed = await topics('--bootstrap-server', bootstrap, '--list');
    expect(listed.code).to.equal(0);
    expect(listed.stdout.trim().split('\n')).to.include.members(['another', 'events']);
  });

  it('reads the same topics straight from ZooKeeper with --zookeeper', async () => {
    const listed = await topics('--zookeeper', zk.connectString, '--list');
    expect(listed.code, listed.stderr).to.equal(0);
    expect(listed.stdout.trim().split('\n')).to.include.members(['another', 'events']);
    const described = await topics('--zookeeper', zk.connectString, '--describe', '--topic', 'events');
    expect(described.stdout.split('\n')[0]).to.match(/^Topic: events\tPartitionCount: 3\tReplicationFactor: 1\t/);
  });

  it('creates and deletes topics straight through ZooKeeper with --zookeeper', async () => {
    const created = await topics('--zookeeper', zk.connectString, '--create', '--topic', 'via-zk', '--partitions', '2', '--replication-factor', '1');
    expect(created.code, created.stderr).to.equal(0);
    expect(created.stdout.trim()).to.equal('Created topic via-zk.');
    await waitUntil('the controller to elect leaders for via-zk', async () =>
      (await topics('--bootstrap-server', bootstrap, '--describe', '--topic', 'via-zk')).stdout.includes('Partition: 1\tLeader: 1'));
    const deleted = await topics('--zookeeper', zk.connectString, '--delete', '--topic', 'via-zk');
    expect(deleted.code, deleted.stderr).to.equal(0);
    expect(deleted.stdout).to.contain('Topic via-zk is marked for deletion.');
    await waitUntil('via-zk to be deleted', async () =>
      !(await topics('--bootstrap-server', bootstrap, '--list')).stdout.split('\n').includes('via-zk'));
  });

  it('fails with exit code 1 and a clear message for a duplicate, a bad name, or too many replicas', async () => {
    const dup = await topics('--bootstrap-server', bootstrap, '--create', '--topic', 'events', '--partitions', '1');
    expect(dup.code).to.equal(1);
    expect(dup.stderr).to.contain("Topic 'events' already exists.");
    const bad = await topics('--bootstrap-server', bootstrap, '--create', '--topic', 'bad name!');
    expect(bad.code).to.equal(1);
    expect(bad.stderr).to.match(/illegal|invalid/i);
    const rf = await topics('--bootstrap-server', bootstrap, '--create', '--topic', 'too-many', '--replication-factor', '3');
    expect(rf.code).to.equal(1);
    expect(rf.stderr).to.contain('Replication factor: 3 larger than available brokers: 1.');
  });

  it('adds partitions with --alter', async () => {
    const altered = await topics('--bootstrap-server', bootstrap, '--alter', '--topic', 'another', '--partitions', '4');
    expect(altered.code, altered.stderr).to.equal(0);
    const described = await topics('--bootstrap-server', bootstrap, '--describe', '--topic', 'another');
    expect(described.stdout.split('\n')[0]).to.match(/PartitionCount: 4/);
  });

  it('deletes a topic, and --if-exists tolerates a missing one', async () => {
    const deleted = await topics('--bootstrap-server', bootstrap, '--delete', '--topic', 'another');
    expect(deleted.code, deleted.stderr).to.equal(0);
    await waitUntil('topic deletion', async () => !(await topics('--bootstrap-server', bootstrap, '--list')).stdout.split('\n').includes('another'));
    const missing = await topics('--bootstrap-server', bootstrap, '--delete', '--topic', 'another');
    expect(missing.code).to.equal(1);
    const tolerated = await topics('--bootstrap-server', bootstrap, '--delete', '--topic', 'another', '--if-exists');
    expect(tolerated.code).to.equal(0);
  });

  it('refuses a partition count past the per-topic limit at once, without planning it', async () => {
    const started = Date.now();
    const created = await topics('--bootstrap-server', bootstrap, '--create', '--topic', 'huge', '--partitions', '20000000');
    expect(created.code).to.equal(1);
    expect(created.stderr).to.contain('Number of partitions 20000000 exceeds the limit of 10000 per topic.');
    const grown = await topics('--bootstrap-server', bootstrap, '--alter', '--topic', 'events', '--partitions', '10001');
    expect(grown.code).to.equal(1);
    expect(grown.stderr).to.contain('exceeds the limit of 10000 per topic');
    expect(Date.now() - started).to.be.below(20000);
  });

  it('rejects bad flags with exit code 1', async () => {
    const none = await topics('--bootstrap-server', bootstrap);
    expect(none.code).to.equal(1);
    const unknown = await topics('--bootstrap-server', bootstrap, '--list', '--frobnicate');
    expect(unknown.code).to.equal(1);
    const badNumber = await topics('--bootstrap-server', bootstrap, '--create', '--topic', 'x', '--partitions', 'many');
    expect(badNumber.code).to.equal(1);
  });

  it('reads one partition from a given offset, and keeps acks=0 records sent just before exit', async () => {
    await topics('--bootstrap-server', bootstrap, '--create', '--topic', 'fire-and-forget', '--partitions', '1');
    const lines = Array.from({ length: 50 }, (_, i) => `line-${i}`).join('\n') + '\n';
    const produced = await runCli('samsa-console-producer', ['--bootstrap-server', bootstrap, '--topic', 'fire-and-forget', '--request-required-acks', '0'], { input: lines });
    expect(produced.code, produced.stderr).to.equal(0);
    await waitUntil('all 50 acks=0 records to land', async () => {
      const res = await runCli('samsa-console-consumer', ['--bootstrap-server', bootstrap, '--topic', 'fire-and-forget', '--partition', '0',
        '--offset', '45', '--timeout-ms', '1500']);
      return res.stdout.trim().split('\n').join(',') === 'line-45,line-46,line-47,line-48,line-49';
    }, 20000, 200);
  });

  it('moves records end to end through the console producer and consumer', async () => {
    await topics('--bootstrap-server', bootstrap, '--create', '--topic', 'console', '--partitions', '1');
    const produced = await runCli('samsa-console-producer', ['--bootstrap-server', bootstrap, '--topic', 'console', '--property', 'parse.key=true', '--property', 'key.separator=:'], {
      input: 'k1:hello\nk2:world\nk3:third\n',
    });
    expect(produced.code, produced.stderr).to.equal(0);
    const consumed = await runCli('samsa-console-consumer', ['--bootstrap-server', bootstrap, '--topic', 'console', '--from-beginning',
      '--max-messages', '3', '--property', 'print.key=true', '--property', 'print.offset=true']);
    expect(consumed.code, consumed.stderr).to.equal(0);
    expect(consumed.stdout.trim().split('\n')).to.deep.equal(['Offset:0\tk1\thello', 'Offset:1\tk2\tworld', 'Offset:2\tk3\tthird']);
    expect(consumed.stderr).to.contain('Processed a total of 3 messages');
  });
});
