/**
 * The public Admin client: create, delete, grow and describe topics, describe the cluster,
 * look up offsets. Any broker accepts admin requests, so they go to whichever broker is
 * reachable; failures surface as SamsaErrors carrying the broker's user-facing message.
 */
import { Api } from '../protocol/api';
import { ErrorCode } from '../protocol/errors';
import { CreateTopicsRequestData, RESOURCE_TYPE_TOPIC } from '../protocol/messages/admin';
import { MetadataResponseData } from '../protocol/messages/metadata';
import { closedError, responseError, unknownTopicError } from './client-errors';
import { ClientOptions, ResolvedClientOptions, resolveClientOptions } from './client-options';
import { Connection } from './connection';
import { ConnectionPool } from './connection-pool';
import { listOffsets, partitionKey } from './list-offsets';
import { MetadataCache, MetadataFetcher, poolMetadataFetcher } from './metadata-cache';

export interface NewTopic {
  topic: string;
  /** -1 or undefined: the broker's num.partitions. */
  numPartitions?: number;
  /** -1 or undefined: the broker's default.replication.factor. */
  replicationFactor?: number;
  /** partition → broker ids; replaces numPartitions/replicationFactor. */
  replicaAssignment?: Record<number, number[]>;
  configs?: Record<string, string>;
}

export interface PartitionInfo {
  partition: number;
  /** -1 when the partition has no leader. */
  leader: number;
  leaderEpoch: number;
  replicas: number[];
  isr: number[];
  offlineReplicas: number[];
}

export interface TopicDescription {
  name: string;
  internal: boolean;
  /** Sorted by partition id. */
  partitions: PartitionInfo[];
  /** Topic overrides only (not broker defaults). */
  configs: Record<string, string>;
}

export interface BrokerNode {
  nodeId: number;
  host: string;
  port: number;
  rack: string | null;
}

export interface ClusterDescription {
  clusterId: string | null;
  controllerId: number;
  brokers: BrokerNode[];
}

export class Admin {
  private readonly options: ResolvedClientOptions;
  private readonly pool: ConnectionPool;
  private readonly metadata: MetadataCache;
  private readonly fetchMetadata: MetadataFetcher;
  private closed = false;

  constructor(options: ClientOptions) {
    this.options = resolveClientOptions(options);
    this.pool = new ConnectionPool(this.options);
    this.fetchMetadata = poolMetadataFetcher(this.pool);
    this.metadata = new MetadataCache(this.fetchMetadata, {
      metadataMaxAgeMs: this.options.metadataMaxAgeMs, retryBackoffMs: this.options.retryBackoffMs,
      retryBackoffMaxMs: this.options.retryBackoffMaxMs, allowAutoTopicCreation: false,
      onBrokers: (brokers) => this.pool.setNodes(brokers),
    });
  }

  /** Reaches a broker (bootstrap list in order) and loads the broker list. */
  async connect(): Promise<void> {
    await this.describe([]);
  }

  async createTopic(spec: NewTopic, opts: { ifNotExists?: boolean; validateOnly?: boolean; timeoutMs?: number } = {}): Promise<void> {
    const timeoutMs = opts.timeoutMs ?? this.options.requestTimeoutMs;
    const assignments = Object.entries(spec.replicaAssignment ?? {})
      .map(([partition, brokerIds]) => ({ partitionIndex: Number(partition), brokerIds }))
      .sort((a, b) => a.partitionIndex - b.partitionIndex);
    const topic: CreateTopicsRequestData['topics'][number] = {
      name: spec.topic,
      numPartitions: assignments.length > 0 ? -1 : (spec.numPartitions ?? -1),
      replicationFactor: assignments.length > 0 ? -1 : (spec.replicationFactor ?? -1),
      assignments,
      configs: Object.entries(spec.configs ?? {}).map(([name, value]) => ({ name, value })),
    };
    const conn = await this.connection();
    const response = await conn.send(Api.CreateTopics, { topics: [topic], timeoutMs, validateOnly: opts.validateOnly ?? false },
      { timeoutMs: timeoutMs + this.options.requestTimeoutMs });
    const result = response.topics.find((t) => t.name === spec.topic);
    if (!result || result.errorCode === 0) return;
    if (result.errorCode === ErrorCode.TOPIC_ALREADY_EXISTS.code && opts.ifNotExists) return;
    throw responseError(result.errorCode, result.errorMessage, `Creating topic '${spec.topic}' failed.`);
  }

  async deleteTopic(name: string, opts: { ifExists?: boolean; timeoutMs?: number } = {}): Promise<void> {
    const timeoutMs = opts.timeoutMs ?? this.options.requestTimeoutMs;
    const conn = await this.connection();
    const response = await conn.send(Api.DeleteTopics, { topicNames: [name], timeoutMs }, { timeoutMs: timeoutMs + this.options.requestTimeoutMs });
    const result = response.responses.find((r) => r.name === name);
    this.metadata.untrack(name);
    if (!result || result.errorCode === 0) return;
    if (result.errorCode === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION.code) {
      if (opts.ifExists) return;
      throw unknownTopicError(name);
    }
    throw responseError(result.errorCode, result.errorMessage, `Deleting topic '${name}' failed.`);
  }

