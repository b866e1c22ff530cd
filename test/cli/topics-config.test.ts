import { expect } from 'chai';
import { Admin } from '../../lib/client/admin';
import { ZkClient } from '../../lib/zk/zk-client';
import { useOneBroker } from '../helpers/one-broker';
import { CliResult, runCli } from '../helpers/run-cli';

const DEPRECATION = 'WARNING: Altering topic configuration from this script has been deprecated and may be removed in future releases.\n'
  + '         Going forward, please use kafka-configs.sh for this functionality\n';

/** samsa-topics --alter --config / --delete-config and --describe --topics-with-overrides, as separate processes. */
describe('cli/topics configs (--alter --config, --delete-config, --topics-with-overrides)', function () {
  this.timeout(60000);
  const fixture = useOneBroker();
  let zk: ZkClient;

  before(async () => {
    zk = await ZkClient.connect({ connectString: fixture.zk.connectString, sessionTimeoutMs: 6000 });
    const admin = new Admin({ bootstrapServers: fixture.native });
    try {
      await admin.createTopic({ topic: 'plain', numPartitions: 1, replicationFactor: 1 });
      await admin.createTopic({ topic: 'tuned', numPartitions: 2, replicationFactor: 1, configs: { 'retention.ms': '60000' } });
    } finally {
      await admin.close();
    }
  });

  after(async () => {
    await zk?.close();
  });

  const viaZk = (...args: string[]): Promise<CliResult> => runCli('samsa-topics', ['--zookeeper', fixture.zk.connectString, ...args]);
  const viaBroker = (...args: string[]): Promise<CliResult> => runCli('samsa-topics', ['--bootstrap-server', fixture.native, ...args]);

  async function topicConfig(topic: string): Promise<unknown> {
    return JSON.parse(((await zk.getData(`/config/topics/${topic}`)).data as Buffer).toString('utf8'));
  }

  it('sets and deletes overrides through ZooKeeper with Kafka\'s deprecation warning, and notifies brokers', async () => {
    const set = await viaZk('--alter', '--topic', 'tuned', '--config', 'cleanup.policy=compact', '--config', 'min.insync.replicas=1');
    expect(set.stderr).to.equal('');
    expect(set.stdout).to.equal(`${DEPRECATION}Updated config for topic tuned.\n`);
    expect(set.code).to.equal(0);
    expect(await topicConfig('tuned')).to.deep.equal({ version: 1, config: { 'retention.ms': '60000', 'cleanup.policy': 'compact', 'min.insync.replicas': '1' } });
    const names = (await zk.getChildren('/config/changes')).sort();
    expect(JSON.parse(((await zk.getData(`/config/changes/${names[names.length - 1]}`)).data as Buffer).toString('utf8')))
      .to.deep.equal({ version: 2, entity_path: 'topics/tuned' });

    const del = await viaZk('--alter', '--topic', 'tuned', '--delete-config', 'min.insync.replicas');
    expect(del.stdout).to.equal(`${DEPRECATION}Updated config for topic tuned.\n`);
    expect(await topicConfig('tuned')).to.deep.equal({ version: 1, config: { 'retention.ms': '60000', 'cleanup.policy': 'compact' } });
  });

  it('describes only the topics with overrides, without their partitions, on both connections', async () => {
    const line = 'Topic: tuned\tPartitionCount: 2\tReplicationFactor: 1\tConfigs: cleanup.policy=compact,retention.ms=60000\n';
    for (const run of [viaZk, viaBroker]) {
      const result = await run('--describe', '--topics-with-overrides');
      expect(result.stderr).to.equal('');
      expect(result.stdout).to.equal(line);
      expect(result.code).to.equal(0);
    }
    expect((await viaZk('--describe', '--topic', 'plain', '--topics-with-overrides')).stdout).to.equal('');
  });

  it('sets and deletes overrides through a broker (IncrementalAlterConfigs), without the deprecation warning', async () => {
    const set = await viaBroker('--alter', '--topic', 'plain', '--config', 'retention.ms=1000', '--config', 'segment.bytes=1048576');
    expect(set.stderr).to.equal('');
    expect(set.stdout).to.equal('Updated config for topic plain.\n');
    expect(await topicConfig('plain')).to.deep.equal({ version: 1, config: { 'retention.ms': '1000', 'segment.bytes': '1048576' } });
    const del = await viaBroker('--alter', '--topic', 'plain', '--delete-config', 'retention.ms', '--delete-config', 'segment.bytes');
    expect(del.stdout).to.equal('Updated config for topic plain.\n');
    expect(await topicConfig('plain')).to.deep.equal({ version: 1, config: {} });
    const bad = await viaBroker('--alter', '--topic', 'plain', '--config', 'min.insync.replicas=0');
    expect(bad.stderr).to.equal('Error while executing topic command : Invalid value 0 for configuration min.insync.replicas: Value must be at least 1\n');
    expect(bad.code).to.equal(1);
  });

  describe('refusals: exit code 1, nothing written', () => {
    const usage = (message: string): string => `Error: ${message}\nTry 'samsa-topics --help' for more information.\n`;
    const refusals: Array<[string, string[], string]> = [
      ['an unknown config key', ['--alter', '--topic', 'plain', '--config', 'colour=blue'],
        'Error while executing topic command : Unknown topic config name: colour\n'],
      ['deleting an unknown config key', ['--alter', '--topic', 'plain', '--delete-config', 'colour'],
        'Error while executing topic command : Unknown topic config name: colour\n'],
      ['a bad value', ['--alter', '--topic', 'plain', '--config', 'retention.ms=soon'],
        'Error while executing topic command : Invalid value soon for configuration retention.ms: Not a number of type LONG\n'],
      ['a config without a value', ['--alter', '--topic', 'plain', '--config', 'retention.ms'],
        usage('Invalid topic config: all configs to be added must be in the format "key=val".')],
      ['a missing topic', ['--alter', '--topic', 'nope', '--config', 'retention.ms=1'],
        "Error while executing topic command : Topic 'nope' does not exist as expected\n"],
      ['--delete-config with --create', ['--create', '--topic', 'x', '--partitions', '1', '--replication-factor', '1', '--delete-config', 'retention.ms'],
        usage('Option "[delete-config]" can\'t be used with option "[create]"')],
      ['--topics-with-overrides with a partition filter', ['--describe', '--under-replicated-partitions', '--topics-with-overrides'],
        usage('Option "[under-replicated-partitions]" can\'t be used with option "[topics-with-overrides]"')],
      ['--alter with nothing to change', ['--alter', '--topic', 'plain'], usage('Missing required argument "[partitions]"')],
    ];
    for (const [what, args, err] of refusals) {
      it(`refuses ${what}`, async () => {
        const result = await viaZk(...args);
        expect(result.stderr + result.stdout).to.equal(err);
        expect(result.code).to.equal(1);
      });
    }

    it('left the topics as they were', async () => {
      expect(await topicConfig('plain')).to.deep.equal({ version: 1, config: {} });
    });
  });
});
