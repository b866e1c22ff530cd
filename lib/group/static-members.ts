/**
 * Static membership (KIP-345) bookkeeping of one group: which member id currently stands for
 * each `group.instance.id`, and Kafka's fencing rule built on it.
 *
 * A static member that restarts rejoins with no member id but its old instance id; the
 * coordinator then hands the old member's place (and assignment) to a fresh member id instead of
 * rebalancing. Any request still carrying the old member id with that instance id comes from a
 * zombie (or a duplicate process with the same instance id) and is answered FENCED_INSTANCE_ID.
 */
import { CONSUMER_PROTOCOL_TYPE, decodeSubscription } from './consumer-protocol';
import { MemberProtocol } from './group-member';

export class StaticMembers {
  private readonly byInstance = new Map<string, string>();

  has(instanceId: string | null | undefined): instanceId is string {
    return instanceId !== null && instanceId !== undefined && this.byInstance.has(instanceId);
  }

  memberId(instanceId: string): string | undefined {
    return this.byInstance.get(instanceId);
  }

  set(instanceId: string, memberId: string): void {
    this.byInstance.set(instanceId, memberId);
  }

  /** Forgets the instance id when the member that held it leaves (a replaced member does not). */
  remove(member: { readonly memberId: string; readonly groupInstanceId: string | null }): void {
    if (member.groupInstanceId !== null && this.byInstance.get(member.groupInstanceId) === member.memberId) {
      this.byInstance.delete(member.groupInstanceId);
    }
  }

  /** Kafka's isStaticMemberFenced: the instance id is known but stands for another member id now. */
  fenced(memberId: string, instanceId: string | null | undefined): boolean {
    if (instanceId === null || instanceId === undefined) return false;
    const current = this.byInstance.get(instanceId);
    return current !== undefined && current !== memberId;
  }
}

/**
 * Did a rejoining static member change what it subscribes to? For consumers only the topic list
 * counts: a restarted consumer's subscription differs in owned partitions and generation, which
 * must not force a rebalance. Other protocol types are opaque here, so only names are compared
 * (Kafka 2.8 compares nothing but the selected protocol).
 */
export function subscriptionChanged(protocolType: string, protocol: string, before: readonly MemberProtocol[], after: readonly MemberProtocol[]): boolean {
  if (protocolType !== CONSUMER_PROTOCOL_TYPE) return false;
  const topics = (protocols: readonly MemberProtocol[]): string | null => {
    const p = protocols.find((x) => x.name === protocol);
    if (!p) return null;
    try {
      return [...new Set(decodeSubscription(p.metadata).topics)].sort().join('\u0000');
    } catch {
      return null;
    }
  };
  const a = topics(before);
  return a === null || a !== topics(after);
}
