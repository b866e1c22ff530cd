/**
 * The text `samsa-topics --describe` prints, byte for byte the way Kafka's TopicCommand prints it,
 * so scripts that parse `kafka-topics --describe` (awk on tabs, grep on `Leader: none`) keep working.
 *
 *   Topic: t<TAB>PartitionCount: 3<TAB>ReplicationFactor: 2<TAB>Configs: k=v,k2=v2
 *   <TAB>Topic: t<TAB>Partition: 0<TAB>Leader: 1<TAB>Replicas: 1,2<TAB>Isr: 1,2
 *
 * Pure functions over TopicDescription, so the format is tested without a broker.
 */
import type { PartitionInfo, TopicDescription } from '../client/admin';

export interface DescribeFilter {
  /** `--under-replicated-partitions`: only partitions whose ISR is smaller than the replica set. */
  underReplicated?: boolean;
  /** `--unavailable-partitions`: only partitions without a live leader. */
  unavailable?: boolean;
  /** Ids of live brokers; a leader outside this set counts as unavailable. */
  liveBrokers?: ReadonlySet<number>;
  /** `--under-min-isr-partitions`: partitions without a leader or with fewer in-sync replicas than the minimum. */
  underMinIsr?: boolean;
  /** `--at-min-isr-partitions`: partitions whose ISR is exactly the minimum. */
  atMinIsr?: boolean;
  /** The topic's min.insync.replicas in force; unknown (undefined) matches only leaderless partitions, as in Kafka. */
  minInsyncReplicas?: number;
}

/** Kafka reports the replication factor of the first partition (there is no topic-level value). */
export function replicationFactorOf(desc: TopicDescription): number {
  const first = sortedPartitions(desc)[0];
  return first ? first.replicas.length : 0;
}

/** `k=v,k2=v2`, sorted by key so output is stable whatever order the broker answered in. */
export function formatConfigs(configs: Readonly<Record<string, string>>): string {
  return Object.keys(configs)
    .sort()
    .map((key) => `${key}=${configs[key]}`)
    .join(',');
}

export function formatTopicLine(desc: TopicDescription): string {
  return (
    `Topic: ${desc.name}\tPartitionCount: ${desc.partitions.length}` +
    `\tReplicationFactor: ${replicationFactorOf(desc)}\tConfigs: ${formatConfigs(desc.configs)}`
  );
}

export function formatPartitionLine(topic: string, partition: PartitionInfo): string {
  const leader = partition.leader < 0 ? 'none' : String(partition.leader);
  return (
    `\tTopic: ${topic}\tPartition: ${partition.partition}\tLeader: ${leader}` +
    `\tReplicas: ${partition.replicas.join(',')}\tIsr: ${partition.isr.join(',')}`
  );
}

export function isUnderReplicated(partition: PartitionInfo): boolean {
  return partition.isr.length < partition.replicas.length;
}

export function isUnavailable(partition: PartitionInfo, liveBrokers?: ReadonlySet<number>): boolean {
  if (partition.leader < 0) return true;
  return liveBrokers !== undefined && !liveBrokers.has(partition.leader);
}

/** Kafka's isUnderMinIsr: a leaderless partition always counts, whether or not the minimum is known. */
export function isUnderMinIsr(partition: PartitionInfo, minInsyncReplicas?: number): boolean {
  if (partition.leader < 0) return true;
  return minInsyncReplicas !== undefined && partition.isr.length < minInsyncReplicas;
}

export function isAtMinIsr(partition: PartitionInfo, minInsyncReplicas?: number): boolean {
  return minInsyncReplicas !== undefined && partition.isr.length === minInsyncReplicas;
}

/**
 * All lines for one topic. With a partition filter Kafka drops the topic line and prints only the
 * partitions that match a filter.
 */
export function describeTopicLines(desc: TopicDescription, filter: DescribeFilter = {}): string[] {
  const filtering = filter.underReplicated === true || filter.unavailable === true || filter.underMinIsr === true || filter.atMinIsr === true;
  const lines = filtering ? [] : [formatTopicLine(desc)];
  for (const partition of sortedPartitions(desc)) {
    const show =
      !filtering ||
      (filter.underReplicated === true && isUnderReplicated(partition)) ||
      (filter.unavailable === true && isUnavailable(partition, filter.liveBrokers)) ||
      (filter.underMinIsr === true && isUnderMinIsr(partition, filter.minInsyncReplicas)) ||
      (filter.atMinIsr === true && isAtMinIsr(partition, filter.minInsyncReplicas));
    if (show) lines.push(formatPartitionLine(desc.name, partition));
  }
  return lines;
}

function sortedPartitions(desc: TopicDescription): PartitionInfo[] {
  return [...desc.partitions].sort((a, b) => a.partition - b.partition);
}
