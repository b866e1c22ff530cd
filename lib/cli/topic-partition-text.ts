/**
 * How the replication tools write a topic partition: Kafka's `TopicPartition.toString`
 * (`orders-3`), listed in topic-then-partition order so output is stable run to run.
 */
import { compareTopicPartitions, TopicPartition } from '../util/topic-partition';

export function formatTopicPartition(tp: TopicPartition): string {
  return `${tp.topic}-${tp.partition}`;
}

/** `t-0,t-1` (Kafka joins with "," in the reassignment tool and ", " in the election tool). */
export function formatTopicPartitions(tps: readonly TopicPartition[], separator = ','): string {
  return [...tps].sort(compareTopicPartitions).map(formatTopicPartition).join(separator);
}
