/**
 * The broker's group coordinator: it owns the consumer groups of the `__consumer_offsets`
 * partitions this broker leads (Kafka's GroupCoordinator + GroupMetadataManager).
 *
 * It follows leadership: becoming leader of a partition loads that partition's groups and
 * offsets from the log (requests meanwhile get COORDINATOR_LOAD_IN_PROGRESS); losing it drops
 * them, answering parked requests with NOT_COORDINATOR so clients find the new coordinator. It
 * routes each request to the group's partition, keeps one timer per group at the group's next
 * deadline, and runs offset retention on a timer. The request logic itself lives in
 * GroupMembership, GroupOffsets and GroupAdmin, which see the coordinator as a CoordinatorRuntime.
 */
import { ErrorCode } from '../protocol/errors';
import { getLogger, Logger } from '../util/logger';
import { CoordinatorRuntime, GroupCoordinatorConfig, Route } from './coordinator-runtime';
import { CoordinatorShard, TxnMarker } from './coordinator-shard';
import { GroupAdmin } from './group-admin';
import { GroupClock, systemClock, TimerHandle } from './group-clock';
import { GroupEntry } from './group-entry';
import { GroupMembership } from './group-membership';
import { GroupOffsets } from './group-offsets';
import { GroupTxnOffsets } from './group-txn-offsets';
import { GroupRecordWriter } from './group-record-writer';
import { ConsumerGroup } from './group-state';
import { LoadedPartition, loadOffsetsPartition } from './offsets-loader';
import { LeadershipChange, OFFSETS_TOPIC, OffsetsReplicas } from './offsets-log';
import { OffsetsTopic, OffsetsTopicMetadata, TopicCreator } from './offsets-topic';

/** How long to wait before retrying a load that failed (an I/O error, say) while still leader. */
const LOAD_RETRY_MS = 1000;

export interface GroupCoordinatorMetadata extends OffsetsTopicMetadata {
  topicNames(): string[];
}

export interface GroupCoordinatorDeps {
  readonly brokerId: number;
  readonly config: GroupCoordinatorConfig;
  readonly replicas: OffsetsReplicas;
  readonly metadata: GroupCoordinatorMetadata;
  readonly topics: TopicCreator;
  readonly clock?: GroupClock;
  readonly logger?: Logger;
}

export class GroupCoordinator implements CoordinatorRuntime {
  readonly config: GroupCoordinatorConfig;
  readonly clock: GroupClock;
  readonly logger: Logger;
  readonly writer: GroupRecordWriter;
  readonly membership: GroupMembership;
  readonly offsets: GroupOffsets;
  readonly txnOffsets: GroupTxnOffsets;
  readonly admin: GroupAdmin;
  readonly offsetsTopic: OffsetsTopic;
  private readonly owned = new Map<number, CoordinatorShard>();
  private state: 'created' | 'running' | 'stopped' = 'created';
  private retentionTimer: TimerHandle | null = null;
  private knownTopics: Set<string> | null = null;
  private readonly onLeadershipChange = (c: LeadershipChange): void => this.leadershipChanged(c);

  constructor(private readonly deps: GroupCoordinatorDeps) {
    this.config = deps.config;
    this.clock = deps.clock ?? systemClock;
    this.logger = deps.logger ?? getLogger('group-coordinator');
    this.writer = new GroupRecordWriter(deps.replicas, this.clock, this.config.offsetsCommitTimeoutMs, this.logger);
    this.membership = new GroupMembership(this);
    this.offsets = new GroupOffsets(this);
    this.txnOffsets = new GroupTxnOffsets(this);
    this.admin = new GroupAdmin(this);
    this.offsetsTopic = new OffsetsTopic(this.config, deps.metadata, deps.topics, this.logger);
  }

  /** Starts following leadership of `__consumer_offsets`; call before the broker can receive LeaderAndIsr. */
  startup(): void {
    if (this.state !== 'created') throw new Error(`group coordinator cannot start from state ${this.state}`);
    this.state = 'running';
    this.deps.replicas.on('leadership-change', this.onLeadershipChange);
    this.armRetention();
  }

  /** Gives every group up; parked requests are answered with NOT_COORDINATOR so clients move on. */
  shutdown(): void {
    if (this.state !== 'running') return;
    this.state = 'stopped';
    this.deps.replicas.off('leadership-change', this.onLeadershipChange);
    this.retentionTimer?.cancel();
    this.retentionTimer = null;
    for (const shard of [...this.owned.values()]) this.unload(shard);
  }

  route(groupId: string): Route {
    if (this.state !== 'running') return { errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE.code };
    const shard = this.owned.get(this.offsetsTopic.partitionFor(groupId));
    if (!shard) return { errorCode: ErrorCode.NOT_COORDINATOR.code };
    if (shard.state === 'loading') return { errorCode: ErrorCode.COORDINATOR_LOAD_IN_PROGRESS.code };
    return { shard };
  }

  shards(): CoordinatorShard[] {
    return [...this.owned.values()];
  }

  /** Groups of the shards done loading (a loading shard's groups are still incomplete). */
  *loadedGroups(): Iterable<GroupEntry> {
    for (const shard of this.owned.values()) if (shard.state === 'active') yield* shard.groups();
  }

  newGroup(groupId: string): ConsumerGroup {
    return new ConsumerGroup(groupId, this.clock.nowMs(), { config: this.config.group });
  }

