/**
 * `samsa-topics --zookeeper`: the topic backend that reads and writes the cluster's znodes
 * directly, as Kafka 2.x's TopicCommand did in ZooKeeper mode.
 *
 * Creating a topic means doing the controller's first job ourselves: validate the name and
 * configs, place replicas with Kafka's rack-unaware algorithm over the registered brokers, and
 * write `/config/topics/<t>` then `/brokers/topics/<t>` (ClusterStore keeps that order). The
 * controller notices the new assignment and elects leaders. Deletion only writes the request
 * znode `/admin/delete_topics/<t>`; the controller carries it out.
 */
import { ErrorCode, SamsaError } from '../protocol/errors';
import { validateTopicConfig, validateTopicName } from '../config/topic-config';
import { assignReplicasToBrokers } from '../controller/replica-assignment';
import { ClusterStore } from '../zk/cluster-store';
import { EntityConfigStore } from '../zk/entity-config';
import { ZkClient } from '../zk/zk-client';
import type { NewTopic, PartitionInfo, TopicDescription } from '../client/admin';
import type { DeleteOutcome, TopicBackend, TopicListing } from './topic-backend';
import { isInternalTopic } from './topic-filter';

const SESSION_TIMEOUT_MS = 30000;
const CONNECTION_TIMEOUT_MS = 15000;

export class ZkTopicBackend implements TopicBackend {
  private constructor(
    private readonly zk: ZkClient,
    private readonly store: ClusterStore,
  ) {}

  static async open(connectString: string): Promise<ZkTopicBackend> {
    const zk = await ZkClient.connect({ connectString, sessionTimeoutMs: SESSION_TIMEOUT_MS, connectionTimeoutMs: CONNECTION_TIMEOUT_MS });
    return new ZkTopicBackend(zk, new ClusterStore(zk));
  }

  async listTopics(): Promise<TopicListing[]> {
    const [topics, marked] = await Promise.all([this.store.getAllTopics(), this.store.getTopicsMarkedForDeletion()]);
    const markedSet = new Set(marked);
    return topics.map((name) => ({ name, markedForDeletion: markedSet.has(name) }));
  }

  async describeTopics(names: string[]): Promise<TopicDescription[]> {
    const live = await this.liveBrokerIds();
    const sorted = [...names].sort();
    return Promise.all(sorted.map((name) => this.describeTopic(name, live)));
  }

