/**
 * Checks of what an application passes to the consumer, so misuse fails at the call with an
 * InvalidArgumentError instead of as a broker error later.
 */
import { InvalidArgumentError } from './client-errors';
import type { TopicPartitionOffset } from './offset-committer';
import type { TopicPartition } from './partition-state';

export function checkTopicPartition(tp: TopicPartition): void {
  if (!tp || typeof tp.topic !== 'string' || tp.topic.length === 0 || !Number.isInteger(tp.partition) || tp.partition < 0) {
    throw new InvalidArgumentError(`Invalid topic partition: ${JSON.stringify(tp)}`);
  }
}

export function checkOffset(o: TopicPartitionOffset): TopicPartitionOffset {
  checkTopicPartition(o);
  if (!Number.isSafeInteger(o.offset) || o.offset < 0) throw new InvalidArgumentError(`Invalid offset ${o.offset} to commit for ${o.topic}-${o.partition}`);
  return { topic: o.topic, partition: o.partition, offset: o.offset, metadata: o.metadata ?? '' };
}

/** Plain {topic, partition} copies ordered by topic, then partition (assignment(), paused()). */
export function sortPartitions(states: readonly TopicPartition[]): TopicPartition[] {
  return states
    .map((s) => ({ topic: s.topic, partition: s.partition }))
    .sort((a, b) => (a.topic === b.topic ? a.partition - b.partition : a.topic < b.topic ? -1 : 1));
}
