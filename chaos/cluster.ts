/**
 * The chaos cluster's processes: a 3-node Apache ZooKeeper ensemble in quorum mode and 3-5 Samsa
 * brokers, each in its own namespace (see netns.ts), started the way an operator would (the real
 * QuorumPeerMain from ZooKeeper's jars; dist/lib/cli/server-start.js with a server.properties),
 * plus kill -9 and restart. Runs inside the control namespace, which reaches every node.
 *
 * Timeouts are generous on purpose (ZooKeeper session 10 s, tick 1 s, replica lag 10 s): the
 * suite runs on shared, loaded machines, and a GC pause or a starved event loop must not be
 * mistaken for a partition. The scenarios hold their partitions well past these timeouts.
 */
import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import * as path from 'path';
import { formatProperties, mergeProperties, readPropertiesFile } from '../lib/config/properties';
import { ZkClient } from '../lib/zk/zk-client';
import { fourLetterWord } from '../lib/zk/local-zookeeper';
import { buildJavaArgs, findZooKeeperInstallation } from '../lib/zk/zookeeper-installation';
import { inNamespace, NetNode } from './netns';

const SAMSA_HOME = path.resolve(__dirname, '..', '..');
export const ZK_CLIENT_PORT = 2181;
export const BROKER_PORT = 9092;
const HTTP_PORT = 8080;
export const ZK_SESSION_TIMEOUT_MS = 10000;

export interface ChaosTopology {
  zookeepers: number;
  brokers: number;
}

/** Node names and addresses: ctl .2, client .3, zkN .1N, bN .2N, all in 198.18.0.0/24. */
export function topologyNodes(t: ChaosTopology): Array<{ name: string; address: string }> {
  const nodes = [{ name: 'ctl', address: '198.18.0.2' }, { name: 'client', address: '198.18.0.3' }];
  for (let i = 1; i <= t.zookeepers; i++) nodes.push({ name: `zk${i}`, address: `198.18.0.${10 + i}` });
  for (let i = 1; i <= t.brokers; i++) nodes.push({ name: `b${i}`, address: `198.18.0.${20 + i}` });
  return nodes;
}

interface Proc {
  node: NetNode;
  child: ChildProcess | null;
  logFile: string;
}

export class ChaosCluster {
  readonly zookeepers: NetNode[];
  readonly brokers: NetNode[];
  private readonly procs = new Map<string, Proc>();

  constructor(readonly nodes: readonly NetNode[], private readonly dir: string) {
    this.zookeepers = nodes.filter((n) => /^zk\d+$/.test(n.name));
    this.brokers = nodes.filter((n) => /^b\d+$/.test(n.name));
  }

  node(name: string): NetNode {
    const n = this.nodes.find((x) => x.name === name);
    if (!n) throw new Error(`chaos: no node ${name}`);
    return n;
  }

  brokerNode(id: number): NetNode {
    return this.node(`b${id}`);
  }

  brokerId(node: NetNode): number {
    return Number(node.name.slice(1));
  }

  get zookeeperConnect(): string {
    return this.zookeepers.map((z) => `${z.address}:${ZK_CLIENT_PORT}`).join(',');
  }

  get bootstrapServers(): string {
    return this.brokers.map((b) => `${b.address}:${BROKER_PORT}`).join(',');
  }

  async startZooKeepers(timeoutMs = 120000): Promise<void> {
    const install = findZooKeeperInstallation();
    for (const [i, zk] of this.zookeepers.entries()) {
      const dataDir = path.join(this.dir, zk.name, 'data');
      fs.mkdirSync(dataDir, { recursive: true });
      fs.writeFileSync(path.join(dataDir, 'myid'), `${i + 1}\n`);
      const props: Record<string, string> = {
        tickTime: '1000', initLimit: '20', syncLimit: '10', dataDir, clientPort: String(ZK_CLIENT_PORT),
        clientPortAddress: zk.address, maxClientCnxns: '0', maxSessionTimeout: '60000', forceSync: 'no',
        'admin.enableServer': 'false', '4lw.commands.whitelist': 'srvr,ruok,mntr',
      };
      this.zookeepers.forEach((z, j) => { props[`server.${j + 1}`] = `${z.address}:2888:3888`; });
      const cfg = path.join(this.dir, zk.name, 'zoo.cfg');
      fs.writeFileSync(cfg, formatProperties(props, 'chaos suite ZooKeeper'));
      const args = buildJavaArgs(install, cfg, {
        jvmOptions: ['-Xms32m', '-Xmx160m', '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1', '-XX:-UsePerfData', '-Djava.net.preferIPv4Stack=true'],
        logLevel: 'info',
      });
      this.launch(zk, [install.javaPath, ...args]);
    }
    await waitFor(async () => (await Promise.all(this.zookeepers.map((z) => this.zookeeperMode(z)))).every((m) => m !== null),
      timeoutMs, 'the ZooKeeper ensemble to form a quorum');
  }

  /** leader/follower, or null when the node does not serve (no quorum, down). */
  async zookeeperMode(zk: NetNode): Promise<string | null> {
    const reply = await fourLetterWord(zk.address, ZK_CLIENT_PORT, 'srvr', 2000).catch(() => '');
    const m = /^Mode:\s*(\S+)/m.exec(reply);
    return m ? m[1] : null;
  }

