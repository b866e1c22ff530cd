import { expect } from 'chai';
import * as fs from 'fs';
import * as path from 'path';
import { Broker } from '../../lib/broker/broker';
import { main as leaderElection } from '../../lib/cli/leader-election';
import { main as reassignPartitions } from '../../lib/cli/reassign-partitions';
import { main as topicsMain } from '../../lib/cli/topics';
import { Admin } from '../../lib/client/admin';
import { Producer } from '../../lib/client/producer';
import { captureIo } from '../cli/capture-io';
import { startBroker, tempDir } from '../helpers/cluster';
import { waitUntil } from '../helpers/wait';
import { runCli } from '../helpers/run-cli';
import { startTestZooKeeper, TestZooKeeper } from '../helpers/zookeeper';
import { EntityConfigStore } from '../../lib/zk/entity-config';
import { ZkClient } from '../../lib/zk/zk-client';

/**
 * The replication admin tools against a real ZooKeeper and three in-process brokers: a preferred
 * leader election after a broker restart, and a reassignment executed, verified and completed,
 * with the tools bootstrapped from a broker that is not the controller.
 */
describe('integration/replication-tools', function () {
  this.timeout(120000);
  const OVERRIDES = {
    // Leadership must stay put after the restart so the test, not the controller, moves it back.
    'auto.leader.rebalance.enable': false,
    'replica.fetch.backoff.ms': 200,
    'replica.lag.time.max.ms': 5000,
  };
  let zk: TestZooKeeper;
  const brokers = new Map<number, Broker>();
  const logDirs = new Map<number, string>();
  let admin: Admin;
  let bootstrap: string;
  let workDir: string;

  async function start(id: number, port?: number): Promise<void> {
    brokers.set(id, await startBroker({ brokerId: id, zkConnect: zk.connectString, logDir: logDirs.get(id), port, overrides: OVERRIDES }));
  }

  async function run(tool: (argv: string[], io: ReturnType<typeof captureIo>) => Promise<number>, args: string[]): Promise<{ code: number; out: string; err: string }> {
    const io = captureIo();
    const code = await tool(['--bootstrap-server', bootstrap, ...args], io);
    return { code, out: io.stdoutText(), err: io.stderrText() };
  }

  async function partition(topic: string, index: number): Promise<{ leader: number; replicas: number[]; isr: number[] }> {
    const [desc] = await admin.describeTopics([topic]);
    const p = desc.partitions.find((x) => x.partition === index)!;
    return { leader: p.leader, replicas: p.replicas, isr: [...p.isr].sort() };
  }

  before(async () => {
    zk = await startTestZooKeeper();
    workDir = tempDir('replication-tools');
    for (const id of [1, 2, 3]) logDirs.set(id, tempDir(`tools-broker${id}`));
    for (const id of [1, 2, 3]) await start(id);
    const all = [...brokers.values()].map((b) => `127.0.0.1:${b.port}`).join(',');
    admin = new Admin({ bootstrapServers: all });
    await waitUntil('a controller with all three brokers', async () => {
      const cluster = await admin.describeCluster();
      return cluster.controllerId > 0 && cluster.brokers.length === 3;
    });
    // The tools talk to one broker that is not the controller: they must find the controller themselves.
    const { controllerId } = await admin.describeCluster();
    const other = [1, 2, 3].find((id) => id !== controllerId)!;
    bootstrap = `127.0.0.1:${brokers.get(other)!.port}`;
  });

  after(async () => {
    await admin?.close();
    for (const b of brokers.values()) await b.shutdown().catch(() => undefined);
    await zk?.stop();
    for (const dir of [...logDirs.values(), workDir]) if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('moves leadership back to the preferred replica after a restart with samsa-leader-election', async () => {
    await admin.createTopic({ topic: 'elect', replicaAssignment: { 0: [1, 2, 3], 1: [2, 3, 1] } });
    await waitUntil('elect fully replicated', async () => (await partition('elect', 0)).isr.length === 3 && (await partition('elect', 1)).isr.length === 3);

    const port = brokers.get(1)!.port;
    await brokers.get(1)!.shutdown();
    await waitUntil('leadership of elect-0 to leave broker 1', async () => [2, 3].includes((await partition('elect', 0)).leader));
    await start(1, port);
    await waitUntil('broker 1 back in the ISRs of elect', async () =>
      (await partition('elect', 0)).isr.includes(1) && (await partition('elect', 1)).isr.includes(1), 60000, 100);
    expect((await partition('elect', 0)).leader).to.not.equal(1);

    // Once through the bin/ launcher, as a user would run it.
    const elected = await runCli('samsa-leader-election', ['--bootstrap-server', bootstrap, '--election-type', 'PREFERRED', '--topic', 'elect', '--partition', '0']);
    expect(elected.code, elected.stderr).to.equal(0);
    expect(elected.stdout).to.equal('Successfully completed leader election (PREFERRED) for partitions elect-0\n');
    await waitUntil('broker 1 to lead elect-0 in the metadata', async () => (await partition('elect', 0)).leader === 1);

    const file = path.join(workDir, 'election.json');
    fs.writeFileSync(file, JSON.stringify({ partitions: [{ topic: 'elect', partition: 0 }, { topic: 'elect', partition: 1 }] }));
    const again = await run(leaderElection, ['--election-type', 'preferred', '--path-to-json-file', file]);
    expect(again.code, again.err).to.equal(0);
    expect(again.out).to.equal('Valid replica already elected for partitions elect-0, elect-1\n');

    const under = await run(topicsMain, ['--describe', '--topic', 'elect', '--under-replicated-partitions']);
    expect(under.code, under.err).to.equal(0);
    expect(under.out).to.equal('');
  });

  it('reassigns a partition to other brokers with --execute, then --verify reports it completed', async () => {
    await admin.createTopic({ topic: 'moving', replicaAssignment: { 0: [1, 2] } });
    await waitUntil('moving fully replicated', async () => (await partition('moving', 0)).isr.length === 2);
    const producer = new Producer({ bootstrapServers: bootstrap, acks: 'all', lingerMs: 0 });
    try {
      await Promise.all(Array.from({ length: 5 }, (_, i) => producer.send({ topic: 'moving', partition: 0, value: Buffer.from(`record-${i}`) })));
    } finally {
      await producer.close();
    }

    const plan = path.join(workDir, 'plan.json');
    fs.writeFileSync(plan, JSON.stringify({ version: 1, partitions: [{ topic: 'moving', partition: 0, replicas: [3, 2], log_dirs: ['any', 'any'] }] }));
    const executed = await run(reassignPartitions, ['--execute', '--reassignment-json-file', plan]);
    expect(executed.code, executed.err).to.equal(0);
    expect(executed.out).to.equal(
      'Current partition replica assignment\n\n' +
      '{"version":1,"partitions":[{"topic":"moving","partition":0,"replicas":[1,2],"log_dirs":["any","any"]}]}\n\n' +
      'Save this to use as the --reassignment-json-file option during rollback\n' +
      'Successfully started partition reassignment for moving-0\n');

    let status = '';
    await waitUntil('the reassignment of moving-0 to complete', async () => {
      const verified = await run(reassignPartitions, ['--verify', '--reassignment-json-file', plan]);
      expect(verified.code, verified.err).to.equal(0);
      status = verified.out;
      return status.includes('is completed.');
    }, 60000, 250);
    expect(status).to.equal('Status of partition reassignment:\nReassignment of partition moving-0 is completed.\n\n'
      + 'Clearing broker-level throttles on brokers 1,2,3\nClearing topic-level throttles on topic moving\n');

    const after = await partition('moving', 0);
    expect(after.replicas).to.deep.equal([3, 2]);
    expect(after.leader).to.be.oneOf([3, 2]);
    expect(await admin.listOffsets('moving', 0, 'latest')).to.equal(5);
    const listed = await run(reassignPartitions, ['--list']);
    expect(listed.out).to.equal('No partition reassignments found.\n');
  });
  it('throttles a reassignment with --throttle: the new replica catches up no faster than the rate, and --verify removes the throttles', async () => {
    await admin.createTopic({ topic: 'throttled', replicaAssignment: { 0: [1] } });
    const producer = new Producer({ bootstrapServers: bootstrap, acks: 1, lingerMs: 5 });
    try {
      const value = Buffer.alloc(1000, 't');
      await Promise.all(Array.from({ length: 3000 }, () => producer.send({ topic: 'throttled', partition: 0, value })));
    } finally {
      await producer.close();
    }
    const plan = path.join(workDir, 'throttled.json');
    fs.writeFileSync(plan, JSON.stringify({ version: 1, partitions: [{ topic: 'throttled', partition: 0, replicas: [1, 3] }] }));
    const started = Date.now();
    const executed = await run(reassignPartitions, ['--execute', '--reassignment-json-file', plan, '--throttle', '500000']);
    expect(executed.code, executed.err).to.equal(0);
    expect(executed.out).to.contain('Warning: You must run --verify periodically, until the reassignment completes, to ensure the throttle is removed.\n'
      + 'The inter-broker throttle limit was set to 500000 B/s\n');
    const zkClient = await ZkClient.connect({ connectString: zk.connectString, sessionTimeoutMs: 10000 });
    const configs = new EntityConfigStore(zkClient);
    try {
      expect(await configs.getConfig('topics', 'throttled')).to.deep.equal({
        'leader.replication.throttled.replicas': '0:1', 'follower.replication.throttled.replicas': '0:3',
      });
      expect(await configs.getConfig('brokers', '3')).to.include({ 'leader.replication.throttled.rate': '500000', 'follower.replication.throttled.rate': '500000' });
      let status = '';
      await waitUntil('the throttled reassignment to complete', async () => {
        status = (await run(reassignPartitions, ['--verify', '--reassignment-json-file', plan])).out;
        return status.includes('is completed.');
      }, 60000, 250);
      // About 3 MB at 500 KB/s: the first second's worth goes at once, the rest at the rate (unthrottled it takes well under a second).
      expect(Date.now() - started).to.be.at.least(3000);
      expect(status).to.contain('is completed.\n\nClearing broker-level throttles on brokers 1,2,3\nClearing topic-level throttles on topic throttled\n');
      expect(await configs.getConfig('topics', 'throttled')).to.deep.equal({});
      expect(await configs.getConfig('brokers', '1')).to.not.have.any.keys('leader.replication.throttled.rate', 'follower.replication.throttled.rate');
    } finally {
      await zkClient.close();
    }
  });
});
