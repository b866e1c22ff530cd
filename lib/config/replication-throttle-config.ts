/**
 * The topic keys that mark replicas for replication throttling, as Kafka 2.8's LogConfig has
 * them: `leader.replication.throttled.replicas` and `follower.replication.throttled.replicas`,
 * each `*` (every replica of the topic) or a list of `partitionId:brokerId`. They are not log
 * settings, so they live here rather than among the LogConfig keys; parseTopicConfig accepts
 * them through `validateThrottledReplicas`. The rates they are held to are the broker keys
 * `leader.replication.throttled.rate` / `follower.replication.throttled.rate`.
 */
import { listKey } from './config-def';
import { ConfigError } from './config-error';

export const LEADER_THROTTLED_REPLICAS = 'leader.replication.throttled.replicas';
export const FOLLOWER_THROTTLED_REPLICAS = 'follower.replication.throttled.replicas';
export const LEADER_THROTTLED_RATE = 'leader.replication.throttled.rate';
export const FOLLOWER_THROTTLED_RATE = 'follower.replication.throttled.rate';

/** The keys' definitions, for DescribeConfigs and APPEND/SUBTRACT (both are lists, empty by default). */
export const throttledReplicasDefs = {
  [LEADER_THROTTLED_REPLICAS]: listKey({ default: [], importance: 'MEDIUM',
    doc: 'A list of replicas for which log replication should be throttled on the leader side: [PartitionId]:[BrokerId],... or * for all replicas of this topic.' }),
  [FOLLOWER_THROTTLED_REPLICAS]: listKey({ default: [], importance: 'MEDIUM',
    doc: 'A list of replicas for which log replication should be throttled on the follower side: [PartitionId]:[BrokerId],... or * for all replicas of this topic.' }),
};

export function isThrottledReplicasKey(name: string): boolean {
  return name === LEADER_THROTTLED_REPLICAS || name === FOLLOWER_THROTTLED_REPLICAS;
}

/** Kafka's ThrottledReplicaListValidator: `*`, or comma-separated `partition:broker` entries (empty entries allowed). */
export function validateThrottledReplicas(name: string, value: unknown): void {
  const entries = String(value).split(',').map((e) => e.trim());
  if (entries.every((e) => /^([0-9]+:[0-9]+)?$/.test(e)) || entries.join('').trim() === '*') return;
  throw ConfigError.invalidValue(name, value,
    `${name} must be the literal '*' or a list of replicas in the following format: [partitionId]:[brokerId],[partitionId]:[brokerId],...`);
}

/**
 * Kafka's TopicConfigHandler.parseThrottledPartitions: the partitions of the topic this broker
 * throttles, `all` for `*`, from the entries that name this broker.
 */
export function throttledPartitionsOf(value: string | undefined, brokerId: number): 'all' | ReadonlySet<number> {
  const text = (value ?? '').trim();
  if (text === '*') return 'all';
  const out = new Set<number>();
  for (const entry of text.split(',')) {
    const [partition, broker] = entry.trim().split(':');
    if (partition !== undefined && broker !== undefined && Number(broker) === brokerId) out.add(Number(partition));
  }
  return out;
}
