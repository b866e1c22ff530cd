/**
 * Samsa's ZooKeeper layout, after Kafka's ZkData: every path, and for each znode with content an
 * encode/decode pair with its version field. Field names and versions are Kafka's, so a Kafka
 * operator can read Samsa's znodes with zkCli (see docs and the reference's section 1).
 *
 * Decoders accept the versions Kafka 2.x writes and throw `ZnodeFormatError` on anything else;
 * encoders always write the current version.
 */
import { randomUUID } from 'crypto';
import type { TopicPartition } from '../util/topic-partition';
import { encodeJson, JsonObject, parseZnodeJson, ZnodeFormatError } from './znode-json';

export { ZnodeFormatError } from './znode-json';

export const ZkPaths = {
  brokers: '/brokers',
  brokerIds: '/brokers/ids',
  brokerId: (id: number): string => `/brokers/ids/${id}`,
  topics: '/brokers/topics',
  topic: (topic: string): string => `/brokers/topics/${topic}`,
  topicPartitions: (topic: string): string => `/brokers/topics/${topic}/partitions`,
  partition: (topic: string, partition: number): string => `/brokers/topics/${topic}/partitions/${partition}`,
  partitionState: (topic: string, partition: number): string => `/brokers/topics/${topic}/partitions/${partition}/state`,
  controller: '/controller',
  controllerEpoch: '/controller_epoch',
  config: '/config',
  topicConfigs: '/config/topics',
  topicConfig: (topic: string): string => `/config/topics/${topic}`,
  configChanges: '/config/changes',
  configChangePrefix: '/config/changes/config_change_',
  admin: '/admin',
  deleteTopics: '/admin/delete_topics',
  deleteTopic: (topic: string): string => `/admin/delete_topics/${topic}`,
  reassignPartitions: '/admin/reassign_partitions',
  preferredReplicaElection: '/admin/preferred_replica_election',
  cluster: '/cluster',
  clusterId: '/cluster/id',
  isrChangeNotification: '/isr_change_notification',
  isrChangePrefix: '/isr_change_notification/isr_change_',
  latestProducerIdBlock: '/latest_producer_id_block',
} as const;

/** The persistent paths a cluster needs before brokers and the controller start watching. */
export const BASE_PATHS: readonly string[] = [
  ZkPaths.brokerIds, ZkPaths.topics, ZkPaths.topicConfigs, ZkPaths.configChanges, ZkPaths.deleteTopics, ZkPaths.isrChangeNotification,
];

// ---------------------------------------------------------------- /brokers/ids/<id>

export interface BrokerEndpoint {
  listenerName: string;
  securityProtocol: string;
  host: string;
  port: number;
}

export interface BrokerInfo {
  brokerId: number;
  /** The PLAINTEXT endpoint's host and port, as Kafka writes them at the top level. */
  host: string;
  port: number;
  endpoints: BrokerEndpoint[];
  rack: string | null;
  jmxPort: number;
  timestampMs: number;
}

const ENDPOINT = /^([A-Za-z0-9_]+):\/\/(\[[^\]]*\]|[^:/]*):(\d+)$/;

export function formatEndpoint(endpoint: Pick<BrokerEndpoint, 'listenerName' | 'host' | 'port'>): string {
  const host = endpoint.host.includes(':') && !endpoint.host.startsWith('[') ? `[${endpoint.host}]` : endpoint.host;
  return `${endpoint.listenerName}://${host}:${endpoint.port}`;
}

/** Parses `NAME://host:port`; the security protocol defaults to the listener name. */
export function parseEndpoint(text: string, protocolMap: Readonly<Record<string, string>> = {}): BrokerEndpoint | null {
  const match = ENDPOINT.exec(text.trim());
  if (!match) return null;
  const listenerName = match[1].toUpperCase();
  const host = match[2].startsWith('[') ? match[2].slice(1, -1) : match[2];
  return { listenerName, securityProtocol: protocolMap[listenerName] ?? listenerName, host, port: Number(match[3]) };
}

