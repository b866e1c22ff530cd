/**
 * Group membership for a subscribing consumer: Kafka's ConsumerCoordinator, with the eager and
 * the incremental cooperative (KIP-429) rebalance protocols and static membership (KIP-345).
 *
 * A rebalance runs as one background task that poll() starts and waits for (bounded by its
 * timeout): revoke everything the member holds (the host commits and tells the application
 * first), JoinGroup (retrying once with the id the coordinator hands out through
 * MEMBER_ID_REQUIRED), run the assignor when elected leader, SyncGroup, and hand the new
 * assignment to the host. Between rebalances a heartbeat timer keeps the session alive and
 * notices when the group wants the member back (REBALANCE_IN_PROGRESS), has forgotten it
 * (UNKNOWN_MEMBER_ID, ILLEGAL_GENERATION: start over as a new member) or when the coordinator
 * moved (find it again; membership survives). Because the rejoin itself waits for poll(), an
 * application that stops polling for max.poll.interval.ms is taken out of the group, and the
 * heartbeat timer leaves explicitly when that happens, as Kafka's heartbeat thread does.
 *
 * Cooperative (every configured assignor supports it, e.g. cooperative-sticky): the member keeps
 * its partitions through the rebalance and poll() keeps returning their records; after SyncGroup
 * it revokes only the partitions its new assignment lacks, then rejoins at once so a second
 * rebalance can hand them to their new owners. Static members (groupInstanceId) never send
 * LeaveGroup: the session timeout removes them, so a restart within it keeps their partitions.
 */
import { Api } from '../protocol/api';
import { ErrorCode, SamsaError } from '../protocol/errors';
import { JoinGroupResponseData } from '../protocol/messages/group';
import { AssignorMember, PartitionAssignor, rebalanceProtocol } from '../group/assignors';
import { CONSUMER_PROTOCOL_TYPE, decodeAssignment, decodeSubscription, encodeAssignment, encodeSubscription } from '../group/consumer-protocol';
import { ClientLogger, clientLogger } from './client-logger';
import { asSamsaError, authorizationError, closedError, responseError } from './client-errors';
import { ConsumerMetricsRecorder } from './client-metrics';
import { ResolvedConsumerOptions } from './consumer-options';
import { coordinatorMoved, CoordinatorChannel } from './coordinator-channel';
import { Generation } from './offset-committer';
import { TopicPartition } from './partition-state';
import { partitionKey } from './list-offsets';
import { exponentialBackoffMs } from './retry-policy';
import { settledBy, sleep } from '../util/time';

/** Extra time a JoinGroup/SyncGroup may take beyond the rebalance timeout (Kafka adds the same). */
const JOIN_GRACE_MS = 5000;

/** What the coordinator needs from the consumer it serves. */
export interface GroupHost {
  subscribedTopics(): string[];
  /** Partition counts from fresh metadata; topics metadata does not know are left out. */
  partitionCounts(topics: readonly string[]): Promise<Map<string, number>>;
  /** Before rejoining while still a member: commit if auto-commit is on, tell the application, drop the assignment. */
  revokeAll(): Promise<void>;
  /** Cooperative: the same for some partitions only; the others stay assigned and keep being consumed. */
  revoke(partitions: TopicPartition[]): Promise<void>;
  /** The partitions the consumer holds now. */
  heldPartitions(): TopicPartition[];
  /** After membership was lost: tell the application (no commit is possible any more), drop the assignment. */
  loseAll(): Promise<void>;
  /** Installs the new assignment; the listener hears of `added` (all of it under the eager protocol). */
  assigned(partitions: TopicPartition[], added: TopicPartition[]): Promise<void>;
  /** The coordinator wants a rejoin: wake a poll() that is waiting for records. */
  wakeup(): void;
}

type MemberState = 'unjoined' | 'rebalancing' | 'stable';

