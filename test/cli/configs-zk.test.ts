import { expect } from 'chai';
import { Admin } from '../../lib/client/admin';
import { ZkClient } from '../../lib/zk/zk-client';
import { useOneBroker } from '../helpers/one-broker';
import { CliResult, runCli } from '../helpers/run-cli';

const ZK_WARNING = 'Warning: --zookeeper is deprecated and will be removed in a future version of Kafka.\n'
  + 'Use --bootstrap-server instead to specify a broker to connect to.\n';

/** samsa-configs --zookeeper for every entity type, run as a separate process against a real ZooKeeper and broker. */
describe('cli/configs --zookeeper (topics, brokers, clients, users and their clients)', function () {
  this.timeout(60000);
  const fixture = useOneBroker();
  let zk: ZkClient;

  before(async () => {
    zk = await ZkClient.connect({ connectString: fixture.zk.connectString, sessionTimeoutMs: 6000 });
    const admin = new Admin({ bootstrapServers: fixture.native });
    try {
      await admin.createTopic({ topic: 'zt1', numPartitions: 1, replicationFactor: 1, configs: { 'cleanup.policy': 'compact' } });
      await admin.createTopic({ topic: 'zt2', numPartitions: 1, replicationFactor: 1 });
    } finally {
      await admin.close();
    }
  });

  after(async () => {
    await zk?.close();
  });

  const viaZk = (...args: string[]): Promise<CliResult> => runCli('samsa-configs', ['--zookeeper', fixture.zk.connectString, ...args]);

  async function znode(path: string): Promise<unknown> {
    return JSON.parse(((await zk.getData(path)).data as Buffer).toString('utf8'));
  }

  async function lastChange(): Promise<unknown> {
    const names = (await zk.getChildren('/config/changes')).sort();
    return znode(`/config/changes/${names[names.length - 1]}`);
  }

  function expectOk(result: CliResult, out: string): void {
    expect(result.stderr).to.equal('');
    expect(result.stdout).to.equal(ZK_WARNING + out);
    expect(result.code).to.equal(0);
  }

  function expectRefused(result: CliResult, err: string): void {
    expect(result.stdout).to.equal(ZK_WARNING);
    expect(result.stderr).to.equal(err);
    expect(result.code).to.equal(1);
  }

  it('alters a topic and describes every topic that has overrides', async () => {
    expectOk(await viaZk('--alter', '--entity-type', 'topics', '--entity-name', 'zt2', '--add-config', 'retention.ms=60000,segment.bytes=1048576'),
      "Completed updating config for entity: topic 'zt2'.\n");
    expect(await lastChange()).to.deep.equal({ version: 2, entity_path: 'topics/zt2' });
    expectOk(await viaZk('--describe', '--entity-type', 'topics'),
      "Configs for topic 'zt1' are cleanup.policy=compact\nConfigs for topic 'zt2' are retention.ms=60000,segment.bytes=1048576\n");
  });

  it('writes quotas for a client id, the default client and the default user', async () => {
    expectOk(await viaZk('--alter', '--client', 'app', '--add-config', 'producer_byte_rate=1024,request_percentage=50.5'),
      "Completed updating config for entity: client-id 'app'.\n");
    expect(await znode('/config/clients/app')).to.deep.equal({ version: 1, config: { producer_byte_rate: '1024', request_percentage: '50.5' } });
    expectOk(await viaZk('--alter', '--entity-type', 'clients', '--entity-default', '--add-config', 'consumer_byte_rate=4096'),
      'Completed updating config for entity: default client-id.\n');
    expectOk(await viaZk('--alter', '--user-defaults', '--add-config', 'controller_mutation_rate=10'),
      'Completed updating config for entity: default user-principal.\n');
    expect(await lastChange()).to.deep.equal({ version: 2, entity_path: 'users/<default>' });
    expectOk(await viaZk('--describe', '--entity-type', 'clients'),
      "Configs for default client-id are consumer_byte_rate=4096\nConfigs for client-id 'app' are producer_byte_rate=1024,request_percentage=50.5\n");
  });

  it("writes a quota for one client of one user under the user's znode, in either order of the types", async () => {
    expectOk(await viaZk('--alter', '--entity-type', 'users', '--entity-name', 'alice b', '--entity-type', 'clients', '--entity-name', 'app',
      '--add-config', 'producer_byte_rate=2048'), "Completed updating config for entity: user-principal 'alice b', client-id 'app'.\n");
    expect(await znode('/config/users/alice%20b/clients/app')).to.deep.equal({ version: 1, config: { producer_byte_rate: '2048' } });
    expect(await lastChange()).to.deep.equal({ version: 2, entity_path: 'users/alice%20b/clients/app' });
    expectOk(await viaZk('--alter', '--client', 'other', '--user', 'alice b', '--add-config', 'consumer_byte_rate=1'),
      "Completed updating config for entity: user-principal 'alice b', client-id 'other'.\n");
    expectOk(await viaZk('--alter', '--entity-type', 'users', '--entity-default', '--entity-type', 'clients', '--entity-name', 'app',
      '--add-config', 'consumer_byte_rate=8'), "Completed updating config for entity: default user-principal, client-id 'app'.\n");
    expect(await znode('/config/users/<default>/clients/app')).to.deep.equal({ version: 1, config: { consumer_byte_rate: '8' } });

    expectOk(await viaZk('--describe', '--entity-type', 'users', '--entity-name', 'alice b', '--entity-type', 'clients'),
      "Configs for user-principal 'alice b', client-id 'app' are producer_byte_rate=2048\n"
      + "Configs for user-principal 'alice b', client-id 'other' are consumer_byte_rate=1\n");
    // Listing every user leaves out 'alice b', whose node holds only its clients' quotas.
    expectOk(await viaZk('--describe', '--entity-type', 'users'), 'Configs for default user-principal are controller_mutation_rate=10\n');
    expectOk(await viaZk('--alter', '--user', 'alice b', '--client', 'other', '--delete-config', 'consumer_byte_rate'),
      "Completed updating config for entity: user-principal 'alice b', client-id 'other'.\n");
    expect(await znode('/config/users/alice%20b/clients/other')).to.deep.equal({ version: 1, config: {} });
  });

  it('writes replication throttles for a running broker and the default, other broker keys only for a broker not running', async () => {
    expectOk(await viaZk('--alter', '--broker-defaults', '--add-config', 'leader.replication.throttled.rate=1000000'),
      'Completed updating config for entity: default brokers.\n');
    expect(await lastChange()).to.deep.equal({ version: 2, entity_path: 'brokers/<default>' });
    expectOk(await viaZk('--alter', '--entity-type', 'brokers', '--entity-name', '1', '--add-config', 'follower.replication.throttled.rate=500'),
      "Completed updating config for entity: brokers '1'.\n");
    expectRefused(await viaZk('--alter', '--broker', '1', '--add-config', 'log.retention.ms=1000'),
      'requirement failed: --bootstrap-server option must be specified to update broker configs Set(log.retention.ms). when broker 1 is running.'
      + ' Broker configuration updates using ZooKeeper are supported for bootstrapping before brokers are started to enable encrypted password'
      + ' configs to be stored in ZooKeeper.\n');
    expectRefused(await viaZk('--alter', '--broker-defaults', '--add-config', 'num.replica.fetchers=2'),
      'requirement failed: --bootstrap-server option must be specified to update broker configs Set(num.replica.fetchers). for default cluster'
      + ' if any broker is running. Broker configuration updates using ZooKeeper are supported for bootstrapping before brokers are started'
      + ' to enable encrypted password configs to be stored in ZooKeeper.\n');
    expectOk(await viaZk('--alter', '--broker', '7', '--add-config', 'log.retention.ms=1000,log.retention.bytes=2048'),
      "Completed updating config for entity: brokers '7'.\n");
    expectOk(await viaZk('--describe', '--entity-type', 'brokers'),
      "Configs for brokers '1' are follower.replication.throttled.rate=500\n"
      + "Configs for brokers '7' are log.retention.ms=1000,log.retention.bytes=2048\n"
      + 'Configs for default brokers are leader.replication.throttled.rate=1000000\n');
    expectOk(await viaZk('--describe', '--broker', '7'), "Configs for brokers '7' are log.retention.ms=1000,log.retention.bytes=2048\n");
  });

  describe('refusals: Kafka\'s message, exit code 1, nothing written', () => {
    let changesBefore: number;
    before(async () => {
      changesBefore = (await zk.getChildren('/config/changes')).length;
    });
    after(async () => {
      expect((await zk.getChildren('/config/changes')).length).to.equal(changesBefore);
      expect(await znode('/config/clients/app')).to.deep.equal({ version: 1, config: { producer_byte_rate: '1024', request_percentage: '50.5' } });
    });

    /** Errors found while parsing the command line come with Samsa's usual hint, before anything is printed. */
    const usage = (message: string): string => `Error: ${message}\nTry 'samsa-configs --help' for more information.\n`;
    const refusals: Array<[string, string[], string]> = [
      ['a quota value that is not a number', ['--alter', '--client', 'app', '--add-config', 'producer_byte_rate=fast'],
        `Error while executing config command with args '--zookeeper ZK --alter --client app --add-config producer_byte_rate=fast'\n`
        + 'org.apache.kafka.common.config.ConfigException: Invalid value fast for configuration producer_byte_rate: Not a number of type LONG\n'],
      ['an unknown client key', ['--alter', '--client', 'app', '--add-config', 'colour=blue'],
        'requirement failed: Unknown Dynamic Configuration: Set(colour).\n'],
      ["a SCRAM credential for a user's client", ['--alter', '--user', 'u', '--client', 'c', '--add-config', 'SCRAM-SHA-256=[password=p]'],
        'requirement failed: Unknown Dynamic Configuration: Set(SCRAM-SHA-256).\n'],
      ['deleting a key the client does not have', ['--alter', '--client', 'app', '--delete-config', 'consumer_byte_rate'],
        'Invalid config(s): consumer_byte_rate\n'],
      ['a broker key read only at start-up', ['--alter', '--broker', '7', '--add-config', 'log.dirs=/tmp/x'],
        `Error while executing config command with args '--zookeeper ZK --alter --broker 7 --add-config log.dirs=/tmp/x'\n`
        + 'org.apache.kafka.common.config.ConfigException: Cannot update these configs dynamically: Set(log.dirs)\n'],
      ['a static key for a running broker, as Kafka: the running check first', ['--alter', '--broker', '1', '--add-config', 'log.dirs=/tmp/x'],
        'requirement failed: --bootstrap-server option must be specified to update broker configs Set(log.dirs). when broker 1 is running.'
        + ' Broker configuration updates using ZooKeeper are supported for bootstrapping before brokers are started to enable encrypted password'
        + ' configs to be stored in ZooKeeper.\n'],
      ['an unknown broker key', ['--alter', '--broker', '7', '--add-config', 'log.retention.weeks=2'], 'Unknown broker config name: log.retention.weeks\n'],
      ['a bad broker value', ['--alter', '--broker', '7', '--add-config', 'log.retention.ms=soon'],
        `Error while executing config command with args '--zookeeper ZK --alter --broker 7 --add-config log.retention.ms=soon'\n`
        + 'org.apache.kafka.common.config.ConfigException: Invalid value soon for configuration log.retention.ms: Not a number of type LONG\n'],
      ['a broker id that is not a number', ['--alter', '--entity-type', 'brokers', '--entity-name', 'one', '--add-config', 'log.retention.ms=1'],
        usage('The entity name for brokers must be a valid integer broker id, but it is: one')],
      ['an unknown topic key', ['--alter', '--topic', 'zt1', '--add-config', 'colour=blue'], 'Unknown topic config name: colour\n'],
      ['a topic altered without a name', ['--alter', '--entity-type', 'topics', '--entity-default', '--add-config', 'retention.ms=1'],
        usage('an entity name must be specified with --alter of topics')],
      ['broker loggers, which only a broker knows', ['--describe', '--entity-type', 'broker-loggers', '--entity-name', '1'],
        usage('Invalid entity type broker-loggers, the entity type must be one of topics,clients,users,brokers,ips with the --zookeeper argument')],
      ['a type other than users with clients', ['--describe', '--entity-type', 'topics', '--entity-type', 'clients'],
        usage("Only 'users' and 'clients' entity types may be specified together")],
      ['a user and client alteration missing a name', ['--alter', '--entity-type', 'users', '--entity-name', 'u', '--entity-type', 'clients',
        '--add-config', 'producer_byte_rate=1'], usage('--entity-name or --entity-default must be specified with each --entity-type for --alter')],
    ];
    for (const [what, args, err] of refusals) {
      it(`refuses ${what}`, async () => {
        const result = await viaZk(...args);
        const stderr = result.stderr.split(fixture.zk.connectString).join('ZK');
        expect(stderr).to.equal(err);
        expect(result.code).to.equal(1);
      });
    }
  });
});
