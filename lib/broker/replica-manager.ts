/**
 * The partitions this broker hosts: creating their logs when the controller assigns them, taking
 * leadership or following as told by LeaderAndIsr, appending produced batches as the leader, and
 * serving reads below the high watermark. Batches stay bytes throughout.
 */
import { ErrorCode, SamsaError, toErrorCode } from '../protocol/errors';
import {
  LeaderAndIsrRequestData, LeaderAndIsrResponseData, StopReplicaRequestData, StopReplicaResponseData,
} from '../protocol/messages/controller';
import { LogManager } from '../storage/log-manager';
import { LogConfig } from '../storage/log-config';
import { Logger } from '../util/logger';
import { FetchPurgatory } from './fetch-purgatory';
import { Partition, partitionKey } from './partition';

export interface ProducePartitionResult {
  errorCode: number;
  errorMessage: string | null;
  baseOffset: number;
  logAppendTimeMs: number;
  logStartOffset: number;
}

export interface ReadPartitionResult {
  errorCode: number;
  highWatermark: number;
  logStartOffset: number;
  records: Buffer | null;
}

export interface ReplicaManagerOptions {
  brokerId: number;
  logManager: LogManager;
  /** Effective log settings for a topic (broker defaults + `/config/topics/<t>` overrides). */
  logConfigFor: (topic: string) => Promise<LogConfig>;
  purgatory: FetchPurgatory;
  logger: Logger;
}

export class ReplicaManager {
  private readonly partitions = new Map<string, Partition>();
  private controllerEpoch = -1;

  constructor(private readonly opts: ReplicaManagerOptions) {}

  getPartition(topic: string, partition: number): Partition | undefined {
    return this.partitions.get(partitionKey(topic, partition));
  }

  allPartitions(): Partition[] {
    return [...this.partitions.values()];
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
    // One configuration read per topic in the request, however many of its partitions it carries.
    const configs = new Map<string, Promise<LogConfig>>();
    const configFor = (topic: string): Promise<LogConfig> => {
      let config = configs.get(topic);
      if (!config) configs.set(topic, (config = this.opts.logConfigFor(topic)));
      return config;
    };
    const partitionErrors = await Promise.all(req.partitionStates.map(async (state) => {
      let errorCode = 0;
      try {
        if (!state.replicas.includes(this.opts.brokerId)) {
          errorCode = ErrorCode.UNKNOWN_TOPIC_OR_PARTITION.code;
        } else {
          const partition = await this.getOrCreatePartition(state.topicName, state.partitionIndex, configFor);
          const wasLeader = partition.isLeader;
          if (!partition.applyState(state)) {
            errorCode = ErrorCode.FENCED_LEADER_EPOCH.code;
          } else if (wasLeader !== partition.isLeader) {
            this.opts.logger.info(`${partition.key}: ${partition.isLeader ? 'became leader' : `now follows broker ${state.leader}`} at leader epoch ${state.leaderEpoch}`);
            this.opts.purgatory.wakeAll(partition.key);
          }
        }
      } catch (err) {
        this.opts.logger.error(`Failed to apply LeaderAndIsr for ${state.topicName}-${state.partitionIndex}: ${(err as Error).message}`);
        errorCode = toErrorCode(err) === ErrorCode.UNKNOWN_SERVER_ERROR.code ? ErrorCode.KAFKA_STORAGE_ERROR.code : toErrorCode(err);
      }
      return { topicName: state.topicName, partitionIndex: state.partitionIndex, errorCode };
    }));
    return { errorCode: 0, partitionErrors };
  }

  private readonly creating = new Map<string, Promise<Partition>>();

  private getOrCreatePartition(topic: string, partition: number, configFor: (topic: string) => Promise<LogConfig>): Promise<Partition> {
    const key = partitionKey(topic, partition);
    const existing = this.partitions.get(key);
    if (existing) return Promise.resolve(existing);
    let pending = this.creating.get(key);
    if (!pending) {
      pending = (async () => {
        const config = await configFor(topic);
        const log = await this.opts.logManager.getOrCreateLog(topic, partition, config);
        const p = new Partition(topic, partition, log, this.opts.brokerId);
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
        const partition = this.partitions.get(key);
        this.partitions.delete(key);
        this.opts.purgatory.wakeAll(key);
        if (req.deletePartitions) {
          if (partition || this.opts.logManager.getLog(topicName, partitionIndex)) {
            await this.opts.logManager.deleteLog(topicName, partitionIndex);
            this.opts.logger.info(`Deleted log for ${key}`);
          }
        } else if (partition) {
          partition.leaderId = -1;
        }
      } catch (err) {
        errorCode = ErrorCode.KAFKA_STORAGE_ERROR.code;
        this.opts.logger.error(`Failed to stop replica ${key}: ${(err as Error).message}`);
      }
      return { topicName, partitionIndex, errorCode };
    }));
    return { errorCode: 0, partitionErrors };
  }

  /** The partition if this broker leads it; otherwise a SamsaError with the code a client acts on. */
  leaderPartition(topic: string, partition: number, topicKnown: boolean): Partition {
    const p = this.partitions.get(partitionKey(topic, partition));
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

  async appendToLeader(partition: Partition, records: Buffer): Promise<ProducePartitionResult> {
    const result = await partition.log.append(records, { leaderEpoch: partition.leaderEpoch });
    this.opts.purgatory.onAppend(partition.key, result.sizeInBytes);
    return {
      errorCode: 0,
      errorMessage: null,
      baseOffset: result.baseOffset,
      logAppendTimeMs: partition.log.config?.messageTimestampType === 'LogAppendTime' ? result.logAppendTime : -1,
      logStartOffset: partition.log.logStartOffset,
    };
  }

  async read(partition: Partition, fetchOffset: number, maxBytes: number, minOneBatch: boolean): Promise<ReadPartitionResult> {
    const highWatermark = partition.highWatermark;
    const { records } = await partition.log.read(fetchOffset, maxBytes, { maxOffset: highWatermark, minOneBatch });
    return { errorCode: 0, highWatermark, logStartOffset: partition.log.logStartOffset, records };
  }
}