export const BrokerIdZNode = {
  version: 5,
  path: ZkPaths.brokerId,
  /**
   * `host`/`port` are Kafka's top-level fields: the first PLAINTEXT endpoint, or null and -1 when
   * there is none (older clients then cannot connect, as in Kafka).
   */
  encode(info: Omit<BrokerInfo, 'brokerId' | 'host'> & { host: string | null }): Buffer {
    const json: Record<string, unknown> = {
      version: 5,
      host: info.host,
      port: info.port,
      endpoints: info.endpoints.map(formatEndpoint),
      listener_security_protocol_map: Object.fromEntries(info.endpoints.map((e) => [e.listenerName, e.securityProtocol])),
      jmx_port: info.jmxPort,
      timestamp: String(info.timestampMs),
    };
    if (info.rack !== null) json.rack = info.rack;
    return encodeJson(json);
  },
  decode(brokerId: number, data: Buffer | null): BrokerInfo {
    const path = ZkPaths.brokerId(brokerId);
    const json = parseZnodeJson(path, data);
    const version = json.requireVersion(1, 2, 3, 4, 5) as number;
    const protocolMap = version >= 4 && json.has('listener_security_protocol_map')
      ? json.object('listener_security_protocol_map').stringValues() : {};
    const endpoints = json.has('endpoints') ? json.stringArray('endpoints').map((text) => {
      const endpoint = parseEndpoint(text, protocolMap);
      if (!endpoint) throw new ZnodeFormatError(path, `endpoint '${text}' is not NAME://host:port`);
      return endpoint;
    }) : [];
    const host = json.optionalString('host');
    const port = json.optionalInt('port', -1);
    if (endpoints.length === 0 && (host === null || port < 0)) throw new ZnodeFormatError(path, 'no endpoints and no host/port');
    const first = endpoints[0];
    return {
      brokerId,
      host: host ?? first.host,
      port: port >= 0 ? port : first.port,
      endpoints: endpoints.length > 0 ? endpoints : [{ listenerName: 'PLAINTEXT', securityProtocol: 'PLAINTEXT', host: host as string, port }],
      rack: json.optionalString('rack'),
      jmxPort: json.optionalInt('jmx_port', -1),
      timestampMs: json.has('timestamp') ? json.intOrIntString('timestamp') : 0,
    };
  },
};

// ---------------------------------------------------------------- /controller, /controller_epoch

export interface ControllerInfo {
  brokerId: number;
  timestampMs: number;
}

export const ControllerZNode = {
  version: 1,
  path: ZkPaths.controller,
  encode(brokerId: number, timestampMs = Date.now()): Buffer {
    return encodeJson({ version: 1, brokerid: brokerId, timestamp: String(timestampMs) });
  },
  decode(data: Buffer | null): ControllerInfo {
    const json = parseZnodeJson(ZkPaths.controller, data);
    json.requireVersion(1);
    return { brokerId: json.int('brokerid'), timestampMs: json.has('timestamp') ? json.intOrIntString('timestamp') : 0 };
  },
};

/** Plain integer text, not JSON; 0 before the first controller, which makes it 1. */
export const ControllerEpochZNode = {
  path: ZkPaths.controllerEpoch,
  initialEpoch: 0,
  encode(epoch: number): Buffer {
    return Buffer.from(String(epoch), 'utf8');
  },
  decode(data: Buffer | null): number {
    const text = (data ?? Buffer.alloc(0)).toString('utf8').trim();
    if (!/^\d+$/.test(text) || !Number.isSafeInteger(Number(text))) {
      throw new ZnodeFormatError(ZkPaths.controllerEpoch, `expected a non-negative integer, got '${text.slice(0, 40)}'`);
    }
    return Number(text);
  },
};

// ---------------------------------------------------------------- /brokers/topics/<t>

export interface TopicAssignment {
  /** partition -> replicas in preference order (the first is the preferred leader). */
  partitions: Map<number, number[]>;
  addingReplicas: Map<number, number[]>;
  removingReplicas: Map<number, number[]>;
}

