import { expect } from 'chai';
import * as fs from 'fs';
import * as path from 'path';
import { Kafka, logLevel } from 'kafkajs';
import { ZkClient } from '../../lib/zk/zk-client';
import { brokerTlsOverrides, testCerts } from '../helpers/certs';
import { BrokerProcess, freePort, spawnBroker, tempDir } from '../helpers/cluster';
import { runKcat } from '../helpers/kcat';
import { CliResult, runCli } from '../helpers/run-cli';
import { waitUntil } from '../helpers/wait';
import { startTestZooKeeper, TestZooKeeper } from '../helpers/zookeeper';

/**
 * Issue 10 end to end, as an operator and users would meet it: SCRAM users created with
 * samsa-configs, a broker whose every listener is SASL_SSL (the native one also carries the
 * controller's and followers' traffic), ACLs in ZooKeeper managed with samsa-acls, and the console
 * tools, kcat and KafkaJS as separate clients. Every step runs the real tools as processes.
 */
const certs = testCerts();
const SCRAM_LOGIN = 'org.apache.kafka.common.security.scram.ScramLoginModule required';

function clientProperties(dir: string, name: string, user: string, password: string, mechanism = 'SCRAM-SHA-256'): string {
  const file = path.join(dir, `${name}.properties`);
  fs.writeFileSync(file, [
    'security.protocol=SASL_SSL', 'ssl.truststore.type=PEM', `ssl.truststore.location=${certs.ca}`, `sasl.mechanism=${mechanism}`,
    `sasl.jaas.config=${SCRAM_LOGIN} username="${user}" password="${password}";`,
  ].join('\n') + '\n');
  return file;
}

async function addUser(zkConnect: string, user: string, password: string, mechanism = 'SCRAM-SHA-256'): Promise<void> {
  const res = await runCli('samsa-configs', ['--zookeeper', zkConnect, '--alter', '--entity-type', 'users', '--entity-name', user,
    '--add-config', `${mechanism}=[iterations=4096,password=${password}]`]);
  expect(res.code, res.stderr).to.equal(0);
}

/** Broker keys for SASL_SSL listeners with SCRAM, the inter-broker login as `admin`, and the ACL authorizer. */
function securedBrokerOverrides(listeners: string, protocolMap: string, extra: Record<string, string> = {}): Record<string, string> {
  return brokerTlsOverrides(certs, {
    listeners,
    'listener.security.protocol.map': protocolMap,
    'sasl.enabled.mechanisms': 'SCRAM-SHA-256,SCRAM-SHA-512',
    'sasl.mechanism.inter.broker.protocol': 'SCRAM-SHA-512',
    'listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config': `${SCRAM_LOGIN} username="admin" password="admin-secret";`,
    'authorizer.class.name': 'kafka.security.authorizer.AclAuthorizer',
    'super.users': 'User:admin',
    'offsets.topic.replication.factor': '1', 'offsets.topic.num.partitions': '3', 'group.initial.rebalance.delay.ms': '0',
    ...extra,
  });
}

