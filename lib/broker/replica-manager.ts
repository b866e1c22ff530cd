/**
 * The partitions this broker hosts and its role for each: creating their logs when the controller
 * assigns them, leading or following as LeaderAndIsr says, appending produced batches as the
 * leader (waiting for the ISR when acks=all), serving consumers below the high watermark and
 * followers up to the log end, and keeping the ISR honest (shrink laggards, re-admit replicas that
 * caught up). Batches stay bytes throughout.
 */
import type { ReplicationQuota } from './replication-quotas';
import { EventEmitter } from 'events';
import { ErrorCode, SamsaError } from '../protocol/errors';
import {
  LeaderAndIsrRequestData, LeaderAndIsrResponseData, PartitionStateData, StopReplicaRequestData, StopReplicaResponseData,
} from '../protocol/messages/controller';
import * as path from 'path';
import { LogManager } from '../storage/log-manager';
import { offlineReplicaError } from '../storage/log-dirs';
import { LogConfig } from '../storage/log-config';
import { AppendOptions, AppendResult } from '../storage/partition-log-types';
import { abortedTransactionsIn } from '../storage/txn-reads';
import { isAssertionError } from '../util/assert';
import { Logger } from '../util/logger';
import { FetchPurgatory } from './fetch-purgatory';
import { FollowerWakeups } from './follower-wakeups';
import { IsrUpdater } from './isr-updater';
import { Partition, partitionKey } from './partition';
import { ProducePartitionResult, ReadPartitionResult } from './partition-results';
import { ProducePurgatory } from './produce-purgatory';
import { RecordDeletion } from './record-deletion';
import { describeFailure, failedAppendResult, storageErrorCode } from './replica-failures';
import { parkedWhile, RequestTiming } from './request-timing';
import { BrokerAddress, FetcherSettings } from './replica-fetcher';
import { ReplicaFetcherManager } from './replica-fetcher-manager';

/** Settings a partition takes from its topic's effective configuration. */
export interface PartitionConfig {
  log: LogConfig;
  minInsyncReplicas: number;
}

export interface LeadershipChange {
  topic: string;
  partition: number;
  isLeader: boolean;
  leaderEpoch: number;
}

/**
 * Counters the produce and fetch paths bump for the broker's metrics (lib/http/broker-metrics.ts):
 * one call per partition of a request, never per record, so the hot path stays cheap.
 */
export interface ReplicaTrafficObserver {
  /** A leader appended `messages` records in `bytes` of batches to a partition of `topic`. */
  appended(topic: string, messages: number, bytes: number): void;
  /** A produce to `topic` failed before its batches reached the log. */
  rejected(topic: string, bytes: number): void;
  /** A consumer fetch read `bytes` from `topic` (followers' reads are replication, not counted). */
  readByConsumer(topic: string, bytes: number): void;
  isrShrunk(): void;
  isrExpanded(): void;
}

export interface ReplicaManagerOptions extends FetcherSettings {
  logManager: LogManager;
  /** Effective settings for a topic (broker defaults + `/config/topics/<t>` overrides). */
  partitionConfigFor: (topic: string) => Promise<PartitionConfig>;
  purgatory: FetchPurgatory;
  producePurgatory: ProducePurgatory;
  isrUpdater: IsrUpdater;
  replicaLagTimeMaxMs: number;
  numReplicaFetchers: number;
  /** Fallback address book (the metadata cache) for leaders LeaderAndIsr did not describe. */
  brokerAddress: (brokerId: number) => BrokerAddress | undefined;
  logger: Logger;
  traffic?: ReplicaTrafficObserver;
  /** Replication throttles (replication-quotas.ts): the leader's for follower fetches, the follower's for the fetchers. */
  replicationQuotas?: { readonly leader: ReplicationQuota; readonly follower: ReplicationQuota };
}

