/**
 * Topic administration as any broker performs it: validate a request, compute the replica
 * assignment, write the topic's znodes, and wait until the controller has made the change visible
 * in the metadata cache. The controller does the rest (leaders, deletion) from its watches.
 */
import { validateTopicConfig, validateTopicName } from '../config/topic-config';
import { BrokerConfig } from '../config/broker-config';
import { assignReplicasToBrokers } from '../controller/replica-assignment';
import { ErrorCode, SamsaError, toErrorCode } from '../protocol/errors';
import { CreateTopicsRequestData, CreateTopicsResponseData } from '../protocol/messages/admin';
import { Logger } from '../util/logger';
import { MetadataCache } from './metadata-cache';

/** The ZooKeeper operations topic administration needs; satisfied by the ZooKeeper cluster store. */
export interface TopicStore {
  topicExists(topic: string): Promise<boolean>;
  createTopic(topic: string, assignment: ReadonlyMap<number, readonly number[]>, config: Record<string, string>): Promise<void>;
  getTopicAssignment(topic: string): Promise<{ partitions: Map<number, number[]> } | null>;
  /** Adds partitions numbered right after the existing ones. */
  addPartitions(topic: string, additions: ReadonlyMap<number, readonly number[]>): Promise<unknown>;
  getTopicConfig(topic: string): Promise<Record<string, string>>;
  markTopicForDeletion(topic: string): Promise<void>;
  liveBrokerIds(): Promise<number[]>;
}

type CreatableTopic = CreateTopicsRequestData['topics'][number];
type CreateResult = CreateTopicsResponseData['topics'][number];

export interface TopicResult {
  name: string;
  errorCode: number;
  errorMessage: string | null;
}

export class TopicAdmin {
  constructor(
    private readonly store: TopicStore,
    private readonly metadata: MetadataCache,
    private readonly config: BrokerConfig,
    private readonly logger: Logger,
  ) {}

  async createTopics(req: CreateTopicsRequestData): Promise<CreateResult[]> {
    const counts = new Map<string, number>();
    for (const t of req.topics) counts.set(t.name, (counts.get(t.name) ?? 0) + 1);
    return Promise.all(req.topics.map(async (topic): Promise<CreateResult> => {
      const base = { name: topic.name, numPartitions: -1, replicationFactor: -1 };
      if ((counts.get(topic.name) ?? 0) > 1) {
        return { ...base, errorCode: ErrorCode.INVALID_REQUEST.code, errorMessage: `Create topics request from client contains multiple entries for topic ${topic.name}.` };
      }
      try {
        const assignment = await this.createOne(topic, req.validateOnly, req.timeoutMs);
        const replicationFactor = assignment.get(0)?.length ?? -1;
        return { ...base, errorCode: 0, errorMessage: null, numPartitions: assignment.size, replicationFactor };
      } catch (err) {
        return { ...base, errorCode: toErrorCode(err), errorMessage: errorMessage(err) };
      }
    }));
  }

  private async createOne(topic: CreatableTopic, validateOnly: boolean, timeoutMs: number): Promise<Map<number, number[]>> {
    validateTopicName(topic.name);
    const configs: Record<string, string> = {};
    for (const c of topic.configs) if (c.value !== null) configs[c.name] = c.value;
    validateTopicConfig(configs);
    if (this.metadata.hasTopic(topic.name) || await this.store.topicExists(topic.name)) {
      throw new SamsaError(ErrorCode.TOPIC_ALREADY_EXISTS, `Topic '${topic.name}' already exists.`);
    }
    const liveBrokers = await this.store.liveBrokerIds();
    const assignment = topic.assignments.length > 0
      ? validateAssignment(topic, liveBrokers)
      : this.computeAssignment(topic.numPartitions, topic.replicationFactor, liveBrokers);
    if (validateOnly) return assignment;
    await this.store.createTopic(topic.name, assignment, configs);
    const rf = assignment.get(0)?.length ?? 1;
    this.logger.info(`Created topic ${topic.name} with ${assignment.size} partitions, replication factor ${rf}`);
    await this.awaitLeaders(topic.name, assignment.size, timeoutMs);
    return assignment;
  }

