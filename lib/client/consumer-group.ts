/**
 * The consumer's group side in one place: the subscription and its rebalance listener, offset
 * commits (on demand, automatic every auto.commit.interval.ms, before a rebalance and on close),
 * and the callbacks the membership protocol (consumer-coordinator.ts) makes into the consumer.
 *
 * The Consumer owns partition states and fetching; this class owns everything that talks to the
 * group coordinator, and reaches back into the Consumer only through `AssignmentTarget`.
 */
import { ErrorCode } from '../protocol/errors';
import { ClientLogger, clientLogger } from './client-logger';
import { asSamsaError, userError } from './client-errors';
import { ConnectionPool } from './connection-pool';
import { ConsumerCoordinator, formatPartitions, GroupHost } from './consumer-coordinator';
import { commitFailedError } from './consumer-errors';
import { ConsumerMetricsRecorder } from './client-metrics';
import { ResolvedConsumerOptions } from './consumer-options';
import { CoordinatorChannel } from './coordinator-channel';
import { Generation, NO_GENERATION, OffsetAndMetadata, OffsetCommitter, TopicPartitionOffset } from './offset-committer';
import { TopicPartition } from './partition-state';

/**
 * Called around rebalances, from inside poll() (or close()), and awaited: an application that
 * commits its own offsets does so in onPartitionsRevoked, before another member takes over.
 */
export interface ConsumerRebalanceListener {
  onPartitionsRevoked?(partitions: TopicPartition[]): void | Promise<void>;
  onPartitionsAssigned?(partitions: TopicPartition[]): void | Promise<void>;
  /** Membership was lost (the partitions may already belong to another member); defaults to onPartitionsRevoked. */
  onPartitionsLost?(partitions: TopicPartition[]): void | Promise<void>;
}

/** What the group side needs from the Consumer. */
export interface AssignmentTarget {
  assignment(): TopicPartition[];
  /** Current positions of assigned partitions: what "commit what was consumed" commits. */
  consumedOffsets(): TopicPartitionOffset[];
  /** Replaces the assignment; new partitions start from their committed offsets. */
  applyAssignment(partitions: TopicPartition[]): void;
  /** Stops handing out records of these partitions (cooperative revocation, before the listener runs). */
  pause(partitions: TopicPartition[]): void;
  partitionCounts(topics: readonly string[]): Promise<Map<string, number>>;
  wakeup(): void;
  /** A commit succeeded (consumer interceptors' onCommit). */
  committed?(offsets: TopicPartitionOffset[]): void;
}

/**
 * Kafka's ConsumerGroupMetadata: who the consumer is in its group, for a transactional producer's
 * sendOffsetsToTransaction (the group coordinator refuses offsets from a stale generation).
 */
export interface ConsumerGroupMetadata {
  groupId: string;
  /** -1 until the consumer has joined. */
  generationId: number;
  /** '' until the consumer has joined. */
  memberId: string;
  groupInstanceId: string | null;
}

export type CommitCallback = (error: Error | null, offsets: TopicPartitionOffset[]) => void;

export class ConsumerGroupClient implements GroupHost {
  private readonly log: ClientLogger;
  readonly channel: CoordinatorChannel;
  readonly coordinator: ConsumerCoordinator;
  private readonly committer: OffsetCommitter;
  private topics: string[] = [];
  /** Subscribed by pattern: a member even while the pattern matches nothing. */
  private byPattern = false;
  private listener: ConsumerRebalanceListener = {};
  private listenerError: Error | null = null;
  private nextAutoCommitMs: number;
  private autoCommitting = false;

  constructor(pool: ConnectionPool, private readonly options: ResolvedConsumerOptions, private readonly target: AssignmentTarget,
    metrics?: ConsumerMetricsRecorder) {
    this.log = clientLogger(options.logger, 'consumer');
    this.channel = new CoordinatorChannel(pool, options.groupId as string, options);
    this.coordinator = new ConsumerCoordinator(this.channel, this, options, metrics);
    this.committer = new OffsetCommitter(this.channel, options, {
      onGenerationInvalid: () => this.coordinator.resetGeneration('an offset commit was refused'),
      onRebalanceNeeded: () => this.coordinator.requestRejoin('an offset commit found the group rebalancing'),
    }, metrics);
    this.nextAutoCommitMs = Date.now() + options.autoCommitIntervalMs;
  }

  get subscribed(): boolean {
    return this.topics.length > 0 || this.byPattern;
  }

  subscription(): string[] {
    return [...this.topics];
  }