function encodeReplicaMap(map: ReadonlyMap<number, readonly number[]>): Record<string, number[]> {
  return Object.fromEntries([...map.entries()].sort(([a], [b]) => a - b).map(([p, replicas]) => [String(p), [...replicas]]));
}

function decodeReplicaMap(json: JsonObject): Map<number, number[]> {
  const map = new Map<number, number[]>();
  for (const key of json.keys()) {
    if (!/^\d+$/.test(key)) throw new ZnodeFormatError(json.path, `partition key '${key}' is not a partition number`);
    map.set(Number(key), json.intArray(key));
  }
  return map;
}

export const TopicZNode = {
  version: 2,
  path: ZkPaths.topic,
  encode(assignment: TopicAssignment | ReadonlyMap<number, readonly number[]>): Buffer {
    const full = assignment instanceof Map ? { partitions: assignment, addingReplicas: new Map(), removingReplicas: new Map() } : assignment as TopicAssignment;
    return encodeJson({
      version: 2,
      partitions: encodeReplicaMap(full.partitions),
      adding_replicas: encodeReplicaMap(full.addingReplicas),
      removing_replicas: encodeReplicaMap(full.removingReplicas),
    });
  },
  decode(topic: string, data: Buffer | null): TopicAssignment {
    const json = parseZnodeJson(ZkPaths.topic(topic), data);
    json.requireVersion(1, 2);
    const partitions = decodeReplicaMap(json.object('partitions'));
    if (partitions.size === 0) throw new ZnodeFormatError(json.path, 'a topic needs at least one partition');
    const adding = json.optionalObject('adding_replicas');
    const removing = json.optionalObject('removing_replicas');
    return {
      partitions,
      addingReplicas: adding ? decodeReplicaMap(adding) : new Map(),
      removingReplicas: removing ? decodeReplicaMap(removing) : new Map(),
    };
  },
};

// ---------------------------------------------------------------- /brokers/topics/<t>/partitions/<p>/state

export interface LeaderAndIsr {
  /** -1 when no replica can lead. */
  leader: number;
  leaderEpoch: number;
  isr: number[];
  /** Epoch of the controller that wrote this state. */
  controllerEpoch: number;
}

export const PartitionStateZNode = {
  version: 1,
  path: ZkPaths.partitionState,
  encode(state: LeaderAndIsr): Buffer {
    return encodeJson({ version: 1, leader: state.leader, leader_epoch: state.leaderEpoch, controller_epoch: state.controllerEpoch, isr: [...state.isr] });
  },
  decode(topic: string, partition: number, data: Buffer | null): LeaderAndIsr {
    const json = parseZnodeJson(ZkPaths.partitionState(topic, partition), data);
    json.requireVersion(1);
    return { leader: json.int('leader'), leaderEpoch: json.int('leader_epoch'), isr: json.intArray('isr'), controllerEpoch: json.int('controller_epoch') };
  },
};

// ---------------------------------------------------------------- /config/topics/<t>, /config/changes

export const TopicConfigZNode = {
  version: 1,
  path: ZkPaths.topicConfig,
  encode(config: Readonly<Record<string, string>>): Buffer {
    return encodeJson({ version: 1, config: { ...config } });
  },
  decode(topic: string, data: Buffer | null): Record<string, string> {
    const json = parseZnodeJson(ZkPaths.topicConfig(topic), data);
    json.requireVersion(1);
    return json.object('config').stringValues();
  },
};

export const ConfigChangeNotificationZNode = {
  version: 2,
  prefix: ZkPaths.configChangePrefix,
  /** `entityPath` is `<entity type>/<name>`, e.g. `topics/orders`. */
  encode(entityPath: string): Buffer {
    return encodeJson({ version: 2, entity_path: entityPath });
  },
  decode(path: string, data: Buffer | null): string {
    const json = parseZnodeJson(path, data);
    const version = json.requireVersion(1, 2);
    return version === 1 ? `${json.string('entity_type')}/${json.string('entity_name')}` : json.string('entity_path');
  },
};

