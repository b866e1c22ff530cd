import { expect } from 'chai';
import { javaDouble } from '../../lib/cli/configs-quotas-admin';
import { ZkClient } from '../../lib/zk/zk-client';
import { useOneBroker } from '../helpers/one-broker';
import { CliResult, runCli } from '../helpers/run-cli';

/** samsa-configs --bootstrap-server for user and client quotas (DescribeClientQuotas/AlterClientQuotas), as separate processes. */
describe('cli/configs --bootstrap-server quotas (users, clients, a user\'s clients)', function () {
  this.timeout(60000);
  const fixture = useOneBroker();
  let zk: ZkClient;

  before(async () => {
    zk = await ZkClient.connect({ connectString: fixture.zk.connectString, sessionTimeoutMs: 6000 });
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

  function expectRefused(result: CliResult, err: string): void {
    expect(result.stdout).to.equal('');
    expect(result.stderr).to.equal(err);
    expect(result.code).to.equal(1);
  }

  it('prints quota values as Java prints a double', () => {
    expect([1024, 50.5, 10485760, 1e7, 0.5, 0.0001, 0].map(javaDouble)).to.deep.equal(['1024.0', '50.5', '1.048576E7', '1.0E7', '0.5', '1.0E-4', '0.0']);
  });

  it("sets a user's quotas next to its SCRAM credential and describes both", async () => {
    expectOk(await viaBroker('--alter', '--entity-type', 'users', '--entity-name', 'alice', '--add-config', 'producer_byte_rate=1024,consumer_byte_rate=10485760'),
      'Completed updating config for user alice.\n');
    expectOk(await viaBroker('--alter', '--user', 'alice', '--add-config', 'SCRAM-SHA-256=[password=alice-secret]'), 'Completed updating config for user alice.\n');
    const stored = await znodeConfig('/config/users/alice') as Record<string, string>;
    expect(stored.producer_byte_rate).to.equal('1024');
    expect(Object.keys(stored).sort()).to.deep.equal(['SCRAM-SHA-256', 'consumer_byte_rate', 'producer_byte_rate']);
    const described = await viaBroker('--describe', '--user', 'alice');
    expect(described.stdout.split('\n')[0]).to.match(/^Quota configs for user-principal 'alice' are (producer_byte_rate=1024\.0, consumer_byte_rate=1\.048576E7|consumer_byte_rate=1\.048576E7, producer_byte_rate=1024\.0)$/);
    expect(described.stdout.split('\n').slice(1).join('\n')).to.equal("SCRAM credential configs for user-principal 'alice' are SCRAM-SHA-256=iterations=4096\n");
    expectOk(await viaBroker('--alter', '--user', 'alice', '--delete-config', 'consumer_byte_rate'), 'Completed updating config for user alice.\n');
    expect(Object.keys(await znodeConfig('/config/users/alice') as object).sort()).to.deep.equal(['SCRAM-SHA-256', 'producer_byte_rate']);
  });

  it('sets defaults and the quota of one client of one user, and describes each kind of entity', async () => {
    expectOk(await viaBroker('--alter', '--user-defaults', '--add-config', 'request_percentage=50'), 'Completed updating default config for users in the cluster.\n');
    expectOk(await viaBroker('--alter', '--entity-type', 'clients', '--entity-default', '--add-config', 'producer_byte_rate=99'),
      'Completed updating default config for clients in the cluster.\n');
    expectOk(await viaBroker('--alter', '--entity-type', 'users', '--entity-name', 'alice', '--entity-type', 'clients', '--entity-name', 'app',
      '--add-config', 'producer_byte_rate=2048'), 'Completed updating config for user alice.\n');
    expect(await znodeConfig('/config/users/alice/clients/app')).to.deep.equal({ producer_byte_rate: '2048' });
    expectOk(await viaBroker('--alter', '--client', 'solo', '--add-config', 'consumer_byte_rate=4096'), 'Completed updating config for client solo.\n');

    expectOk(await viaBroker('--describe', '--user-defaults'), 'Quota configs for the default user-principal are request_percentage=50.0\n');
    const clients = await viaBroker('--describe', '--entity-type', 'clients');
    expect(clients.stdout.split('\n').filter(Boolean).sort()).to.deep.equal([
      "Quota configs for client-id 'solo' are consumer_byte_rate=4096.0",
      'Quota configs for the default client-id are producer_byte_rate=99.0',
    ]);
    expectOk(await viaBroker('--describe', '--entity-type', 'users', '--entity-name', 'alice', '--entity-type', 'clients'),
      "Quota configs for user-principal 'alice', client-id 'app' are producer_byte_rate=2048.0\n");
    expectOk(await viaBroker('--describe', '--client', 'solo'), "Quota configs for client-id 'solo' are consumer_byte_rate=4096.0\n");
  });

  describe('refusals: Kafka\'s message, exit code 1, nothing written', () => {
    it('refuses a value that is not a number', async () => {
      expectRefused(await viaBroker('--alter', '--client', 'solo', '--add-config', 'producer_byte_rate=fast'),
        'Cannot parse quota configuration value for producer_byte_rate: fast\n');
    });

    it('refuses a SCRAM credential for a client', async () => {
      expectRefused(await viaBroker('--alter', '--client', 'solo', '--add-config', 'SCRAM-SHA-256=[password=p]'),
        "Only quota configs can be added for 'clients' using --bootstrap-server. Unexpected config names: Set(SCRAM-SHA-256)\n");
    });

    it('refuses quotas and credentials in one command', async () => {
      expectRefused(await viaBroker('--alter', '--user', 'alice', '--add-config', 'producer_byte_rate=1,SCRAM-SHA-512=[password=p]'),
        "Cannot alter both quota and SCRAM credential configs simultaneously for 'users' using --bootstrap-server.\n");
    });

    it('refuses deleting a quota the entity does not have', async () => {
      expectRefused(await viaBroker('--alter', '--client', 'solo', '--delete-config', 'producer_byte_rate'), 'Invalid config(s): producer_byte_rate\n');
    });

    it('refuses a --describe that mixes a shorthand flag with --entity-type', async () => {
      expectRefused(await viaBroker('--describe', '--user', 'alice', '--entity-type', 'clients'),
        "Error: --entity-{type,name,default} should not be used in conjunction with specific entity flags\nTry 'samsa-configs --help' for more information.\n");
    });

    it('left the quotas as they were', async () => {
      expect(await znodeConfig('/config/clients/solo')).to.deep.equal({ consumer_byte_rate: '4096' });
    });
  });
});