export class ConsumerCoordinator {
  private readonly log: ClientLogger;
  private memberId = '';
  private generationId = -1;
  private leaderId = '';
  private state: MemberState = 'unjoined';
  private rejoinNeeded = true;
  /** True while the host holds partitions from a past generation that were not yet revoked or lost. */
  private holding = false;
  private rebalancing: Promise<void> | null = null;
  private fatal: SamsaError | null = null;
  private heartbeatTimer: NodeJS.Timeout | null = null;
  private heartbeatFailures = 0;
  private lastPollMs: number;
  /** What this member owned last, sent in its Subscription so the sticky assignor can keep it. */
  private owned: TopicPartition[] = [];
  private ownedGeneration = -1;
  /** As leader: the partition counts the current assignment was computed from. */
  private assignedCounts: Map<string, number> | null = null;
  private closed = false;
  /** KIP-429: keep what does not move instead of revoking everything before each rebalance. */
  private readonly cooperative: boolean;

  constructor(
    private readonly channel: CoordinatorChannel,
    private readonly host: GroupHost,
    private readonly options: ResolvedConsumerOptions,
    private readonly metrics?: ConsumerMetricsRecorder,
  ) {
    this.log = clientLogger(options.logger, 'consumer');
    this.lastPollMs = Date.now();
    this.cooperative = rebalanceProtocol(options.assignors) === 'cooperative';
  }

  /** The generation to commit with, or null while the member is not stable in a group. */
  generation(): Generation | null {
    return this.state === 'stable' ? { generationId: this.generationId, memberId: this.memberId, groupInstanceId: this.options.groupInstanceId } : null;
  }

  /** The last generation joined, stable or not: what Kafka's groupMetadata() reports (-1 and '' before any). */
  currentGeneration(): Generation {
    return { generationId: this.generationId, memberId: this.memberId };
  }

  get rebalanceInProgress(): boolean {
    return this.rebalancing !== null || this.rejoinNeeded;
  }

  /** A rebalance is due but has not started yet. */
  get joinPending(): boolean {
    return this.rejoinNeeded && this.rebalancing === null;
  }

  get isLeader(): boolean {
    return this.state === 'stable' && this.memberId !== '' && this.memberId === this.leaderId;
  }

  recordPoll(nowMs: number): void {
    this.lastPollMs = nowMs;
  }

  requestRejoin(reason: string): void {
    if (!this.rejoinNeeded) this.log.info(`Request joining group ${this.channel.groupId} due to: ${reason}`);
    this.rejoinNeeded = true;
    this.host.wakeup();
  }

  /** Membership is gone on the coordinator's side: the next join starts over as a new member. */
  resetGeneration(reason: string): void {
    this.log.info(`Resetting generation of member ${this.memberId} of group ${this.channel.groupId} (${reason})`);
    this.memberId = '';
    this.generationId = -1;
    this.leaderId = '';
    this.state = 'unjoined';
    this.stopHeartbeat();
    this.requestRejoin(reason);
  }

  /** As leader, rejoins when metadata shows partition counts the assignment did not use. */
  checkPartitionCounts(count: (topic: string) => number | undefined): void {
    if (!this.isLeader || !this.assignedCounts || this.rejoinNeeded) return;
    for (const topic of this.host.subscribedTopics()) {
      const now = count(topic);
      if (now !== undefined && now !== this.assignedCounts.get(topic)) {
        this.requestRejoin(`the partition count of subscribed topic ${topic} changed to ${now}`);
        return;
      }
    }
  }

  /**
   * Starts a rebalance if one is needed and waits for the member to be stable, at most until
   * `deadlineMs`. Returns whether it is stable; throws what made the rebalance fail for good.
   */
  async ensureActiveGroup(deadlineMs: number): Promise<boolean> {
    if (this.closed) throw closedError('the consumer');
    if (this.fatal) {
      const err = this.fatal;
      // A fenced static member must not rejoin (it would fence the newer instance in turn): fatal for good, as in Kafka.
      if (err.code !== ErrorCode.FENCED_INSTANCE_ID.code) this.fatal = null;
      throw err;
    }
    if (this.rejoinNeeded && !this.rebalancing) this.rebalancing = this.startRebalance();
    if (this.rebalancing) {
      // Cooperative members keep consuming what they hold while the group rebalances.
      if (this.cooperative && this.holding) return true;
      await settledBy(this.rebalancing, deadlineMs);
    }
    return this.state === 'stable' && !this.rebalancing && !this.rejoinNeeded;
  }