// ---------------------------------------------------------------- /cluster/id

export const ClusterIdZNode = {
  version: '1',
  path: ZkPaths.clusterId,
  encode(id: string): Buffer {
    return encodeJson({ version: '1', id });
  },
  decode(data: Buffer | null): string {
    const json = parseZnodeJson(ZkPaths.clusterId, data);
    json.requireVersion('1');
    const id = json.string('id');
    if (id.length === 0) throw new ZnodeFormatError(ZkPaths.clusterId, 'empty cluster id');
    return id;
  },
};

/** A random UUID as 22 characters of unpadded URL-safe base64, like Kafka's `Uuid.randomUuid()`. */
export function generateClusterId(): string {
  return Buffer.from(randomUUID().replace(/-/g, ''), 'hex').toString('base64url');
}

// ---------------------------------------------------------------- partition lists

function encodePartitions(partitions: readonly TopicPartition[]): Buffer {
  return encodeJson({ version: 1, partitions: partitions.map((tp) => ({ topic: tp.topic, partition: tp.partition })) });
}

function decodePartitions(path: string, data: Buffer | null): TopicPartition[] {
  const json = parseZnodeJson(path, data);
  json.requireVersion(1);
  return json.objectArray('partitions').map((p) => ({ topic: p.string('topic'), partition: p.int('partition') }));
}

/** `/isr_change_notification/isr_change_<seq>`: partitions whose ISR a leader changed. */
export const IsrChangeNotificationZNode = {
  version: 1,
  prefix: ZkPaths.isrChangePrefix,
  encode: encodePartitions,
  decode: decodePartitions,
};

/** `/admin/preferred_replica_election`: partitions to move back to their preferred leader. */
export const PreferredReplicaElectionZNode = {
  version: 1,
  path: ZkPaths.preferredReplicaElection,
  encode: encodePartitions,
  decode: (data: Buffer | null): TopicPartition[] => decodePartitions(ZkPaths.preferredReplicaElection, data),
};

export interface PartitionReassignment extends TopicPartition {
  replicas: number[];
}

export const ReassignPartitionsZNode = {
  version: 1,
  path: ZkPaths.reassignPartitions,
  encode(reassignments: readonly PartitionReassignment[]): Buffer {
    return encodeJson({ version: 1, partitions: reassignments.map((r) => ({ topic: r.topic, partition: r.partition, replicas: [...r.replicas] })) });
  },
  decode(data: Buffer | null): PartitionReassignment[] {
    const json = parseZnodeJson(ZkPaths.reassignPartitions, data);
    json.requireVersion(1);
    return json.objectArray('partitions').map((p) => ({ topic: p.string('topic'), partition: p.int('partition'), replicas: p.intArray('replicas') }));
  },
};

// ---------------------------------------------------------------- /latest_producer_id_block

export interface ProducerIdBlock {
  brokerId: number;
  /** Inclusive bounds, as Kafka writes them (decimal strings in the JSON). */
  blockStart: bigint;
  blockEnd: bigint;
}

export const ProducerIdBlockZNode = {
  version: 1,
  path: ZkPaths.latestProducerIdBlock,
  blockSize: 1000n,
  encode(block: ProducerIdBlock): Buffer {
    return encodeJson({ version: 1, broker: block.brokerId, block_start: block.blockStart.toString(), block_end: block.blockEnd.toString() });
  },
  decode(data: Buffer | null): ProducerIdBlock {
    const json = parseZnodeJson(ZkPaths.latestProducerIdBlock, data);
    json.requireVersion(1);
    const block = { brokerId: json.int('broker'), blockStart: json.bigintString('block_start'), blockEnd: json.bigintString('block_end') };
    if (block.blockEnd < block.blockStart) throw new ZnodeFormatError(json.path, 'block_end is before block_start');
    return block;
  },
};

/** The name a sequential child gets after its prefix, e.g. `isr_change_0000000007` -> 7. */
export function sequenceNumber(name: string): number {
  const match = /(\d{10})$/.exec(name);
  return match ? Number(match[1]) : -1;
}
