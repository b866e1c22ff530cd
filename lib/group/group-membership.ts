/**
 * JoinGroup, SyncGroup, Heartbeat and LeaveGroup as the broker serves them, plus the timer that
 * expires silent members and ends rebalances (Kafka's GroupCoordinator handlers).
 *
 * The rules live in the pure state machine (group-state.ts); this module carries out its
 * decisions: it parks the requests that must wait, answers them when the rebalance completes,
 * fails the ones a change made stale, and writes the group to `__consumer_offsets` when it
 * becomes Stable (the leader's assignment) or Empty, as Kafka's storeGroup does.
 */
import { ErrorCode } from '../protocol/errors';
import { Infer } from '../protocol/schema';
import { HeartbeatRequest, JoinGroupRequest, LeaveGroupRequest, SyncGroupRequest } from '../protocol/messages/group';
import { CoordinatorRuntime } from './coordinator-runtime';
import { CoordinatorShard } from './coordinator-shard';
import { JoinCompletion, JoinDecision, MembershipChange, SyncDecision } from './group-decisions';
import { GroupEntry } from './group-entry';
import { groupMetadataRecord, storeGroupError } from './group-record-writer';
import { OFFSETS_TOPIC } from './offsets-log';
import {
  HeartbeatResult, joinError, JoinGroupResult, joinResult, LeaveGroupResult, syncError, SyncGroupResult, syncResult,
} from './group-responses';

type JoinGroupRequestData = Infer<typeof JoinGroupRequest>;
type SyncGroupRequestData = Infer<typeof SyncGroupRequest>;
type HeartbeatRequestData = Infer<typeof HeartbeatRequest>;
type LeaveGroupRequestData = Infer<typeof LeaveGroupRequest>;

/** Who sent the request, as JoinGroup records it for DescribeGroups. */
export interface ClientIdentity {
  readonly clientId: string;
  /** Kafka's form: `/` followed by the address. */
  readonly clientHost: string;
}

const NONE = ErrorCode.NONE.code;

export class GroupMembership {
  constructor(private readonly rt: CoordinatorRuntime) {}

  async join(req: JoinGroupRequestData, client: ClientIdentity): Promise<JoinGroupResult> {
    if (req.groupId === '') return joinError(req.memberId, ErrorCode.INVALID_GROUP_ID.code);
    const route = this.rt.route(req.groupId);
    if (!('shard' in route)) return joinError(req.memberId, route.errorCode);
    const { shard } = route;
    const { minSessionTimeoutMs, maxSessionTimeoutMs } = this.rt.config.group;
    // Checked before the group is created, so a bad request leaves nothing behind.
    if (req.sessionTimeoutMs < minSessionTimeoutMs || req.sessionTimeoutMs > maxSessionTimeoutMs) {
      return joinError(req.memberId, ErrorCode.INVALID_SESSION_TIMEOUT.code);
    }
    let entry = shard.get(req.groupId);
    if (!entry) {
      if (req.memberId !== '') return joinError(req.memberId, ErrorCode.UNKNOWN_MEMBER_ID.code);
      entry = shard.add(this.rt.newGroup(req.groupId));
    }
    const now = this.rt.clock.nowMs();
    const decision = entry.group.join({
      memberId: req.memberId,
      clientId: client.clientId,
      clientHost: client.clientHost,
      sessionTimeoutMs: req.sessionTimeoutMs,
      // JoinGroup v0 clients had no rebalance timeout; Kafka used the session timeout for them.
      rebalanceTimeoutMs: req.rebalanceTimeoutMs > 0 ? req.rebalanceTimeoutMs : req.sessionTimeoutMs,
      protocolType: req.protocolType,
      protocols: req.protocols,
      requireKnownMemberId: true,
      groupInstanceId: req.groupInstanceId,
    }, now);
    switch (decision.kind) {
      case 'error':
        // A group created by this very request and refused (bad protocols) should not linger in ListGroups.
        if (entry.group.state === 'Empty' && entry.group.generationId === 0 && entry.group.members.size === 0
          && entry.group.pendingMemberIds.length === 0 && entry.offsets.size === 0 && entry.pendingTxn.isEmpty) shard.remove(req.groupId);
        else this.rt.schedule(shard, entry);
        return joinError(decision.memberId, decision.errorCode);
      case 'response':
        this.rt.schedule(shard, entry);
        return joinResult(decision.response);
      case 'replaced':
        return this.storeStaticReplacement(shard, entry, decision);
      case 'await': {
        if (decision.fencedMemberId !== undefined) this.fence(entry, decision.fencedMemberId, req.groupInstanceId);
        const parked = entry.parkJoin(decision.memberId);
        if (decision.change.rebalanceStarted) this.logRebalance(entry, `member ${decision.memberId} joined`);
        this.afterChange(shard, entry, decision.change, now);
        return parked;
      }
    }
  }