/** Follower fetches park under their own key: they wait for appends, consumers for the high watermark. */
export function replicaWaitKey(key: string): string {
  return `${key}\u0000replica`;
}

export class ReplicaManager extends EventEmitter {
  private readonly partitions = new Map<string, Partition>();
  private readonly creating = new Map<string, Promise<Partition>>();
  private readonly endpoints = new Map<number, BrokerAddress>();
  private readonly fetchers: ReplicaFetcherManager;
  private controllerEpoch = -1;
  private isrTimer: NodeJS.Timeout | null = null;
  /** Parked follower fetches wake once per turn, after all of its appends (follower-wakeups.ts). */
  private readonly followerWakeups: FollowerWakeups;
  /** DeleteRecords on the partitions this broker leads (record-deletion.ts). */
  readonly recordDeletion: RecordDeletion;

  constructor(private readonly opts: ReplicaManagerOptions) {
    super();
    this.followerWakeups = new FollowerWakeups(opts.purgatory);
    this.recordDeletion = new RecordDeletion({
      isAlive: (id) => id === opts.brokerId || opts.brokerAddress(id) !== undefined,
      checkpoint: () => opts.logManager.checkpointLogStartOffsets(),
      logger: opts.logger,
    });
    this.fetchers = new ReplicaFetcherManager({
      ...opts,
      numFetchers: opts.numReplicaFetchers,
      followerQuota: opts.replicationQuotas?.follower,
      addressOf: (id) => this.endpoints.get(id) ?? opts.brokerAddress(id),
      onAppendFailure: (partition, err) => opts.logManager.maybeFailLogDir(partition.log, err),
      logger: opts.logger,
    });
  }

  get brokerId(): number { return this.opts.brokerId; }

  /** The leader's replication throttle, which follower fetches are answered under; undefined: none. */
  get leaderReplicationQuota(): ReplicationQuota | undefined { return this.opts.replicationQuotas?.leader; }

  /** The replica fetchers, which num.replica.fetchers (a dynamic broker config) resizes. */
  get replicaFetchers(): ReplicaFetcherManager { return this.fetchers; }

  /** The logs behind the partitions (DescribeLogDirs reads its directories). */
  get logManager(): LogManager { return this.opts.logManager; }

  getPartition(topic: string, partition: number): Partition | undefined {
    return this.partitions.get(partitionKey(topic, partition));
  }

  allPartitions(): Partition[] {
    return [...this.partitions.values()];
  }

  /** Resolves once the partitions being created now exist (config changes wait for them, see topic-config-applier.ts). */
  async partitionsSettled(): Promise<void> {
    await Promise.allSettled([...this.creating.values()]);
  }

  /** Starts the periodic ISR check (Kafka runs it every replica.lag.time.max.ms / 2). */
  startIsrMaintenance(): void {
    if (this.isrTimer) return;
    const interval = Math.max(50, Math.floor(this.opts.replicaLagTimeMaxMs / 2));
    this.isrTimer = setInterval(() => this.shrinkIsrs(Date.now()), interval);
    this.isrTimer.unref();
  }

  private checkControllerEpoch(epoch: number): boolean {
    if (epoch < this.controllerEpoch) return false;
    this.controllerEpoch = epoch;
    return true;
  }

