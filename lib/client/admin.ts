/**
 * The public Admin client: create, delete, grow and describe topics, describe the cluster,
 * look up offsets, manage consumer groups (admin-groups.ts). Any broker accepts admin requests,
 * so they go to whichever broker is reachable; failures surface as SamsaErrors carrying the
 * broker's user-facing message.
 */
import { Api, ApiDef } from '../protocol/api';
import { ErrorCode, SamsaError } from '../protocol/errors';
import { CreateTopicsRequestData } from '../protocol/messages/admin';
import { ELECTION_TYPE_PREFERRED, ELECTION_TYPE_UNCLEAN } from '../protocol/messages/elect-reassign';
import { MetadataResponseData } from '../protocol/messages/metadata';
import { AdminGroups, ConsumerGroupDescription, ConsumerGroupListing, DeleteOffsetsResult, GroupOffset } from './admin-groups';
import { BrokerVersionInfo, listAllBrokerVersionInfo } from './admin-api-versions';
import * as acls from './admin-acls';
import * as configs from './admin-configs';
import * as records from './admin-records';
import * as scram from './admin-scram';
import * as logDirs from './admin-log-dirs';
import * as txns from './admin-transactions';
import * as quotas from './admin-quotas';
import { closedError, responseError, unknownTopicError } from './client-errors';
import { ADMIN_METRIC_DEFS, AdminMetrics, adminMetrics } from './client-metrics';
import { registerClientMetrics } from './client-metrics-registry';
import { ClientOptions, ResolvedClientOptions, resolveClientOptions } from './client-options';
import { Connection } from './connection';
import { ConnectionPool } from './connection-pool';
import { listOffsets, OffsetQuery, partitionKey } from './list-offsets';
import { MetadataCache, MetadataFetcher, poolMetadataFetcher } from './metadata-cache';
import type { TopicPartitionOffset } from './offset-committer';
import type { TopicPartition } from './partition-state';
import { exponentialBackoffMs } from './retry-policy';
import type { AclBinding, AclBindingFilter } from '../security/acl/acl-types';
import { sleep } from '../util/time';

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

export type ElectionType = 'preferred' | 'unclean';

/** The outcome for one partition of electLeaders / alterPartitionReassignments; `error` null = done. */
export interface PartitionResult extends TopicPartition {
  error: SamsaError | null;
}

/** Move `topic`-`partition` to `replicas` (in preference order); null cancels its reassignment in progress. */
export interface NewPartitionReassignment extends TopicPartition {
  replicas: number[] | null;
}

/** A reassignment in progress: `replicas` is the full set during the move (targets plus those leaving). */
export interface PartitionReassignment extends TopicPartition {
  replicas: number[];
  addingReplicas: number[];
  removingReplicas: number[];
}

/** Errors after which a controller-bound request is retried at the (possibly new) controller. */
const CONTROLLER_RETRY_CODES: ReadonlySet<number> = new Set([
  ErrorCode.NOT_CONTROLLER.code, ErrorCode.NETWORK_EXCEPTION.code, ErrorCode.BROKER_NOT_AVAILABLE.code,
]);

export class Admin {
  private readonly options: ResolvedClientOptions;
  private readonly pool: ConnectionPool;
  private readonly metadata: MetadataCache;
  private readonly fetchMetadata: MetadataFetcher;
  private readonly groups: AdminGroups;
  private closed = false;
  private readonly unregisterMetrics: () => void;