  async sync(req: SyncGroupRequestData): Promise<SyncGroupResult> {
    if (req.groupId === '') return syncError(ErrorCode.INVALID_GROUP_ID.code);
    const route = this.rt.route(req.groupId);
    if (!('shard' in route)) return syncError(route.errorCode);
    const { shard } = route;
    const entry = shard.get(req.groupId);
    if (!entry) return syncError(ErrorCode.UNKNOWN_MEMBER_ID.code);
    const g = entry.group;
    const inconsistent = (sent: string | null, actual: string | null) => sent !== null && sent !== actual;
    if (g.has(req.memberId) && req.generationId === g.generationId
      && (inconsistent(req.protocolType, g.protocolType) || inconsistent(req.protocolName, g.protocolName))) {
      return syncError(ErrorCode.INCONSISTENT_GROUP_PROTOCOL.code);
    }
    const decision = g.sync({
      memberId: req.memberId, groupInstanceId: req.groupInstanceId, generationId: req.generationId, assignments: req.assignments,
    }, this.rt.clock.nowMs());
    this.rt.schedule(shard, entry);
    switch (decision.kind) {
      case 'error':
        return syncError(decision.errorCode);
      case 'assigned':
        return syncResult(g.protocolType, g.protocolName, decision.assignment);
      case 'await':
        return entry.parkSync(req.memberId);
      case 'completed':
        return this.storeAssignment(shard, entry, req.memberId, decision);
    }
  }

  heartbeat(req: HeartbeatRequestData): HeartbeatResult {
    const answer = (errorCode: number): HeartbeatResult => ({ throttleTimeMs: 0, errorCode });
    if (req.groupId === '') return answer(ErrorCode.INVALID_GROUP_ID.code);
    const route = this.rt.route(req.groupId);
    if (!('shard' in route)) return answer(route.errorCode);
    const entry = route.shard.get(req.groupId);
    if (!entry) return answer(ErrorCode.UNKNOWN_MEMBER_ID.code);
    const errorCode = entry.group.heartbeat(req.memberId, req.generationId, this.rt.clock.nowMs(), req.groupInstanceId);
    this.rt.schedule(route.shard, entry);
    return answer(errorCode);
  }

  /** LeaveGroup v3 semantics: several members at once, an error per member, NONE at the top. */
  leave(req: LeaveGroupRequestData): LeaveGroupResult {
    const answer = (errorCode: number, members: LeaveGroupResult['members'] = []): LeaveGroupResult => ({ throttleTimeMs: 0, errorCode, members });
    const each = (code: (memberId: string, groupInstanceId: string | null) => number) => req.members.map((m) => ({
      memberId: m.memberId, groupInstanceId: m.groupInstanceId, errorCode: code(m.memberId, m.groupInstanceId),
    }));
    if (req.groupId === '') return answer(ErrorCode.INVALID_GROUP_ID.code);
    const route = this.rt.route(req.groupId);
    if (!('shard' in route)) return answer(route.errorCode);
    const { shard } = route;
    const entry = shard.get(req.groupId);
    if (!entry) return answer(NONE, each(() => ErrorCode.UNKNOWN_MEMBER_ID.code));
    if (entry.group.state === 'Dead') return answer(ErrorCode.COORDINATOR_NOT_AVAILABLE.code);
    const now = this.rt.clock.nowMs();
    const members = each((memberId, groupInstanceId) => {
      const change = entry.group.leave(memberId, now, groupInstanceId);
      const removed = change.removedMemberId;
      if (removed !== null) {
        entry.failMember(removed, ErrorCode.UNKNOWN_MEMBER_ID.code);
        this.rt.logger.info(`Member ${removed}${groupInstanceId === null ? '' : ` (instance ${groupInstanceId})`} left group ${entry.groupId}`);
      }
      if (change.rebalanceStarted) this.logRebalance(entry, `member ${removed ?? memberId} left`);
      for (const id of change.failedSyncMemberIds) entry.answerSync(id, syncError(ErrorCode.REBALANCE_IN_PROGRESS.code));
      return change.errorCode;
    });
    this.completeJoinIfDue(shard, entry, now);
    this.rt.schedule(shard, entry);
    return answer(NONE, members);
  }

  /** The group's timer fired: expire silent members, then end the join phase if it is due. */
  onDeadline(shard: CoordinatorShard, entry: GroupEntry): void {
    const now = this.rt.clock.nowMs();
    const unconfirmed = new Set(entry.group.pendingMemberIds);
    const outcome = entry.group.expireSessions(now);
    for (const memberId of outcome.expiredMemberIds) {
      entry.failMember(memberId, ErrorCode.UNKNOWN_MEMBER_ID.code);
      if (!unconfirmed.has(memberId)) this.rt.logger.info(`Member ${memberId} in group ${entry.groupId} has failed (session expired)`);
    }
    if (outcome.rebalanceStarted) this.logRebalance(entry, `${outcome.expiredMemberIds.length} member(s) expired`);
    this.afterChange(shard, entry, outcome, now);
  }