  async applyLeaderAndIsr(req: LeaderAndIsrRequestData): Promise<LeaderAndIsrResponseData> {
    if (!this.checkControllerEpoch(req.controllerEpoch)) {
      this.opts.logger.warn(`Ignoring LeaderAndIsr from controller ${req.controllerId} with stale epoch ${req.controllerEpoch} (current ${this.controllerEpoch})`);
      return { errorCode: ErrorCode.STALE_CONTROLLER_EPOCH.code, partitionErrors: [] };
    }
    for (const b of req.liveLeaders) this.endpoints.set(b.id, { host: b.host, port: b.port });
    // One configuration read per topic in the request, however many of its partitions it carries.
    const configs = new Map<string, Promise<PartitionConfig>>();
    const configFor = (topic: string): Promise<PartitionConfig> => {
      let config = configs.get(topic);
      if (!config) configs.set(topic, (config = this.opts.partitionConfigFor(topic)));
      return config;
    };
    const partitionErrors = await Promise.all(req.partitionStates.map(async (state) => {
      let errorCode = 0;
      try {
        if (!state.replicas.includes(this.opts.brokerId)) {
          errorCode = ErrorCode.UNKNOWN_TOPIC_OR_PARTITION.code;
        } else {
          const partition = await this.getOrCreatePartition(state.topicName, state.partitionIndex, configFor, state.isNew);
          errorCode = await this.applyPartitionState(partition, state);
        }
      } catch (err) {
        this.opts.logger.error(`${isAssertionError(err) ? 'Bug while applying' : 'Failed to apply'} LeaderAndIsr for ${state.topicName}-${state.partitionIndex}: ${describeFailure(err)}`);
        errorCode = storageErrorCode(err);
      }
      return { topicName: state.topicName, partitionIndex: state.partitionIndex, errorCode };
    }));
    return { errorCode: 0, partitionErrors };
  }

  private async applyPartitionState(partition: Partition, state: PartitionStateData): Promise<number> {
    if (state.leaderEpoch < partition.leaderEpoch) return ErrorCode.FENCED_LEADER_EPOCH.code;
    // A new leader must not see a late follower append land after it fixed its epoch start offset.
    if (state.leader === this.opts.brokerId) await this.fetchers.unfollow(partition.key);
    const outcome = partition.applyState(state, Date.now());
    const key = partition.key;
    switch (outcome) {
      case 'stale':
        return 0;
      case 'became-leader':
        this.opts.logger.info(`${key}: became leader at leader epoch ${state.leaderEpoch}, ISR [${state.isr.join(',')}], log end ${partition.log.logEndOffset}, high watermark ${partition.highWatermark}`);
        this.opts.purgatory.wakeAll(key);
        this.afterHighWatermarkMayMove(partition);
        break;
      case 'became-follower':
        this.opts.logger.info(`${key}: ${state.leader >= 0 ? `following broker ${state.leader}` : 'no leader'} at leader epoch ${state.leaderEpoch}`);
        this.opts.producePurgatory.failAll(key, ErrorCode.NOT_LEADER_FOR_PARTITION, `broker ${this.opts.brokerId} is no longer the leader of ${key}`);
        this.recordDeletion.failAll(key, `broker ${this.opts.brokerId} is no longer the leader of ${key}`);
        this.opts.purgatory.wakeAll(key);
        this.opts.purgatory.wakeAll(replicaWaitKey(key));
        await this.followCurrentLeader(partition);
        break;
      case 'updated':
        if (!partition.isLeader && !this.fetchers.isFollowing(key)) await this.followCurrentLeader(partition);
        if (partition.isLeader) this.afterHighWatermarkMayMove(partition);
        return 0;
    }
    this.emit('leadership-change', { topic: partition.topic, partition: partition.partition, isLeader: partition.isLeader, leaderEpoch: partition.leaderEpoch } satisfies LeadershipChange);
    return 0;
  }

  private async followCurrentLeader(partition: Partition): Promise<void> {
    if (partition.leaderId >= 0 && partition.leaderId !== this.opts.brokerId) await this.fetchers.follow(partition);
    else await this.fetchers.unfollow(partition.key);
  }

  private getOrCreatePartition(topic: string, partition: number, configFor: (topic: string) => Promise<PartitionConfig>, isNew: boolean): Promise<Partition> {
    const key = partitionKey(topic, partition);
    const existing = this.partitions.get(key);
    if (existing) return Promise.resolve(existing);
    let pending = this.creating.get(key);
    if (!pending) {
      pending = (async () => {
        const config = await configFor(topic);
        const log = await this.opts.logManager.getOrCreateLog(topic, partition, config.log, isNew);
        const p = new Partition(topic, partition, log, this.opts.brokerId, this.opts.logManager.checkpointedHighWatermark(topic, partition) ?? 0);
        p.minInsyncReplicas = config.minInsyncReplicas;
        this.partitions.set(key, p);
        return p;
      })().finally(() => this.creating.delete(key));
      this.creating.set(key, pending);
    }
    return pending;
  }