  subscribe(topics: readonly string[], listener: ConsumerRebalanceListener, byPattern = false): void {
    this.byPattern = byPattern;
    const next = [...new Set(topics)].sort();
    const changed = next.join('\u0000') !== this.topics.join('\u0000');
    this.topics = next;
    this.listener = listener;
    if (changed) this.coordinator.requestRejoin(`the subscription changed to [${next.join(', ')}]`);
  }

  /** Gives up the subscription: revoke what is held, leave the group. */
  async unsubscribe(): Promise<void> {
    if (this.coordinator.generation()) await this.revokeAll();
    this.topics = [];
    this.byPattern = false;
    await this.coordinator.leave('the consumer unsubscribed', Date.now() + this.options.requestTimeoutMs);
  }

  groupMetadata(): ConsumerGroupMetadata {
    const { generationId, memberId } = this.coordinator.currentGeneration();
    return { groupId: this.channel.groupId, generationId, memberId, groupInstanceId: null };
  }

  /** poll() notes the time, which max.poll.interval.ms is measured from. */
  recordPoll(nowMs: number): void {
    this.coordinator.recordPoll(nowMs);
  }

  /** poll() lets a pending rebalance run and waits for it until `deadlineMs`; true once the member is stable. */
  ensureActive(deadlineMs: number): Promise<boolean> {
    return this.coordinator.ensureActiveGroup(deadlineMs);
  }

  /** A listener's exception surfaces from poll() once, after the rebalance it interrupted has finished. */
  takeListenerError(): Error | null {
    const err = this.listenerError;
    this.listenerError = null;
    return err;
  }

  // --- GroupHost -------------------------------------------------------------------------------

  subscribedTopics(): string[] {
    return [...this.topics];
  }

  partitionCounts(topics: readonly string[]): Promise<Map<string, number>> {
    return this.target.partitionCounts(topics);
  }

  async revokeAll(): Promise<void> {
    const owned = this.target.assignment();
    if (this.options.enableAutoCommit) await this.commitQuietly('before revoking partitions', Date.now() + this.options.maxPollIntervalMs);
    this.log.info(`Revoking previously assigned partitions ${formatPartitions(owned)} of group ${this.channel.groupId}`);
    await this.invoke('onPartitionsRevoked', owned);
    this.target.applyAssignment([]);
  }

  heldPartitions(): TopicPartition[] {
    return this.target.assignment();
  }

  /**
   * Cooperative revocation of some partitions while the rest keep being consumed: their records
   * stop at once, auto-commit commits their positions, the listener hears of them (they are still
   * assigned, so it may commit them too, as in Kafka), and then they are dropped.
   */
  async revoke(partitions: TopicPartition[]): Promise<void> {
    if (partitions.length === 0) return;
    const keys = new Set(partitions.map((tp) => `${tp.topic}\u0000${tp.partition}`));
    const isRevoked = (tp: TopicPartition): boolean => keys.has(`${tp.topic}\u0000${tp.partition}`);
    this.target.pause(partitions);
    if (this.options.enableAutoCommit) {
      const offsets = this.target.consumedOffsets().filter(isRevoked);
      if (offsets.length > 0) {
        await this.commitSync(offsets, Date.now() + this.options.maxPollIntervalMs)
          .catch((err: Error) => this.log.warn(`Offset commit before revoking partitions failed for group ${this.channel.groupId}: ${err.message}`));
      }
    }
    this.log.info(`Revoking previously assigned partitions ${formatPartitions(partitions)} of group ${this.channel.groupId}`);
    await this.invoke('onPartitionsRevoked', partitions);
    this.target.applyAssignment(this.target.assignment().filter((tp) => !isRevoked(tp)));
  }

  async loseAll(): Promise<void> {
    const owned = this.target.assignment();
    if (owned.length === 0) return;
    this.log.info(`Lost previously assigned partitions ${formatPartitions(owned)} of group ${this.channel.groupId}`);
    await this.invoke(this.listener.onPartitionsLost ? 'onPartitionsLost' : 'onPartitionsRevoked', owned);
    this.target.applyAssignment([]);
  }

  async assigned(partitions: TopicPartition[], added: TopicPartition[]): Promise<void> {
    this.target.applyAssignment(partitions);
    this.nextAutoCommitMs = Date.now() + this.options.autoCommitIntervalMs;
    await this.invoke('onPartitionsAssigned', added);
  }

  wakeup(): void {
    this.target.wakeup();
  }