  private afterChange(shard: CoordinatorShard, entry: GroupEntry, change: MembershipChange, now: number): void {
    for (const id of change.failedSyncMemberIds) entry.answerSync(id, syncError(ErrorCode.REBALANCE_IN_PROGRESS.code));
    this.completeJoinIfDue(shard, entry, now);
    this.rt.schedule(shard, entry);
  }

  private completeJoinIfDue(shard: CoordinatorShard, entry: GroupEntry, now: number): void {
    const completion = entry.group.tryCompleteJoin(now);
    if (completion) this.onJoinComplete(shard, entry, completion);
  }

  private onJoinComplete(shard: CoordinatorShard, entry: GroupEntry, c: JoinCompletion): void {
    for (const memberId of c.removedMemberIds) entry.failMember(memberId, ErrorCode.UNKNOWN_MEMBER_ID.code);
    for (const response of c.responses) entry.answerJoin(response.memberId, joinResult(response));
    if (c.protocolName === null) {
      this.rt.logger.info(`Group ${entry.groupId} with generation ${c.generationId} is now empty (${OFFSETS_TOPIC}-${shard.partition})`);
      // Kafka stores an emptied group so its generation survives a coordinator move.
      void this.rt.writer.write(shard.partition, [groupMetadataRecord(entry.groupId, entry.group.toMetadataValue())], storeGroupError);
      return;
    }
    this.rt.logger.info(`Stabilized group ${entry.groupId} generation ${c.generationId} (${OFFSETS_TOPIC}-${shard.partition}) with ${c.responses.length} members, protocol ${c.protocolName}`);
  }

  /**
   * The leader's assignment made the group Stable. It is written first and only then handed to
   * the members; if the write fails they all get the error and the group rebalances, so nobody
   * consumes under an assignment a new coordinator would not know.
   */
  private async storeAssignment(
    shard: CoordinatorShard, entry: GroupEntry, leaderId: string, decision: Extract<SyncDecision, { kind: 'completed' }>,
  ): Promise<SyncGroupResult> {
    const g = entry.group;
    const generation = g.generationId;
    const { protocolType, protocolName } = g;
    const written = await this.rt.writer.write(shard.partition, [groupMetadataRecord(g.groupId, g.toMetadataValue())], storeGroupError);
    if (written.errorCode !== NONE) {
      for (const id of decision.waitingMemberIds) entry.answerSync(id, syncError(written.errorCode));
      if (!shard.closed && g.generationId === generation) {
        const now = this.rt.clock.nowMs();
        const change = g.requestRebalance(now);
        if (change.rebalanceStarted) this.logRebalance(entry, 'its assignment could not be stored');
        this.afterChange(shard, entry, change, now);
      }
      return syncError(written.errorCode);
    }
    for (const id of decision.waitingMemberIds) entry.answerSync(id, syncResult(protocolType, protocolName, decision.assignments.get(id)));
    return syncResult(protocolType, protocolName, decision.assignments.get(leaderId));
  }

  /** The old member id a static member's rejoin replaced: a zombie still waiting there is told so. */
  private fence(entry: GroupEntry, oldMemberId: string, groupInstanceId: string | null): void {
    entry.failMember(oldMemberId, ErrorCode.FENCED_INSTANCE_ID.code);
    this.rt.logger.info(`Static member ${groupInstanceId} of group ${entry.groupId} rejoined; member id ${oldMemberId} is replaced and fenced`);
  }

  /**
   * A static member took its old place in a Stable group without a rebalance. The group is stored
   * (the new member id must survive a coordinator move) before the member hears of it.
   */
  private async storeStaticReplacement(
    shard: CoordinatorShard, entry: GroupEntry, decision: Extract<JoinDecision, { kind: 'replaced' }>,
  ): Promise<JoinGroupResult> {
    this.fence(entry, decision.fencedMemberId, entry.group.members.get(decision.response.memberId)?.groupInstanceId ?? null);
    this.rt.schedule(shard, entry);
    const written = await this.rt.writer.write(shard.partition, [groupMetadataRecord(entry.groupId, entry.group.toMetadataValue())], storeGroupError);
    if (written.errorCode !== NONE) return joinError(decision.response.memberId, written.errorCode);
    return joinResult(decision.response);
  }

  private logRebalance(entry: GroupEntry, reason: string): void {
    this.rt.logger.info(`Preparing to rebalance group ${entry.groupId} in state ${entry.group.state} with old generation ${entry.group.generationId} (reason: ${reason})`);
  }
}