  async stopReplicas(req: StopReplicaRequestData): Promise<StopReplicaResponseData> {
    if (!this.checkControllerEpoch(req.controllerEpoch)) {
      return { errorCode: ErrorCode.STALE_CONTROLLER_EPOCH.code, partitionErrors: [] };
    }
    const partitionErrors = await Promise.all(req.partitions.map(async ({ topicName, partitionIndex }) => {
      const key = partitionKey(topicName, partitionIndex);
      let errorCode = 0;
      try {
        await this.fetchers.unfollow(key);
        const partition = this.partitions.get(key);
        this.opts.producePurgatory.failAll(key, ErrorCode.NOT_LEADER_FOR_PARTITION, `${key} was stopped on broker ${this.opts.brokerId}`);
        this.recordDeletion.failAll(key, `${key} was stopped on broker ${this.opts.brokerId}`);
        this.opts.purgatory.wakeAll(key);
        this.opts.purgatory.wakeAll(replicaWaitKey(key));
        if (partition) {
          const wasLeader = partition.isLeader;
          partition.stop();
          if (wasLeader) this.emit('leadership-change', { topic: topicName, partition: partitionIndex, isLeader: false, leaderEpoch: partition.leaderEpoch } satisfies LeadershipChange);
        }
        if (req.deletePartitions) {
          this.partitions.delete(key);
          if (partition || this.opts.logManager.getLog(topicName, partitionIndex)) {
            await this.opts.logManager.deleteLog(topicName, partitionIndex);
            this.opts.logger.info(`Deleted log for ${key}`);
          }
        }
      } catch (err) {
        errorCode = storageErrorCode(err);
        this.opts.logger.error(`${isAssertionError(err) ? 'Bug while stopping' : 'Failed to stop'} replica ${key}: ${describeFailure(err)}`);
      }
      return { topicName, partitionIndex, errorCode };
    }));
    return { errorCode: 0, partitionErrors };
  }

  /** The partition if this broker leads it; otherwise a SamsaError with the code a client acts on. */
  leaderPartition(topic: string, partition: number, topicKnown: boolean): Partition {
    const p = this.partitions.get(partitionKey(topic, partition));
    if (!p && this.opts.logManager.isOffline(topic, partition)) throw offlineReplicaError(topic, partition, undefined);
    if (!p) {
      throw new SamsaError(topicKnown ? ErrorCode.NOT_LEADER_FOR_PARTITION : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
        `${topic}-${partition} is not hosted by broker ${this.opts.brokerId}`);
    }
    if (!p.isLeader) {
      throw new SamsaError(p.leaderId === -1 ? ErrorCode.LEADER_NOT_AVAILABLE : ErrorCode.NOT_LEADER_FOR_PARTITION,
        `broker ${this.opts.brokerId} is not the leader of ${p.key} (leader: ${p.leaderId})`);
    }
    return p;
  }