  /** Runs a rebalance in the background; the returned task never rejects (a fatal error waits in `fatal`). */
  private async startRebalance(): Promise<void> {
    try {
      await this.rebalance();
    } catch (err) {
      if (!this.closed) {
        this.fatal = asSamsaError(err);
        this.rejoinNeeded = true;
        this.log.warn(`Rebalance of group ${this.channel.groupId} failed: ${this.fatal.message}`);
      }
    } finally {
      this.rebalancing = null;
      this.host.wakeup();
    }
  }

  /** Leaves the group (when a member) and stops everything. */
  async close(deadlineMs: number): Promise<void> {
    this.closed = true;
    this.stopHeartbeat();
    if (this.memberId !== '') await this.leave('the consumer is being closed', deadlineMs);
  }

  private async rebalance(): Promise<void> {
    const startedMs = this.metrics?.now() ?? 0;
    if (this.state === 'stable' && this.cooperative) {
      await this.revokeUnsubscribed();
    } else {
      if (this.state === 'stable') await this.host.revokeAll();
      else if (this.holding) await this.host.loseAll();
      this.holding = false;
    }
    this.stopHeartbeat();
    this.state = 'rebalancing';
    for (let attempt = 0; ; attempt++) {
      this.rejoinNeeded = false;
      if (this.holding && this.memberId === '') {
        // A cooperative member the coordinator forgot mid-rebalance: what it held may be someone else's now.
        await this.host.loseAll();
        this.holding = false;
      }
      const joined = await this.joinGroup();
      const assignment = await this.syncGroup(joined);
      if (assignment === null) {
        this.rejoinNeeded = true;
        await sleep(exponentialBackoffMs(attempt, this.options.retryBackoffMs, this.options.retryBackoffMaxMs));
        continue;
      }
      this.state = 'stable';
      const held = this.holding ? this.host.heldPartitions() : [];
      this.holding = true;
      this.owned = assignment;
      this.ownedGeneration = this.generationId;
      this.log.info(`Successfully joined group ${this.channel.groupId} with generation ${this.generationId} as ${this.memberId}; assigned ${formatPartitions(assignment)}`);
      this.heartbeatFailures = 0;
      this.scheduleHeartbeat();
      // Kafka's rebalance-latency ends with the assignment received, before the application's listener.
      if (this.metrics) this.metrics.rebalanced(this.metrics.now() - startedMs);
      await this.install(held, assignment);
      return;
    }
  }

  /** Cooperative: revoke only what the new assignment lacks, and rejoin at once if that was anything. */
  private async install(held: TopicPartition[], assignment: TopicPartition[]): Promise<void> {
    if (!this.cooperative) return this.host.assigned(assignment, assignment);
    const assignedKeys = new Set(assignment.map((tp) => partitionKey(tp.topic, tp.partition)));
    const heldKeys = new Set(held.map((tp) => partitionKey(tp.topic, tp.partition)));
    const revoked = held.filter((tp) => !assignedKeys.has(partitionKey(tp.topic, tp.partition)));
    if (revoked.length > 0) await this.host.revoke(revoked);
    await this.host.assigned(assignment, assignment.filter((tp) => !heldKeys.has(partitionKey(tp.topic, tp.partition))));
    if (revoked.length > 0) this.requestRejoin(`need to revoke partitions ${formatPartitions(revoked)} and re-join`);
  }

