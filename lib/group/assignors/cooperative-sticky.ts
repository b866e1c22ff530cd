/**
 * Kafka's CooperativeStickyAssignor (KIP-429): the sticky assignment, minus every partition that
 * would move from one member straight to another. Such a partition is left unassigned this round:
 * its current owner, seeing it missing from its new assignment, revokes it (only it) and rejoins
 * at once, and the follow-up rebalance hands it to its new member, now that nobody owns it.
 * Partitions that do not move are never revoked, so their members keep consuming throughout.
 *
 * Members may run this assignor under the eager protocol too (a consumer that also lists an
 * eager-only assignor); such members revoke everything before joining and so own nothing, and
 * nothing needs holding back for them.
 *
 * Like Kafka 2.8's, the subscription's user data carries the member's generation as an INT32, so
 * a Java leader (which reads Subscription v1 and the user data) can tell stale ownership claims.
 */
import { TopicPartition, topicPartitionKey } from '../../util/topic-partition';
import { AssignorMember, PartitionAssignor } from './partition-assignor';
import { StickyAssignor } from './sticky';

export class CooperativeStickyAssignor implements PartitionAssignor {
  readonly name = 'cooperative-sticky';
  readonly supportedProtocols = ['eager', 'cooperative'] as const;
  private readonly sticky = new StickyAssignor();

  subscriptionUserData(generation: number): Buffer {
    const buf = Buffer.alloc(4);
    buf.writeInt32BE(generation);
    return buf;
  }

  assign(members: readonly AssignorMember[], partitionsPerTopic: ReadonlyMap<string, number>): Map<string, TopicPartition[]> {
    const withGenerations = members.map((m) => ({ ...m, generation: memberGeneration(m) }));
    const assignment = this.sticky.assign(withGenerations, partitionsPerTopic);
    const transferring = partitionsTransferringOwnership(members, assignment);
    for (const [memberId, list] of assignment) {
      assignment.set(memberId, list.filter((tp) => !transferring.has(topicPartitionKey(tp))));
    }
    return assignment;
  }
}

/** The generation of a member's ownership claim: Subscription v2+, else the user data a Java 2.8 member sends. */
function memberGeneration(m: AssignorMember): number | undefined {
  if (m.generation !== undefined && m.generation >= 0) return m.generation;
  if (m.userData && m.userData.length === 4) return m.userData.readInt32BE(0);
  return m.generation;
}

/**
 * Kafka's computePartitionsTransferringOwnership: partitions the new assignment adds to some
 * member that it also takes away from some member that owns them now.
 */
export function partitionsTransferringOwnership(
  members: readonly AssignorMember[], assignment: ReadonlyMap<string, readonly TopicPartition[]>,
): Set<string> {
  const added = new Set<string>();
  const revoked = new Set<string>();
  for (const m of members) {
    const owned = new Set((m.ownedPartitions ?? []).map(topicPartitionKey));
    const assigned = new Set((assignment.get(m.memberId) ?? []).map(topicPartitionKey));
    for (const key of assigned) if (!owned.has(key)) added.add(key);
    for (const key of owned) if (!assigned.has(key)) revoked.add(key);
  }
  return new Set([...added].filter((key) => revoked.has(key)));
}