  /**
   * Appends as the leader with produce semantics. acks=-1 refuses up front when the ISR is below
   * min.insync.replicas, then waits (up to `timeoutMs`) until the high watermark covers the batch.
   * Errors come back in the result, never as a rejection, except for programming errors. acks 0/1
   * to a leader with no log swap in progress chain on the log's promise: no async hop (µs each).
   */
  appendRecords(
    topic: string, index: number, records: Buffer, acks: -1 | 0 | 1, timeoutMs: number, timing?: RequestTiming, origin?: AppendOptions['origin'],
  ): Promise<ProducePartitionResult> {
    const partition = this.partitions.get(partitionKey(topic, index));
    if (partition === undefined || !partition.isLeader || partition.appendGate || acks === -1) {
      return this.appendRecordsWaiting(topic, index, records, acks, timeoutMs, timing, origin);
    }
    const epoch = partition.leaderEpoch;
    const appending = partition.log.append(records, { leaderEpoch: epoch, origin });
    if (partition.replicas.length > 1) this.followerWakeups.appendQueued();
    return appending.then((appended) => {
      try {
        return this.leaderAppended(partition, epoch, topic, records, appended);
      } catch (err) {
        return this.appendFailed(topic, index, records, partition, true, err);
      }
    }, (err: unknown) => this.appendFailed(topic, index, records, partition, false, err));
  }

  /** appendRecords when it may wait before the log (a log swap) or after it (acks=-1). */
  private async appendRecordsWaiting(
    topic: string, index: number, records: Buffer, acks: -1 | 0 | 1, timeoutMs: number, timing?: RequestTiming, origin?: AppendOptions['origin'],
  ): Promise<ProducePartitionResult> {
    let partition: Partition | undefined;
    let reachedLog = false;
    try {
      let leader = this.leaderPartition(topic, index, true);
      // A log swap (a replica moving between log directories) holds appends for its last step.
      while (leader.appendGate) leader = await leader.appendGate.then(() => this.leaderPartition(topic, index, true));
      partition = leader;
      if (acks === -1) this.checkEnoughReplicas(partition);
      const epoch = partition.leaderEpoch;
      const appending = partition.log.append(records, { leaderEpoch: epoch, origin });
      // Parked follower fetches then wake right after this write, in the same turn (follower-wakeups.ts).
      this.followerWakeups.appendQueued();
      const appended = await appending;
      reachedLog = true;
      const result = this.leaderAppended(partition, epoch, topic, records, appended);
      if (acks !== -1) return result;
      return await this.awaitReplication(partition, appended.lastOffset + 1, timeoutMs, result, timing);
    } catch (err) {
      return this.appendFailed(topic, index, records, partition, reachedLog, err);
    }
  }

  /** The log took the batches: count them, check the leadership held, publish the append. */
  private leaderAppended(partition: Partition, epoch: number, topic: string, records: Buffer, appended: AppendResult): ProducePartitionResult {
    if (!appended.duplicate) this.opts.traffic?.appended(topic, appended.lastOffset - appended.baseOffset + 1, records.length);
    if (!partition.isLeader || partition.leaderEpoch !== epoch) {
      throw new SamsaError(ErrorCode.NOT_LEADER_FOR_PARTITION, `broker ${this.opts.brokerId} lost leadership of ${partition.key} during the append`);
    }
    if (!appended.duplicate) this.afterLeaderAppend(partition, appended);
    const logAppendTimeMs = partition.log.config?.messageTimestampType === 'LogAppendTime' ? appended.logAppendTime : -1;
    return { errorCode: 0, errorMessage: null, baseOffset: appended.baseOffset, logAppendTimeMs, logStartOffset: partition.log.logStartOffset };
  }

  private appendFailed(topic: string, index: number, records: Buffer, partition: Partition | undefined, reachedLog: boolean, err: unknown): ProducePartitionResult {
    if (!reachedLog) this.opts.traffic?.rejected(topic, records.length);
    if (partition && this.opts.logManager.maybeFailLogDir(partition.log, err)) err = offlineReplicaError(topic, index, undefined);
    return failedAppendResult(err, `${topic}-${index}`, partition?.log.logStartOffset ?? -1, this.opts.logger);
  }

