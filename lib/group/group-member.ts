/**
 * One member of a classic (JoinGroup/SyncGroup) group as the coordinator sees it, and the
 * protocol vote that picks the group's assignment strategy — Kafka's MemberMetadata and
 * GroupMetadata.selectProtocol, kept apart from the state machine so each reads on its own.
 */

/** A protocol a member can run (for consumers: an assignor name and its subscription bytes). */
export interface MemberProtocol {
  readonly name: string;
  readonly metadata: Buffer;
}

export interface GroupMember {
  readonly memberId: string;
  /** group.instance.id of a static member (KIP-345), null for dynamic members. */
  readonly groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  sessionTimeoutMs: number;
  rebalanceTimeoutMs: number;
  protocolType: string;
  /** In the member's order of preference. */
  protocols: MemberProtocol[];
  /** The bytes the leader assigned for the current generation; empty until SyncGroup completes. */
  assignment: Buffer;
  /** When the coordinator last heard from the member; the session expires sessionTimeoutMs later. */
  lastHeartbeatMs: number;
  /** Has sent JoinGroup in the current rebalance and waits for its response. */
  awaitingJoin: boolean;
  /** Has sent SyncGroup and waits for the leader's assignment. */
  awaitingSync: boolean;
}

export function protocolNames(protocols: readonly MemberProtocol[]): string[] {
  return protocols.map((p) => p.name);
}

/** Same protocol names in the same order, the test Kafka uses to tell a harmless rejoin from a changed subscription. */
export function sameProtocols(a: readonly MemberProtocol[], b: readonly MemberProtocol[]): boolean {
  return a.length === b.length && a.every((p, i) => p.name === b[i].name && p.metadata.equals(b[i].metadata));
}

/** Protocol names every member supports, in the first member's order of preference. */
export function candidateProtocols(members: readonly GroupMember[]): string[] {
  if (members.length === 0) return [];
  const [first, ...rest] = members;
  return protocolNames(first.protocols).filter((name) => rest.every((m) => m.protocols.some((p) => p.name === name)));
}

/**
 * Kafka's vote: each member votes for the first protocol in its own list that all members
 * support, and the most votes win. Kafka breaks ties arbitrarily (hash-map order); we break them
 * by the first member's preference so the outcome is deterministic.
 */
export function selectProtocol(members: readonly GroupMember[]): string {
  const candidates = candidateProtocols(members);
  if (candidates.length === 0) throw new Error('no protocol is supported by every member of the group');
  const votes = new Map<string, number>(candidates.map((c) => [c, 0]));
  for (const m of members) {
    const choice = m.protocols.find((p) => votes.has(p.name))!.name;
    votes.set(choice, votes.get(choice)! + 1);
  }
  let best = candidates[0];
  for (const c of candidates) if (votes.get(c)! > votes.get(best)!) best = c;
  return best;
}

export function metadataFor(member: GroupMember, protocol: string): Buffer {
  const p = member.protocols.find((x) => x.name === protocol);
  if (!p) throw new Error(`member ${member.memberId} does not support protocol ${protocol}`);
  return p.metadata;
}
