/**
 * Where everything of a `samsa-local-cluster` lives: ports, directories and the configuration of
 * each ZooKeeper and broker, computed from the command line alone so it can be unit-tested and so
 * `start` can check every port before it launches anything.
 *
 * The topology mirrors docker/docker-compose.yml on loopback: an N-node ZooKeeper ensemble in
 * quorum mode (server.N=127.0.0.1:peer:election, a myid per data dir) and M brokers, each with a
 * native (PLAINTEXT) listener, a Kafka-protocol (KAFKA) listener and an HTTP listener. Ports are
 * consecutive from a base per role, e.g. ZooKeeper 2181-2183 and brokers 9092-9094.
 */
import * as path from 'path';

export const LOOPBACK = '127.0.0.1';

/** Broker keys the tool sets itself; an `--override` of one of them would break the layout. */
export const MANAGED_BROKER_KEYS: readonly string[] = [
  'broker.id', 'listeners', 'advertised.listeners', 'log.dirs', 'log.dir', 'logs.dir', 'http.listener', 'zookeeper.connect',
];

export interface BasePorts {
  zookeeper: number;
  zookeeperPeer: number;
  zookeeperElection: number;
  broker: number;
  kafka: number;
  http: number;
}

export const DEFAULT_BASE_PORTS: Readonly<BasePorts> = {
  zookeeper: 2181, zookeeperPeer: 2888, zookeeperElection: 3888, broker: 9092, kafka: 19092, http: 8081,
};

export interface LayoutInput {
  dir: string;
  zookeepers: number;
  brokers: number;
  ports: BasePorts;
  /** Extra broker properties from `--override`, applied after the tool's defaults. */
  brokerOverrides?: Readonly<Record<string, string>>;
}

export interface ZooKeeperNode {
  id: number;
  clientPort: number;
  peerPort: number;
  electionPort: number;
  /** Data directory (myid, snapshots, the generated config) and console log directory. */
  dataDir: string;
  logDir: string;
}

export interface BrokerNode {
  id: number;
  port: number;
  kafkaPort: number;
  httpPort: number;
  /** The generated server.properties the broker runs with. */
  configFile: string;
  logDir: string;
  /** stdout/stderr of the broker process. */
  consoleFile: string;
}

export interface ClusterLayout {
  dir: string;
  zookeepers: ZooKeeperNode[];
  brokers: BrokerNode[];
}

/** A port the layout needs, named for error messages ("port 9093 (broker 2 native listener)"). */
export interface NamedPort {
  port: number;
  what: string;
  /** The option that moves it. */
  option: string;
}

export function computeLayout(input: LayoutInput): ClusterLayout {
  const dir = path.resolve(input.dir);
  const zookeepers = range(input.zookeepers).map((i) => {
    const root = path.join(dir, `zookeeper-${i + 1}`);
    return {
      id: i + 1,
      clientPort: input.ports.zookeeper + i,
      peerPort: input.ports.zookeeperPeer + i,
      electionPort: input.ports.zookeeperElection + i,
      dataDir: path.join(root, 'data'),
      logDir: root,
    };
  });
  const brokers = range(input.brokers).map((i) => {
    const root = path.join(dir, `broker-${i + 1}`);
    return {
      id: i + 1,
      port: input.ports.broker + i,
      kafkaPort: input.ports.kafka + i,
      httpPort: input.ports.http + i,
      configFile: path.join(root, 'server.properties'),
      logDir: path.join(root, 'logs'),
      consoleFile: path.join(root, 'samsaServer.out'),
    };
  });
  return { dir, zookeepers, brokers };
}