  /** Cooperative onJoinPrepare: only partitions of topics no longer subscribed are given up before joining. */
  private async revokeUnsubscribed(): Promise<void> {
    const topics = new Set(this.host.subscribedTopics());
    const gone = this.host.heldPartitions().filter((tp) => !topics.has(tp.topic));
    if (gone.length > 0) await this.host.revoke(gone);
    const goneKeys = new Set(gone.map((tp) => partitionKey(tp.topic, tp.partition)));
    this.owned = this.owned.filter((tp) => !goneKeys.has(partitionKey(tp.topic, tp.partition)));
  }

  private joinRequestTimeoutMs(): number {
    return Math.max(this.options.requestTimeoutMs, this.options.maxPollIntervalMs + JOIN_GRACE_MS);
  }

  /** JoinGroup until it succeeds, following the coordinator's redirections; throws only fatal errors. */
  private async joinGroup(): Promise<JoinGroupResponseData> {
    for (let attempt = 0; ; attempt++) {
      this.ensureOpen();
      let code: number;
      try {
        const response = await this.channel.send(Api.JoinGroup, this.joinRequest(), this.joinRequestTimeoutMs(), Infinity);
        code = response.errorCode;
        if (code === 0) {
          this.memberId = response.memberId;
          this.generationId = response.generationId;
          this.leaderId = response.leader;
          return response;
        }
        if (code === ErrorCode.MEMBER_ID_REQUIRED.code) {
          // The coordinator hands out our id and expects us back with it at once.
          this.memberId = response.memberId;
          continue;
        }
      } catch (err) {
        const e = asSamsaError(err);
        this.ensureOpen();
        if (!e.retriable) throw e;
        code = e.code;
      }
      this.onJoinOrSyncError(code, 'JoinGroup');
      await sleep(exponentialBackoffMs(attempt, this.options.retryBackoffMs, this.options.retryBackoffMaxMs));
    }
  }

  private joinRequest() {
    const topics = this.host.subscribedTopics();
    // An eager member revoked everything before joining: to a cooperative assignor it owns nothing (as in Kafka).
    const owned = (a: PartitionAssignor) => (this.cooperative || !(a.supportedProtocols ?? []).includes('cooperative') ? this.owned : []);
    const subscription = (a: PartitionAssignor) => encodeSubscription({
      topics, ownedPartitions: owned(a), generationId: this.ownedGeneration, userData: a.subscriptionUserData?.(this.ownedGeneration) ?? null,
    });
    return {
      groupId: this.channel.groupId,
      sessionTimeoutMs: this.options.sessionTimeoutMs,
      rebalanceTimeoutMs: this.options.maxPollIntervalMs,
      memberId: this.memberId,
      groupInstanceId: this.options.groupInstanceId,
      protocolType: CONSUMER_PROTOCOL_TYPE,
      protocols: this.options.assignors.map((a) => ({ name: a.name, metadata: subscription(a) })),
    };
  }

  /** Errors of JoinGroup and SyncGroup: returns to retry, throws the fatal ones. */
  private onJoinOrSyncError(code: number, api: string): void {
    if (code === ErrorCode.UNKNOWN_MEMBER_ID.code || code === ErrorCode.ILLEGAL_GENERATION.code) {
      this.log.info(`${api} of group ${this.channel.groupId} failed with ${responseError(code, null).errorName}; rejoining as a new member`);
      this.memberId = '';
      this.generationId = -1;
      return;
    }
    if (coordinatorMoved(code) || code === ErrorCode.NETWORK_EXCEPTION.code) {
      this.channel.markUnknown(responseError(code, null).errorName);
      return;
    }
    if (code === ErrorCode.REBALANCE_IN_PROGRESS.code || code === ErrorCode.COORDINATOR_LOAD_IN_PROGRESS.code || code === ErrorCode.REQUEST_TIMED_OUT.code) return;
    throw authorizationError(code, { group: this.channel.groupId }) ?? responseError(code, null, `${api} for group ${this.channel.groupId} failed: ${responseError(code, null).message}`);
  }

