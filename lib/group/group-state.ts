/**
 * The state machine of one classic consumer group: Kafka's GroupMetadata plus the transition
 * rules of its GroupCoordinator (JoinGroup, SyncGroup, Heartbeat, LeaveGroup, session expiry).
 *
 * It is pure: no sockets, timers or log writes. Time comes in as `nowMs`, and every call returns
 * a decision (see group-decisions.ts) saying what to answer, what to park and what to fail, so
 * the broker owns I/O and timers while every rule here is testable by stepping a clock.
 *
 *   Empty --join--> PreparingRebalance --all rejoined / rebalance timeout--> CompletingRebalance
 *   CompletingRebalance --leader's SyncGroup--> Stable
 *   Stable | CompletingRebalance --join with new metadata, leave, expiry--> PreparingRebalance
 *   PreparingRebalance --nobody rejoined--> Empty;  any --coordinator gives the group up--> Dead
 */
import { randomUUID } from 'crypto';
import { ErrorCode, ErrorDefinition } from '../protocol/errors';
import {
  DEFAULT_GROUP_CONFIG, ExpiryOutcome, GroupConfig, JoinCompletion, JoinDecision, JoinRequest, JoinResponse,
  LeaveOutcome, MembershipChange, SyncDecision, SyncRequest,
} from './group-decisions';
import { candidateProtocols, GroupMember, MemberProtocol, metadataFor, protocolNames, sameProtocols, selectProtocol } from './group-member';
import { GroupMetadataValue, NO_TIMESTAMP } from './offsets-records';
import { StaticMembers, subscriptionChanged } from './static-members';

export type GroupState = 'Empty' | 'PreparingRebalance' | 'CompletingRebalance' | 'Stable' | 'Dead';

/** Kafka's GroupState.validPreviousStates: the only edges the machine may take. */
export const VALID_PREVIOUS_STATES: Readonly<Record<GroupState, readonly GroupState[]>> = {
  Empty: ['PreparingRebalance'],
  PreparingRebalance: ['Stable', 'CompletingRebalance', 'Empty'],
  CompletingRebalance: ['PreparingRebalance'],
  Stable: ['CompletingRebalance'],
  Dead: ['Stable', 'PreparingRebalance', 'CompletingRebalance', 'Empty', 'Dead'],
};

/** A bug in the caller or in this module, never a client error: it is thrown, not returned. */
export class IllegalGroupTransitionError extends Error {
  constructor(groupId: string, from: GroupState, to: GroupState) {
    super(`group ${groupId} cannot move from ${from} to ${to}`);
    this.name = 'IllegalGroupTransitionError';
  }
}

export interface ConsumerGroupOptions {
  readonly config?: Partial<GroupConfig>;
  /** How to mint member ids; Kafka's `<clientId>-<uuid>` by default, injectable for tests. */
  readonly newMemberId?: (clientId: string) => string;
}

/** The first rebalance of an empty group waits for more members, extending while they keep coming. */
interface InitialDelay {
  untilMs: number;
  readonly endMs: number;
  newMemberAdded: boolean;
}

const EMPTY = Buffer.alloc(0);
const NO_CHANGE: MembershipChange = { errorCode: ErrorCode.NONE.code, rebalanceStarted: false, failedSyncMemberIds: [] };

function change(error: ErrorDefinition, failedSyncMemberIds: readonly string[] = [], rebalanceStarted = false): MembershipChange {
  return { errorCode: error.code, rebalanceStarted, failedSyncMemberIds };
}

export class ConsumerGroup {
  private _state: GroupState = 'Empty';
  private _stateChangedAtMs: number;
  private _generationId = 0;
  private _protocolType: string | null = null;
  private _protocolName: string | null = null;
  private _leaderId: string | null = null;
  /** Insertion-ordered, so "the first member still here" is the next leader. */
  private readonly _members = new Map<string, GroupMember>();
  /** Ids handed out with MEMBER_ID_REQUIRED, with the time they expire if the member never rejoins. */
  private readonly pending = new Map<string, number>();
  private readonly statics = new StaticMembers();
  private joinDeadlineMs: number | null = null;
  private initialDelay: InitialDelay | null = null;
  readonly config: GroupConfig;
  private readonly newMemberId: (clientId: string) => string;

