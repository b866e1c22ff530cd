/**
 * The (topic, partition) pair, Samsa's one definition of it: ZooKeeper data, the controller, the
 * broker's handlers, the clients and the group code all pass it around. With it, the one ordering
 * they agree on.
 *
 * Assignments must be identical on every client that computes them, so the order is Java's
 * `String.compareTo` on the topic (UTF-16 code units, which is what JS `<` compares, unlike
 * `localeCompare`) and then the partition number.
 */

export interface TopicPartition {
  topic: string;
  partition: number;
}

/** Java's String.compareTo sign: code-unit order, independent of locale. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function compareTopicPartitions(a: TopicPartition, b: TopicPartition): number {
  return compareStrings(a.topic, b.topic) || a.partition - b.partition;
}

/** A copy sorted by topic, then partition. */
export function sortTopicPartitions(partitions: readonly TopicPartition[]): TopicPartition[] {
  return [...partitions].sort(compareTopicPartitions);
}

/** A string usable as a Map/Set key; topic names cannot contain a NUL, so the pair is unambiguous. */
export function topicPartitionKey(tp: TopicPartition): string {
  return `${tp.topic}\u0000${tp.partition}`;
}

export interface TopicPartitions {
  topic: string;
  partitions: number[];
}

/**
 * Groups partitions by topic, topics in order of first appearance and partitions in input order,
 * which is how Kafka's ConsumerProtocol lays them out on the wire.
 */
export function groupByTopic(partitions: readonly TopicPartition[]): TopicPartitions[] {
  const byTopic = new Map<string, number[]>();
  for (const { topic, partition } of partitions) {
    let list = byTopic.get(topic);
    if (list === undefined) {
      list = [];
      byTopic.set(topic, list);
    }
    list.push(partition);
  }
  return [...byTopic].map(([topic, list]) => ({ topic, partitions: list }));
}

export function flattenTopicPartitions(groups: readonly TopicPartitions[]): TopicPartition[] {
  const out: TopicPartition[] = [];
  for (const { topic, partitions } of groups) {
    for (const partition of partitions) out.push({ topic, partition });
  }
  return out;
}