/** Every port the cluster binds. ZooKeeper peer/election ports are only bound by an ensemble. */
export function layoutPorts(layout: ClusterLayout): NamedPort[] {
  const ensemble = layout.zookeepers.length > 1;
  const ports: NamedPort[] = [];
  for (const zk of layout.zookeepers) {
    ports.push({ port: zk.clientPort, what: `ZooKeeper ${zk.id} client port`, option: '--zookeeper-port' });
    if (ensemble) {
      ports.push({ port: zk.peerPort, what: `ZooKeeper ${zk.id} peer port`, option: '--zookeeper-peer-port' });
      ports.push({ port: zk.electionPort, what: `ZooKeeper ${zk.id} election port`, option: '--zookeeper-election-port' });
    }
  }
  for (const b of layout.brokers) {
    ports.push({ port: b.port, what: `broker ${b.id} native listener`, option: '--broker-port' });
    ports.push({ port: b.kafkaPort, what: `broker ${b.id} Kafka listener`, option: '--kafka-port' });
    ports.push({ port: b.httpPort, what: `broker ${b.id} HTTP listener`, option: '--http-port' });
  }
  return ports;
}

/** Null when every port is within 1-65535 and used once; else what is wrong. */
export function portConflict(layout: ClusterLayout): string | null {
  const seen = new Map<number, NamedPort>();
  for (const p of layoutPorts(layout)) {
    if (p.port < 1 || p.port > 65535) return `${p.what} would be port ${p.port}, outside 1-65535; choose another ${p.option}`;
    const other = seen.get(p.port);
    if (other) return `${other.what} and ${p.what} would both use port ${p.port}; choose other ${other.option} / ${p.option} values`;
    seen.set(p.port, p);
  }
  return null;
}

export function zookeeperConnect(layout: ClusterLayout): string {
  return layout.zookeepers.map((zk) => `${LOOPBACK}:${zk.clientPort}`).join(',');
}

export function bootstrapServers(layout: ClusterLayout, protocol: 'native' | 'kafka'): string {
  return layout.brokers.map((b) => `${LOOPBACK}:${protocol === 'native' ? b.port : b.kafkaPort}`).join(',');
}

/**
 * One ensemble member's zoo.cfg properties (dataDir and clientPort are passed separately).
 * Four-letter words `srvr` and `ruok` are allowed so `status` can tell leader from follower.
 */
export function zookeeperProperties(layout: ClusterLayout): Record<string, string> {
  const props: Record<string, string> = {
    tickTime: '2000',
    initLimit: '10',
    syncLimit: '5',
    clientPortAddress: LOOPBACK,
    maxClientCnxns: '0',
    'admin.enableServer': 'false',
    '4lw.commands.whitelist': 'srvr,ruok',
    // Snapshots and logs of a dev cluster need no manual purging.
    'autopurge.snapRetainCount': '3',
    'autopurge.purgeInterval': '1',
  };
  if (layout.zookeepers.length > 1) {
    for (const zk of layout.zookeepers) props[`server.${zk.id}`] = `${LOOPBACK}:${zk.peerPort}:${zk.electionPort}`;
  }
  return props;
}

/**
 * A broker's settings on top of config/server.properties: its identity and addresses, and
 * replication defaults that fit the cluster's size (RF 3 and min ISR 2 from three brokers on,
 * as in the docker-compose topology).
 */
export function brokerProperties(layout: ClusterLayout, broker: BrokerNode, overrides: Readonly<Record<string, string>> = {}): Record<string, string> {
  const count = layout.brokers.length;
  const replication = String(Math.min(3, count));
  return {
    'broker.id': String(broker.id),
    listeners: `PLAINTEXT://${LOOPBACK}:${broker.port},KAFKA://${LOOPBACK}:${broker.kafkaPort}`,
    'http.listener': `http://${LOOPBACK}:${broker.httpPort}`,
    'log.dirs': path.join(path.dirname(broker.configFile), 'data'),
    'logs.dir': broker.logDir,
    'zookeeper.connect': zookeeperConnect(layout),
    'offsets.topic.replication.factor': replication,
    'default.replication.factor': replication,
    'min.insync.replicas': count >= 3 ? '2' : '1',
    ...overrides,
  };
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}