  constructor(readonly groupId: string, nowMs: number, options: ConsumerGroupOptions = {}) {
    this.config = { ...DEFAULT_GROUP_CONFIG, ...options.config };
    this.newMemberId = options.newMemberId ?? ((clientId) => `${clientId}-${randomUUID()}`);
    this._stateChangedAtMs = nowMs;
  }

  get state(): GroupState { return this._state; }
  get generationId(): number { return this._generationId; }
  get protocolType(): string | null { return this._protocolType; }
  get protocolName(): string | null { return this._protocolName; }
  get leaderId(): string | null { return this._leaderId; }
  get stateChangedAtMs(): number { return this._stateChangedAtMs; }
  get members(): ReadonlyMap<string, Readonly<GroupMember>> { return this._members; }
  get pendingMemberIds(): string[] { return [...this.pending.keys()]; }
  has(memberId: string): boolean { return this._members.has(memberId); }

  /** JoinGroup. Validation order follows Kafka's GroupCoordinator.handleJoinGroup. */
  join(req: JoinRequest, nowMs: number): JoinDecision {
    const fail = (e: ErrorDefinition, memberId = req.memberId): JoinDecision => ({ kind: 'error', errorCode: e.code, memberId });
    if (req.sessionTimeoutMs < this.config.minSessionTimeoutMs || req.sessionTimeoutMs > this.config.maxSessionTimeoutMs) {
      return fail(ErrorCode.INVALID_SESSION_TIMEOUT);
    }
    if (this._state === 'Dead') return fail(ErrorCode.COORDINATOR_NOT_AVAILABLE);
    if (!this.supportsProtocols(req.protocolType, req.protocols)) return fail(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    const instanceId = req.groupInstanceId ?? null;
    if (req.memberId === '') {
      if (this.statics.has(instanceId)) return this.replaceStaticMember(instanceId, req, nowMs);
      if (this._members.size + this.pending.size >= this.config.maxSize) return fail(ErrorCode.GROUP_MAX_SIZE_REACHED);
      // Kafka names static members after their instance id.
      const memberId = this.newMemberId(instanceId ?? req.clientId);
      if ((req.requireKnownMemberId ?? true) && instanceId === null) {
        this.pending.set(memberId, nowMs + req.sessionTimeoutMs);
        return fail(ErrorCode.MEMBER_ID_REQUIRED, memberId);
      }
      return this.addMemberAndRebalance(memberId, req, nowMs);
    }
    if (this.pending.delete(req.memberId)) return this.addMemberAndRebalance(req.memberId, req, nowMs);
    if (this.statics.fenced(req.memberId, instanceId)) return fail(ErrorCode.FENCED_INSTANCE_ID);
    const member = this._members.get(req.memberId);
    if (!member || (instanceId !== null && !this.statics.has(instanceId))) return fail(ErrorCode.UNKNOWN_MEMBER_ID);
    return this.rejoin(member, req, nowMs);
  }

  /**
   * Ends the join phase if it is due: everyone known has rejoined (and no id handed out is still
   * unconfirmed), or the rebalance timeout passed. During the initial delay of an empty group it
   * waits instead, extending the delay while new members keep arriving (Kafka's InitialDelayedJoin).
   * The broker calls this after every join, leave or expiry, and when `nextDeadlineMs` passes.
   */
  tryCompleteJoin(nowMs: number): JoinCompletion | null {
    if (this._state !== 'PreparingRebalance') return null;
    const delay = this.initialDelay;
    if (delay) {
      if (nowMs < delay.untilMs) return null;
      // A zero-length extension would only re-fire at once, so it completes instead.
      const extensionMs = Math.min(this.config.initialRebalanceDelayMs, delay.endMs - nowMs);
      if (delay.newMemberAdded && extensionMs > 0) {
        delay.untilMs = nowMs + extensionMs;
        delay.newMemberAdded = false;
        return null;
      }
      return this.completeJoin(nowMs);
    }
    const allJoined = this.pending.size === 0 && [...this._members.values()].every((m) => m.awaitingJoin);
    if (allJoined || nowMs >= (this.joinDeadlineMs ?? nowMs)) return this.completeJoin(nowMs);
    return null;
  }

  /**
   * Ends the join phase now: members that did not rejoin are removed, the generation advances,
   * and the group either becomes Empty or picks a protocol and waits for the leader's SyncGroup.
   */
  completeJoin(nowMs: number): JoinCompletion {
    if (this._state !== 'PreparingRebalance') throw new IllegalGroupTransitionError(this.groupId, this._state, 'CompletingRebalance');
    const removedMemberIds = [...this._members.values()].filter((m) => !m.awaitingJoin).map((m) => m.memberId);
    for (const id of removedMemberIds) this.removeMember(id);
    this.initialDelay = null;
    this.joinDeadlineMs = null;
    this._generationId++;
    if (this._members.size === 0) {
      this._protocolName = null;
      this.transitionTo('Empty', nowMs);
      return { generationId: this._generationId, protocolName: null, leaderId: null, removedMemberIds, responses: [] };
    }
    this._protocolName = selectProtocol([...this._members.values()]);
    for (const m of this._members.values()) {
      m.awaitingJoin = false;
      m.lastHeartbeatMs = nowMs;
      m.assignment = EMPTY;
    }
    this.transitionTo('CompletingRebalance', nowMs);
    const responses = [...this._members.values()].map((m) => this.joinResponseFor(m));
    return { generationId: this._generationId, protocolName: this._protocolName, leaderId: this._leaderId, removedMemberIds, responses };
  }

  /** SyncGroup: followers wait for the leader, whose assignments make the group Stable. */
  sync(req: SyncRequest, nowMs: number): SyncDecision {
    const fail = (e: ErrorDefinition): SyncDecision => ({ kind: 'error', errorCode: e.code });
    if (this._state === 'Dead') return fail(ErrorCode.COORDINATOR_NOT_AVAILABLE);
    if (this.statics.fenced(req.memberId, req.groupInstanceId)) return fail(ErrorCode.FENCED_INSTANCE_ID);
    const member = this._members.get(req.memberId);
    if (!member) return fail(ErrorCode.UNKNOWN_MEMBER_ID);
    if (req.generationId !== this._generationId) return fail(ErrorCode.ILLEGAL_GENERATION);
    switch (this._state) {
      case 'Empty':
        return fail(ErrorCode.UNKNOWN_MEMBER_ID);
      case 'PreparingRebalance':
        return fail(ErrorCode.REBALANCE_IN_PROGRESS);
      case 'Stable':
        member.lastHeartbeatMs = nowMs;
        return { kind: 'assigned', assignment: member.assignment };
      case 'CompletingRebalance':
        member.lastHeartbeatMs = nowMs;
        member.awaitingSync = true;
        if (member.memberId !== this._leaderId) return { kind: 'await' };
        return this.applyLeaderAssignment(req, nowMs);
    }
  }

  /**
   * Heartbeat. While the group prepares a rebalance the answer is REBALANCE_IN_PROGRESS, which
   * tells the member to rejoin. Between join and sync (CompletingRebalance) the answer is NONE,
   * as in Kafka 2.5+: the member already rejoined and only waits for its assignment.
   */
  heartbeat(memberId: string, generationId: number, nowMs: number, groupInstanceId: string | null = null): number {
    if (this._state === 'Dead') return ErrorCode.COORDINATOR_NOT_AVAILABLE.code;
    if (this.statics.fenced(memberId, groupInstanceId)) return ErrorCode.FENCED_INSTANCE_ID.code;
    const member = this._members.get(memberId);
    if (!member) return ErrorCode.UNKNOWN_MEMBER_ID.code;
    if (generationId !== this._generationId) return ErrorCode.ILLEGAL_GENERATION.code;
    member.lastHeartbeatMs = nowMs;
    return this._state === 'PreparingRebalance' ? ErrorCode.REBALANCE_IN_PROGRESS.code : ErrorCode.NONE.code;
  }

  /** LeaveGroup: the member goes at once, the others rebalance. A static member may be named by instance id alone. */
  leave(memberId: string, nowMs: number, groupInstanceId: string | null = null): LeaveOutcome {
    const outcome = (c: MembershipChange, removed: string | null): LeaveOutcome => ({ ...c, removedMemberId: c.errorCode === ErrorCode.NONE.code ? removed : null });
    if (this._state === 'Dead') return outcome(change(ErrorCode.COORDINATOR_NOT_AVAILABLE), null);
    if (memberId !== '' && this.statics.fenced(memberId, groupInstanceId)) return outcome(change(ErrorCode.FENCED_INSTANCE_ID), null);
    const target = this.statics.has(groupInstanceId) ? this.statics.memberId(groupInstanceId)! : memberId;
    return outcome(this.expireMember(target, nowMs), target);
  }

  /** Removes a member whose session timed out (or an unconfirmed member id); same effect as leaving. */
  expireMember(memberId: string, nowMs: number): MembershipChange {
    if (this.pending.delete(memberId)) return NO_CHANGE;
    if (!this._members.has(memberId)) return change(ErrorCode.UNKNOWN_MEMBER_ID);
    this.removeMember(memberId);
    if (this._state === 'Stable' || this._state === 'CompletingRebalance') return change(ErrorCode.NONE, this.prepareRebalance(nowMs), true);
    return NO_CHANGE;
  }

  /**
   * Removes every member whose session deadline passed. Members parked in JoinGroup or SyncGroup
   * are kept alive, as in Kafka: the rebalance timeout, not the session, bounds their wait.
   */
  expireSessions(nowMs: number): ExpiryOutcome {
    const expired: string[] = [];
    const failed: string[] = [];
    let rebalanceStarted = false;
    for (const [id, deadlineMs] of [...this.pending]) {
      if (deadlineMs > nowMs) continue;
      this.pending.delete(id);
      expired.push(id);
    }
    // Judge every member at the same instant, before removals start a rebalance and unpark anyone.
    const silent = [...this._members.values()].filter((m) => !m.awaitingJoin && !m.awaitingSync && m.lastHeartbeatMs + m.sessionTimeoutMs <= nowMs);
    for (const m of silent) {
      const c = this.expireMember(m.memberId, nowMs);
      expired.push(m.memberId);
      failed.push(...c.failedSyncMemberIds);
      rebalanceStarted ||= c.rebalanceStarted;
    }
    return { errorCode: ErrorCode.NONE.code, rebalanceStarted, failedSyncMemberIds: failed, expiredMemberIds: expired };
  }

  /** The earliest time at which `expireSessions` or `tryCompleteJoin` could change something, or null. */
  nextDeadlineMs(): number | null {
    const deadlines = [...this.pending.values()];
    for (const m of this._members.values()) {
      if (!m.awaitingJoin && !m.awaitingSync) deadlines.push(m.lastHeartbeatMs + m.sessionTimeoutMs);
    }
    if (this._state === 'PreparingRebalance') {
      if (this.initialDelay) deadlines.push(this.initialDelay.untilMs);
      else if (this.joinDeadlineMs !== null) deadlines.push(this.joinDeadlineMs);
    }
    return deadlines.length === 0 ? null : Math.min(...deadlines);
  }

  /** The coordinator gave the group up (deleted, or its offsets partition moved away); every request now fails. */
  markDead(nowMs: number): void {
    this.transitionTo('Dead', nowMs);
  }

  /** The record value to write to `__consumer_offsets` after the group becomes Stable or Empty. */
  toMetadataValue(): GroupMetadataValue {
    const protocol = this._protocolName;
    if (this._members.size > 0 && protocol === null) throw new Error(`group ${this.groupId} has members but no protocol yet`);
    return {
      protocolType: this._protocolType ?? '',
      generation: this._generationId,
      protocol,
      leader: this._leaderId,
      currentStateTimestamp: this._stateChangedAtMs,
      members: [...this._members.values()].map((m) => ({
        memberId: m.memberId, groupInstanceId: m.groupInstanceId, clientId: m.clientId, clientHost: m.clientHost,
        rebalanceTimeout: m.rebalanceTimeoutMs, sessionTimeout: m.sessionTimeoutMs,
        subscription: metadataFor(m, protocol!), assignment: m.assignment,
      })),
    };
  }

  /** Rebuilds a group from its last stored record, as a new coordinator does when it loads the partition. */
  static fromMetadataValue(groupId: string, value: GroupMetadataValue, nowMs: number, options: ConsumerGroupOptions = {}): ConsumerGroup {
    const group = new ConsumerGroup(groupId, nowMs, options);
    group._generationId = value.generation;
    group._protocolType = value.protocolType === '' ? null : value.protocolType;
    group._protocolName = value.protocol;
    for (const r of value.members) {
      if (value.protocol === null) throw new Error(`stored group ${groupId} has members but no protocol`);
      group._members.set(r.memberId, {
        memberId: r.memberId, groupInstanceId: r.groupInstanceId, clientId: r.clientId, clientHost: r.clientHost,
        sessionTimeoutMs: r.sessionTimeout, rebalanceTimeoutMs: r.rebalanceTimeout, protocolType: value.protocolType,
        protocols: [{ name: value.protocol, metadata: r.subscription }], assignment: r.assignment,
        lastHeartbeatMs: nowMs, awaitingJoin: false, awaitingSync: false,
      });
      if (r.groupInstanceId !== null) group.statics.set(r.groupInstanceId, r.memberId);
    }
    group._leaderId = value.leader !== null && group._members.has(value.leader) ? value.leader : group.firstMemberId();
    // Kafka loads a group with members straight into Stable; members heartbeat or time out from here.
    group._state = group._members.size > 0 ? 'Stable' : 'Empty';
    // The stored time keeps offset retention of an empty group counting from when it really emptied.
    if (value.currentStateTimestamp !== NO_TIMESTAMP) group._stateChangedAtMs = value.currentStateTimestamp;
    return group;
  }

  /**
   * May this member commit offsets now? Kafka's doCommitOffsets checks, in its order: a negative
   * generation is a "simple" commit, allowed only while the group is Empty; otherwise the member and
   * generation must be current, and between join and sync the answer is REBALANCE_IN_PROGRESS.
   * A valid commit counts as a heartbeat, since the member is evidently alive.
   */
  validateOffsetCommit(memberId: string, generationId: number, nowMs: number, groupInstanceId: string | null = null): number {
    if (this._state === 'Dead') return ErrorCode.COORDINATOR_NOT_AVAILABLE.code;
    if (generationId < 0 && this._state === 'Empty') return ErrorCode.NONE.code;
    if (this.statics.fenced(memberId, groupInstanceId)) return ErrorCode.FENCED_INSTANCE_ID.code;
    const member = this._members.get(memberId);
    if (!member) return ErrorCode.UNKNOWN_MEMBER_ID.code;
    if (generationId !== this._generationId) return ErrorCode.ILLEGAL_GENERATION.code;
    if (this._state === 'CompletingRebalance') return ErrorCode.REBALANCE_IN_PROGRESS.code;
    member.lastHeartbeatMs = nowMs;
    return ErrorCode.NONE.code;
  }

  /**
   * Starts a rebalance of a Stable group from outside the membership rules: the coordinator could
   * not store the assignment the leader sent, so the members must join again (Kafka's
   * resetAndPropagateAssignmentError followed by maybePrepareRebalance).
   */
  requestRebalance(nowMs: number): MembershipChange {
    if (this._state !== 'Stable') return NO_CHANGE;
    for (const m of this._members.values()) m.assignment = EMPTY;
    return this.maybePrepareRebalance(nowMs);
  }

  private supportsProtocols(protocolType: string, protocols: readonly MemberProtocol[]): boolean {
    if (this._members.size === 0) return protocolType !== '' && protocols.length > 0;
    const candidates = candidateProtocols([...this._members.values()]);
    return this._protocolType === protocolType && protocolNames(protocols).some((p) => candidates.includes(p));
  }

  private addMemberAndRebalance(memberId: string, req: JoinRequest, nowMs: number): JoinDecision {
    if (this._members.size === 0) this._protocolType = req.protocolType;
    const groupInstanceId = req.groupInstanceId ?? null;
    if (groupInstanceId !== null) this.statics.set(groupInstanceId, memberId);
    this._members.set(memberId, {
      memberId, groupInstanceId, clientId: req.clientId, clientHost: req.clientHost,
      sessionTimeoutMs: req.sessionTimeoutMs, rebalanceTimeoutMs: req.rebalanceTimeoutMs, protocolType: req.protocolType,
      protocols: [...req.protocols], assignment: EMPTY, lastHeartbeatMs: nowMs, awaitingJoin: true, awaitingSync: false,
    });
    if (this._leaderId === null) this._leaderId = memberId;
    if (this.initialDelay) this.initialDelay.newMemberAdded = true;
    return { kind: 'await', memberId, change: this.maybePrepareRebalance(nowMs) };
  }

  /** Kafka's doCurrentJoinGroup: a known member rejoins; only a change (or the leader) forces a rebalance. */
  private rejoin(member: GroupMember, req: JoinRequest, nowMs: number): JoinDecision {
    const unchanged = sameProtocols(member.protocols, req.protocols);
    switch (this._state) {
      case 'PreparingRebalance':
        this.updateMember(member, req, nowMs);
        return { kind: 'await', memberId: member.memberId, change: NO_CHANGE };
      case 'CompletingRebalance':
      case 'Stable':
        if (unchanged && (this._state === 'CompletingRebalance' || member.memberId !== this._leaderId)) {
          member.lastHeartbeatMs = nowMs;
          return { kind: 'response', response: this.joinResponseFor(member) };
        }
        this.updateMember(member, req, nowMs);
        return { kind: 'await', memberId: member.memberId, change: this.maybePrepareRebalance(nowMs) };
      default:
        return { kind: 'error', errorCode: ErrorCode.UNKNOWN_MEMBER_ID.code, memberId: member.memberId };
    }
  }

  /**
   * Kafka's updateStaticMemberAndRebalance: a fresh id takes over the old member's place, assignment
   * and leadership. Stable with the same protocol and topics: no rebalance; CompletingRebalance: rebalance
   * (the leader may be assigning to the old id); PreparingRebalance: just wait.
   */
  private replaceStaticMember(instanceId: string, req: JoinRequest, nowMs: number): JoinDecision {
    const oldId = this.statics.memberId(instanceId)!;
    const old = this._members.get(oldId)!;
    const newId = this.newMemberId(instanceId);
    const previousLeader = this._leaderId;
    const member: GroupMember = { ...old, memberId: newId, clientId: req.clientId, clientHost: req.clientHost, awaitingSync: false };
    this._members.delete(oldId);
    this._members.set(newId, member);
    if (this._leaderId === oldId) this._leaderId = newId;
    this.statics.set(instanceId, newId);
    const changed = this._protocolName === null || subscriptionChanged(req.protocolType, this._protocolName, old.protocols, req.protocols);
    this.updateMember(member, req, nowMs);
    if (this._state === 'Stable' && !changed && selectProtocol([...this._members.values()]) === this._protocolName) {
      member.awaitingJoin = false;
      return { kind: 'replaced', fencedMemberId: oldId, response: { ...this.joinResponseFor(member), leaderId: previousLeader!, members: [] } };
    }
    const c = this._state === 'CompletingRebalance' || this._state === 'Stable' ? this.maybePrepareRebalance(nowMs) : NO_CHANGE;
    return { kind: 'await', memberId: newId, change: c, fencedMemberId: oldId };
  }

  private updateMember(member: GroupMember, req: JoinRequest, nowMs: number): void {
    member.protocols = [...req.protocols];
    member.sessionTimeoutMs = req.sessionTimeoutMs;
    member.rebalanceTimeoutMs = req.rebalanceTimeoutMs;
    member.lastHeartbeatMs = nowMs;
    member.awaitingJoin = true;
  }

  private maybePrepareRebalance(nowMs: number): MembershipChange {
    if (!VALID_PREVIOUS_STATES.PreparingRebalance.includes(this._state)) return NO_CHANGE;
    return change(ErrorCode.NONE, this.prepareRebalance(nowMs), true);
  }

  /** Enters PreparingRebalance; returns the members whose parked SyncGroup must fail. */
  private prepareRebalance(nowMs: number): string[] {
    const failedSync: string[] = [];
    if (this._state === 'CompletingRebalance') {
      for (const m of this._members.values()) {
        if (m.awaitingSync) failedSync.push(m.memberId);
        m.awaitingSync = false;
        m.assignment = EMPTY;
      }
    }
    const rebalanceTimeoutMs = Math.max(0, ...[...this._members.values()].map((m) => m.rebalanceTimeoutMs));
    if (this._state === 'Empty') {
      const delayMs = this.config.initialRebalanceDelayMs;
      this.initialDelay = { untilMs: nowMs + Math.min(delayMs, rebalanceTimeoutMs), endMs: nowMs + Math.max(delayMs, rebalanceTimeoutMs), newMemberAdded: false };
      this.joinDeadlineMs = null;
    } else {
      this.initialDelay = null;
      this.joinDeadlineMs = nowMs + rebalanceTimeoutMs;
    }
    this.transitionTo('PreparingRebalance', nowMs);
    return failedSync;
  }

  private applyLeaderAssignment(req: SyncRequest, nowMs: number): SyncDecision {
    const given = new Map((req.assignments ?? []).map((a) => [a.memberId, a.assignment]));
    const assignments = new Map<string, Buffer>();
    const waitingMemberIds: string[] = [];
    for (const m of this._members.values()) {
      m.assignment = given.get(m.memberId) ?? EMPTY;
      assignments.set(m.memberId, m.assignment);
      if (m.awaitingSync) waitingMemberIds.push(m.memberId);
      m.awaitingSync = false;
    }
    this.transitionTo('Stable', nowMs);
    return { kind: 'completed', assignments, waitingMemberIds };
  }

  private joinResponseFor(member: GroupMember): JoinResponse {
    const protocol = this._protocolName!;
    const isLeader = member.memberId === this._leaderId;
    return {
      errorCode: ErrorCode.NONE.code,
      generationId: this._generationId,
      protocolType: this._protocolType,
      protocolName: protocol,
      leaderId: this._leaderId!,
      memberId: member.memberId,
      members: isLeader
        ? [...this._members.values()].map((m) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId, metadata: metadataFor(m, protocol) }))
        : [],
    };
  }

  private removeMember(memberId: string): void {
    const member = this._members.get(memberId);
    if (member) this.statics.remove(member);
    this._members.delete(memberId);
    if (this._leaderId === memberId) this._leaderId = this.firstMemberId();
  }

  private firstMemberId(): string | null {
    const first = this._members.keys().next();
    return first.done ? null : first.value;
  }

  private transitionTo(target: GroupState, nowMs: number): void {
    if (!VALID_PREVIOUS_STATES[target].includes(this._state)) throw new IllegalGroupTransitionError(this.groupId, this._state, target);
    this._state = target;
    this._stateChangedAtMs = nowMs;
  }
}