  private checkEnoughReplicas(partition: Partition): void {
    if (partition.isr.length < partition.minInsyncReplicas) {
      throw new SamsaError(ErrorCode.NOT_ENOUGH_REPLICAS,
        `The size of the current ISR [${partition.isr.join(',')}] is insufficient to satisfy the min.isr requirement of ${partition.minInsyncReplicas} for partition ${partition.key}`);
    }
    if (!this.opts.producePurgatory.hasRoom()) {
      throw new SamsaError(ErrorCode.REQUEST_TIMED_OUT, `broker ${this.opts.brokerId} has too many acks=all requests waiting for replication`);
    }
  }

  private async awaitReplication(partition: Partition, requiredOffset: number, timeoutMs: number, result: ProducePartitionResult, timing?: RequestTiming): Promise<ProducePartitionResult> {
    if (partition.highWatermark < requiredOffset) {
      const outcome = await parkedWhile(timing, this.opts.producePurgatory.wait(partition.key, requiredOffset, timeoutMs));
      if (outcome.kind === 'timeout') {
        throw new SamsaError(ErrorCode.REQUEST_TIMED_OUT, `${partition.key}: the ISR did not replicate offset ${requiredOffset - 1} within ${timeoutMs} ms`);
      }
      if (outcome.kind === 'failed') throw new SamsaError(outcome.error, outcome.message);
    }
    if (partition.isr.length < partition.minInsyncReplicas) {
      throw new SamsaError(ErrorCode.NOT_ENOUGH_REPLICAS_AFTER_APPEND,
        `The size of the current ISR [${partition.isr.join(',')}] is insufficient to satisfy the min.isr requirement of ${partition.minInsyncReplicas} for partition ${partition.key}`);
    }
    return result;
  }

  private afterLeaderAppend(partition: Partition, appended: AppendResult): void {
    partition.recordLeaderAppend(appended.lastOffset + 1, appended.sizeInBytes);
    this.followerWakeups.appended(replicaWaitKey(partition.key), appended.sizeInBytes);
    this.afterHighWatermarkMayMove(partition);
  }

  /** Publishes a high-watermark move: consumers waiting for bytes and acks=all producers waiting for the ISR. */
  private afterHighWatermarkMayMove(partition: Partition): void {
    const visibleBytes = partition.maybeIncrementHighWatermark();
    if (visibleBytes === 0) return;
    this.opts.purgatory.onAppend(partition.key, visibleBytes);
    this.opts.producePurgatory.highWatermarkReached(partition.key, partition.highWatermark);
  }

  /**
   * Consumers read committed data only: whole batches below the high watermark, or under
   * read_committed below the last stable offset, with the aborted transactions they overlap.
   */
  async read(partition: Partition, fetchOffset: number, maxBytes: number, minOneBatch: boolean, readCommitted = false): Promise<ReadPartitionResult> {
    const highWatermark = partition.highWatermark;
    const lastStableOffset = partition.lastStableOffset;
    const { records } = await partition.log.read(fetchOffset, maxBytes, { maxOffset: readCommitted ? lastStableOffset : highWatermark, minOneBatch, pooled: true });
    if (records !== null && records.length > 0) this.opts.traffic?.readByConsumer(partition.topic, records.length);
    const abortedTransactions = readCommitted ? abortedTransactionsIn(partition.log, fetchOffset, records) : null;
    return { errorCode: 0, highWatermark, lastStableOffset, logStartOffset: partition.log.logStartOffset, records, abortedTransactions };
  }

  /** Followers read up to the log end; the high watermark they get back is the leader's. */
  async readForFollower(partition: Partition, fetchOffset: number, maxBytes: number, minOneBatch: boolean): Promise<ReadPartitionResult> {
    const { records } = await partition.log.read(fetchOffset, maxBytes, { minOneBatch, pooled: true });
    return { errorCode: 0, highWatermark: partition.highWatermark, logStartOffset: partition.log.logStartOffset, records };
  }

