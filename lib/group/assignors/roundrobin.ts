/**
 * Kafka's RoundRobinAssignor: every subscribed topic-partition, sorted, is dealt in turn over the
 * members in memberId order; a member not subscribed to the partition's topic is passed over and
 * the deal continues from the next one. With identical subscriptions the counts differ by at
 * most one; with differing subscriptions it can be lopsided (use sticky for that).
 */
import { TopicPartition } from '../../util/topic-partition';
import { AssignorMember, emptyAssignment, PartitionAssignor, sortedMembers, sortEachAssignment, subscribedTopics } from './partition-assignor';

export class RoundRobinAssignor implements PartitionAssignor {
  readonly name = 'roundrobin';

  assign(members: readonly AssignorMember[], partitionsPerTopic: ReadonlyMap<string, number>): Map<string, TopicPartition[]> {
    const sorted = sortedMembers(members, partitionsPerTopic);
    const assignment = emptyAssignment(sorted);
    const subscriptions = sorted.map((m) => new Set(m.topics));
    let next = 0;
    for (const topic of subscribedTopics(sorted, partitionsPerTopic)) {
      const partitionCount = partitionsPerTopic.get(topic)!;
      for (let partition = 0; partition < partitionCount; partition++) {
        // Terminates: subscribedTopics only lists topics some member subscribes to.
        while (!subscriptions[next].has(topic)) next = (next + 1) % sorted.length;
        assignment.get(sorted[next].memberId)!.push({ topic, partition });
        next = (next + 1) % sorted.length;
      }
    }
    return sortEachAssignment(assignment);
  }
}
