import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { main } from '../../lib/cli/configs';
import { hidePasswords } from '../../lib/cli/configs-parse';
import { Admin } from '../../lib/client/admin';
import { clientKey, hash, parseCredential, saltedPassword, ScramMechanism, serverKey } from '../../lib/security/scram/scram-credential';
import { ZkClient } from '../../lib/zk/zk-client';
import { useOneBroker } from '../helpers/one-broker';
import { CliResult, runCli } from '../helpers/run-cli';
import { captureIo } from './capture-io';

const ZK_WARNING = 'Warning: --zookeeper is deprecated and will be removed in a future version of Kafka.\n'
  + 'Use --bootstrap-server instead to specify a broker to connect to.\n';

describe('cli/configs (samsa-configs, users and SCRAM credentials)', function () {
  this.timeout(60000);
  const fixture = useOneBroker();
  let zk: ZkClient;

  before(async () => {
    zk = await ZkClient.connect({ connectString: fixture.zk.connectString, sessionTimeoutMs: 6000 });
  });

  after(async () => {
    await zk?.close();
  });

  const configs = (args: string[]): Promise<CliResult> => runCli('samsa-configs', args);
  const viaZk = (...args: string[]): Promise<CliResult> => configs(['--zookeeper', fixture.zk.connectString, ...args]);
  const viaBroker = (...args: string[]): Promise<CliResult> => configs(['--bootstrap-server', fixture.native, ...args]);

  async function userConfig(znodeName: string): Promise<Record<string, string>> {
    const node = await zk.getData(`/config/users/${znodeName}`);
    return (JSON.parse((node.data as Buffer).toString('utf8')) as { version: number; config: Record<string, string> }).config;
  }

  async function changeCount(): Promise<number> {
    return (await zk.getChildren('/config/changes')).length;
  }

  async function lastChange(): Promise<unknown> {
    const names = (await zk.getChildren('/config/changes')).sort();
    return JSON.parse(((await zk.getData(`/config/changes/${names[names.length - 1]}`)).data as Buffer).toString('utf8'));
  }

  /** The stored credential verifies against `password`: its keys are those Hi(password, salt, i) gives. */
  function expectVerifies(text: string | undefined, mechanism: ScramMechanism, password: string, iterations: number): void {
    const credential = parseCredential(text ?? '');
    if (!credential) throw new Error(`unparsable credential ${text}`);
    expect(credential.iterations).to.equal(iterations);
    const salted = saltedPassword(mechanism, password, credential.salt, iterations);
    expect(credential.storedKey.equals(hash(mechanism, clientKey(mechanism, salted))), 'stored_key').to.equal(true);
    expect(credential.serverKey.equals(serverKey(mechanism, salted)), 'server_key').to.equal(true);
  }

  describe('with --zookeeper', () => {
    it('adds credentials for both mechanisms with the bracket syntax, verifiable against the password, and notifies brokers', async () => {
      const before = await changeCount();
      const result = await viaZk('--alter', '--entity-type', 'users', '--entity-name', 'alice',
        '--add-config', 'SCRAM-SHA-256=[iterations=8192,password=alice-secret],SCRAM-SHA-512=[password=alice-secret]');
      expect(result.stderr).to.equal('');
      expect(result.code).to.equal(0);
      expect(result.stdout).to.equal(`${ZK_WARNING}Completed updating config for entity: user-principal 'alice'.\n`);
      const config = await userConfig('alice');
      expect(Object.keys(config).sort()).to.deep.equal(['SCRAM-SHA-256', 'SCRAM-SHA-512']);
      expectVerifies(config['SCRAM-SHA-256'], 'SCRAM-SHA-256', 'alice-secret', 8192);
      expectVerifies(config['SCRAM-SHA-512'], 'SCRAM-SHA-512', 'alice-secret', 4096);
      expect(await changeCount()).to.equal(before + 1);
      expect(await lastChange()).to.deep.equal({ version: 2, entity_path: 'users/alice' });
    });

    it('deletes one mechanism and keeps the other keys of the user, and describes without salt, keys or password', async () => {
      await zk.createPersistentPath('/config/users/bob%20b', Buffer.from('{"version":1,"config":{"consumer_byte_rate":"2048"}}'));
      const add = await viaZk('--alter', '--user', 'bob b', '--add-config', 'SCRAM-SHA-256=[password=pw1],SCRAM-SHA-512=[iterations=5000,password=pw2]');
      expect(add.code).to.equal(0);
      const del = await viaZk('--alter', '--entity-type', 'users', '--entity-name', 'bob b', '--delete-config', 'SCRAM-SHA-512');
      expect(del.stdout).to.equal(`${ZK_WARNING}Completed updating config for entity: user-principal 'bob b'.\n`);
      const config = await userConfig('bob%20b');
      expect(Object.keys(config).sort()).to.deep.equal(['SCRAM-SHA-256', 'consumer_byte_rate']);
      expect(config.consumer_byte_rate).to.equal('2048');
      expectVerifies(config['SCRAM-SHA-256'], 'SCRAM-SHA-256', 'pw1', 4096);

      const one = await viaZk('--describe', '--entity-type', 'users', '--entity-name', 'bob b');
      expect(one.code).to.equal(0);
      const line = one.stdout.slice(ZK_WARNING.length);
      expect(line).to.match(/^Configs for user-principal 'bob b' are /);
      expect(line).to.contain('SCRAM-SHA-256=iterations=4096').and.to.contain('consumer_byte_rate=2048');
      const all = await viaZk('--describe', '--entity-type', 'users');
      expect(all.stdout).to.contain("Configs for user-principal 'alice' are SCRAM-SHA-256=iterations=8192,SCRAM-SHA-512=iterations=4096\n");
      for (const out of [one.stdout, all.stdout]) {
        expect(out).to.not.match(/salt|stored_key|server_key|pw1|alice-secret/);
      }
    });

    it('refuses deleting a config the user does not have, with nothing written', async () => {
      const before = await changeCount();
      const result = await viaZk('--alter', '--user', 'alice', '--delete-config', 'SCRAM-SHA-512,nope');
      expect(result.code).to.equal(1);
      expect(result.stderr).to.equal('Invalid config(s): nope\n');
      expect(Object.keys(await userConfig('alice')).sort()).to.deep.equal(['SCRAM-SHA-256', 'SCRAM-SHA-512']);
      expect(await changeCount()).to.equal(before);
    });
  });

  describe('with --bootstrap-server', () => {
    it('adds credentials through AlterUserScramCredentials and describes them as Kafka prints them', async () => {
      const before = await changeCount();
      const add = await viaBroker('--alter', '--entity-type', 'users', '--entity-name', 'carol',
        '--add-config', 'SCRAM-SHA-256=[iterations=8192,password=carol-secret],SCRAM-SHA-512=[password=carol-secret]');
      expect(add.stderr).to.equal('');
      expect(add.stdout).to.equal('Completed updating config for user carol.\n');
      const config = await userConfig('carol');
      expectVerifies(config['SCRAM-SHA-256'], 'SCRAM-SHA-256', 'carol-secret', 8192);
      expectVerifies(config['SCRAM-SHA-512'], 'SCRAM-SHA-512', 'carol-secret', 4096);
      expect(await changeCount()).to.equal(before + 1);
      expect(await lastChange()).to.deep.equal({ version: 2, entity_path: 'users/carol' });

      const describe = await viaBroker('--describe', '--entity-type', 'users', '--entity-name', 'carol');
      expect(describe.code).to.equal(0);
      expect(describe.stdout).to.equal("SCRAM credential configs for user-principal 'carol' are SCRAM-SHA-256=iterations=8192, SCRAM-SHA-512=iterations=4096\n");
      const nobody = await viaBroker('--describe', '--user', 'nobody');
      expect(nobody.code).to.equal(0);
      expect(nobody.stdout).to.equal("Error retrieving SCRAM credential configs for user-principal 'nobody': ExecutionException: "
        + 'org.apache.kafka.common.errors.ResourceNotFoundException: Attempt to describe a user credential that does not exist: nobody\n');
      // Kafka 2.8 asks for the quotas first, with one name per type.
      const two = await viaBroker('--describe', '--entity-type', 'users', '--entity-name', 'carol', '--entity-name', 'nobody');
      expect(two.stderr).to.equal('More entity names specified than entity types\n');
      expect(two.code).to.equal(1);
      const all = await viaBroker('--describe', '--entity-type', 'users');
      expect(all.stdout).to.contain("SCRAM credential configs for user-principal 'carol' are SCRAM-SHA-256=iterations=8192, SCRAM-SHA-512=iterations=4096\n");
      expect(all.stdout).to.contain("SCRAM credential configs for user-principal 'bob b' are SCRAM-SHA-256=iterations=4096\n");
      expect(all.stdout).to.not.match(/salt|stored_key|server_key|secret/);
    });

    it('deletes a mechanism, and reports the broker refusing a missing credential or too many iterations', async () => {
      const del = await viaBroker('--alter', '--user', 'carol', '--delete-config', 'SCRAM-SHA-512');
      expect(del.stdout).to.equal('Completed updating config for user carol.\n');
      expect(Object.keys(await userConfig('carol'))).to.deep.equal(['SCRAM-SHA-256']);
      const before = await changeCount();
      const again = await viaBroker('--alter', '--user', 'carol', '--delete-config', 'SCRAM-SHA-512');
      expect(again.code).to.equal(1);
      expect(again.stderr).to.contain('org.apache.kafka.common.errors.ResourceNotFoundException: Attempt to delete a user credential that does not exist');
      const many = await viaBroker('--alter', '--user', 'carol', '--add-config', 'SCRAM-SHA-256=[iterations=20000,password=carol-pw]');
      expect(many.code).to.equal(1);
      expect(many.stderr).to.contain('UnacceptableCredentialException: Too many iterations');
      expect(many.stderr).to.not.contain('carol-pw');
      expect(await changeCount()).to.equal(before);
    });
  });

  describe('topics with --zookeeper', () => {
    async function run(...args: string[]): Promise<{ code: number; out: string; err: string }> {
      const io = captureIo();
      const code = await main(['--zookeeper', fixture.zk.connectString, ...args], io);
      return { code, out: io.stdoutText().slice(ZK_WARNING.length), err: io.stderrText() };
    }

    before(async () => {
      const admin = new Admin({ bootstrapServers: fixture.native });
      try {
        await admin.createTopic({ topic: 'cfg', numPartitions: 1, replicationFactor: 1, configs: { 'cleanup.policy': 'delete' } });
      } finally {
        await admin.close();
      }
    });

    it("changes a topic's overrides in /config/topics, keeps the others, and notifies brokers", async () => {
      const before = await changeCount();
      const alter = await run('--alter', '--entity-type', 'topics', '--entity-name', 'cfg', '--add-config', 'retention.ms=60000,min.insync.replicas=1');
      expect(alter).to.deep.equal({ code: 0, out: "Completed updating config for entity: topic 'cfg'.\n", err: '' });
      const node = JSON.parse(((await zk.getData('/config/topics/cfg')).data as Buffer).toString('utf8'));
      expect(node).to.deep.equal({ version: 1, config: { 'cleanup.policy': 'delete', 'retention.ms': '60000', 'min.insync.replicas': '1' } });
      expect(await changeCount()).to.equal(before + 1);
      expect(await lastChange()).to.deep.equal({ version: 2, entity_path: 'topics/cfg' });
      expect((await run('--alter', '--topic', 'cfg', '--delete-config', 'min.insync.replicas')).code).to.equal(0);
      const describe = await run('--describe', '--topic', 'cfg');
      expect(describe.out).to.equal("Configs for topic 'cfg' are cleanup.policy=delete,retention.ms=60000\n");
    });

    it('refuses a topic that does not exist', async () => {
      const missing = await run('--alter', '--topic', 'nope', '--add-config', 'retention.ms=1');
      expect(missing.code).to.equal(1);
      expect(missing.err).to.contain("Topic 'nope' does not exist.");
    });
  });

  describe('--add-config-file', () => {
    it('reads the configs from a properties file, taking values as written', async () => {
      const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'samsa-configs-')), 'scram.properties');
      fs.writeFileSync(file, 'SCRAM-SHA-256=iterations=4500,password=file-secret\n');
      const io = captureIo();
      const code = await main(['--zookeeper', fixture.zk.connectString, '--alter', '--user', 'filed', '--add-config-file', file], io);
      expect(code, io.stderrText()).to.equal(0);
      expectVerifies((await userConfig('filed'))['SCRAM-SHA-256'], 'SCRAM-SHA-256', 'file-secret', 4500);
    });
  });

  describe('bad input: a clear error, exit code 1, nothing written', () => {
    const bad: Array<[string, string[], string]> = [
      ['an unknown entity type', ['--alter', '--entity-type', 'people', '--entity-name', 'x', '--add-config', 'SCRAM-SHA-256=[password=p]'],
        'Invalid entity type people, the entity type must be one of topics,clients,users,brokers,ips with the --zookeeper argument'],
      ['a missing --entity-name', ['--alter', '--entity-type', 'users', '--add-config', 'SCRAM-SHA-256=[password=p]'],
        'an entity-name or default entity must be specified with --alter of users, clients, brokers or ips'],
      ['an unclosed bracket', ['--alter', '--user', 'x', '--add-config', 'SCRAM-SHA-256=[iterations=8192,password=p'],
        'Invalid entity config: all configs to be added must be in the format "key=val".'],
      ['iterations below 4096', ['--alter', '--user', 'x', '--add-config', 'SCRAM-SHA-256=[iterations=1000,password=p]'],
        'Iterations 1000 is less than the minimum 4096 required for SCRAM_SHA_256'],
      ['a missing password', ['--alter', '--user', 'x', '--add-config', 'SCRAM-SHA-512=[iterations=8192]'],
        'Invalid credential property SCRAM_SHA_512=iterations=8192'],
      ['both --zookeeper and --bootstrap-server', ['--bootstrap-server', 'localhost:9092', '--describe', '--user', 'x'],
        'Only one of --bootstrap-server or --zookeeper must be specified'],
      ['an entity type Samsa does not have', ['--alter', '--entity-type', 'ips', '--entity-name', '10.0.0.1', '--add-config', 'connection_creation_rate=1'],
        "Entity type 'ips' is not supported by samsa-configs (Samsa has no connection quotas); supported: topics, clients, users, brokers"],
      ['an invalid topic config value', ['--alter', '--topic', 'cfg', '--add-config', 'retention.ms=soon'],
        'Invalid value soon for configuration retention.ms: Not a number of type LONG'],
      ['two names for one entity type', ['--alter', '--entity-type', 'users', '--entity-name', 'a', '--entity-name', 'b', '--add-config', 'SCRAM-SHA-256=[password=p]'],
        '--entity-name or --entity-default must be specified with each --entity-type for --alter'],
      ['no action', ['--user', 'x'], 'Command must include exactly one action: --describe, --alter'],
      ['nothing to change', ['--alter', '--user', 'x'], 'At least one of --add-config, --add-config-file, or --delete-config must be specified with --alter'],
      ['an unknown user config', ['--alter', '--user', 'x', '--add-config', 'colour=blue'], 'Unknown Dynamic Configuration: Set(colour).'],
      ['a credential for the default user', ['--alter', '--entity-type', 'users', '--entity-default', '--add-config', 'SCRAM-SHA-256=[password=p]'],
        'Unknown Dynamic Configuration: Set(SCRAM-SHA-256).'],
    ];
    for (const [what, args, message] of bad) {
      it(`refuses ${what}`, async () => {
        const io = captureIo();
        const code = await main(['--zookeeper', fixture.zk.connectString, ...args], io);
        expect(code).to.equal(1);
        expect(io.stderrText()).to.contain(message);
        expect(io.stderrText()).to.not.match(/\n\s+at /);
      });
    }

    it('never repeats a password in a message, even one holding commas or spaces', () => {
      expect(hidePasswords('SCRAM-SHA-256=[iterations=8192,password=a, b],SCRAM-SHA-512=[password=c]'))
        .to.equal('SCRAM-SHA-256=[iterations=8192,password=[hidden]],SCRAM-SHA-512=[password=[hidden]]');
      expect(hidePasswords('iterations=x,password=p q,r')).to.equal('iterations=x,password=[hidden]');
    });

    it('leaves ZooKeeper untouched after all of them, and refuses bad --bootstrap-server input before connecting', async () => {
      expect((await zk.getChildren('/config/users')).sort()).to.deep.equal(['alice', 'bob%20b', 'carol', 'filed']);
      const io = captureIo();
      const code = await main(['--bootstrap-server', '127.0.0.1:1', '--alter', '--user', 'x', '--add-config', 'SCRAM-SHA-256=[iterations=10,password=p]'], io);
      expect(code).to.equal(1);
      expect(io.stderrText()).to.equal('Iterations 10 is less than the minimum 4096 required for SCRAM-SHA-256\n');
      const process = await runCli('samsa-configs', ['--bootstrap-server', fixture.native, '--alter', '--user', 'x', '--add-config', 'SCRAM-SHA-1=[password=p]']);
      expect(process.code).to.equal(1);
      expect(process.stderr).to.equal("Only quota and SCRAM credential configs can be added for 'users' using --bootstrap-server. Unexpected config names: Set(SCRAM-SHA-1)\n");
    });
  });
});