  /**
   * A follower asked for `fetchOffset`, so it holds everything before it: update its state, let it
   * back into the ISR if it caught up, and move the high watermark. Its log start (when given)
   * may complete a DeleteRecords waiting for it.
   */
  recordFollowerFetch(partition: Partition, replicaId: number, fetchOffset: number, logStartOffset = -1): void {
    if (!partition.recordFollowerFetch(replicaId, fetchOffset, partition.log.logEndOffset, Date.now())) return;
    if (logStartOffset >= 0) {
      partition.recordFollowerLogStart(replicaId, logStartOffset);
      this.recordDeletion.lowWatermarkMayMove(partition);
    }
    const ready = partition.replicasReadyToJoinIsr();
    if (ready.length > 0) {
      const epoch = partition.leaderEpoch;
      void this.opts.isrUpdater.update(partition, [...partition.isr, ...ready], `replica ${ready.join(',')} caught up`).then((r) => {
        if (r === 'updated') this.opts.traffic?.isrExpanded();
        if (r === 'updated' && partition.leaderEpoch === epoch) this.afterHighWatermarkMayMove(partition);
      });
    }
    this.afterHighWatermarkMayMove(partition);
  }

  private shrinkIsrs(nowMs: number): void {
    for (const partition of this.partitions.values()) {
      const lagging = partition.outOfSyncReplicas(nowMs, this.opts.replicaLagTimeMaxMs);
      if (lagging.length === 0) continue;
      const epoch = partition.leaderEpoch;
      const newIsr = partition.isr.filter((id) => !lagging.includes(id));
      void this.opts.isrUpdater.update(partition, newIsr, `replica ${lagging.join(',')} fell more than ${this.opts.replicaLagTimeMaxMs} ms behind`).then((r) => {
        if (r === 'updated') this.opts.traffic?.isrShrunk();
        if (r === 'updated' && partition.leaderEpoch === epoch) this.afterHighWatermarkMayMove(partition);
      });
    }
  }

  /**
   * A log directory failed (the log manager has already closed its logs): its partitions stop
   * leading and following here, and later requests for them get KAFKA_STORAGE_ERROR until the
   * controller, told through ZooKeeper, moves them to other replicas.
   */
  async onLogDirFailure(dir: string): Promise<void> {
    const affected = [...this.partitions.values()].filter((p) => path.dirname(p.log.dir) === dir);
    await Promise.all(affected.map(async (p) => {
      this.partitions.delete(p.key);
      await this.fetchers.unfollow(p.key);
      this.opts.producePurgatory.failAll(p.key, ErrorCode.KAFKA_STORAGE_ERROR, `${p.key} is in offline log directory ${dir}`);
      this.opts.purgatory.wakeAll(p.key);
      this.opts.purgatory.wakeAll(replicaWaitKey(p.key));
      const wasLeader = p.isLeader;
      p.stop();
      if (wasLeader) this.emit('leadership-change', { topic: p.topic, partition: p.partition, isLeader: false, leaderEpoch: p.leaderEpoch } satisfies LeadershipChange);
    }));
  }

  /**
   * Runs `swap` with the partition's appends held: leader appends wait, a follower stops fetching
   * (waiting for an append under way), then resumes from the new log.
   */
  async withAppendsHeld(partition: Partition, swap: () => Promise<void>): Promise<void> {
    let release!: () => void;
    partition.appendGate = new Promise<void>((resolve) => { release = resolve; });
    try {
      await this.fetchers.unfollow(partition.key);
      await swap();
    } finally {
      partition.appendGate = null;
      release();
      if (this.partitions.get(partition.key) === partition && !partition.isLeader) await this.followCurrentLeader(partition);
    }
  }

  /** Stops fetchers and fails waiting produces; logs are closed by the log manager afterwards. */
  async shutdown(): Promise<void> {
    if (this.isrTimer) clearInterval(this.isrTimer);
    this.isrTimer = null;
    await this.fetchers.shutdown();
    this.opts.producePurgatory.shutdown();
    this.recordDeletion.shutdown();
    this.opts.isrUpdater.shutdown();
  }
}

