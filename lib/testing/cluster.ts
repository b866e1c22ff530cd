/**
 * `startCluster()`: a real ZooKeeper and real brokers for any Node test suite. Everything lives
 * under one temp directory and is removed by `stop()`; if the test runner dies without stopping
 * (even by SIGKILL) the children notice their closed IPC channel and end, and ZooKeeper's
 * launcher removes the directory (zookeeper-child.ts), so nothing outlives the runner.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Admin, NewTopic } from '../client/admin';
import { ClientOptions } from '../client/client-options';
import { Consumer } from '../client/consumer';
import { ConsumerOptions } from '../client/consumer-options';
import { Producer } from '../client/producer';
import { ProducerOptions } from '../client/producer-options';
import { sleep } from '../util/time';
import { findZooKeeperInstallation } from '../zk/zookeeper-installation';
import { createTestBroker, TestBroker } from './brokers';
import { RunningChild, startChild } from './child-process';
import { freePort } from './free-port';

export interface StartClusterOptions {
  /** How many brokers (ids 1..n); default 1. */
  brokers?: number;
  /** Partitions of auto-created topics and the default of createTopic(); default 1. */
  partitions?: number;
  /**
   * 'embedded' (default): a fresh ZooKeeper for this cluster. Or the connect string of one you run:
   * without a chroot in it the cluster gets its own (`/samsa-testing-...`), so clusters can share it.
   */
  zookeeper?: 'embedded' | string;
  /** Also open a Kafka-protocol listener on every broker (kafkaBootstrapServers); default true. */
  kafkaListener?: boolean;
  /** Brokers in this process instead of child processes: faster, but killBroker() is a clean shutdown. */
  inProcess?: boolean;
  /** Broker properties layered over the test defaults (and over the listeners). */
  brokerConfig?: Record<string, string | number | boolean>;
  /** How long the whole startup may take; default 60000 ms. */
  startTimeoutMs?: number;
}

export interface ClusterBroker {
  readonly id: number;
  /** Native-protocol port. */
  readonly port: number;
  /** Kafka-protocol port; -1 without the Kafka listener. */
  readonly kafkaPort: number;
  readonly logDir: string;
  /** Child pid (this process's pid in-process); null while the broker is down. */
  readonly pid: number | null;
  readonly running: boolean;
}

export interface TopicOptions {
  partitions?: number;
  replicationFactor?: number;
  configs?: Record<string, string>;
}

export interface TestCluster {
  /** host:port list of the native listeners, for Samsa's clients. */
  readonly bootstrapServers: string;
  /** host:port list of the Kafka listeners, for KafkaJS, kcat and other Kafka clients. */
  readonly kafkaBootstrapServers: string;
  readonly zookeeperConnect: string;
  readonly brokers: readonly ClusterBroker[];
  /** Stops clients, brokers and ZooKeeper and removes every file; calling it again does nothing. */
  stop(): Promise<void>;
  /** SIGKILLs a broker (a crash); in-process brokers are shut down. */
  killBroker(id: number): Promise<void>;
  /** Starts a killed broker again on the same ports and log dir. */
  restartBroker(id: number): Promise<void>;
  /** Creates a topic and waits until every partition has a leader. */
  createTopic(name: string, options?: TopicOptions): Promise<void>;
  producer(options?: Partial<ProducerOptions>): Producer;
  consumer(options?: Partial<ConsumerOptions>): Consumer;
  admin(options?: Partial<ClientOptions>): Admin;
}

const ZOOKEEPER_READY_TIMEOUT_MS = 40000;
const READY_POLL_MS = 25;
const liveRoots = new Set<string>();
let exitHookInstalled = false;

function makeRoot(): string {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    // Children end on their own when this process exits; their files are ours to remove.
    process.once('exit', () => { for (const dir of liveRoots) fs.rmSync(dir, { recursive: true, force: true }); });
  }
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'samsa-testing-'));
  liveRoots.add(root);
  return root;
}

