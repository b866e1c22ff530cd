/**
 * The controller's part in a failed log directory, as Kafka 2.8's KafkaController does it: a
 * `/log_dir_event_notification` znode from a broker makes the controller send that broker
 * LeaderAndIsr for every replica it hosts; the partitions it answers with KAFKA_STORAGE_ERROR have
 * their replica there offline, so they get a new leader among the other in-sync replicas and lose
 * that broker from their ISR (it no longer fetches them). Any LeaderAndIsr answer with
 * KAFKA_STORAGE_ERROR takes the same path, so a broker that restarts with a failed directory is
 * handled the same way.
 */
import { getLogger } from '../util/logger';
import { ControllerContext, partitionKey, TopicPartition } from './controller-context';
import type { ControllerZk } from './controller-zk';
import { electOfflinePartitionLeader } from './partition-leader-election';
import type { PartitionStateWriter } from './partition-state-writer';
import type { RequestSender } from './request-sender';
import type { UncleanElectionConfig } from './unclean-election-config';

const log = getLogger('controller');

export interface LogDirFailuresDeps {
  ctx: ControllerContext;
  zk: ControllerZk;
  writer: PartitionStateWriter;
  requests: RequestSender;
  unclean: UncleanElectionConfig;
  /** Arms a one-shot watch that queues `run` as a controller event. */
  watcher: (name: string, run: () => Promise<void>) => () => void;
  sendUpdateMetadata: () => void;
}

export class LogDirFailures {
  constructor(private readonly deps: LogDirFailuresDeps) {}

  /**
   * Arms the watch and drops the notifications already there: a new controller sends every
   * broker LeaderAndIsr for all its replicas anyway, which finds the offline ones (Kafka does the same).
   */
  async start(): Promise<void> {
    const names = await this.deps.zk.logDirEventNotifications(this.watch());
    await this.deps.zk.deleteLogDirEventNotifications(names);
  }

  /** New notifications: ask each broker they name about all its replicas. */
  async onNotification(): Promise<void> {
    const { zk, ctx, requests } = this.deps;
    const names = await zk.logDirEventNotifications(this.watch());
    if (names.length === 0) return;
    const brokers = await zk.readLogDirEventBrokers(names);
    await zk.deleteLogDirEventNotifications(names);
    for (const id of brokers.filter((b) => ctx.isRegistered(b))) {
      log.info(`Broker ${id} reported a failed log directory; sending it LeaderAndIsr for its ${ctx.partitionsOnBrokers([id]).length} replica(s)`);
      requests.leaderAndIsr(id, ctx.partitionsOnBrokers([id]).filter((tp) => !ctx.topicsToDelete.has(tp.topic)));
    }
  }

  /**
   * `brokerId` answered KAFKA_STORAGE_ERROR for `partitions`: its replicas of them are offline.
   * Each gets a leader other than that broker (a clean one when possible) and an ISR without it.
   */
  async onReplicasOffline(brokerId: number, partitions: TopicPartition[]): Promise<void> {
    const { ctx, writer, unclean, requests } = this.deps;
    const known = partitions.filter((tp) => ctx.state(tp) !== undefined && !ctx.topicsToDelete.has(tp.topic));
    if (known.length === 0) return;
    const isLive = (id: number): boolean => id !== brokerId && ctx.isLive(id);
    await unclean.load(known.map((tp) => tp.topic));
    const changed = await writer.update(known, (tp, current) =>
      electOfflinePartitionLeader(ctx.replicas(tp), current, isLive, unclean.get(tp.topic)), `offline replicas on broker ${brokerId}`);
    log.info(`Replicas of [${known.map(partitionKey).join(',')}] on broker ${brokerId} are offline (log directory failure); ` +
      `${changed.length} partition(s) changed leader or ISR`);
    requests.leaderAndIsrForChanges(changed);
    if (changed.length > 0) this.deps.sendUpdateMetadata();
  }

  private watch(): () => void {
    return this.deps.watcher('LogDirEventNotification', () => this.onNotification());
  }
}
