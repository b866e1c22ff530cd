/**
 * The inputs and outputs of the group state machine (group-state.ts), in one place.
 *
 * The state machine does no I/O: each call returns a decision that tells the broker what to
 * answer now, what to park until later, and which parked requests to fail. Keeping those shapes
 * separate lets the broker's handlers depend on them without reading the transition logic.
 */
import { brokerConfigDefs } from '../config/broker-config-defs';
import { configDefault } from '../config/config-default';
import { MemberProtocol } from './group-member';

/** Broker settings that bound a group (Kafka's group.* configs). */
export interface GroupConfig {
  /** group.min.session.timeout.ms */
  readonly minSessionTimeoutMs: number;
  /** group.max.session.timeout.ms */
  readonly maxSessionTimeoutMs: number;
  /** group.initial.rebalance.delay.ms: how long the first rebalance of an empty group waits for more members. */
  readonly initialRebalanceDelayMs: number;
  /** group.max.size; members plus members still to confirm their id. */
  readonly maxSize: number;
}

/** The broker keys' defaults (Kafka's); group.max.size is not a Samsa key. */
export const DEFAULT_GROUP_CONFIG: GroupConfig = {
  minSessionTimeoutMs: configDefault(brokerConfigDefs, 'group.min.session.timeout.ms'),
  maxSessionTimeoutMs: configDefault(brokerConfigDefs, 'group.max.session.timeout.ms'),
  initialRebalanceDelayMs: configDefault(brokerConfigDefs, 'group.initial.rebalance.delay.ms'),
  maxSize: Number.MAX_SAFE_INTEGER,
};

export interface JoinRequest {
  /** Empty for a member joining for the first time. */
  readonly memberId: string;
  readonly clientId: string;
  readonly clientHost: string;
  readonly sessionTimeoutMs: number;
  /** max.poll.interval.ms for consumers: how long a rebalance waits for this member to rejoin. */
  readonly rebalanceTimeoutMs: number;
  readonly protocolType: string;
  readonly protocols: readonly MemberProtocol[];
  /**
   * JoinGroup v4+ semantics (the default): a first join gets MEMBER_ID_REQUIRED with a fresh
   * member id and must rejoin with it, so a retried request cannot leave a ghost member behind.
   */
  readonly requireKnownMemberId?: boolean;
  /** group.instance.id of a static member (KIP-345); static members skip MEMBER_ID_REQUIRED. */
  readonly groupInstanceId?: string | null;
}

export interface JoinGroupMember {
  readonly memberId: string;
  readonly groupInstanceId: string | null;
  readonly metadata: Buffer;
}

/** What a JoinGroup response carries; only the leader receives the member list. */
export interface JoinResponse {
  readonly errorCode: number;
  readonly generationId: number;
  readonly protocolType: string | null;
  readonly protocolName: string | null;
  readonly leaderId: string;
  readonly memberId: string;
  readonly members: readonly JoinGroupMember[];
}

/** Side effects of a membership change the broker must carry out. */
export interface MembershipChange {
  readonly errorCode: number;
  /** The change started a rebalance (the group entered PreparingRebalance). */
  readonly rebalanceStarted: boolean;
  /** Members whose parked SyncGroup must now be answered with REBALANCE_IN_PROGRESS. */
  readonly failedSyncMemberIds: readonly string[];
}

export type JoinDecision =
  /** Answer now with this error; for MEMBER_ID_REQUIRED, `memberId` is the id to rejoin with. */
  | { readonly kind: 'error'; readonly errorCode: number; readonly memberId: string }
  /**
   * Park the response until `tryCompleteJoin`/`completeJoin` produces it. `fencedMemberId` is the
   * old member id a rejoining static member replaced: its parked requests get FENCED_INSTANCE_ID.
   */
  | { readonly kind: 'await'; readonly memberId: string; readonly change: MembershipChange; readonly fencedMemberId?: string }
  /** Answer now: a rejoin that changed nothing gets the current generation back. */
  | { readonly kind: 'response'; readonly response: JoinResponse }
  /**
   * A static member rejoined a Stable group unchanged and took over `fencedMemberId`'s place and
   * assignment without a rebalance: store the group, then answer with `response` (Kafka's
   * updateStaticMemberAndRebalance). The response names the old leader, so the rejoining member
   * never runs a pointless assignment; its SyncGroup returns the assignment it had.
   */
  | { readonly kind: 'replaced'; readonly response: JoinResponse; readonly fencedMemberId: string };

/** The end of the join phase: one response per surviving member, to answer their parked JoinGroups. */
export interface JoinCompletion {
  readonly generationId: number;
  readonly protocolName: string | null;
  readonly leaderId: string | null;
  /** Members dropped because they did not rejoin in time; their parked requests get UNKNOWN_MEMBER_ID. */
  readonly removedMemberIds: readonly string[];
  readonly responses: readonly JoinResponse[];
}

export interface SyncRequest {
  readonly memberId: string;
  readonly groupInstanceId?: string | null;
  readonly generationId: number;
  /** Sent by the leader only; members it leaves out get an empty assignment, unknown ids are ignored. */
  readonly assignments?: ReadonlyArray<{ readonly memberId: string; readonly assignment: Buffer }>;
}

export type SyncDecision =
  | { readonly kind: 'error'; readonly errorCode: number }
  /** A follower waits for the leader's assignment. */
  | { readonly kind: 'await' }
  /** The group is stable; answer with the member's current assignment. */
  | { readonly kind: 'assigned'; readonly assignment: Buffer }
  /**
   * The leader's SyncGroup made the group Stable: answer the leader and every member in
   * `waitingMemberIds` with its entry in `assignments` (after persisting the group, as Kafka does).
   */
  | { readonly kind: 'completed'; readonly assignments: ReadonlyMap<string, Buffer>; readonly waitingMemberIds: readonly string[] };

export interface ExpiryOutcome extends MembershipChange {
  /** Members (and unconfirmed member ids) removed because their session timed out. */
  readonly expiredMemberIds: readonly string[];
}

/** LeaveGroup of one member identity: by member id, or (static members) by instance id. */
export interface LeaveOutcome extends MembershipChange {
  /** The member actually removed (a static member may be named by instance id alone), or null. */
  readonly removedMemberId: string | null;
}