  // --- offsets ---------------------------------------------------------------------------------

  /** Commits `offsets` (default: every consumed position), retrying until `deadlineMs`. */
  async commitSync(offsets: readonly TopicPartitionOffset[] | undefined, deadlineMs: number): Promise<void> {
    const toCommit = offsets ?? this.target.consumedOffsets();
    if (toCommit.length === 0) return;
    await this.committer.commit(toCommit, this.commitGeneration(), deadlineMs, true);
    this.target.committed?.([...toCommit]);
  }

  /** One attempt, no retries (as Kafka's commitAsync); the outcome goes to `callback` or the log. */
  commitAsync(offsets: readonly TopicPartitionOffset[] | undefined, callback?: CommitCallback): void {
    const toCommit = [...(offsets ?? this.target.consumedOffsets())];
    const done = (err: Error | null): void => {
      if (!err) this.target.committed?.(toCommit);
      if (callback) callback(err, toCommit);
      else if (err) this.log.warn(`Asynchronous offset commit for group ${this.channel.groupId} failed: ${err.message}`);
    };
    if (toCommit.length === 0) {
      done(null);
      return;
    }
    let generation: Generation;
    try {
      generation = this.commitGeneration();
    } catch (err) {
      done(asSamsaError(err));
      return;
    }
    this.committer.commit(toCommit, generation, Date.now() + this.options.requestTimeoutMs, false).then(() => done(null), (err: Error) => done(err));
  }

  committed(partitions: readonly TopicPartition[], deadlineMs: number): Promise<Map<string, OffsetAndMetadata>> {
    return this.committer.fetchCommitted(partitions, deadlineMs);
  }

  /** Auto-commit, from poll(): at most one in flight, every auto.commit.interval.ms. */
  maybeAutoCommit(nowMs: number): void {
    if (!this.options.enableAutoCommit || this.autoCommitting || nowMs < this.nextAutoCommitMs) return;
    if (this.subscribed && !this.coordinator.generation()) return;
    this.nextAutoCommitMs = nowMs + this.options.autoCommitIntervalMs;
    this.autoCommitting = true;
    this.commitAsync(undefined, (err) => {
      this.autoCommitting = false;
      if (!err) return;
      // Try again soon rather than a whole interval later.
      this.nextAutoCommitMs = Math.min(this.nextAutoCommitMs, Date.now() + this.options.retryBackoffMs);
      this.log.warn(`Auto offset commit failed for group ${this.channel.groupId}: ${err.message}`);
    });
  }

  /** On close: final auto-commit, revoke (the listener hears of it), LeaveGroup. */
  async close(deadlineMs: number): Promise<void> {
    try {
      // A subscriber caught mid-rebalance holds nothing it could commit (it revoked everything first).
      const member = !this.subscribed || this.coordinator.generation() !== null;
      if (this.options.enableAutoCommit && member) await this.commitQuietly('on close', deadlineMs);
      if (this.subscribed && member) await this.invoke('onPartitionsRevoked', this.target.assignment());
      // A cooperative member closed mid-rebalance still holds partitions: Kafka's onLeavePrepare calls them lost.
      else if (this.subscribed) await this.loseAll();
      await this.coordinator.close(deadlineMs);
    } finally {
      this.channel.close();
    }
  }

  private commitGeneration(): Generation {
    if (!this.subscribed) return NO_GENERATION;
    const generation = this.coordinator.generation();
    if (generation) return generation;
    if (this.coordinator.rebalanceInProgress) {
      throw userError(ErrorCode.REBALANCE_IN_PROGRESS, 'Offset commit cannot be completed since the consumer group is executing a rebalance at the moment. ' +
        'You can try completing the rebalance by calling poll() and then retry commit again');
    }
    throw commitFailedError();
  }

  private async commitQuietly(when: string, deadlineMs: number): Promise<void> {
    try {
      await this.commitSync(undefined, deadlineMs);
    } catch (err) {
      this.log.warn(`Offset commit ${when} failed for group ${this.channel.groupId}: ${(err as Error).message}`);
    }
  }

  private async invoke(method: keyof ConsumerRebalanceListener, partitions: TopicPartition[]): Promise<void> {
    const fn = this.listener[method];
    if (!fn) return;
    try {
      await fn.call(this.listener, partitions);
    } catch (err) {
      this.log.error(`User provided listener failed on invocation of ${method} for partitions ${formatPartitions(partitions)}: ${(err as Error).message}`);
      this.listenerError ??= err as Error;
    }
  }
}
