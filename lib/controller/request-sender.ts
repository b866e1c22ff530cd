/**
 * Sends the controller's decisions to brokers for one tenure: LeaderAndIsr to the replicas of
 * changed partitions, the complete UpdateMetadata snapshot to every broker, StopReplica to
 * replicas that leave. The bodies come from controller-requests.ts; this class only picks the
 * recipients and logs what brokers answer, because nothing the controller decides waits for a
 * LeaderAndIsr or UpdateMetadata answer (brokers that miss one get everything on their restart).
 */
import { Api } from '../protocol/api';
import { ErrorCode } from '../protocol/errors';
import { StopReplicaResponseData } from '../protocol/messages/controller';
import { getLogger } from '../util/logger';
import { ControllerChannel } from './controller-channel';
import { ControllerContext, partitionKey, TopicPartition } from './controller-context';
import { buildLeaderAndIsr, buildStopReplica, buildUpdateMetadata, partitionsByReplica, Sender } from './controller-requests';

const log = getLogger('controller');

export class RequestSender {
  constructor(
    private readonly ctx: ControllerContext,
    private readonly channel: ControllerChannel,
    private readonly sender: Sender,
    /** A broker answered KAFKA_STORAGE_ERROR for these partitions: its replicas of them are offline. */
    private readonly onStorageErrors: (brokerId: number, partitions: TopicPartition[]) => void = () => undefined,
  ) {}

  /** LeaderAndIsr for the changed partitions to each registered replica; `isNew` marks partitions just created. */
  leaderAndIsrForChanges(changed: TopicPartition[], isNew: TopicPartition[] = []): void {
    for (const [brokerId, tps] of partitionsByReplica(this.ctx, changed)) this.leaderAndIsr(brokerId, tps, isNew);
  }

  leaderAndIsr(brokerId: number, partitions: TopicPartition[], isNew: TopicPartition[] = []): void {
    if (partitions.length === 0 || !this.channel.hasBroker(brokerId)) return;
    const body = buildLeaderAndIsr(this.ctx, this.sender, brokerId, partitions, new Set(isNew.map(partitionKey)));
    if (body.partitionStates.length === 0) return;
    this.channel.send(brokerId, Api.LeaderAndIsr, body).then((resp) => {
      const failed = resp?.partitionErrors.filter((e) => e.errorCode !== 0) ?? [];
      if (resp && (resp.errorCode !== 0 || failed.length > 0)) {
        log.warn(`LeaderAndIsr to broker ${brokerId} answered error ${resp.errorCode} with ${failed.length} failed partitions`);
      }
      const offline = failed.filter((e) => e.errorCode === ErrorCode.KAFKA_STORAGE_ERROR.code);
      if (offline.length > 0) this.onStorageErrors(brokerId, offline.map((e) => ({ topic: e.topicName, partition: e.partitionIndex })));
    }, (err: Error) => log.debug(`LeaderAndIsr to broker ${brokerId} dropped: ${err.message}`));
  }

  /** Sends the complete metadata snapshot to every registered broker. */
  updateMetadata(): void {
    for (const id of this.ctx.liveBrokerIds()) {
      const body = buildUpdateMetadata(this.ctx, this.sender, id);
      this.channel.send(id, Api.UpdateMetadata, body, { coalesceKey: 'update-metadata' }).then((resp) => {
        if (resp && resp.errorCode !== 0) log.warn(`UpdateMetadata to broker ${id} answered error ${resp.errorCode}`);
      }, (err: Error) => log.debug(`UpdateMetadata to broker ${id} dropped: ${err.message}`));
    }
  }

  /** StopReplica to one broker if it is registered; resolves with its answer (undefined if it went away). */
  stopReplica(brokerId: number, partitions: TopicPartition[], deletePartitions: boolean): Promise<StopReplicaResponseData | undefined> {
    if (partitions.length === 0 || !this.channel.hasBroker(brokerId)) return Promise.resolve(undefined);
    const body = buildStopReplica(this.ctx, this.sender, brokerId, partitions, deletePartitions);
    return this.channel.send(brokerId, Api.StopReplica, body).then((resp) => {
      const failed = resp?.partitionErrors.filter((e) => e.errorCode !== 0) ?? [];
      if (resp && (resp.errorCode !== 0 || failed.length > 0)) {
        log.warn(`StopReplica (delete=${deletePartitions}) to broker ${brokerId} answered error ${resp.errorCode} with ${failed.length} failed partitions`);
      }
      return resp;
    }, (err: Error) => {
      log.debug(`StopReplica to broker ${brokerId} dropped: ${err.message}`);
      return undefined;
    });
  }
}