  schedule(shard: CoordinatorShard, entry: GroupEntry): void {
    entry.cancelTimer();
    if (shard.closed || shard.get(entry.groupId) !== entry) return;
    const at = entry.group.nextDeadlineMs();
    if (at === null) return;
    entry.timer = this.clock.setTimer(at - this.clock.nowMs(), () => {
      entry.timer = null;
      if (!shard.closed && shard.get(entry.groupId) === entry) this.membership.onDeadline(shard, entry);
    });
  }

  partitionExists(topic: string, partition: number): boolean {
    const partitions = this.deps.metadata.partitions(topic);
    return partitions !== undefined && Number.isInteger(partition) && partition >= 0 && partition < partitions.length;
  }

  /** A transaction marker this broker wrote (subscribed to the broker's TxnMarkerObservers). */
  onTxnMarker(marker: TxnMarker): void {
    if (this.state !== 'running' || marker.topic !== OFFSETS_TOPIC) return;
    this.txnOffsets.onMarker(marker, this.owned.get(marker.partition));
  }

  /**
   * Called after each metadata update: topics that were known before and are gone now were
   * deleted, so their committed offsets go too (Kafka's handleDeletedPartitions).
   */
  onMetadataUpdate(): void {
    const now = new Set(this.deps.metadata.topicNames());
    const before = this.knownTopics;
    this.knownTopics = now;
    if (before === null || this.state !== 'running') return;
    const deleted = new Set([...before].filter((t) => !now.has(t)));
    if (deleted.size > 0) void this.offsets.removeTopics(deleted);
  }

  private leadershipChanged(c: LeadershipChange): void {
    if (c.topic !== OFFSETS_TOPIC || this.state !== 'running') return;
    const current = this.owned.get(c.partition);
    if (!c.isLeader) {
      if (current) this.unload(current);
      return;
    }
    // Still the leader (a new epoch without anyone else leading in between): the groups are current.
    if (current) return;
    const shard = new CoordinatorShard(c.partition, c.leaderEpoch);
    this.owned.set(c.partition, shard);
    void this.load(shard);
  }

  private async load(shard: CoordinatorShard): Promise<void> {
    const started = this.clock.nowMs();
    const topicPartition = `${OFFSETS_TOPIC}-${shard.partition}`;
    try {
      const log = this.deps.replicas.getPartition(OFFSETS_TOPIC, shard.partition)?.log;
      if (!log) throw new Error(`${topicPartition} is not hosted here`);
      const loaded = await loadOffsetsPartition(log, {
        maxBytes: this.config.loadBufferBytes, cancelled: () => shard.closed, logger: this.logger,
      });
      if (!loaded || shard.closed) return;
      this.install(shard, loaded);
      shard.state = 'active';
      this.txnOffsets.replayQueued(shard, loaded.endOffset);
      for (const entry of shard.groups()) this.schedule(shard, entry);
      this.logger.info(`Loaded ${shard.groupCount} group(s) from ${topicPartition} (${loaded.recordsRead} records up to offset ${loaded.endOffset}) in ${this.clock.nowMs() - started} ms`);
    } catch (err) {
      if (shard.closed) return;
      this.logger.error(`Loading groups from ${topicPartition} failed; retrying in ${LOAD_RETRY_MS} ms: ${(err as Error)?.stack ?? String(err)}`);
      this.clock.setTimer(LOAD_RETRY_MS, () => {
        if (shard.closed) return;
        for (const entry of shard.groups()) shard.remove(entry.groupId);
        void this.load(shard);
      });
    }
  }

  /** Turns what the log said into live groups: stored metadata first, then groups known only by their offsets. */
  private install(shard: CoordinatorShard, loaded: LoadedPartition): void {
    const now = this.clock.nowMs();
    for (const [groupId, value] of loaded.groups) {
      try {
        shard.add(ConsumerGroup.fromMetadataValue(groupId, value, now, { config: this.config.group }));
      } catch (err) {
        this.logger.warn(`Ignoring unusable stored metadata of group ${groupId}: ${(err as Error).message}`);
      }
    }
    for (const [groupId, offsets] of loaded.offsets) {
      const entry = shard.get(groupId) ?? shard.add(this.newGroup(groupId));
      for (const o of offsets.values()) entry.offsets.set(o.topic, o.partition, o.value);
    }
    for (const p of loaded.pending) {
      const entry = shard.get(p.group) ?? shard.add(this.newGroup(p.group));
      entry.pendingTxn.loaded(p.producerId, p.topic, p.partition, p.value);
    }
  }

  private unload(shard: CoordinatorShard): void {
    shard.closed = true;
    if (this.owned.get(shard.partition) === shard) this.owned.delete(shard.partition);
    const now = this.clock.nowMs();
    for (const entry of shard.groups()) {
      entry.cancelTimer();
      if (entry.group.state !== 'Dead') entry.group.markDead(now);
      entry.failAll(ErrorCode.NOT_COORDINATOR.code);
    }
    this.logger.info(`Unloaded ${shard.groupCount} group(s) of ${OFFSETS_TOPIC}-${shard.partition}`);
  }

  private armRetention(): void {
    this.retentionTimer = this.clock.setTimer(this.config.offsetsRetentionCheckIntervalMs, () => {
      if (this.state !== 'running') return;
      this.offsets.expireOffsets()
        .catch((err) => this.logger.error(`Offset expiration failed: ${(err as Error)?.stack ?? String(err)}`))
        .finally(() => { if (this.state === 'running') this.armRetention(); });
    });
  }
}