  private computeAssignment(numPartitions: number, replicationFactor: number, liveBrokers: number[]): Map<number, number[]> {
    const partitions = numPartitions === -1 ? this.config.numPartitions : numPartitions;
    const rf = replicationFactor === -1 ? this.config.defaultReplicationFactor : replicationFactor;
    if (partitions <= 0) throw new SamsaError(ErrorCode.INVALID_PARTITIONS, 'Number of partitions must be larger than 0.');
    checkPartitionCount(partitions);
    if (rf <= 0) throw new SamsaError(ErrorCode.INVALID_REPLICATION_FACTOR, 'Replication factor must be larger than 0.');
    if (rf > liveBrokers.length) {
      throw new SamsaError(ErrorCode.INVALID_REPLICATION_FACTOR, `Replication factor: ${rf} larger than available brokers: ${liveBrokers.length}.`);
    }
    return assignReplicasToBrokers(liveBrokers, partitions, rf);
  }

  /** Waits until every partition has a leader in the metadata cache; a timeout still leaves the topic created. */
  private async awaitLeaders(topic: string, partitions: number, timeoutMs: number): Promise<void> {
    if (timeoutMs <= 0) return;
    const ready = await this.metadata.waitFor(() => {
      const states = this.metadata.partitions(topic);
      return states !== undefined && states.length >= partitions && states.every((s) => s.leader >= 0);
    }, timeoutMs);
    if (!ready) {
      throw new SamsaError(ErrorCode.REQUEST_TIMED_OUT, `Topic ${topic} was created but its leaders were not elected within ${timeoutMs} ms.`);
    }
  }

  async autoCreateTopic(topic: string): Promise<void> {
    validateTopicName(topic);
    const liveBrokers = await this.store.liveBrokerIds();
    const rf = Math.min(this.config.defaultReplicationFactor, Math.max(liveBrokers.length, 1));
    const assignment = this.computeAssignment(this.config.numPartitions, rf, liveBrokers);
    await this.store.createTopic(topic, assignment, {});
    this.logger.info(`Auto-created topic ${topic} with ${assignment.size} partitions`);
  }

  async deleteTopics(names: string[], timeoutMs: number): Promise<TopicResult[]> {
    return Promise.all(names.map(async (name): Promise<TopicResult> => {
      try {
        if (!this.config.deleteTopicEnable) {
          throw new SamsaError(ErrorCode.TOPIC_DELETION_DISABLED, 'Topic deletion is disabled (delete.topic.enable=false).');
        }
        if (!await this.store.topicExists(name)) {
          throw new SamsaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `Topic '${name}' does not exist.`);
        }
        await this.store.markTopicForDeletion(name);
        this.logger.info(`Topic ${name} marked for deletion`);
        if (timeoutMs > 0 && !await this.metadata.waitFor(() => !this.metadata.hasTopic(name), timeoutMs)) {
          throw new SamsaError(ErrorCode.REQUEST_TIMED_OUT, `Topic ${name} is marked for deletion but was not deleted within ${timeoutMs} ms.`);
        }
        return { name, errorCode: 0, errorMessage: null };
      } catch (err) {
        return { name, errorCode: toErrorCode(err), errorMessage: errorMessage(err) };
      }
    }));
  }

  async createPartitions(name: string, count: number, assignments: number[][] | null, validateOnly: boolean, timeoutMs: number): Promise<TopicResult> {
    try {
      const current = (await this.store.getTopicAssignment(name))?.partitions;
      if (!current) throw new SamsaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `Topic '${name}' does not exist.`);
      if (count <= current.size) {
        throw new SamsaError(ErrorCode.INVALID_PARTITIONS, `Topic currently has ${current.size} partitions, which is higher than the requested ${count}.`);
      }
      checkPartitionCount(count);
      const liveBrokers = await this.store.liveBrokerIds();
      const rf = current.get(0)?.length ?? 1;
      const added = assignments
        ? validateAddedAssignment(assignments, count - current.size, current.size, rf, liveBrokers)
        : (() => {
          if (rf > liveBrokers.length) {
            throw new SamsaError(ErrorCode.INVALID_REPLICATION_FACTOR, `Replication factor: ${rf} larger than available brokers: ${liveBrokers.length}.`);
          }
          return assignReplicasToBrokers(liveBrokers, count - current.size, rf, -1, current.size);
        })();
      if (!validateOnly) {
        await this.store.addPartitions(name, added);
        this.logger.info(`Increased partitions of ${name} from ${current.size} to ${count}`);
        await this.awaitLeaders(name, count, timeoutMs);
      }
      return { name, errorCode: 0, errorMessage: null };
    } catch (err) {
      return { name, errorCode: toErrorCode(err), errorMessage: errorMessage(err) };
    }
  }

  topicConfig(name: string): Promise<Record<string, string>> {
    return this.store.getTopicConfig(name);
  }
}

