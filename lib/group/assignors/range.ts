/**
 * Kafka's RangeAssignor: each topic is split on its own into contiguous ranges, one per
 * subscribed member in memberId order, and the first (partitions % members) members take one
 * extra. Co-partitioned topics therefore land together (partition N of every topic goes to the
 * same member), at the price of imbalance across many topics: the low member ids get every extra.
 */
import { TopicPartition } from '../../util/topic-partition';
import { AssignorMember, emptyAssignment, PartitionAssignor, sortedMembers, sortEachAssignment, subscribedTopics } from './partition-assignor';

export class RangeAssignor implements PartitionAssignor {
  readonly name = 'range';

  assign(members: readonly AssignorMember[], partitionsPerTopic: ReadonlyMap<string, number>): Map<string, TopicPartition[]> {
    const sorted = sortedMembers(members, partitionsPerTopic);
    const assignment = emptyAssignment(sorted);
    for (const topic of subscribedTopics(sorted, partitionsPerTopic)) {
      const consumers = sorted.filter((m) => m.topics.includes(topic));
      const partitionCount = partitionsPerTopic.get(topic)!;
      const perConsumer = Math.floor(partitionCount / consumers.length);
      const withExtra = partitionCount % consumers.length;
      consumers.forEach((member, i) => {
        const start = perConsumer * i + Math.min(i, withExtra);
        const length = perConsumer + (i < withExtra ? 1 : 0);
        const list = assignment.get(member.memberId)!;
        for (let p = start; p < start + length; p++) list.push({ topic, partition: p });
      });
    }
    return sortEachAssignment(assignment);
  }
}