  constructor(options: ClientOptions) {
    this.options = resolveClientOptions(options);
    this.pool = new ConnectionPool(this.options);
    const traffic = this.pool.traffic;
    this.unregisterMetrics = this.options.metricsRegistry
      ? registerClientMetrics(this.options.metricsRegistry, 'admin', this.options.clientId, ADMIN_METRIC_DEFS, () => adminMetrics(traffic))
      : () => undefined;
    this.fetchMetadata = poolMetadataFetcher(this.pool);
    this.metadata = new MetadataCache(this.fetchMetadata, {
      metadataMaxAgeMs: this.options.metadataMaxAgeMs, retryBackoffMs: this.options.retryBackoffMs,
      retryBackoffMaxMs: this.options.retryBackoffMaxMs, allowAutoTopicCreation: false,
      onBrokers: (brokers) => this.pool.setNodes(brokers), logger: this.options.logger,
    });
    this.groups = new AdminGroups(this.pool, this.options, async () => (await this.describeCluster()).brokers);
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

  /** ApiVersions of every broker in the cluster, by broker id (admin-api-versions.ts). */
  async listAllBrokerVersionInfo(): Promise<BrokerVersionInfo[]> {
    return listAllBrokerVersionInfo(this.pool, (await this.describeCluster()).brokers);
  }

  /** Kafka's listOffsets: each query's offset and, by timestamp, the matching record's timestamp (admin-records.ts). */
  async listOffsetsWithTimestamps(queries: OffsetQuery[]): Promise<records.ListOffsetsResultInfo[]> {
    this.ensureOpen();
    return records.listOffsetsWithTimestamps(this.recordsDeps(), queries);
  }

  /** Kafka's deleteRecords: moves each partition's log start offset up to `offset` (-1: the high watermark). */
  async deleteRecords(toDelete: records.RecordsToDelete[], opts: { timeoutMs?: number } = {}): Promise<records.DeletedRecords[]> {
    this.ensureOpen();
    return records.deleteRecords(this.recordsDeps(), toDelete, opts.timeoutMs ?? this.options.requestTimeoutMs);
  }

  private recordsDeps(): records.RecordsDeps {
    return { pool: this.pool, metadata: this.metadata, requestTimeoutMs: this.options.requestTimeoutMs };
  }

  /**
   * Elects leaders: 'preferred' moves leadership to each partition's first replica; 'unclean'
   * picks any live replica for partitions without a leader. `partitions` null = all partitions.
   * A partition that already has the wanted leader reports ELECTION_NOT_NEEDED.
   */
  async electLeaders(type: ElectionType, partitions: TopicPartition[] | null, opts: { timeoutMs?: number } = {}): Promise<PartitionResult[]> {
    const timeoutMs = opts.timeoutMs ?? this.options.requestTimeoutMs;
    const response = await this.sendToController(Api.ElectLeaders, {
      electionType: type === 'preferred' ? ELECTION_TYPE_PREFERRED : ELECTION_TYPE_UNCLEAN,
      topicPartitions: partitions === null ? null : byTopic(partitions).map(([topic, list]) => ({ topic, partitions: list.map((tp) => tp.partition) })),
      timeoutMs,
    }, timeoutMs);
    if (response.errorCode !== 0) throw responseError(response.errorCode, null, `Leader election (${type}) failed.`);
    return response.replicaElectionResults.flatMap((t) => t.partitionResult.map((p) => ({
      topic: t.topic, partition: p.partitionId, error: p.errorCode === 0 ? null : responseError(p.errorCode, p.errorMessage),
    })));
  }

  /** Starts (or, with `replicas: null`, cancels) partition reassignments; the controller moves the replicas in the background. */
  async alterPartitionReassignments(reassignments: NewPartitionReassignment[], opts: { timeoutMs?: number } = {}): Promise<PartitionResult[]> {
    const timeoutMs = opts.timeoutMs ?? this.options.requestTimeoutMs;
    const response = await this.sendToController(Api.AlterPartitionReassignments, {
      timeoutMs,
      topics: byTopic(reassignments).map(([name, list]) => ({
        name, partitions: list.map((r) => ({ partitionIndex: r.partition, replicas: r.replicas })),
      })),
    }, timeoutMs);
    if (response.errorCode !== 0) throw responseError(response.errorCode, response.errorMessage, 'Altering partition reassignments failed.');
    return response.responses.flatMap((t) => t.partitions.map((p) => ({
      topic: t.name, partition: p.partitionIndex, error: p.errorCode === 0 ? null : responseError(p.errorCode, p.errorMessage),
    })));
  }

  /** Reassignments in progress, among `partitions` (null = all), sorted by topic and partition. */
  async listPartitionReassignments(partitions: TopicPartition[] | null = null, opts: { timeoutMs?: number } = {}): Promise<PartitionReassignment[]> {
    const timeoutMs = opts.timeoutMs ?? this.options.requestTimeoutMs;
    const response = await this.sendToController(Api.ListPartitionReassignments, {
      timeoutMs,
      topics: partitions === null ? null : byTopic(partitions).map(([name, list]) => ({ name, partitionIndexes: list.map((tp) => tp.partition) })),
    }, timeoutMs);
    if (response.errorCode !== 0) throw responseError(response.errorCode, response.errorMessage, 'Listing partition reassignments failed.');
    return response.topics
      .flatMap((t) => t.partitions.map((p) => ({
        topic: t.name, partition: p.partitionIndex, replicas: p.replicas, addingReplicas: p.addingReplicas, removingReplicas: p.removingReplicas,
      })))
      .sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition));
  }

  /** Adds ACLs (CreateAcls); any broker stores them in ZooKeeper. Fails with the first creation's error. */
  async createAcls(bindings: readonly AclBinding[]): Promise<void> {
    if (bindings.length > 0) await acls.createAcls(await this.connection(), bindings);
  }

  /** The ACLs a filter selects (DescribeAcls), in the broker's resource order. */
  async describeAcls(filter: AclBindingFilter): Promise<AclBinding[]> {
    return acls.describeAcls(await this.connection(), filter);
  }

  /** Deletes what each filter selects (DeleteAcls); returns the deleted ACLs per filter, in order. */
  async deleteAcls(filters: readonly AclBindingFilter[]): Promise<AclBinding[][]> {
    return filters.length === 0 ? [] : acls.deleteAcls(await this.connection(), filters);
  }

  /** Consumer groups known to any broker, sorted by id; `states` keeps only groups in those states. */
  listConsumerGroups(states: string[] = []): Promise<ConsumerGroupListing[]> {
    this.ensureOpen();
    return this.groups.listConsumerGroups(states);
  }

  /** State, assignor, coordinator and members (with decoded assignments) of each group, in the order asked. */
  describeConsumerGroups(groupIds: string[]): Promise<ConsumerGroupDescription[]> {
    this.ensureOpen();
    return this.groups.describeConsumerGroups(groupIds);
  }

  /** A group's committed offsets (of `partitions`, or all), sorted by topic and partition. */
  listConsumerGroupOffsets(groupId: string, partitions: TopicPartition[] | null = null): Promise<GroupOffset[]> {
    this.ensureOpen();
    return this.groups.listConsumerGroupOffsets(groupId, partitions);
  }

  /** Overwrites committed offsets of a group without active members (OffsetCommit with generation -1). */
  alterConsumerGroupOffsets(groupId: string, offsets: TopicPartitionOffset[]): Promise<void> {
    this.ensureOpen();
    return this.groups.alterConsumerGroupOffsets(groupId, offsets);
  }

  /** LeaveGroup on behalf of static members (by group.instance.id; all members without ids): see admin-groups.ts. */
  removeMembersFromConsumerGroup(groupId: string, groupInstanceIds?: string[]): Promise<Map<string, SamsaError | null>> {
    return this.groups.removeMembersFromConsumerGroup(groupId, groupInstanceIds);
  }

  /** Deletes empty groups and their offsets; maps each id to null (deleted) or the error that prevented it. */
  deleteConsumerGroups(groupIds: string[]): Promise<Map<string, SamsaError | null>> {
    this.ensureOpen();
    return this.groups.deleteConsumerGroups(groupIds);
  }

  /** Deletes committed offsets of a group (all of them while Empty; of topics no member subscribes to otherwise). */
  deleteConsumerGroupOffsets(groupId: string, partitions: TopicPartition[]): Promise<DeleteOffsetsResult> {
    this.ensureOpen();
    return this.groups.deleteConsumerGroupOffsets(groupId, partitions);
  }

  /** Which SCRAM mechanisms (and iteration counts) users have; none given: every user with a credential. */
  async describeUserScramCredentials(users?: string[]): Promise<scram.UserScramCredentialsDescription[]> {
    return scram.describeUserScramCredentials(await this.connection(), users);
  }

  /** Upserts and deletes SCRAM credentials; maps each user to null (done) or the error the broker gave. */
  async alterUserScramCredentials(alterations: scram.ScramCredentialAlteration[]): Promise<Map<string, SamsaError | null>> {
    return scram.alterUserScramCredentials(await this.connection(), alterations);
  }

  /** Kafka's describeClientQuotas: the quotas of the user / client-id entities the filter matches. */
  async describeClientQuotas(filter: quotas.ClientQuotaFilter): Promise<quotas.ClientQuotaDescription[]> {
    return quotas.describeClientQuotas(await this.connection(), filter);
  }

  /** Kafka's alterClientQuotas: one result per entry, error null when it was applied. */
  async alterClientQuotas(entries: quotas.ClientQuotaAlteration[], options?: { validateOnly?: boolean }): Promise<quotas.ClientQuotaAlterationResult[]> {
    return quotas.alterClientQuotas(await this.connection(), entries, options);
  }

  /** Each resource's config entries (with sources, and synonyms when asked), by configs.configResourceKey. */
  describeConfigs(resources: configs.ConfigResource[], opts: { includeSynonyms?: boolean; includeDocumentation?: boolean } = {}): Promise<Map<string, configs.ConfigEntry[]>> {
    return configs.describeConfigs((id) => this.nodeConnection(id), resources, opts);
  }

  /** SET/DELETE/APPEND/SUBTRACT keys of each resource; each resource's outcome, null when done. */
  incrementalAlterConfigs(changes: Array<{ resource: configs.ConfigResource; ops: configs.AlterConfigOp[] }>, opts: { validateOnly?: boolean } = {}): Promise<configs.AlterConfigsResult> {
    return configs.incrementalAlterConfigs((id) => this.nodeConnection(id), changes, opts);
  }

  /** Legacy AlterConfigs: replaces each resource's whole dynamic config. */
  alterConfigs(changes: Array<{ resource: configs.ConfigResource; configs: Record<string, string> }>, opts: { validateOnly?: boolean } = {}): Promise<configs.AlterConfigsResult> {
    return configs.alterConfigs((id) => this.nodeConnection(id), changes, opts);
  }

  private async nodeConnection(nodeId: number | null): Promise<Connection> {
    if (nodeId === null) return this.connection();
    this.ensureOpen();
    await this.describe([]);
    return this.pool.forNode(nodeId);
  }

  /** Each broker's log directories (DescribeLogDirs to every broker named), by broker id. */
  async describeLogDirs(brokerIds: number[]): Promise<Map<number, logDirs.LogDirDescription[]>> {
    await this.describeCluster();
    return logDirs.describeLogDirs(this.pool, brokerIds);
  }

  /** Moves replicas between their brokers' log directories; null (started) or the error, per move in order. */
  async alterReplicaLogDirs(moves: logDirs.ReplicaLogDirMove[]): Promise<Array<SamsaError | null>> {
    await this.describeCluster();
    return logDirs.alterReplicaLogDirs(this.pool, moves);
  }

  /** Kafka's transaction admin calls (KIP-664, lib/client/admin-transactions.ts). */
  listTransactions(opts?: txns.ListTransactionsOptions): Promise<txns.TransactionListing[]> { return txns.listTransactions(this.txnDeps(), opts); }
  describeTransaction(transactionalId: string): Promise<txns.TransactionDescription> { return txns.describeTransaction(this.txnDeps(), transactionalId); }
  describeProducers(tp: TopicPartition, brokerId?: number): Promise<txns.ProducerState[]> { return txns.describeProducers(this.txnDeps(), tp, brokerId); }
  abortTransaction(spec: txns.AbortTransactionSpec): Promise<void> { return txns.abortTransaction(this.txnDeps(), spec); }
  private txnDeps(): txns.TransactionsDeps {
    this.ensureOpen();
    return { pool: this.pool, metadata: this.metadata, brokerIds: async () => (await this.describeCluster()).brokers.map((b) => b.nodeId) };
  }

  async close(): Promise<void> {
    this.closed = true;
    this.unregisterMetrics();
    this.pool.close();
  }

  /** Kafka's admin-client-metrics network side: request-total, outgoing-byte-total, incoming-byte-total. */
  metrics(): AdminMetrics {
    return adminMetrics(this.pool.traffic);
  }

  private ensureOpen(): void {
    if (this.closed) throw closedError('the admin client');
  }

  private connection(): Promise<Connection> {
    this.ensureOpen();
    return this.pool.anyConnection();
  }

  /**
   * Sends a request only the active controller serves, to the controller Metadata names. When that
   * turns out stale (NOT_CONTROLLER, or the controller's connection fails because it just went
   * away) it asks Metadata again and retries with backoff, until `requestTimeoutMs` has passed.
   */
  private async sendToController<Req, Resp extends { errorCode: number }>(api: ApiDef<Req, Resp>, body: Req, timeoutMs: number): Promise<Resp> {
    const deadline = Date.now() + this.options.requestTimeoutMs;
    for (let attempt = 0; ; attempt++) {
      let failure: SamsaError;
      try {
        const { controllerId } = await this.describe([]);
        if (controllerId < 0) throw new SamsaError(ErrorCode.NOT_CONTROLLER, 'no controller is elected at the moment');
        const conn = await this.pool.forNode(controllerId);
        const response = await conn.send(api, body, { timeoutMs: timeoutMs + this.options.requestTimeoutMs });
        if (response.errorCode !== ErrorCode.NOT_CONTROLLER.code) return response;
        failure = responseError(response.errorCode, null, `broker ${controllerId} is no longer the controller`);
      } catch (err) {
        if (!(err instanceof SamsaError) || !CONTROLLER_RETRY_CODES.has(err.code)) throw err;
        failure = err;
      }
      const delayMs = exponentialBackoffMs(attempt, this.options.retryBackoffMs, this.options.retryBackoffMaxMs);
      if (Date.now() + delayMs > deadline) throw failure;
      await sleep(delayMs);
    }
  }

  /** A Metadata request (null = every topic) whose answer also refreshes the cache. */
  private async describe(topics: string[] | null): Promise<MetadataResponseData> {
    this.ensureOpen();
    const response = await this.fetchMetadata(topics, false);
    this.metadata.apply(response);
    return response;
  }

  /** Every topic's effective configuration: overrides plus the brokers' defaults for the rest. */
  async describeTopicConfigs(names: string[]): Promise<Map<string, Record<string, string>>> {
    this.ensureOpen();
    return this.topicConfigs(names, true);
  }

  private async topicConfigs(names: string[], includeDefaults = false): Promise<Map<string, Record<string, string>>> {
    return names.length === 0 ? new Map() : configs.topicConfigValues(await this.connection(), names, includeDefaults);
  }
}

/** Items grouped by topic (first-seen order), as the controller APIs' requests nest them. */
function byTopic<T extends TopicPartition>(items: readonly T[]): Array<[string, T[]]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const list = groups.get(item.topic);
    if (list) list.push(item);
    else groups.set(item.topic, [item]);
  }
  return [...groups.entries()];
}