  /** SyncGroup after a successful join; null means "join again". */
  private async syncGroup(joined: JoinGroupResponseData): Promise<TopicPartition[] | null> {
    const assignments = joined.leader === joined.memberId ? await this.performAssignment(joined) : [];
    let code: number;
    try {
      const response = await this.channel.send(Api.SyncGroup, {
        groupId: this.channel.groupId, generationId: joined.generationId, memberId: joined.memberId, groupInstanceId: this.options.groupInstanceId,
        protocolType: CONSUMER_PROTOCOL_TYPE, protocolName: joined.protocolName, assignments,
      }, this.joinRequestTimeoutMs(), Infinity);
      code = response.errorCode;
      if (code === 0) return decodeAssignment(response.assignment).partitions;
    } catch (err) {
      const e = asSamsaError(err);
      this.ensureOpen();
      if (!e.retriable) throw e;
      code = e.code;
    }
    this.onJoinOrSyncError(code, 'SyncGroup');
    return null;
  }

  /** The leader's job: run the chosen assignor over every member's subscription. */
  private async performAssignment(joined: JoinGroupResponseData): Promise<{ memberId: string; assignment: Buffer }[]> {
    const assignor = this.options.assignors.find((a) => a.name === joined.protocolName);
    if (!assignor) throw responseError(ErrorCode.INCONSISTENT_GROUP_PROTOCOL.code, null, `Coordinator selected invalid assignment protocol: ${joined.protocolName}`);
    const members: AssignorMember[] = joined.members.map((m) => {
      const s = decodeSubscription(m.metadata);
      return { memberId: m.memberId, topics: s.topics, ownedPartitions: s.ownedPartitions, generation: s.generationId, userData: s.userData };
    });
    const topics = [...new Set(members.flatMap((m) => m.topics))].sort();
    const counts = await this.host.partitionCounts(topics);
    this.assignedCounts = counts;
    const result = runAssignor(assignor, members, counts);
    this.log.info(`Leader ${joined.memberId} of group ${this.channel.groupId} assigned with ${assignor.name}: ${[...result].map(([id, tps]) => `${id}=${formatPartitions(tps)}`).join('; ')}`);
    return [...result].map(([memberId, partitions]) => ({ memberId, assignment: encodeAssignment({ partitions }) }));
  }

  private scheduleHeartbeat(): void {
    this.stopHeartbeat();
    if (this.closed) return;
    const delayMs = this.heartbeatFailures === 0
      ? this.options.heartbeatIntervalMs
      : Math.min(this.options.heartbeatIntervalMs, exponentialBackoffMs(this.heartbeatFailures - 1, this.options.retryBackoffMs, this.options.retryBackoffMaxMs));
    this.heartbeatTimer = setTimeout(() => void this.heartbeat(), delayMs);
    this.heartbeatTimer.unref();
  }

  private stopHeartbeat(): void {
    if (this.heartbeatTimer) clearTimeout(this.heartbeatTimer);
    this.heartbeatTimer = null;
  }

  private async heartbeat(): Promise<void> {
    this.heartbeatTimer = null;
    if (this.closed || this.state !== 'stable') return;
    if (Date.now() - this.lastPollMs > this.options.maxPollIntervalMs) {
      this.log.warn('consumer poll timeout has expired. This means the time between subsequent calls to poll() was longer than the configured ' +
        'max.poll.interval.ms, which typically implies that the poll loop is spending too much time processing messages. You can address ' +
        'this either by increasing max.poll.interval.ms or by reducing the maximum size of batches returned in poll() with max.poll.records.');
      await this.leave('consumer poll timeout has expired', Date.now() + this.options.requestTimeoutMs);
      return;
    }
    const generationId = this.generationId;
    let code: number;
    try {
      const response = await this.channel.send(Api.Heartbeat, {
        groupId: this.channel.groupId, generationId, memberId: this.memberId, groupInstanceId: this.options.groupInstanceId,
      }, this.options.requestTimeoutMs, Date.now() + this.options.requestTimeoutMs);
      code = response.errorCode;
    } catch (err) {
      code = asSamsaError(err).code;
    }
    if (this.closed || this.state !== 'stable' || generationId !== this.generationId) return;
    this.onHeartbeatResult(code);
    if (this.state === 'stable') this.scheduleHeartbeat();
  }