function errorMessage(err: unknown): string {
  if (err instanceof SamsaError) return err.message.replace(/^[A-Z_]+: /, '');
  return (err as Error)?.message ?? String(err);
}

function checkReplicas(replicas: number[], liveBrokers: number[], partition: number): void {
  if (replicas.length === 0) throw new SamsaError(ErrorCode.INVALID_REPLICA_ASSIGNMENT, `Partition ${partition} has no replicas.`);
  if (new Set(replicas).size !== replicas.length) {
    throw new SamsaError(ErrorCode.INVALID_REPLICA_ASSIGNMENT, `Duplicate brokers not allowed in replica assignment: ${replicas.join(', ')} for partition id ${partition}.`);
  }
  const unknown = replicas.filter((b) => !liveBrokers.includes(b));
  if (unknown.length > 0) {
    throw new SamsaError(ErrorCode.INVALID_REPLICA_ASSIGNMENT, `Unknown broker(s) in replica assignment: ${unknown.join(', ')}.`);
  }
}

function validateAssignment(topic: CreatableTopic, liveBrokers: number[]): Map<number, number[]> {
  if (topic.numPartitions !== -1 || topic.replicationFactor !== -1) {
    throw new SamsaError(ErrorCode.INVALID_REQUEST, 'Both numPartitions or replicationFactor and replicasAssignments were set. Both cannot be used at the same time.');
  }
  const assignment = new Map<number, number[]>();
  for (const a of topic.assignments) {
    checkReplicas(a.brokerIds, liveBrokers, a.partitionIndex);
    assignment.set(a.partitionIndex, a.brokerIds);
  }
  const rf = topic.assignments[0].brokerIds.length;
  for (let p = 0; p < assignment.size; p++) {
    const replicas = assignment.get(p);
    if (!replicas) throw new SamsaError(ErrorCode.INVALID_REPLICA_ASSIGNMENT, `Partitions should be consecutive and start from 0, missing partition ${p}.`);
    if (replicas.length !== rf) throw new SamsaError(ErrorCode.INVALID_REPLICA_ASSIGNMENT, 'All partitions should have the same number of replicas.');
  }
  return assignment;
}

function validateAddedAssignment(assignments: number[][], added: number, start: number, rf: number, liveBrokers: number[]): Map<number, number[]> {
  if (assignments.length !== added) {
    throw new SamsaError(ErrorCode.INVALID_REPLICA_ASSIGNMENT, `Increasing the number of partitions by ${added} but ${assignments.length} assignments provided.`);
  }
  const out = new Map<number, number[]>();
  assignments.forEach((replicas, i) => {
    checkReplicas(replicas, liveBrokers, start + i);
    if (replicas.length !== rf) throw new SamsaError(ErrorCode.INVALID_REPLICA_ASSIGNMENT, `Inconsistent replication factor between partitions, partition 0 has ${rf} while partition ${start + i} has ${replicas.length} replicas.`);
    out.set(start + i, replicas);
  });
  return out;
}

/**
 * Partitions one topic may have. Kafka sets no bound, but a request for millions of partitions
 * would hold the event loop for seconds just planning the assignment (even with validateOnly)
 * and then exhaust the broker's file descriptors; no real topic comes near this.
 */
export const MAX_PARTITIONS_PER_TOPIC = 10_000;

function checkPartitionCount(count: number): void {
  if (count > MAX_PARTITIONS_PER_TOPIC) {
    throw new SamsaError(ErrorCode.INVALID_PARTITIONS, `Number of partitions ${count} exceeds the limit of ${MAX_PARTITIONS_PER_TOPIC} per topic.`);
  }
}
