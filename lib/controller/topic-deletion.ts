/**
 * Carries out topic deletion requests (`/admin/delete_topics/<t>`), like Kafka's
 * TopicDeletionManager: every replica is told to stop and delete its log (StopReplica with
 * deletePartitions=true), and only when every replica has acknowledged are the topic's znodes
 * removed. A replica on a broker that is offline keeps the deletion waiting until the broker
 * comes back, so no broker is left holding the log of a topic that no longer exists.
 *
 * With `delete.topic.enable=false` requests are removed with a warning and nothing is deleted.
 */
import { Api } from '../protocol/api';
import { StopReplicaRequestData, StopReplicaResponseData } from '../protocol/messages/controller';
import { getLogger } from '../util/logger';
import { ControllerChannel } from './controller-channel';
import { ControllerContext, TopicPartition } from './controller-context';
import { buildStopReplica, Sender } from './controller-requests';
import { ControllerZk } from './controller-zk';

const log = getLogger('controller');
const STOP_REPLICA_RETRY_MS = 1000;

export interface TopicDeletionDeps {
  ctx: ControllerContext;
  zk: ControllerZk;
  channel: ControllerChannel;
  sender: Sender;
  deleteTopicEnable: boolean;
  /** Queues work on the controller event queue for the current tenure. */
  fire: (name: string, run: () => Promise<void>) => void;
  schedule: (delayMs: number, name: string, run: () => Promise<void>) => void;
  /** Called after the set of visible topics changed, to push metadata to brokers. */
  afterChange: () => void;
}

export class TopicDeletion {
  constructor(private readonly deps: TopicDeletionDeps) {}

  /** Takes up the deletion requests found when this broker became controller. */
  async resume(markers: string[]): Promise<void> {
    await this.enqueue(markers, false);
  }

  async onMarkersChanged(): Promise<void> {
    const markers = await this.deps.zk.deleteMarkers(() => this.deps.fire('TopicDeletion', () => this.onMarkersChanged()));
    await this.enqueue(markers, true);
  }

  /** Brokers that (re)registered get the StopReplica requests they still owe an answer to. */
  onBrokersStarted(brokerIds: number[]): void {
    for (const [topic, pending] of this.deps.ctx.topicsToDelete) {
      for (const id of brokerIds) if (pending.has(id)) this.sendStopReplica(topic, id);
    }
  }

  stopReplicaBody(brokerId: number, partitions: TopicPartition[], deletePartitions: boolean): StopReplicaRequestData {
    return buildStopReplica(this.deps.ctx, this.deps.sender, brokerId, partitions, deletePartitions);
  }

  private async enqueue(markers: string[], notify: boolean): Promise<void> {
    const { ctx, zk } = this.deps;
    const started: string[] = [];
    for (const topic of markers) {
      if (ctx.topicsToDelete.has(topic)) continue;
      if (!ctx.assignments.has(topic)) {
        log.info(`Removing deletion request for topic ${topic}, which does not exist`);
        await zk.deleteDeleteMarker(topic);
        continue;
      }
      if (!this.deps.deleteTopicEnable) {
        log.warn(`Ignoring deletion request for topic ${topic}: delete.topic.enable is false`);
        await zk.deleteDeleteMarker(topic);
        continue;
      }
      const replicas = new Set(ctx.partitionsOf(topic).flatMap((tp) => ctx.replicas(tp)));
      ctx.topicsToDelete.set(topic, replicas);
      started.push(topic);
      log.info(`Deleting topic ${topic}: waiting for replicas on brokers [${[...replicas].sort((a, b) => a - b).join(',')}] to stop`);
    }
    if (started.length === 0) return;
    if (notify) this.deps.afterChange();
    for (const topic of started) {
      const pending = ctx.topicsToDelete.get(topic)!;
      if (pending.size === 0) await this.complete(topic);
      for (const id of pending) if (ctx.isRegistered(id)) this.sendStopReplica(topic, id);
    }
  }

  private sendStopReplica(topic: string, brokerId: number): void {
    const { ctx, channel } = this.deps;
    const partitions = ctx.partitionsOf(topic).filter((tp) => ctx.replicas(tp).includes(brokerId));
    channel.send(brokerId, Api.StopReplica, this.stopReplicaBody(brokerId, partitions, true)).then(
      (resp) => this.deps.fire(`StopReplicaAck(${topic}, ${brokerId})`, () => this.onStopReplicaResponse(topic, brokerId, resp)),
      (err: Error) => log.debug(`StopReplica for ${topic} to broker ${brokerId} dropped (resent when it returns): ${err.message}`),
    );
  }

  private async onStopReplicaResponse(topic: string, brokerId: number, resp: StopReplicaResponseData | undefined): Promise<void> {
    const pending = this.deps.ctx.topicsToDelete.get(topic);
    if (!pending || !pending.has(brokerId)) return;
    const failed = resp ? resp.partitionErrors.filter((e) => e.errorCode !== 0) : [];
    if (!resp || resp.errorCode !== 0 || failed.length > 0) {
      log.warn(`Broker ${brokerId} failed to delete replicas of ${topic} (error ${resp?.errorCode}, ${failed.length} partitions); retrying`);
      this.deps.schedule(STOP_REPLICA_RETRY_MS, `StopReplicaRetry(${topic}, ${brokerId})`, async () => {
        if (this.deps.ctx.topicsToDelete.get(topic)?.has(brokerId) && this.deps.ctx.isRegistered(brokerId)) this.sendStopReplica(topic, brokerId);
      });
      return;
    }
    pending.delete(brokerId);
    if (pending.size === 0) await this.complete(topic);
  }

  private async complete(topic: string): Promise<void> {
    await this.deps.zk.deleteTopic(topic);
    this.deps.ctx.removeTopic(topic);
    log.info(`Deleted topic ${topic}`);
    this.deps.afterChange();
  }
}
