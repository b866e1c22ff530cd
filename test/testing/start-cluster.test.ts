/**
 * samsa/testing's startCluster against real ZooKeeper and real brokers: produce and consume, a
 * broker killed and restarted, a broker that cannot start, and, above all, that nothing it starts
 * (JVMs, Node children, temp dirs) is left behind, even when the test runner itself is SIGKILLed.
 */
import { expect } from 'chai';
import { execFileSync, spawn } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { ChildStartError, ClusterBroker, startCluster, StartClusterOptions, TestCluster, TopicOptions } from '../../lib/testing';
import { waitUntil } from '../helpers/wait';

/** The cluster's temp root: every broker's logDir is <root>/broker-<id>. */
function rootOf(cluster: TestCluster): string {
  return path.dirname(cluster.brokers[0].logDir);
}

/** Processes whose command line mentions `root`: the ZooKeeper launcher and JVM, broker children. */
function processesUnder(root: string): string[] {
  const listing = execFileSync('ps', ['-ww', '-eo', 'pid=,args='], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return listing.split('\n').filter((line) => line.includes(root) && !line.includes('ps -ww'));
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function roundTrip(cluster: TestCluster, topic: string, value: string): Promise<void> {
  const producer = cluster.producer();
  await producer.send({ topic, value: Buffer.from(value) });
  const consumer = cluster.consumer({ groupId: `g-${topic}-${value}`, autoOffsetReset: 'earliest' });
  consumer.subscribe([topic]);
  const seen: string[] = [];
  await waitUntil(`${value} consumed from ${topic}`, async () => {
    for (const r of await consumer.poll(500)) seen.push(r.value?.toString() ?? '');
    return seen.includes(value);
  }, 30000);
  await consumer.close();
  await producer.close();
}

describe('samsa/testing startCluster', function () {
  this.timeout(60000);

  it('runs one in-process broker: produce, consume, stop twice, nothing left', async () => {
    const cluster = await startCluster({ brokers: 1, inProcess: true });
    const root = rootOf(cluster);
    expect(cluster.bootstrapServers).to.match(/^127\.0\.0\.1:\d+$/);
    expect(cluster.kafkaBootstrapServers).to.match(/^127\.0\.0\.1:\d+$/);
    expect(cluster.zookeeperConnect).to.match(/^127\.0\.0\.1:\d+$/);
    await cluster.createTopic('in-process', { partitions: 2 });
    await roundTrip(cluster, 'in-process', 'hello');
    const admin = cluster.admin();
    expect(await admin.listTopics()).to.include('in-process');
    // admin is left open on purpose: stop() closes the clients it handed out.
    // A second cluster on the first one's ZooKeeper lives in a chroot of its own.
    const neighbour = await startCluster({ zookeeper: cluster.zookeeperConnect, inProcess: true, kafkaListener: false });
    try {
      expect(neighbour.zookeeperConnect).to.match(/^127\.0\.0\.1:\d+\/samsa-testing-/);
      expect(neighbour.kafkaBootstrapServers).to.equal('');
      await roundTrip(neighbour, 'next-door', 'hi');
      expect(await admin.listTopics()).to.not.include('next-door');
    } finally {
      await neighbour.stop();
    }
    await cluster.stop();
    await cluster.stop();
    expect(fs.existsSync(root)).to.equal(false);
    expect(processesUnder(root)).to.deep.equal([]);
  });

  it('runs three brokers as processes; a killed broker is SIGKILLed and restarts on the same ports', async () => {
    // A short session, so the restarted broker's registration need not wait long for the killed one's to expire.
    const options: StartClusterOptions = { brokers: 3, brokerConfig: { 'zookeeper.session.timeout.ms': 2000 } };
    const cluster = await startCluster(options);
    const root = rootOf(cluster);
    try {
      expect(cluster.bootstrapServers.split(',')).to.have.length(3);
      expect(cluster.brokers.map((b) => b.id)).to.deep.equal([1, 2, 3]);
      const topic: TopicOptions = { partitions: 3, replicationFactor: 3 };
      await cluster.createTopic('replicated', topic);
      await roundTrip(cluster, 'replicated', 'first');

      const before: ClusterBroker = cluster.brokers[1];
      expect(before.pid).to.be.a('number');
      await cluster.killBroker(2);
      expect(alive(before.pid as number)).to.equal(false);
      expect(cluster.brokers[1].running).to.equal(false);
      const restartStarted = Date.now();
      await cluster.restartBroker(2);
      process.stdout.write(`      (restart took ${Date.now() - restartStarted} ms)\n`);
      const after = cluster.brokers[1];
      expect(after.running).to.equal(true);
      expect(after.pid).to.not.equal(before.pid);
      expect([after.port, after.kafkaPort]).to.deep.equal([before.port, before.kafkaPort]);
      await roundTrip(cluster, 'replicated', 'second');
    } finally {
      await cluster.stop();
    }
    expect(processesUnder(root)).to.deep.equal([]);
    expect(fs.existsSync(root)).to.equal(false);
  });

  it('rejects with the broker\'s log lines when a broker cannot bind its port, and cleans up', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const taken = (blocker.address() as net.AddressInfo).port;
    const before = fs.readdirSync(os.tmpdir()).filter((d) => d.startsWith('samsa-testing-'));
    try {
      const err = await startCluster({ brokers: 1, brokerConfig: { listeners: `PLAINTEXT://127.0.0.1:${taken}` } }).then(
        () => null, (e: Error) => e);
      expect(err, 'startCluster should reject').to.be.instanceOf(ChildStartError);
      expect(err!.message).to.include('Broker 1 could not start');
      expect(err!.message).to.include('last lines of its output');
      expect(err!.message).to.match(/EADDRINUSE|address already in use/i);
    } finally {
      blocker.close();
    }
    const leftovers = fs.readdirSync(os.tmpdir()).filter((d) => d.startsWith('samsa-testing-') && !before.includes(d));
    for (const dir of leftovers) expect(processesUnder(path.join(os.tmpdir(), dir))).to.deep.equal([]);
  });

  it('says how to install ZooKeeper when it cannot be found, leaving nothing behind', async () => {
    const saved = process.env.ZOOKEEPER_HOME;
    process.env.ZOOKEEPER_HOME = '/nonexistent-zookeeper';
    const before = fs.readdirSync(os.tmpdir()).filter((d) => d.startsWith('samsa-testing-'));
    try {
      const err = await startCluster().then(() => null, (e: Error) => e);
      expect(err?.name).to.equal('ZooKeeperNotInstalledError');
      expect(err?.message).to.include('apt-get install -y zookeeper').and.include('ZOOKEEPER_HOME');
    } finally {
      if (saved === undefined) delete process.env.ZOOKEEPER_HOME;
      else process.env.ZOOKEEPER_HOME = saved;
    }
    expect(fs.readdirSync(os.tmpdir()).filter((d) => d.startsWith('samsa-testing-') && !before.includes(d))).to.deep.equal([]);
  });

  it('leaves no process or directory behind when the test runner holding it is SIGKILLed', async () => {
    const holder = path.join(__dirname, 'fixtures', 'hold-cluster.js');
    const child = spawn(process.execPath, [holder], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout!.on('data', (d: Buffer) => { out += d.toString(); });
    await waitUntil('the holder to report its cluster', () => out.includes('\n'), 30000);
    let root: string;
    try {
      root = JSON.parse(out.split('\n')[0]).root as string;
      expect(processesUnder(root).length).to.be.at.least(3); // ZooKeeper's launcher, its JVM, the broker
    } finally {
      child.kill('SIGKILL');
    }
    await waitUntil('every child of the killed runner to exit', () => processesUnder(root).length === 0, 5000);
    await waitUntil('the cluster directory to be removed', () => !fs.existsSync(root), 5000);
  });
});
