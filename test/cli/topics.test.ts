import { expect } from 'chai';
import { main } from '../../lib/cli/topics';
import { CapturedIo, captureIo } from './capture-io';
import { MemoryTopicBackend } from './memory-topic-backend';

async function run(argv: string[], backend = new MemoryTopicBackend()): Promise<{ code: number; io: CapturedIo; backend: MemoryTopicBackend }> {
  const io = captureIo();
  const code = await main(argv, io, { openBackend: async () => backend });
  return { code, io, backend };
}

const BOOTSTRAP = ['--bootstrap-server', 'localhost:9092'];

describe('cli/topics', () => {
  describe('argument validation', () => {
    it('requires exactly one action', async () => {
      const none = await run([...BOOTSTRAP, '--topic', 't']);
      expect(none.code).to.equal(1);
      expect(none.io.stderrText()).to.contain('Command must include exactly one action: --list, --describe, --create, --alter or --delete');
      const two = await run([...BOOTSTRAP, '--list', '--describe']);
      expect(two.code).to.equal(1);
      expect(two.io.stderrText()).to.contain('exactly one action');
    });

    it('requires exactly one of --bootstrap-server and --zookeeper', async () => {
      const neither = await run(['--list']);
      expect(neither.code).to.equal(1);
      expect(neither.io.stderrText()).to.contain('One of --bootstrap-server or --zookeeper must be specified');
      const both = await run([...BOOTSTRAP, '--zookeeper', 'localhost:2181', '--list']);
      expect(both.code).to.equal(1);
      expect(both.io.stderrText()).to.contain('Only one of --bootstrap-server or --zookeeper must be specified');
    });

    it('rejects unknown flags with a one-line error and a usage hint, no stack trace', async () => {
      const { code, io } = await run([...BOOTSTRAP, '--list', '--frobnicate']);
      expect(code).to.equal(1);
      expect(io.stderrText()).to.equal("Error: unknown option '--frobnicate'\nTry 'samsa-topics --help' for more information.\n");
    });

    it('rejects non-integer partition counts', async () => {
      const { code, io } = await run([...BOOTSTRAP, '--create', '--topic', 't', '--partitions', 'three']);
      expect(code).to.equal(1);
      expect(io.stderrText()).to.match(/^Error: option '--partitions <n>' argument 'three' is invalid\. Not an integer\./);
    });

    it('rejects a zero partition count and an out-of-range replication factor with Kafka messages', async () => {
      const zero = await run([...BOOTSTRAP, '--create', '--topic', 't', '--partitions', '0']);
      expect(zero.code).to.equal(1);
      expect(zero.io.stderrText()).to.equal('Error while executing topic command : The partitions must be greater than 0\n');
      const rf = await run([...BOOTSTRAP, '--create', '--topic', 't', '--replication-factor', '0']);
      expect(rf.io.stderrText()).to.contain('The replication factor must be between 1 and 32767 inclusive');
    });

    it('requires --topic for create, delete and alter', async () => {
      const { code, io } = await run([...BOOTSTRAP, '--delete']);
      expect(code).to.equal(1);
      expect(io.stderrText()).to.contain('Missing required argument "[topic]"');
    });

    it('refuses options that do not belong to the action', async () => {
      const { code, io } = await run([...BOOTSTRAP, '--alter', '--topic', 't', '--partitions', '3', '--replication-factor', '2']);
      expect(code).to.equal(1);
      expect(io.stderrText()).to.contain('Option "[replication-factor]" can\'t be used with option "[alter]"');
    });

    it('rejects malformed --config and --replica-assignment values', async () => {
      const config = await run([...BOOTSTRAP, '--create', '--topic', 't', '--config', 'retention.ms']);
      expect(config.code).to.equal(1);
      expect(config.io.stderrText()).to.contain('Invalid topic config: all configs to be added must be in the format "key=val".');
      const dup = await run([...BOOTSTRAP, '--create', '--topic', 't', '--replica-assignment', '1:1,2:3']);
      expect(dup.io.stderrText()).to.contain('Partition replica lists may not contain duplicate entries: 1');
      const uneven = await run([...BOOTSTRAP, '--create', '--topic', 't', '--replica-assignment', '1:2,3']);
      expect(uneven.io.stderrText()).to.contain('Partition 1 has different replication factor');
    });

    it('rejects unknown topic config names before connecting', async () => {
      const { code, io, backend } = await run([...BOOTSTRAP, '--create', '--topic', 't', '--config', 'no.such.config=1']);
      expect(code).to.equal(1);
      expect(io.stderrText()).to.contain('Error while executing topic command : ');
      expect(io.stderrText()).to.contain('no.such.config');
      expect(backend.created).to.deep.equal([]);
    });

    it('prints usage and fails when called without arguments', async () => {
      const { code, io } = await run([]);
      expect(code).to.equal(1);
      expect(io.stderrText()).to.contain('Usage: samsa-topics');
    });

    it('prints help on stdout and succeeds for --help', async () => {
      const { code, io } = await run(['--help']);
      expect(code).to.equal(0);
      expect(io.stdoutText()).to.contain('--bootstrap-server');
    });
  });

  describe('actions', () => {
    it('creates a topic and prints Kafka\'s confirmation', async () => {
      const { code, io, backend } = await run([...BOOTSTRAP, '--create', '--topic', 'orders', '--partitions', '3', '--replication-factor', '2', '--config', 'retention.ms = 1000']);
      expect(code).to.equal(0);
      expect(io.stdoutText()).to.equal('Created topic orders.\n');
      expect(backend.created[0].spec).to.deep.equal({ topic: 'orders', configs: { 'retention.ms': '1000' }, numPartitions: 3, replicationFactor: 2 });
      expect(backend.closed).to.equal(true);
    });

    it('leaves partitions and replication factor to broker defaults when not given', async () => {
      const { backend } = await run([...BOOTSTRAP, '--create', '--topic', 'orders']);
      expect(backend.created[0].spec).to.include({ numPartitions: -1, replicationFactor: -1 });
    });

    it('sends a manual replica assignment keyed by partition', async () => {
      const { backend } = await run([...BOOTSTRAP, '--create', '--topic', 'orders', '--replica-assignment', '1:2, 2:3 ,3:1']);
      expect(backend.created[0].spec.replicaAssignment).to.deep.equal({ 0: [1, 2], 1: [2, 3], 2: [3, 1] });
    });

    it('warns about topic names mixing periods and underscores, as Kafka does', async () => {
      const { io } = await run([...BOOTSTRAP, '--create', '--topic', 'my.topic']);
      expect(io.stdoutText()).to.match(/^WARNING: Due to limitations in metric names/);
      expect(io.stdoutText()).to.contain('Created topic my.topic.');
    });

    it('reports an existing topic as an error unless --if-not-exists', async () => {
      const backend = new MemoryTopicBackend().add('orders', [[1, [1], [1]]]);
      const failed = await run([...BOOTSTRAP, '--create', '--topic', 'orders'], backend);
      expect(failed.code).to.equal(1);
      expect(failed.io.stderrText()).to.equal("Error while executing topic command : Topic 'orders' already exists.\n");
      const quiet = await run([...BOOTSTRAP, '--create', '--topic', 'orders', '--if-not-exists'], backend);
      expect(quiet.code).to.equal(0);
      expect(quiet.io.stdoutText()).to.equal('');
      expect(quiet.io.stderrText()).to.equal('');
    });

    it('passes broker errors through in Kafka\'s error format', async () => {
      const { code, io } = await run([...BOOTSTRAP, '--create', '--topic', 'big', '--replication-factor', '5']);
      expect(code).to.equal(1);
      expect(io.stderrText()).to.equal('Error while executing topic command : Replication factor: 5 larger than available brokers: 3.\n');
    });

    it('lists topics one per line, internal ones unless --exclude-internal', async () => {
      const backend = new MemoryTopicBackend().add('b', [[1, [1], [1]]]).add('a', [[1, [1], [1]]]).add('__consumer_offsets', [[1, [1], [1]]]);
      expect((await run([...BOOTSTRAP, '--list'], backend)).io.stdoutText()).to.equal('__consumer_offsets\na\nb\n');
      expect((await run([...BOOTSTRAP, '--list', '--exclude-internal'], backend)).io.stdoutText()).to.equal('a\nb\n');
    });

    it('describes a topic in Kafka\'s tab-separated format', async () => {
      const backend = new MemoryTopicBackend().add('orders', [[1, [1, 2], [1, 2]], [-1, [2, 1], [2]]], { 'retention.ms': '1000' });
      const { code, io } = await run([...BOOTSTRAP, '--describe', '--topic', 'orders'], backend);
      expect(code).to.equal(0);
      expect(io.stdoutText()).to.equal(
        'Topic: orders\tPartitionCount: 2\tReplicationFactor: 2\tConfigs: retention.ms=1000\n' +
          '\tTopic: orders\tPartition: 0\tLeader: 1\tReplicas: 1,2\tIsr: 1,2\n' +
          '\tTopic: orders\tPartition: 1\tLeader: none\tReplicas: 2,1\tIsr: 2\n',
      );
    });

    it('treats --topic as a whole-name regular expression', async () => {
      const backend = new MemoryTopicBackend().add('orders-eu', [[1, [1], [1]]]).add('orders-us', [[1, [1], [1]]]).add('payments', [[1, [1], [1]]]);
      const { io } = await run([...BOOTSTRAP, '--describe', '--topic', 'orders-.*'], backend);
      expect(io.stdoutText().split('\n').filter((l) => l.startsWith('Topic:'))).to.have.length(2);
      expect(io.stdoutText()).to.not.contain('payments');
    });

    it('fails on a missing topic with Kafka\'s message unless --if-exists', async () => {
      for (const action of ['--describe', '--delete']) {
        const missing = await run([...BOOTSTRAP, action, '--topic', 'nope']);
        expect(missing.code).to.equal(1);
        expect(missing.io.stderrText()).to.equal("Error while executing topic command : Topic 'nope' does not exist as expected\n");
        const quiet = await run([...BOOTSTRAP, action, '--topic', 'nope', '--if-exists']);
        expect(quiet.code).to.equal(0);
        expect(quiet.io.stdoutText() + quiet.io.stderrText()).to.equal('');
      }
      const alter = await run([...BOOTSTRAP, '--alter', '--topic', 'nope', '--partitions', '4']);
      expect(alter.io.stderrText()).to.contain("Topic 'nope' does not exist as expected");
    });

    it('marks a topic for deletion', async () => {
      const backend = new MemoryTopicBackend().add('orders', [[1, [1], [1]]]);
      const { code, io } = await run([...BOOTSTRAP, '--delete', '--topic', 'orders'], backend);
      expect(code).to.equal(0);
      expect(io.stdoutText()).to.equal('Topic orders is marked for deletion.\n');
      expect(backend.deleted).to.deep.equal(['orders']);
    });

    it('grows a topic, sending only the new partitions of a full replica assignment', async () => {
      const backend = new MemoryTopicBackend().add('orders', [[1, [1], [1]], [2, [2], [2]]]);
      const { code } = await run([...BOOTSTRAP, '--alter', '--topic', 'orders', '--partitions', '4', '--replica-assignment', '1,2,3,1'], backend);
      expect(code).to.equal(0);
      expect(backend.grown).to.deep.equal([{ topic: 'orders', total: 4, assignments: [[3], [1]] }]);
    });

    it('reports a connection failure as a topic command error', async () => {
      const io = captureIo();
      const code = await main([...BOOTSTRAP, '--list'], io, {
        openBackend: async () => {
          throw new Error('connect ECONNREFUSED 127.0.0.1:9092');
        },
      });
      expect(code).to.equal(1);
      expect(io.stderrText()).to.equal('Error while executing topic command : connect ECONNREFUSED 127.0.0.1:9092\n');
    });
  });
});