  private async describeTopic(name: string, live: ReadonlySet<number>): Promise<TopicDescription> {
    const [assignment, states, configs] = await Promise.all([
      this.store.getTopicAssignment(name),
      this.store.getPartitionStates(name),
      this.store.getTopicConfig(name),
    ]);
    if (!assignment) throw new SamsaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `Topic '${name}' does not exist.`);
    const partitions: PartitionInfo[] = [...assignment.partitions.entries()]
      .sort(([a], [b]) => a - b)
      .map(([partition, replicas]) => {
        // No state znode yet: the controller has not elected a leader for this partition.
        const state = states.get(partition)?.value;
        return {
          partition,
          leader: state?.leader ?? -1,
          leaderEpoch: state?.leaderEpoch ?? -1,
          replicas,
          isr: state?.isr ?? [],
          offlineReplicas: replicas.filter((b) => !live.has(b)),
        };
      });
    return { name, internal: isInternalTopic(name), partitions, configs };
  }

  async liveBrokerIds(): Promise<Set<number>> {
    return new Set(await this.store.liveBrokerIds());
  }

  async createTopic(spec: NewTopic, opts: { ifNotExists: boolean }): Promise<void> {
    validateTopicName(spec.topic);
    const configs = spec.configs ?? {};
    validateTopicConfig(configs);
    if (opts.ifNotExists && (await this.store.topicExists(spec.topic))) return;
    const brokers = await this.store.liveBrokerIds();
    const assignment = spec.replicaAssignment
      ? manualAssignment(spec.replicaAssignment, new Set(brokers), 0)
      : assignReplicasToBrokers(brokers, spec.numPartitions ?? -1, spec.replicationFactor ?? -1);
    await this.store.createTopic(spec.topic, assignment, configs);
  }

  async deleteTopic(name: string): Promise<DeleteOutcome> {
    if (isInternalTopic(name)) {
      throw new SamsaError(ErrorCode.INVALID_TOPIC_EXCEPTION, `Topic ${name} is a kafka internal topic and is not allowed to be marked for deletion.`);
    }
    if ((await this.store.getTopicsMarkedForDeletion()).includes(name)) return 'already-marked';
    await this.store.markTopicForDeletion(name);
    return 'marked';
  }

  async createPartitions(topic: string, totalCount: number, assignments?: number[][]): Promise<void> {
    const current = await this.store.getTopicAssignment(topic);
    if (!current) throw new SamsaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `Topic '${topic}' does not exist.`);
    const existing = current.partitions.size;
    if (totalCount <= existing) {
      throw new SamsaError(
        ErrorCode.INVALID_PARTITIONS,
        `The number of partitions for a topic can only be increased. Topic ${topic} currently has ${existing} partitions, ${totalCount} would not be an increase.`,
      );
    }
    const partitionZero = current.partitions.get(0) ?? [...current.partitions.values()][0];
    const brokers = await this.store.liveBrokerIds();
    let additions: Map<number, number[]>;
    if (assignments && assignments.length > 0) {
      if (assignments.length !== totalCount - existing) {
        throw new SamsaError(ErrorCode.INVALID_REPLICA_ASSIGNMENT, `Increasing the number of partitions by ${totalCount - existing} but ${assignments.length} assignments provided.`);
      }
      additions = manualAssignment(Object.fromEntries(assignments.map((r, i) => [i, r])), new Set(brokers), existing);
    } else {
      // Kafka continues the layout from the broker holding partition 0's preferred replica.
      const startIndex = Math.max(0, brokers.findIndex((id) => id >= partitionZero[0]));
      additions = assignReplicasToBrokers(brokers, totalCount - existing, partitionZero.length, startIndex, existing);
    }
    for (const replicas of additions.values()) {
      if (replicas.length !== partitionZero.length) {
        throw new SamsaError(
          ErrorCode.INVALID_REPLICA_ASSIGNMENT,
          `The replication factor in manual replication assignment is not equal to the existing replication factor for the topic ${partitionZero.length}.`,
        );
      }
    }
    await this.store.addPartitions(topic, additions);
  }

  /** Kafka's TopicCommand with --zookeeper: merge into /config/topics/<t>, then notify brokers through /config/changes. */
  async alterTopicConfig(topic: string, set: Readonly<Record<string, string>>, deletes: readonly string[]): Promise<void> {
    validateTopicConfig({ ...set, ...Object.fromEntries(deletes.map((k) => [k, null])) });
    if (!(await this.store.topicExists(topic))) throw new SamsaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `Topic '${topic}' does not exist.`);
    await new EntityConfigStore(this.zk).updateConfig('topics', topic, (config) => {
      Object.assign(config, set);
      for (const key of deletes) delete config[key];
      return config;
    });
  }

  close(): Promise<void> {
    return this.zk.close();
  }
}

/** A user-given assignment (partition index → replicas), renumbered from `firstPartition`. */
function manualAssignment(byIndex: Record<number, number[]>, live: ReadonlySet<number>, firstPartition: number): Map<number, number[]> {
  const indexes = Object.keys(byIndex).map(Number).sort((a, b) => a - b);
  const assignment = new Map<number, number[]>();
  for (const index of indexes) {
    const replicas = byIndex[index];
    const unknown = replicas.filter((b) => !live.has(b));
    if (unknown.length > 0) {
      throw new SamsaError(ErrorCode.INVALID_REPLICA_ASSIGNMENT, `Unknown broker(s) in replica assignment: ${unknown.join(', ')}.`);
    }
    assignment.set(firstPartition + index, [...replicas]);
  }
  return assignment;
}