  writeBrokerConfigs(): void {
    const base = readPropertiesFile(path.join(SAMSA_HOME, 'config', 'server.properties'));
    for (const b of this.brokers) {
      const root = path.join(this.dir, b.name);
      fs.mkdirSync(root, { recursive: true });
      const props = mergeProperties(base, {
        'broker.id': String(this.brokerId(b)),
        listeners: `PLAINTEXT://${b.address}:${BROKER_PORT}`,
        'http.listener': `http://${b.address}:${HTTP_PORT}`,
        'log.dirs': path.join(root, 'data'),
        'logs.dir': path.join(root, 'logs'),
        'zookeeper.connect': this.zookeeperConnect,
        'zookeeper.session.timeout.ms': String(ZK_SESSION_TIMEOUT_MS),
        'zookeeper.connection.timeout.ms': '60000',
        'default.replication.factor': '3',
        'offsets.topic.replication.factor': '3',
        'offsets.topic.num.partitions': '6',
        'min.insync.replicas': '2',
        'unclean.leader.election.enable': 'false',
        'auto.create.topics.enable': 'false',
        'replica.lag.time.max.ms': '10000',
        'auto.leader.rebalance.enable': 'false',
        'group.initial.rebalance.delay.ms': '0',
        'log.level': process.env.CHAOS_BROKER_LOG_LEVEL ?? 'info',
      });
      fs.writeFileSync(path.join(root, 'server.properties'), formatProperties(props, 'chaos suite broker'));
    }
  }

  startBroker(id: number): void {
    const b = this.brokerNode(id);
    const cfg = path.join(this.dir, b.name, 'server.properties');
    this.launch(b, [process.execPath, path.join(SAMSA_HOME, 'dist', 'lib', 'cli', 'server-start.js'), cfg]);
  }

  async startBrokers(timeoutMs = 120000): Promise<void> {
    this.writeBrokerConfigs();
    for (const b of this.brokers) this.startBroker(this.brokerId(b));
    for (const b of this.brokers) await this.waitBrokerReady(this.brokerId(b), timeoutMs);
  }

  async waitBrokerReady(id: number, timeoutMs = 120000): Promise<void> {
    const b = this.brokerNode(id);
    await waitFor(() => httpReady(b.address), timeoutMs, `broker ${id} to be ready`, () => this.logTail(b.name));
  }

  isRunning(name: string): boolean {
    const p = this.procs.get(name);
    return !!p?.child && p.child.exitCode === null && p.child.signalCode === null;
  }

  /** kill -9; resolves once the process is gone. */
  async kill9(name: string): Promise<void> {
    const p = this.procs.get(name);
    if (!p?.child || !this.isRunning(name)) return;
    const child = p.child;
    const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGKILL');
    await gone;
  }

  logTail(name: string, lines = 30): string {
    const p = this.procs.get(name);
    if (!p) return '';
    try {
      return fs.readFileSync(p.logFile, 'utf8').split('\n').slice(-lines).join('\n');
    } catch {
      return '';
    }
  }

  /** SIGKILL everything (data is throwaway); the host side also kills whatever is left in the namespaces. */
  async stopAll(): Promise<void> {
    await Promise.all([...this.procs.keys()].map((name) => this.kill9(name)));
  }

  private launch(node: NetNode, argv: string[]): void {
    const logFile = path.join(this.dir, node.name, 'console.log');
    fs.mkdirSync(path.dirname(logFile), { recursive: true });
    const fd = fs.openSync(logFile, 'a');
    const full = inNamespace(node, argv);
    const child = spawn(full[0], full.slice(1), { stdio: ['ignore', fd, fd], env: { ...process.env, SAMSA_LOG_LEVEL: 'info' } });
    fs.closeSync(fd);
    this.procs.set(node.name, { node, child, logFile });
  }
}

function httpReady(host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.get({ host, port: HTTP_PORT, path: '/ready', timeout: 2000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => resolve(false));
  });
}

export async function waitFor(check: () => Promise<boolean>, timeoutMs: number, what: string, detail?: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`chaos: timed out after ${timeoutMs} ms waiting for ${what}${detail ? `\n${detail()}` : ''}`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

export interface PartitionStateView {
  partition: number;
  leader: number;
  isr: number[];
  leaderEpoch: number;
}

/** What ZooKeeper says now: the controller and each partition's leader and ISR. */
export class ZkView {
  private constructor(private readonly zk: ZkClient) {}

  static async connect(connectString: string): Promise<ZkView> {
    return new ZkView(await ZkClient.connect({ connectString, sessionTimeoutMs: 30000, connectionTimeoutMs: 60000 }));
  }

  async controller(): Promise<number | null> {
    try {
      const { data } = await this.zk.getData('/controller');
      return data ? (JSON.parse(data.toString('utf8')) as { brokerid: number }).brokerid : null;
    } catch (err) {
      // No controller znode is an answer; anything else (no quorum, no connection) is not.
      if ((err as { code?: string }).code === 'NO_NODE') return null;
      throw err;
    }
  }

  /** `/controller_epoch`: bumped by every controller election. */
  async controllerEpoch(): Promise<number> {
    const { data } = await this.zk.getData('/controller_epoch');
    return Number(data?.toString('utf8') ?? -1);
  }

  async partitions(topic: string): Promise<PartitionStateView[]> {
    const ids = (await this.zk.getChildren(`/brokers/topics/${topic}/partitions`)).map(Number).sort((a, b) => a - b);
    const out: PartitionStateView[] = [];
    for (const p of ids) {
      const { data } = await this.zk.getData(`/brokers/topics/${topic}/partitions/${p}/state`);
      const s = JSON.parse(data?.toString('utf8') ?? '{}') as { leader: number; isr: number[]; leader_epoch: number };
      out.push({ partition: p, leader: s.leader, isr: s.isr, leaderEpoch: s.leader_epoch });
    }
    return out;
  }

  async liveBrokers(): Promise<number[]> {
    return (await this.zk.getChildren('/brokers/ids')).map(Number).sort((a, b) => a - b);
  }

  close(): Promise<void> {
    return this.zk.close();
  }
}