  /** Grows `topic` to `totalCount` partitions; `assignments` lists the replicas of each new partition. */
  async createPartitions(topic: string, totalCount: number, opts: { assignments?: number[][]; timeoutMs?: number } = {}): Promise<void> {
    const timeoutMs = opts.timeoutMs ?? this.options.requestTimeoutMs;
    const conn = await this.connection();
    const response = await conn.send(Api.CreatePartitions, {
      topics: [{ name: topic, count: totalCount, assignments: opts.assignments ? opts.assignments.map((brokerIds) => ({ brokerIds })) : null }],
      timeoutMs,
      validateOnly: false,
    }, { timeoutMs: timeoutMs + this.options.requestTimeoutMs });
    const result = response.results.find((r) => r.name === topic);
    if (!result || result.errorCode === 0) return;
    if (result.errorCode === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION.code && !result.errorMessage) throw unknownTopicError(topic);
    throw responseError(result.errorCode, result.errorMessage, `Adding partitions to topic '${topic}' failed.`);
  }

  /** Topic names, sorted; internal topics (such as __consumer_offsets) only when asked for. */
  async listTopics(opts: { includeInternal?: boolean } = {}): Promise<string[]> {
    const response = await this.describe(null);
    return response.topics
      .filter((t) => t.errorCode !== ErrorCode.UNKNOWN_TOPIC_OR_PARTITION.code && (opts.includeInternal || !t.isInternal))
      .map((t) => t.name)
      .sort();
  }

  /** The named topics (all topics when omitted), sorted by name, with their topic config overrides. */
  async describeTopics(names?: string[]): Promise<TopicDescription[]> {
    const response = await this.describe(names === undefined ? null : [...new Set(names)]);
    const byName = new Map(response.topics.map((t) => [t.name, t]));
    for (const name of names ?? []) {
      const t = byName.get(name);
      if (!t || t.errorCode === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION.code) throw unknownTopicError(name);
      if (t.errorCode !== 0 && t.errorCode !== ErrorCode.LEADER_NOT_AVAILABLE.code) throw responseError(t.errorCode, null);
    }
    const topics = [...byName.values()]
      .filter((t) => t.errorCode === 0 || t.errorCode === ErrorCode.LEADER_NOT_AVAILABLE.code)
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const configs = await this.topicConfigs(topics.map((t) => t.name));
    return topics.map((t) => ({
      name: t.name,
      internal: t.isInternal,
      partitions: t.partitions
        .map((p) => ({
          partition: p.partitionIndex, leader: p.leaderId, leaderEpoch: p.leaderEpoch,
          replicas: p.replicaNodes, isr: p.isrNodes, offlineReplicas: p.offlineReplicas,
        }))
        .sort((a, b) => a.partition - b.partition),
      configs: configs.get(t.name) ?? {},
    }));
  }

  async describeCluster(): Promise<ClusterDescription> {
    const response = await this.describe([]);
    return {
      clusterId: response.clusterId,
      controllerId: response.controllerId,
      brokers: response.brokers
        .map((b) => ({ nodeId: b.nodeId, host: b.host, port: b.port, rack: b.rack }))
        .sort((a, b) => a.nodeId - b.nodeId),
    };
  }

  /** The earliest offset, the latest (high watermark), or the first offset with a timestamp >= the given one (-1 if none). */
  async listOffsets(topic: string, partition: number, spec: 'earliest' | 'latest' | number): Promise<number> {
    this.ensureOpen();
    const offsets = await listOffsets(this.pool, this.metadata, [{ topic, partition, spec }], this.options.requestTimeoutMs, true);
    return offsets.get(partitionKey(topic, partition)) as number;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.pool.close();
  }

  private ensureOpen(): void {
    if (this.closed) throw closedError('the admin client');
  }

  private connection(): Promise<Connection> {
    this.ensureOpen();
    return this.pool.anyConnection();
  }

  /** A Metadata request (null = every topic) whose answer also refreshes the cache. */
  private async describe(topics: string[] | null): Promise<MetadataResponseData> {
    this.ensureOpen();
    const response = await this.fetchMetadata(topics, false);
    this.metadata.apply(response);
    return response;
  }

  private async topicConfigs(names: string[]): Promise<Map<string, Record<string, string>>> {
    const out = new Map<string, Record<string, string>>();
    if (names.length === 0) return out;
    const conn = await this.connection();
    const response = await conn.send(Api.DescribeConfigs, {
      resources: names.map((resourceName) => ({ resourceType: RESOURCE_TYPE_TOPIC, resourceName, configurationKeys: null })),
    });
    for (const result of response.results) {
      if (result.errorCode === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION.code) continue; // deleted since the Metadata answer
      if (result.errorCode !== 0) throw responseError(result.errorCode, result.errorMessage);
      const configs: Record<string, string> = {};
      for (const c of result.configs) if (!c.isDefault && c.value !== null) configs[c.name] = c.value;
      out.set(result.resourceName, configs);
    }
    return out;
  }
}