describe('system/security', function () {
  this.timeout(300000);

  describe('one broker, SASL_SSL on both wire protocols, ACLs', () => {
    let zk: TestZooKeeper;
    let broker: BrokerProcess;
    let dir: string;
    let bootstrap: string;
    let kafkaBootstrap: string;
    let admin: string;
    let alice: string;

    const produce = (config: string, topic: string, lines: string[]): Promise<CliResult> =>
      runCli('samsa-console-producer', ['--bootstrap-server', bootstrap, '--topic', topic, '--producer.config', config], { input: lines.join('\n') + '\n', timeoutMs: 60000 });
    const consume = (config: string, topic: string, group: string, max: number): Promise<CliResult> =>
      runCli('samsa-console-consumer', ['--bootstrap-server', bootstrap, '--topic', topic, '--group', group, '--from-beginning',
        '--max-messages', String(max), '--timeout-ms', '15000', '--consumer.config', config], { timeoutMs: 60000 });
    const acls = async (args: string[]): Promise<CliResult> => {
      const res = await runCli('samsa-acls', ['--bootstrap-server', bootstrap, '--command-config', admin, ...args]);
      expect(res.code, res.stdout + res.stderr).to.equal(0);
      return res;
    };

    before(async () => {
      zk = await startTestZooKeeper();
      dir = tempDir('security-e2e');
      await addUser(zk.connectString, 'admin', 'admin-secret', 'SCRAM-SHA-512');
      await addUser(zk.connectString, 'alice', 'alice-secret');
      await addUser(zk.connectString, 'bob', 'bob-secret');
      const [nativePort, kafkaPort] = [await freePort(), await freePort()];
      broker = await spawnBroker({
        brokerId: 1, zkConnect: zk.connectString, port: nativePort,
        overrides: securedBrokerOverrides(`SASL_SSL://localhost:${nativePort},KAFKA://localhost:${kafkaPort}`, 'SASL_SSL:SASL_SSL,KAFKA:SASL_SSL'),
      });
      bootstrap = `localhost:${nativePort}`;
      kafkaBootstrap = `localhost:${kafkaPort}`;
      admin = clientProperties(dir, 'admin', 'admin', 'admin-secret', 'SCRAM-SHA-512');
      alice = clientProperties(dir, 'alice', 'alice', 'alice-secret');
      for (const topic of ['orders', 'pay-eu', 'payroll', 'other']) {
        const res = await runCli('samsa-topics', ['--bootstrap-server', bootstrap, '--command-config', admin, '--create', '--topic', topic, '--partitions', '1', '--replication-factor', '1']);
        expect(res.code, res.stderr).to.equal(0);
      }
    });

    after(async () => {
      await broker?.stop('SIGKILL');
      await zk?.stop();
    });

    it('denies a SCRAM user without ACLs both produce and consume, naming the topic', async () => {
      const produced = await produce(alice, 'orders', ['denied']);
      expect(produced.code).to.equal(1);
      expect(produced.stdout + produced.stderr).to.contain('Not authorized to access topics: [orders]');
      const consumed = await consume(alice, 'orders', 'alice-group', 1);
      expect(consumed.code).to.equal(1);
      expect(consumed.stdout + consumed.stderr).to.match(/Not authorized to access (topics: \[orders\]|group: alice-group)/);
    });

    it('lets alice produce after samsa-acls --producer, while consuming stays denied', async () => {
      const added = await acls(['--add', '--allow-principal', 'User:alice', '--producer', '--topic', 'orders']);
      expect(added.stdout).to.contain('Adding ACLs for resource `ResourcePattern(resourceType=TOPIC, name=orders, patternType=LITERAL)`');
      await waitUntil('alice may produce', async () => (await produce(alice, 'orders', ['o1', 'o2', 'o3'])).code === 0, 30000, 500);
      const consumed = await consume(alice, 'orders', 'alice-group', 1);
      expect(consumed.code).to.equal(1);
      const asAdmin = await consume(admin, 'orders', 'admin-group', 3);
      expect(asAdmin.code, asAdmin.stderr).to.equal(0);
      expect(asAdmin.stdout.split('\n').filter((l) => l.startsWith('o'))).to.include.members(['o1', 'o2', 'o3']);
    });

    it('lets a DENY beat an ALLOW', async () => {
      await acls(['--add', '--allow-principal', 'User:alice', '--consumer', '--topic', 'orders', '--group', 'alice-group']);
      const allowed = await consume(alice, 'orders', 'alice-group', 3);
      expect(allowed.code, allowed.stderr).to.equal(0);
      await acls(['--add', '--deny-principal', 'User:alice', '--operation', 'Read', '--topic', 'orders']);
      await waitUntil('the DENY applies', async () => (await consume(alice, 'orders', 'alice-group-2', 1)).code === 1, 30000, 500);
      const listed = await acls(['--list', '--topic', 'orders']);
      expect(listed.stdout).to.contain('(principal=User:alice, host=*, operation=READ, permissionType=DENY)');
      expect(listed.stdout).to.contain('(principal=User:alice, host=*, operation=READ, permissionType=ALLOW)');
    });

    it('applies PREFIXED ACLs to every topic with the prefix and to nothing else', async () => {
      await acls(['--add', '--allow-principal', 'User:alice', '--operation', 'Write', '--topic', 'pay-', '--resource-pattern-type', 'prefixed']);
      await waitUntil('alice may produce to pay-eu', async () => (await produce(alice, 'pay-eu', ['p1'])).code === 0, 30000, 500);
      const payroll = await produce(alice, 'payroll', ['nope']);
      expect(payroll.code).to.equal(1);
      expect(payroll.stdout + payroll.stderr).to.contain('Not authorized to access topics: [payroll]');
    });

    it('lets the super user do everything without any ACL', async () => {
      const produced = await produce(admin, 'other', ['a1', 'a2']);
      expect(produced.code, produced.stderr).to.equal(0);
      const consumed = await consume(admin, 'other', 'admin-other', 2);
      expect(consumed.code, consumed.stderr).to.equal(0);
      expect(consumed.stdout).to.contain('a1');
    });

    it('refuses a wrong password with a generic message, and logs the peer address', async () => {
      const wrong = clientProperties(dir, 'alice-wrong', 'alice', 'not-her-password');
      const res = await produce(wrong, 'orders', ['x']);
      expect(res.code).to.equal(1);
      expect(res.stdout + res.stderr).to.contain('Authentication failed');
      expect(res.stdout + res.stderr).not.to.contain('not-her-password');
      const nobody = await produce(clientProperties(dir, 'nobody', 'nobody', 'whatever'), 'orders', ['x']);
      expect(nobody.code).to.equal(1);
      // The same words whether or not the user exists.
      const reason = (r: CliResult) => (r.stdout + r.stderr).split('\n').find((l) => l.includes('Authentication failed'))?.replace(/^\[[^\]]*\] /, '');
      expect(reason(nobody)).to.equal(reason(res));
      await waitUntil('a broker log line for the failure', async () => /Failed authentication with .*127\.0\.0\.1/.test(broker.output()), 10000, 200);
      expect(broker.output()).not.to.contain('not-her-password');
    });

    it('serves kcat and KafkaJS authenticating with SCRAM over TLS on the Kafka listener, with Metadata hiding what alice may not see', async () => {
      const kcatAuth = ['-X', 'security.protocol=SASL_SSL', '-X', `ssl.ca.location=${certs.ca}`, '-X', 'sasl.mechanisms=SCRAM-SHA-256',
        '-X', 'sasl.username=alice', '-X', 'sasl.password=alice-secret'];
      const produced = await runKcat(['-b', kafkaBootstrap, ...kcatAuth, '-P', '-t', 'pay-eu'], { input: 'k1\nk2\n' });
      expect(produced.code, produced.stderr).to.equal(0);
      const denied = await runKcat(['-b', kafkaBootstrap, ...kcatAuth, '-P', '-t', 'payroll'], { input: 'k3\n' });
      expect(denied.stderr).to.match(/Topic authorization failed/i);

      const kafka = new Kafka({
        clientId: 'security-e2e', brokers: [kafkaBootstrap], logLevel: logLevel.NOTHING, retry: { retries: 2, initialRetryTime: 100 },
        ssl: { ca: [certs.caPem] }, sasl: { mechanism: 'scram-sha-256', username: 'alice', password: 'alice-secret' },
      });
      const kafkaAdmin = kafka.admin();
      await kafkaAdmin.connect();
      try {
        const topics = await kafkaAdmin.listTopics();
        expect(topics).to.include.members(['orders', 'pay-eu']);
        expect(topics).not.to.include('other');
      } finally {
        await kafkaAdmin.disconnect();
      }
      const producer = kafka.producer();
      await producer.connect();
      try {
        await producer.send({ topic: 'pay-eu', messages: [{ value: 'from-kafkajs' }] });
      } finally {
        await producer.disconnect();
      }
      const read = await consume(admin, 'pay-eu', 'admin-pay', 4);
      expect(read.code, read.stderr).to.equal(0);
      expect(read.stdout.split('\n')).to.include.members(['p1', 'k1', 'k2', 'from-kafkajs']);
    });

    it('stops a user deleted from ZooKeeper from authenticating', async () => {
      const bob = clientProperties(dir, 'bob', 'bob', 'bob-secret');
      await acls(['--add', '--allow-principal', 'User:bob', '--producer', '--topic', 'other']);
      await waitUntil('bob may produce', async () => (await produce(bob, 'other', ['b1'])).code === 0, 30000, 500);
      const deleted = await runCli('samsa-configs', ['--zookeeper', zk.connectString, '--alter', '--entity-type', 'users', '--entity-name', 'bob', '--delete-config', 'SCRAM-SHA-256']);
      expect(deleted.code, deleted.stderr).to.equal(0);
      await waitUntil('bob can no longer log in', async () => {
        const res = await produce(bob, 'other', ['b2']);
        return res.code === 1 && (res.stdout + res.stderr).includes('Authentication failed');
      }, 30000, 500);
    });
  });

  describe('three brokers whose inter-broker listener is SASL_SSL', () => {
    let zk: TestZooKeeper;
    let zkClient: ZkClient;
    const brokers = new Map<number, BrokerProcess>();
    const ports = new Map<number, number>();
    let dir: string;
    let admin: string;
    const bootstrapOf = (ids: number[]) => ids.map((id) => `localhost:${ports.get(id)}`).join(',');

    before(async () => {
      zk = await startTestZooKeeper();
      zkClient = await ZkClient.connect({ connectString: zk.connectString, sessionTimeoutMs: 10000 });
      dir = tempDir('security-cluster');
      await addUser(zk.connectString, 'admin', 'admin-secret', 'SCRAM-SHA-512');
      admin = clientProperties(dir, 'admin', 'admin', 'admin-secret', 'SCRAM-SHA-512');
      for (const id of [1, 2, 3]) ports.set(id, await freePort());
      await Promise.all([1, 2, 3].map(async (id) => {
        brokers.set(id, await spawnBroker({
          brokerId: id, zkConnect: zk.connectString, port: ports.get(id)!,
          overrides: securedBrokerOverrides(`SASL_SSL://localhost:${ports.get(id)}`, 'SASL_SSL:SASL_SSL', { 'zookeeper.session.timeout.ms': '6000' }),
        }));
      }));
      // With the authorizer on and no ACLs, only the brokers' own login (User:admin, a super user)
      // may send inter-broker requests: replication below works only if the controller and the
      // followers authenticate as admin over SASL_SSL.
      await waitUntil('three brokers registered', async () => (await zkClient.getChildren('/brokers/ids')).length === 3, 30000, 100);
    });

    after(async () => {
      for (const b of brokers.values()) await b.stop('SIGKILL');
      zkClient?.close();
      await zk?.stop();
    });

    async function partitionState(): Promise<{ leader: number; isr: number[] }> {
      const { data } = await zkClient.getData('/brokers/topics/replicated/partitions/0/state');
      return JSON.parse(String(data)) as { leader: number; isr: number[] };
    }

    it('replicates over SASL_SSL and fails over when the leader is SIGKILLed', async () => {
      const created = await runCli('samsa-topics', ['--bootstrap-server', bootstrapOf([1, 2, 3]), '--command-config', admin, '--create', '--topic', 'replicated',
        '--partitions', '1', '--replication-factor', '3', '--config', 'min.insync.replicas=2']);
      expect(created.code, created.stderr).to.equal(0);
      const first = [...Array(100).keys()].map((i) => `r${i}`);
      const produced = await runCli('samsa-console-producer', ['--bootstrap-server', bootstrapOf([1, 2, 3]), '--topic', 'replicated',
        '--producer.config', admin, '--producer-property', 'acks=all'], { input: first.join('\n') + '\n', timeoutMs: 60000 });
      expect(produced.code, produced.stderr).to.equal(0);
      await waitUntil('all three replicas in sync', async () => (await partitionState()).isr.length === 3, 30000, 200);
      const { leader } = await partitionState();
      await brokers.get(leader)!.stop('SIGKILL');
      const survivors = [1, 2, 3].filter((id) => id !== leader);
      await waitUntil('a surviving leader', async () => survivors.includes((await partitionState()).leader), 30000, 200);
      const second = [...Array(100).keys()].map((i) => `s${i}`);
      const after = await runCli('samsa-console-producer', ['--bootstrap-server', bootstrapOf(survivors), '--topic', 'replicated',
        '--producer.config', admin, '--producer-property', 'acks=all'], { input: second.join('\n') + '\n', timeoutMs: 90000 });
      expect(after.code, after.stderr).to.equal(0);
      const read = await runCli('samsa-console-consumer', ['--bootstrap-server', bootstrapOf(survivors), '--topic', 'replicated', '--from-beginning',
        '--max-messages', '200', '--timeout-ms', '30000', '--consumer.config', admin], { timeoutMs: 90000 });
      expect(read.code, read.stderr).to.equal(0);
      expect(read.stdout.split('\n').filter((l) => l !== '')).to.deep.equal([...first, ...second]);
    });

    it('lets a user created in ZooKeeper log in on every broker, and no broker once deleted, without restarts', async () => {
      const live = [...brokers.keys()].filter((id) => brokers.get(id)!.process.exitCode === null && brokers.get(id)!.process.signalCode === null);
      const dave = clientProperties(dir, 'dave', 'dave', 'dave-secret');
      const listAs = (id: number) => runCli('samsa-topics', ['--bootstrap-server', bootstrapOf([id]), '--command-config', dave, '--list'], { timeoutMs: 60000 });
      await addUser(zk.connectString, 'dave', 'dave-secret');
      for (const id of live) {
        await waitUntil(`broker ${id} accepts dave`, async () => (await listAs(id)).code === 0, 20000, 300);
      }
      const deleted = await runCli('samsa-configs', ['--zookeeper', zk.connectString, '--alter', '--entity-type', 'users', '--entity-name', 'dave', '--delete-config', 'SCRAM-SHA-256']);
      expect(deleted.code, deleted.stderr).to.equal(0);
      for (const id of live) {
        await waitUntil(`broker ${id} refuses dave`, async () => {
          const res = await listAs(id);
          return res.code === 1 && (res.stdout + res.stderr).includes('Authentication failed');
        }, 20000, 300);
      }
    });
  });
});
