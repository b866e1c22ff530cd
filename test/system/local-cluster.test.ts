import { expect } from 'chai';
import * as fs from 'fs';
import * as net from 'net';
import * as path from 'path';
import { Consumer } from '../../lib/client/consumer';
import { Producer } from '../../lib/client/producer';
import { zookeeperMode } from '../../lib/cli/local-cluster-probe';
import { ClusterState, portUnavailable, STATE_FILE_NAME } from '../../lib/cli/local-cluster-state';
import { tempDir } from '../helpers/cluster';
import { runKcat } from '../helpers/kcat';
import { CliResult, runCli } from '../helpers/run-cli';
import { waitUntil } from '../helpers/wait';

/**
 * bin/samsa-local-cluster run as a user would: it brings up a 3-node ZooKeeper ensemble and three
 * brokers, the cluster serves an RF=3 topic, survives one ZooKeeper being killed (and status says
 * so), and stop leaves no process and no bound port behind.
 */
describe('system/local-cluster', function () {
  this.timeout(120000);
  const dir = tempDir('local-cluster');
  let ports: Record<string, number>;
  let portArgs: string[];

  /**
   * Six consecutive-port ranges of three, all free now. Below Linux's ephemeral range (from
   * 32768), so neither a client's source port nor another test's port-0 listener takes one.
   */
  async function pickPorts(): Promise<Record<string, number>> {
    for (let attempt = 0; attempt < 50; attempt++) {
      const base = 20000 + Math.floor(Math.random() * 12000);
      const chosen = { zookeeper: base, peer: base + 10, election: base + 20, broker: base + 30, kafka: base + 40, http: base + 50 };
      const all = Object.values(chosen).flatMap((p) => [p, p + 1, p + 2]);
      const busy = await Promise.all(all.map((p) => portUnavailable('127.0.0.1', p)));
      if (busy.every((b) => b === null)) return chosen;
    }
    throw new Error('no free port ranges found');
  }

  const tool = (...args: string[]): Promise<CliResult> => runCli('samsa-local-cluster', [...args, '--dir', dir], { timeoutMs: 90000 });
  const state = (): ClusterState => JSON.parse(fs.readFileSync(path.join(dir, STATE_FILE_NAME), 'utf8')) as ClusterState;
  /** A zombie counts as gone: it holds no ports, and init reaps it when it gets to it. */
  const alive = (pid: number): boolean => {
    try {
      process.kill(pid, 0);
    } catch {
      return false;
    }
    try {
      return !/^\d+ \(.*\) Z/.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
    } catch {
      return false;
    }
  };
  const bootstrap = (): string => `127.0.0.1:${ports.broker}`;
  let recorded: ClusterState | null = null;

  before(async () => {
    ports = await pickPorts();
    portArgs = ['--zookeeper-port', String(ports.zookeeper), '--zookeeper-peer-port', String(ports.peer),
      '--zookeeper-election-port', String(ports.election), '--broker-port', String(ports.broker),
      '--kafka-port', String(ports.kafka), '--http-port', String(ports.http)];
  });

  after(async () => {
    // Whatever a failed test left: stop through the tool, then make sure by pid.
    if (fs.existsSync(path.join(dir, STATE_FILE_NAME))) await tool('stop').catch(() => undefined);
    for (const p of recorded?.processes ?? []) {
      if (alive(p.pid)) process.kill(p.pid, 'SIGKILL');
    }
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('refuses to start when a port is taken, naming it and the option that moves it', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(ports.kafka + 1, '127.0.0.1', resolve));
    try {
      const refused = await tool('start', ...portArgs);
      expect(refused.code).to.equal(1);
      expect(refused.stderr).to.include(`port ${ports.kafka + 1} (broker 2 Kafka listener) is already in use; choose another --kafka-port`);
      expect(fs.existsSync(path.join(dir, STATE_FILE_NAME))).to.equal(false);
    } finally {
      await new Promise<void>((resolve) => blocker.close(() => resolve()));
    }
  });

  it('stops what it started and shows the log when a broker fails to start', async () => {
    // A file where broker 2's log directory must go: that broker exits during startup.
    const blocked = path.join(dir, 'broker-2', 'data');
    fs.mkdirSync(path.dirname(blocked), { recursive: true });
    fs.writeFileSync(blocked, 'not a directory');
    try {
      const failed = await tool('start', ...portArgs);
      expect(failed.code).to.equal(1);
      expect(failed.stderr).to.match(/broker 2 exited with code 1 while starting\. Last lines of .*broker-2\/samsaServer\.out:\n[\s\S]*Startup failed: .*broker-2\/data is not a directory/);
      expect(failed.stderr).to.include('Stopping the 6 process(es) this start launched.');
      expect(fs.existsSync(path.join(dir, STATE_FILE_NAME))).to.equal(false);
      const status = await tool('status');
      expect(status.code).to.equal(3);
      // Nothing it launched is left: every port is free again.
      const all = Object.values(ports).flatMap((p) => [p, p + 1, p + 2]);
      const problems = await Promise.all(all.map((p) => portUnavailable('127.0.0.1', p)));
      expect(problems.filter((p) => p !== null)).to.deep.equal([]);
    } finally {
      fs.rmSync(blocked, { force: true });
    }
  });

  it('starts a 3-node ZooKeeper ensemble and 3 brokers, and status reports every one up', async () => {
    const started = await tool('start', '--brokers', '3', '--zookeepers', '3', ...portArgs);
    expect(started.code, started.stderr + started.stdout).to.equal(0);
    expect(started.stdout).to.include(`Bootstrap servers:          127.0.0.1:${ports.broker},127.0.0.1:${ports.broker + 1},127.0.0.1:${ports.broker + 2}`);
    expect(started.stdout).to.include(`ZooKeeper connect:          127.0.0.1:${ports.zookeeper},127.0.0.1:${ports.zookeeper + 1},127.0.0.1:${ports.zookeeper + 2}`);
    expect(started.stdout).to.include(`http://127.0.0.1:${ports.http}/`);
    recorded = state();
    expect(recorded.processes.map((p) => `${p.role}-${p.id}`)).to.deep.equal(
      ['zookeeper-1', 'zookeeper-2', 'zookeeper-3', 'broker-1', 'broker-2', 'broker-3']);
    for (const p of recorded.processes) expect(alive(p.pid), `${p.role} ${p.id}`).to.equal(true);
    // The tool has exited; its processes are detached and still serving.
    const modes = await Promise.all([0, 1, 2].map((i) => zookeeperMode(ports.zookeeper + i)));
    expect(modes.filter((m) => m === 'leader')).to.have.length(1);
    expect(modes.filter((m) => m === 'follower')).to.have.length(2);

    const status = await tool('status');
    expect(status.code, status.stdout + status.stderr).to.equal(0);
    const rows = status.stdout.split('\n').filter((l) => /^(zookeeper|broker) /.test(l));
    expect(rows).to.have.length(6);
    for (const row of rows) expect(row).to.match(/\sup\s/);
    expect(rows.filter((r) => /\bleader\b/.test(r))).to.have.length(1);
    expect(rows.filter((r) => /^broker .*controller/.test(r))).to.have.length(1);

    const again = await tool('start', ...portArgs);
    expect(again.code).to.equal(1);
    expect(again.stderr).to.match(/already running in .*6 of 6 processes up/);
  });

  async function produce(topic: string, values: string[]): Promise<void> {
    const producer = new Producer({ bootstrapServers: bootstrap(), acks: 'all', requestTimeoutMs: 10000 });
    try {
      await Promise.all(values.map((v, i) => producer.send({ topic, partition: i % 3, value: Buffer.from(v) })));
    } finally {
      await producer.close();
    }
  }

  async function consumeAll(topic: string, count: number): Promise<string[]> {
    const consumer = new Consumer({ bootstrapServers: bootstrap(), autoOffsetReset: 'earliest' });
    const seen: string[] = [];
    try {
      consumer.assign([0, 1, 2].map((partition) => ({ topic, partition })));
      const deadline = Date.now() + 30000;
      while (seen.length < count && Date.now() < deadline) {
        for (const r of await consumer.poll(500)) seen.push(r.value!.toString());
      }
    } finally {
      await consumer.close();
    }
    return seen.sort();
  }

  it('serves a topic replicated to all three brokers', async () => {
    const created = await runCli('samsa-topics', ['--bootstrap-server', bootstrap(), '--create', '--topic', 'tour',
      '--partitions', '3', '--replication-factor', '3']);
    expect(created.code, created.stderr).to.equal(0);
    const described = await runCli('samsa-topics', ['--bootstrap-server', bootstrap(), '--describe', '--topic', 'tour']);
    expect(described.stdout).to.include('ReplicationFactor: 3');
    await produce('tour', ['a', 'b', 'c', 'd', 'e', 'f']);
    expect(await consumeAll('tour', 6)).to.deep.equal(['a', 'b', 'c', 'd', 'e', 'f']);
    // Kafka clients use the KAFKA listeners: kcat reads partition 0 (values a and d) through one.
    const read = await runKcat(['-b', `127.0.0.1:${ports.kafka + 2}`, '-C', '-t', 'tour', '-p', '0', '-o', 'beginning', '-e', '-q']);
    expect(read.code, read.stderr).to.equal(0);
    expect(read.stdout.split('\n').filter(Boolean)).to.deep.equal(['a', 'd']);
  });

  it('keeps serving when the ZooKeeper leader is killed, and status reports it down', async () => {
    const modes = await Promise.all([0, 1, 2].map((i) => zookeeperMode(ports.zookeeper + i)));
    const victimId = modes.indexOf('leader') + 1;
    expect(victimId).to.be.greaterThan(0);
    const victim = state().processes.find((p) => p.role === 'zookeeper' && p.id === victimId)!;
    process.kill(victim.pid, 'SIGKILL');
    await waitUntil('the killed ZooKeeper to be gone', async () => !alive(victim.pid), 10000, 50);

    const status = await tool('status');
    expect(status.code).to.equal(1);
    expect(status.stdout).to.match(new RegExp(`^zookeeper\\s+${victimId}\\s+${victim.pid}\\s+\\d+\\s+down\\s+process gone`, 'm'));
    // The survivors may be electing a new leader right now; until then nothing else serves either.
    expect(status.stdout).to.match(/Not all up: 1 down, [0-5] not ready, of 6 process\(es\)/);

    // The two survivors elect a new leader; brokers move their sessions over to them.
    await waitUntil('a new ZooKeeper leader', async () => {
      const now = await Promise.all([0, 1, 2].filter((i) => i !== victimId - 1).map((i) => zookeeperMode(ports.zookeeper + i)));
      return now.includes('leader') && now.includes('follower');
    }, 30000, 200);
    let settled: CliResult | null = null;
    await waitUntil('status: only the killed ZooKeeper not up', async () => {
      settled = await tool('status');
      return settled.stdout.includes('Not all up: 1 down, 0 not ready, of 6 process(es)');
    }, 30000, 500);
    expect(settled!.code).to.equal(1);
    await produce('tour', ['g', 'h', 'i']);
    const created = await runCli('samsa-topics', ['--bootstrap-server', bootstrap(), '--create', '--topic', 'after-zk-loss',
      '--partitions', '1', '--replication-factor', '3']);
    expect(created.code, created.stderr).to.equal(0);
    await produce('after-zk-loss', ['x']);
    expect(await consumeAll('tour', 9)).to.deep.equal(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i']);
  });

  it('stops every process it started and frees every port', async () => {
    const processes = state().processes;
    const stopped = await tool('stop');
    expect(stopped.code, stopped.stderr).to.equal(0);
    expect(stopped.stdout).to.match(/Stopped the local cluster/);
    for (const p of processes) expect(alive(p.pid), `${p.role} ${p.id} (pid ${p.pid})`).to.equal(false);
    const all = Object.values(ports).flatMap((p) => [p, p + 1, p + 2]);
    const busy = async () => (await Promise.all(all.map(async (p) => ({ p, problem: await portUnavailable('127.0.0.1', p) })))).filter((b) => b.problem !== null);
    // Sockets the kernel is still closing may hold a port for a moment; a listener would hold it for good.
    await waitUntil('every port free', async () => (await busy()).length === 0, 5000, 200).catch(() => undefined);
    expect(await busy()).to.deep.equal([]);
    expect(fs.existsSync(path.join(dir, STATE_FILE_NAME))).to.equal(false);
    // Data is kept; nothing runs, and the tool says so.
    expect(fs.existsSync(path.join(dir, 'broker-1', 'data'))).to.equal(true);
    const status = await tool('status');
    expect(status.code).to.equal(3);
    const again = await tool('stop', '--delete-data');
    expect(again.code).to.equal(0);
    expect(again.stdout).to.include('No local cluster is running');
    expect(fs.existsSync(path.join(dir, 'broker-1'))).to.equal(false);
  });
});
