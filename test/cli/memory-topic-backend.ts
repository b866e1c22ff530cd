/**
 * An in-memory TopicBackend for testing samsa-topics' command logic (matching, existence checks,
 * output) without a broker or ZooKeeper.
 */
import type { NewTopic, TopicDescription } from '../../lib/client/admin';
import type { DeleteOutcome, TopicBackend, TopicListing } from '../../lib/cli/topic-backend';
import { userError } from '../../lib/client/client-errors';
import { ErrorCode } from '../../lib/protocol/errors';

export class MemoryTopicBackend implements TopicBackend {
  readonly topics = new Map<string, TopicDescription>();
  readonly created: Array<{ spec: NewTopic; ifNotExists: boolean }> = [];
  readonly grown: Array<{ topic: string; total: number; assignments?: number[][] }> = [];
  readonly deleted: string[] = [];
  closed = false;
  defaultMinInsyncReplicas = 1;

  constructor(private readonly brokers: number[] = [1, 2, 3]) {}

  add(name: string, partitions: Array<[leader: number, replicas: number[], isr: number[]]>, configs: Record<string, string> = {}): this {
    this.topics.set(name, {
      name,
      internal: name.startsWith('__'),
      partitions: partitions.map(([leader, replicas, isr], partition) => ({ partition, leader, leaderEpoch: 0, replicas, isr, offlineReplicas: [] })),
      configs,
    });
    return this;
  }

  async listTopics(): Promise<TopicListing[]> {
    return [...this.topics.keys()].sort().map((name) => ({ name, markedForDeletion: false }));
  }

  async describeTopics(names: string[]): Promise<TopicDescription[]> {
    return [...names].sort().map((name) => {
      const desc = this.topics.get(name);
      if (!desc) throw userError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `Topic '${name}' does not exist.`);
      return desc;
    });
  }

  async alterTopicConfig(topic: string, set: Readonly<Record<string, string>>, deletes: readonly string[]): Promise<void> {
    const desc = this.topics.get(topic);
    if (!desc) throw userError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `Topic '${topic}' does not exist.`);
    const configs = { ...desc.configs, ...set };
    for (const key of deletes) delete configs[key];
    this.topics.set(topic, { ...desc, configs });
  }

  async liveBrokerIds(): Promise<Set<number>> {
    return new Set(this.brokers);
  }

  /** The topic's override, else `defaultMinInsyncReplicas` (the cluster default a broker would report). */
  async minInsyncReplicas(descriptions: readonly TopicDescription[]): Promise<Map<string, number>> {
    return new Map(descriptions.map((d) => [d.name, Number(d.configs['min.insync.replicas'] ?? this.defaultMinInsyncReplicas)]));
  }

  async createTopic(spec: NewTopic, opts: { ifNotExists: boolean }): Promise<void> {
    this.created.push({ spec, ifNotExists: opts.ifNotExists });
    if (this.topics.has(spec.topic)) throw userError(ErrorCode.TOPIC_ALREADY_EXISTS, `Topic '${spec.topic}' already exists.`);
    const rf = spec.replicationFactor ?? 1;
    if (rf > this.brokers.length) {
      throw userError(ErrorCode.INVALID_REPLICATION_FACTOR, `Replication factor: ${rf} larger than available brokers: ${this.brokers.length}.`);
    }
    const count = spec.numPartitions === undefined || spec.numPartitions < 0 ? 1 : spec.numPartitions;
    this.add(spec.topic, Array.from({ length: count }, () => [this.brokers[0], [this.brokers[0]], [this.brokers[0]]]), spec.configs);
  }

  async deleteTopic(name: string): Promise<DeleteOutcome> {
    this.deleted.push(name);
    this.topics.delete(name);
    return 'marked';
  }

  async createPartitions(topic: string, total: number, assignments?: number[][]): Promise<void> {
    this.grown.push({ topic, total, assignments });
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}
