/**
 * The contract every assignor meets, and the input checks and bookkeeping they share.
 *
 * In Kafka's client-side protocol the group leader runs the assignor over every member's
 * subscription and hands each member its share through SyncGroup. Any leader must reach the same
 * answer from the same input, so assignors are pure and deterministic: members are taken in
 * memberId order and partitions in (topic, partition) order, never in Map insertion order.
 */
import { compareStrings, sortTopicPartitions, TopicPartition } from '../../util/topic-partition';

export interface AssignorMember {
  memberId: string;
  topics: string[];
  /** What the member held before this rebalance (Subscription v1+); only the sticky assignor reads it. */
  ownedPartitions?: TopicPartition[];
  /**
   * The generation in which the member held `ownedPartitions` (Subscription v2+). When members
   * disagree, claims from older generations are stale and ignored; absent means unknown.
   */
  generation?: number;
  userData?: Buffer | null;
}

/** Kafka's RebalanceProtocol: eager revokes everything before rejoining, cooperative only what moves (KIP-429). */
export type RebalanceProtocol = 'eager' | 'cooperative';

export interface PartitionAssignor {
  /** The protocol name sent in JoinGroup, e.g. `range`. */
  readonly name: string;
  /** Absent means eager only. A consumer runs cooperative only when every assignor it lists supports it. */
  readonly supportedProtocols?: readonly RebalanceProtocol[];
  /** User data for this member's Subscription, given the generation it last joined (-1 if none). */
  subscriptionUserData?(generation: number): Buffer | null;
  /**
   * Maps every member's id to its partitions, sorted by (topic, partition). Every member gets an
   * entry, possibly empty. Topics absent from `partitionsPerTopic` (unknown to metadata) are skipped.
   */
  assign(members: readonly AssignorMember[], partitionsPerTopic: ReadonlyMap<string, number>): Map<string, TopicPartition[]>;
}

/** Members in memberId order, after checking the ids are unique and the partition counts sane. */
export function sortedMembers(members: readonly AssignorMember[], partitionsPerTopic: ReadonlyMap<string, number>): AssignorMember[] {
  for (const [topic, count] of partitionsPerTopic) {
    if (!Number.isInteger(count) || count < 0) throw new RangeError(`topic ${topic} has an invalid partition count ${count}`);
  }
  const sorted = [...members].sort((a, b) => compareStrings(a.memberId, b.memberId));
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i].memberId === sorted[i - 1].memberId) throw new RangeError(`member ${sorted[i].memberId} appears twice`);
  }
  return sorted;
}

/** One empty list per member, so members with nothing to do still hear so. */
export function emptyAssignment(members: readonly AssignorMember[]): Map<string, TopicPartition[]> {
  return new Map(members.map((m) => [m.memberId, [] as TopicPartition[]]));
}

/** Topics at least one member subscribes to and metadata knows, sorted. */
export function subscribedTopics(members: readonly AssignorMember[], partitionsPerTopic: ReadonlyMap<string, number>): string[] {
  const topics = new Set<string>();
  for (const m of members) {
    for (const t of m.topics) if (partitionsPerTopic.has(t)) topics.add(t);
  }
  return [...topics].sort(compareStrings);
}

export function sortEachAssignment(assignment: Map<string, TopicPartition[]>): Map<string, TopicPartition[]> {
  for (const [memberId, list] of assignment) assignment.set(memberId, sortTopicPartitions(list));
  return assignment;
}