async function startZooKeeper(root: string): Promise<RunningChild> {
  // Here rather than only in the child: a missing Java or ZooKeeper is reported as itself
  // (ZooKeeperNotInstalledError, saying how to install them), not as a failed child.
  findZooKeeperInstallation();
  const dir = path.join(root, 'zookeeper');
  return startChild('ZooKeeper', path.join(__dirname, 'zookeeper-child.js'), [JSON.stringify({ dir, cleanupDir: root })], ZOOKEEPER_READY_TIMEOUT_MS);
}

async function resolveZooKeeper(options: StartClusterOptions, root: string): Promise<{ connect: string; process: RunningChild | null }> {
  if (options.zookeeper === undefined || options.zookeeper === 'embedded') {
    const proc = await startZooKeeper(root);
    return { connect: `127.0.0.1:${proc.ports.client}`, process: proc };
  }
  // A chroot of its own (created by the brokers), so clusters can share one ZooKeeper.
  return { connect: options.zookeeper.includes('/') ? options.zookeeper : `${options.zookeeper}/${path.basename(root)}`, process: null };
}

/** Settings that make a small cluster quick to start and quick to notice a killed broker. */
function brokerProperties(id: number, brokers: number, zkConnect: string, dir: string, listeners: string, options: StartClusterOptions): Map<string, string> {
  const rf = String(Math.min(3, brokers));
  const props: Record<string, string> = {
    'broker.id': String(id),
    listeners,
    'log.dirs': path.join(dir, 'data'),
    'logs.dir': path.join(dir, 'logs'),
    'zookeeper.connect': zkConnect,
    'zookeeper.session.timeout.ms': '6000',
    'num.partitions': String(options.partitions ?? 1),
    'default.replication.factor': '1',
    'offsets.topic.num.partitions': '5',
    'offsets.topic.replication.factor': rf,
    'group.initial.rebalance.delay.ms': '0',
    'log.level': process.env.SAMSA_TEST_LOG_LEVEL ?? 'warn',
  };
  for (const [k, v] of Object.entries(options.brokerConfig ?? {})) props[k] = String(v);
  return new Map(Object.entries(props));
}

export async function startCluster(options: StartClusterOptions = {}): Promise<TestCluster> {
  const count = options.brokers ?? 1;
  if (!Number.isInteger(count) || count < 1) throw new Error(`startCluster: brokers must be a positive integer, got ${String(options.brokers)}`);
  const kafkaListener = options.kafkaListener ?? true;
  const root = makeRoot();
  let zookeeper: RunningChild | null = null;
  const brokers: TestBroker[] = [];
  const clients = new Set<{ close(): Promise<void> }>();
  let stopping: Promise<void> | null = null;

  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      await Promise.all([...clients].map((c) => c.close().catch(() => undefined)));
      // Everything is thrown away, so nothing needs a clean shutdown: broker processes are killed
      // (controlled shutdowns of brokers that all stop would only move leadership around).
      // In-process brokers must shut down to release their sockets and timers.
      await Promise.all(brokers.map((b) => b.kill()));
      await zookeeper?.stop();
      fs.rmSync(root, { recursive: true, force: true });
      liveRoots.delete(root);
    })();
    return stopping;
  };

  try {
    // Broker processes start loading while ZooKeeper starts; they get their config once it serves.
    const zookeeperConnect = resolveZooKeeper(options, root).then((zk) => {
      zookeeper = zk.process; // from now on stop() stops it, whatever else fails
      return zk;
    });
    const started: Promise<void>[] = [];
    for (let id = 1; id <= count; id++) {
      const names = kafkaListener ? ['PLAINTEXT', 'KAFKA'] : ['PLAINTEXT'];
      const dir = path.join(root, `broker-${id}`);
      const broker = createTestBroker(id, dir, options.inProcess ?? false);
      brokers.push(broker);
      const properties = zookeeperConnect.then(async (zk) => {
        const ports = await Promise.all(names.map(() => freePort()));
        const listeners = names.map((name, i) => `${name}://127.0.0.1:${ports[i]}`).join(',');
        return brokerProperties(id, count, zk.connect, dir, listeners, options);
      });
      started.push(broker.start(properties));
    }
    // Every start settles before a failure is reported, so stop() finds no child half-started.
    const outcomes = await Promise.allSettled([zookeeperConnect, ...started]);
    const failed = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
    if (failed) throw failed.reason;
    const cluster = makeCluster((await zookeeperConnect).connect, brokers, clients, stop);
    await waitForBrokers(cluster, count, options.startTimeoutMs ?? 60000);
    return cluster;
  } catch (err) {
    await stop().catch(() => undefined);
    throw err;
  }
}

