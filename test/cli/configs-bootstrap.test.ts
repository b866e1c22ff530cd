import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Admin } from '../../lib/client/admin';
import { ZkClient } from '../../lib/zk/zk-client';
import { useOneBroker } from '../helpers/one-broker';
import { CliResult, runCli } from '../helpers/run-cli';

/** samsa-configs --bootstrap-server for topics, brokers and broker loggers, run as a separate process against a real broker. */
describe('cli/configs --bootstrap-server (topics, brokers, broker loggers)', function () {
  this.timeout(60000);
  const fixture = useOneBroker();
  let zk: ZkClient;

  before(async () => {
    zk = await ZkClient.connect({ connectString: fixture.zk.connectString, sessionTimeoutMs: 6000 });
    const admin = new Admin({ bootstrapServers: fixture.native });
    try {
      await admin.createTopic({ topic: 'bt', numPartitions: 1, replicationFactor: 1, configs: { 'retention.ms': '60000' } });
    } finally {
      await admin.close();
    }
  });

  after(async () => {
    await zk?.close();
  });

  const viaBroker = (...args: string[]): Promise<CliResult> => runCli('samsa-configs', ['--bootstrap-server', fixture.native, ...args]);

  async function znodeConfig(path: string): Promise<unknown> {
    return (JSON.parse(((await zk.getData(path)).data as Buffer).toString('utf8')) as { config: unknown }).config;
  }

  function expectOk(result: CliResult, out: string): void {
    expect(result.stderr).to.equal('');
    expect(result.stdout).to.equal(out);
    expect(result.code).to.equal(0);
  }

  function expectFailure(result: CliResult, args: string, exception: string): void {
    expect(result.stderr).to.equal(`Error while executing config command with args '--bootstrap-server ${fixture.native} ${args}'\n${exception}\n`);
    expect(result.code).to.equal(1);
  }

  it("alters a topic's overrides and describes them with their synonyms", async () => {
    expectOk(await viaBroker('--alter', '--entity-type', 'topics', '--entity-name', 'bt', '--add-config', 'segment.ms=100000,min.insync.replicas=1'),
      'Completed updating config for topic bt.\n');
    expect(await znodeConfig('/config/topics/bt')).to.deep.equal({ 'retention.ms': '60000', 'segment.ms': '100000', 'min.insync.replicas': '1' });
    expectOk(await viaBroker('--alter', '--topic', 'bt', '--delete-config', 'min.insync.replicas'), 'Completed updating config for topic bt.\n');
    expectOk(await viaBroker('--describe', '--topic', 'bt'),
      'Dynamic configs for topic bt are:\n'
      + '  retention.ms=60000 sensitive=false synonyms={DYNAMIC_TOPIC_CONFIG:retention.ms=60000, DEFAULT_CONFIG:log.retention.hours=168}\n'
      + '  segment.ms=100000 sensitive=false synonyms={DYNAMIC_TOPIC_CONFIG:segment.ms=100000, DEFAULT_CONFIG:log.roll.hours=168}\n');
    const all = await viaBroker('--describe', '--topic', 'bt', '--all');
    expect(all.stdout).to.match(/^All configs for topic bt are:\n/);
    expect(all.stdout).to.contain('\n  cleanup.policy=delete sensitive=false synonyms={DEFAULT_CONFIG:log.cleanup.policy=delete}\n');
    expect(all.stdout).to.contain('\n  retention.ms=60000 sensitive=false synonyms={DYNAMIC_TOPIC_CONFIG:retention.ms=60000');
  });

  it('alters one broker and the cluster default, and describes every broker then the default', async () => {
    expectOk(await viaBroker('--alter', '--entity-type', 'brokers', '--entity-name', '1', '--add-config', 'log.retention.ms=7200000'),
      'Completed updating config for broker 1.\n');
    expectOk(await viaBroker('--alter', '--entity-type', 'brokers', '--entity-default', '--add-config', 'log.retention.ms=3600000,num.replica.fetchers=2'),
      'Completed updating default config for brokers in the cluster.\n');
    expect(await znodeConfig('/config/brokers/<default>')).to.deep.equal({ 'log.retention.ms': '3600000', 'num.replica.fetchers': '2' });
    const one = await viaBroker('--describe', '--broker', '1');
    expect(one.stdout).to.equal('Dynamic configs for broker 1 are:\n'
      + '  log.retention.ms=7200000 sensitive=false synonyms={DYNAMIC_BROKER_CONFIG:log.retention.ms=7200000, '
      + 'DYNAMIC_DEFAULT_BROKER_CONFIG:log.retention.ms=3600000, DEFAULT_CONFIG:log.retention.hours=168}\n');
    const every = await viaBroker('--describe', '--entity-type', 'brokers');
    expect(every.stdout).to.match(/^Dynamic configs for broker 1 are:\n {2}log\.retention\.ms=7200000 [^\n]*\nDefault configs for brokers in the cluster are:\n/);
    expect(every.stdout).to.contain('\n  num.replica.fetchers=2 sensitive=false synonyms={DYNAMIC_DEFAULT_BROKER_CONFIG:num.replica.fetchers=2');
    expectOk(await viaBroker('--alter', '--broker-defaults', '--delete-config', 'num.replica.fetchers,log.retention.ms'),
      'Completed updating default config for brokers in the cluster.\n');
    expectOk(await viaBroker('--describe', '--broker-defaults'), 'Default configs for brokers in the cluster are:\n');
    const all = await viaBroker('--describe', '--broker', '1', '--all');
    expect(all.stdout).to.match(/^All configs for broker 1 are:\n/);
    expect(all.stdout).to.contain('\n  zookeeper.connect=');
  });

  it('reads the configs to add from --add-config-file', async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'samsa-configs-')), 'topic.properties');
    fs.writeFileSync(file, '# overrides\nretention.bytes=1048576\nmax.message.bytes=2048\n');
    expectOk(await viaBroker('--alter', '--topic', 'bt', '--add-config-file', file), 'Completed updating config for topic bt.\n');
    expect(await znodeConfig('/config/topics/bt')).to.include({ 'retention.bytes': '1048576', 'max.message.bytes': '2048' });
    expectOk(await viaBroker('--alter', '--topic', 'bt', '--delete-config', 'retention.bytes,max.message.bytes'), 'Completed updating config for topic bt.\n');
  });

  it("sets and resets a broker's logger levels", async () => {
    expectOk(await viaBroker('--alter', '--broker-logger', '1', '--add-config', 'zk=debug'), 'Completed updating config for broker-logger 1.\n');
    const described = await viaBroker('--describe', '--entity-type', 'broker-loggers', '--entity-name', '1');
    expect(described.stdout).to.match(/^Dynamic configs for broker-logger 1 are:\n/);
    expect(described.stdout).to.contain('\n  zk=debug sensitive=false synonyms={DYNAMIC_BROKER_LOGGER_CONFIG:zk=debug}\n');
    expectOk(await viaBroker('--alter', '--broker-logger', '1', '--delete-config', 'zk'), 'Completed updating config for broker-logger 1.\n');
    expect((await viaBroker('--describe', '--broker-logger', '1')).stdout).to.not.contain('zk=debug');
  });

  describe('refusals: Kafka\'s message, exit code 1, nothing changed', () => {
    it('refuses deleting a key the topic does not set', async () => {
      const result = await viaBroker('--alter', '--topic', 'bt', '--delete-config', 'flush.ms');
      expect(result.stderr).to.equal('Invalid config(s): flush.ms\n');
      expect(result.code).to.equal(1);
    });

    it('reports the broker refusing a bad topic value, naming the key', async () => {
      expectFailure(await viaBroker('--alter', '--topic', 'bt', '--add-config', 'retention.ms=soon'), '--alter --topic bt --add-config retention.ms=soon',
        'java.util.concurrent.ExecutionException: org.apache.kafka.common.errors.InvalidConfigurationException: '
        + 'Invalid value soon for configuration retention.ms: Not a number of type LONG');
    });

    it('reports the broker refusing a static broker key', async () => {
      expectFailure(await viaBroker('--alter', '--broker', '1', '--add-config', 'zookeeper.connect=elsewhere:2181'),
        '--alter --broker 1 --add-config zookeeper.connect=elsewhere:2181',
        'java.util.concurrent.ExecutionException: org.apache.kafka.common.errors.InvalidRequestException: Cannot update these configs dynamically: Set(zookeeper.connect)');
    });

    it('reports a topic that does not exist', async () => {
      const result = await viaBroker('--describe', '--topic', 'missing');
      expect(result.stdout).to.equal('Dynamic configs for topic missing are:\n');
      expect(result.stderr).to.contain("UnknownTopicOrPartitionException: Topic 'missing' does not exist.");
      expect(result.code).to.equal(1);
    });

    it('refuses a logger the broker does not have', async () => {
      const result = await viaBroker('--alter', '--broker-logger', '1', '--add-config', 'no-such-logger=debug');
      expect(result.stderr).to.equal('Invalid broker logger(s): no-such-logger\n');
      expect(result.code).to.equal(1);
    });

    it('refuses broker loggers described without a broker id', async () => {
      const result = await viaBroker('--describe', '--entity-type', 'broker-loggers');
      expect(result.stderr).to.equal("Error: an entity name must be specified with --describe of broker-loggers\nTry 'samsa-configs --help' for more information.\n");
      expect(result.code).to.equal(1);
    });

    it('left the topic and broker configs as they were', async () => {
      expect(await znodeConfig('/config/topics/bt')).to.deep.equal({ 'retention.ms': '60000', 'segment.ms': '100000' });
      expect(await znodeConfig('/config/brokers/1')).to.deep.equal({ 'log.retention.ms': '7200000' });
    });
  });
});
