/**
 * What `samsa-topics` needs from a cluster, independent of how it gets there.
 *
 * Kafka's TopicCommand had two services: one over the Admin client (`--bootstrap-server`) and
 * one writing ZooKeeper directly (`--zookeeper`). The command logic (topic matching, existence
 * checks, output) is the same for both, so it talks to this interface and the two backends stay
 * small adapters. Tests drive the command with an in-memory backend.
 */
import type { NewTopic, TopicDescription } from '../client/admin';

export interface TopicListing {
  name: string;
  /** Only known in ZooKeeper mode, where a pending `/admin/delete_topics/<t>` is visible. */
  markedForDeletion: boolean;
}

export type DeleteOutcome = 'marked' | 'already-marked';

export interface TopicBackend {
  /** All topics, internal ones included, sorted by name. */
  listTopics(): Promise<TopicListing[]>;
  /** Descriptions sorted by name; an unknown name rejects with UNKNOWN_TOPIC_OR_PARTITION. */
  describeTopics(names: string[]): Promise<TopicDescription[]>;
  liveBrokerIds(): Promise<Set<number>>;
  /**
   * min.insync.replicas in force for each described topic (its override, else the cluster's
   * default). Absent where it cannot be known: Kafka's ZooKeeper mode never sees broker defaults.
   */
  minInsyncReplicas?(descriptions: readonly TopicDescription[]): Promise<Map<string, number>>;
  /** Rejects with TOPIC_ALREADY_EXISTS unless `ifNotExists`. */
  createTopic(spec: NewTopic, opts: { ifNotExists: boolean }): Promise<void>;
  deleteTopic(name: string): Promise<DeleteOutcome>;
  /** Grows `topic` to `totalCount` partitions; `assignments` lists replicas of the new ones only. */
  createPartitions(topic: string, totalCount: number, assignments?: number[][]): Promise<void>;
  /** Sets and removes config overrides of an existing topic; everything is validated before anything is written. */
  alterTopicConfig(topic: string, set: Readonly<Record<string, string>>, deletes: readonly string[]): Promise<void>;
  close(): Promise<void>;
}