  private onHeartbeatResult(code: number): void {
    this.heartbeatFailures = code === 0 ? 0 : this.heartbeatFailures + 1;
    if (code === 0) return;
    if (code === ErrorCode.REBALANCE_IN_PROGRESS.code) {
      this.requestRejoin('the group is rebalancing');
    } else if (code === ErrorCode.UNKNOWN_MEMBER_ID.code || code === ErrorCode.ILLEGAL_GENERATION.code) {
      this.resetGeneration(`Heartbeat answered ${responseError(code, null).errorName}`);
    } else if (coordinatorMoved(code) || code === ErrorCode.NETWORK_EXCEPTION.code || code === ErrorCode.REQUEST_TIMED_OUT.code) {
      this.channel.markUnknown(`Heartbeat failed with ${responseError(code, null).errorName}`);
    } else if (code === ErrorCode.FENCED_INSTANCE_ID.code) {
      // Another process joined with our group.instance.id: this one must stop (poll() throws it).
      this.log.error(`Member ${this.memberId} with group.instance.id ${this.options.groupInstanceId} was fenced by a newer instance`);
      this.fatal = responseError(code, null, `Heartbeat of group ${this.channel.groupId} failed: this member's group.instance.id ${this.options.groupInstanceId} is used by a newer instance`);
      this.state = 'unjoined';
      this.stopHeartbeat();
      this.host.wakeup();
    } else {
      this.log.warn(`Heartbeat of group ${this.channel.groupId} failed: ${responseError(code, null).message}`);
    }
  }

  /** LeaveGroup (best effort: the session timeout removes the member anyway) and forget the generation. */
  async leave(reason: string, deadlineMs: number): Promise<void> {
    const memberId = this.memberId;
    this.memberId = '';
    this.generationId = -1;
    this.state = 'unjoined';
    this.stopHeartbeat();
    if (!this.closed) this.requestRejoin(reason);
    if (memberId === '' || !this.channel.known) return;
    // Static members never leave explicitly: a restart within session.timeout.ms must find their place kept.
    if (this.options.groupInstanceId !== null) return;
    this.log.info(`Member ${memberId} sending LeaveGroup request to coordinator of group ${this.channel.groupId} due to ${reason}`);
    try {
      const timeoutMs = Math.max(1, Math.min(this.options.requestTimeoutMs, deadlineMs - Date.now()));
      const response = await this.channel.send(Api.LeaveGroup, {
        groupId: this.channel.groupId, members: [{ memberId, groupInstanceId: null }],
      }, timeoutMs, deadlineMs);
      if (response.errorCode !== 0) this.log.debug(`LeaveGroup of ${memberId} answered ${responseError(response.errorCode, null).errorName}`);
    } catch (err) {
      this.log.debug(`LeaveGroup of ${memberId} failed: ${(err as Error).message}`);
    }
  }

  private ensureOpen(): void {
    if (this.closed) throw closedError('the consumer');
  }
}

function runAssignor(assignor: PartitionAssignor, members: AssignorMember[], counts: Map<string, number>): Map<string, TopicPartition[]> {
  try {
    return assignor.assign(members, counts);
  } catch (err) {
    throw responseError(ErrorCode.INVALID_REQUEST.code, null, `Assignor ${assignor.name} failed: ${(err as Error).message}`);
  }
}

export function formatPartitions(partitions: readonly TopicPartition[]): string {
  return `[${partitions.map((tp) => `${tp.topic}-${tp.partition}`).join(', ')}]`;
}