function listOf(brokers: readonly TestBroker[], listener: string): string {
  return brokers.filter((b) => b.ports[listener] !== undefined).map((b) => `127.0.0.1:${b.ports[listener]}`).join(',');
}

function makeCluster(zookeeperConnect: string, brokers: TestBroker[], clients: Set<{ close(): Promise<void> }>, stop: () => Promise<void>): TestCluster {
  const find = (id: number): TestBroker => {
    const broker = brokers.find((b) => b.id === id);
    if (!broker) throw new Error(`No broker ${id} in this cluster (ids ${brokers.map((b) => b.id).join(', ')})`);
    return broker;
  };
  const track = <T extends { close(): Promise<void> }>(client: T): T => {
    clients.add(client);
    const close = client.close.bind(client);
    client.close = () => { clients.delete(client); return close(); };
    return client;
  };
  const cluster: TestCluster = {
    bootstrapServers: listOf(brokers, 'PLAINTEXT'),
    kafkaBootstrapServers: listOf(brokers, 'KAFKA'),
    zookeeperConnect,
    get brokers() {
      return brokers.map((b) => ({
        id: b.id, port: b.ports.PLAINTEXT ?? -1, kafkaPort: b.ports.KAFKA ?? -1, logDir: b.logDir, pid: b.pid, running: b.isRunning(),
      }));
    },
    stop,
    killBroker: (id) => find(id).kill(),
    restartBroker: async (id) => {
      const broker = find(id);
      if (broker.isRunning()) await broker.kill();
      await broker.start();
    },
    createTopic: async (name, topic = {}) => {
      const admin = cluster.admin();
      try {
        const spec: NewTopic = { topic: name, numPartitions: topic.partitions, replicationFactor: topic.replicationFactor, configs: topic.configs };
        await admin.createTopic(spec);
        await waitUntil(`every partition of ${name} to have a leader`, 30000, async () => {
          const [description] = await admin.describeTopics([name]).catch(() => []);
          return description !== undefined && description.partitions.length > 0 && description.partitions.every((p) => p.leader >= 0);
        });
      } finally {
        await admin.close();
      }
    },
    producer: (opts = {}) => track(new Producer({ ...opts, bootstrapServers: cluster.bootstrapServers })),
    consumer: (opts = {}) => track(new Consumer({ ...opts, bootstrapServers: cluster.bootstrapServers })),
    admin: (opts = {}) => track(new Admin({ ...opts, bootstrapServers: cluster.bootstrapServers })),
  };
  return cluster;
}

/** Ready = every broker registered and a controller elected, as seen through the metadata. */
async function waitForBrokers(cluster: TestCluster, count: number, timeoutMs: number): Promise<void> {
  const admin = cluster.admin({ requestTimeoutMs: 5000 });
  try {
    await waitUntil(`${count} broker(s) and a controller`, timeoutMs, async () => {
      const description = await admin.describeCluster().catch(() => null);
      return description !== null && description.controllerId >= 0 && description.brokers.length === count;
    });
  } finally {
    await admin.close();
  }
}

async function waitUntil(what: string, timeoutMs: number, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(READY_POLL_MS);
  }
}
