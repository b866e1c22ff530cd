/**
 * Everything this broker does while it is the controller, for one tenure (one controller
 * epoch): loads the cluster from ZooKeeper, watches brokers, topics, deletion requests, ISR
 * change notifications, topic config changes and the `/admin` request znodes, elects leaders,
 * and tells brokers about it. Reassignments, requested elections and topic deletion have their
 * own classes; this one owns the tenure, the broker lifecycle and the wiring.
 *
 * A tenure ends with `close()`; callbacks from its watches and channel then do nothing, so a
 * stale tenure can never act after a newer one started. Every handler runs on the shared
 * controller event queue, one at a time.
 */
import { ClientSecurity } from '../security/client-security';
import { brokerConfigDefs } from '../config/broker-config-defs';
import { configDefault } from '../config/config-default';
import { ErrorCode, SamsaError } from '../protocol/errors';
import { getLogger } from '../util/logger';
import { ControllerChannel } from './controller-channel';
import { ControllerContext, LiveBroker, NO_LEADER, partitionKey, TopicPartition } from './controller-context';
import { ControllerEventQueue } from './controller-event-queue';
import { partitionsByReplica, Sender } from './controller-requests';
import { ControllerMovedError, ControllerZk } from './controller-zk';
import { ElectionResult, ElectionType, LeaderElectionRequests } from './leader-election-requests';
import { partitionsToRebalance } from './leader-imbalance';
import { electControlledShutdownLeader, electOfflinePartitionLeader, electPreferredLeader } from './partition-leader-election';
import { OngoingReassignment, PartitionReassignments, ReassignmentResult } from './partition-reassignment';
import { LeaderElectionObserver, PartitionStateWriter } from './partition-state-writer';
import { LogDirFailures } from './log-dir-failures';
import { RequestSender } from './request-sender';
import { TopicDeletion } from './topic-deletion';
import { UncleanElectionConfig } from './unclean-election-config';

import { EventRetrySettings, eventRetryDelayMs } from './event-retry';

const log = getLogger('controller');

export interface ControllerConfig extends EventRetrySettings {
  /** Bound of the controller's event queue, in events (default in controller.ts). */
  maxQueuedEvents?: number;
  deleteTopicEnable: boolean;
  uncleanLeaderElectionEnable: boolean;
  autoLeaderRebalanceEnable?: boolean;
  leaderImbalancePerBrokerPercentage?: number;
  leaderImbalanceCheckIntervalMs?: number;
  /** Timeout of each controller-to-broker request before it is retried. */
  requestTimeoutMs?: number;
  /** The listener whose endpoint the controller connects to on each broker (default PLAINTEXT). */
  interBrokerListenerName?: string;
  /** How the controller's connections to brokers are secured (the inter-broker listener's protocol). */
  interBrokerSecurity?: ClientSecurity;
}

export interface ActiveControllerDeps {
  brokerId: number;
  epoch: number;
  zk: ControllerZk;
  config: ControllerConfig;
  events: ControllerEventQueue;
  /** Called (on the event queue) when a fenced write shows another controller took over. */
  onFenced: (err: ControllerMovedError) => Promise<void>;
  elections?: LeaderElectionObserver;
}

export class ActiveController {
  readonly ctx = new ControllerContext();
  private readonly channel: ControllerChannel;
  private readonly writer: PartitionStateWriter;
  private readonly requests: RequestSender;
  private readonly deletion: TopicDeletion;
  private readonly reassignments: PartitionReassignments;
  private readonly elections: LeaderElectionRequests;
  private readonly unclean: UncleanElectionConfig;
  private readonly logDirs: LogDirFailures;
  private readonly timers = new Set<NodeJS.Timeout>();
  private closed = false;

  constructor(private readonly deps: ActiveControllerDeps) {
    this.channel = new ControllerChannel({ controllerId: deps.brokerId, requestTimeoutMs: deps.config.requestTimeoutMs, security: deps.config.interBrokerSecurity });
    this.writer = new PartitionStateWriter(this.ctx, deps.zk, deps.epoch, deps.elections);
    this.requests = new RequestSender(this.ctx, this.channel, this.sender, (id, tps) => this.fire('ReplicasOffline', () => this.logDirs.onReplicasOffline(id, tps)));
    this.unclean = new UncleanElectionConfig(deps.zk, () => deps.config.uncleanLeaderElectionEnable);
    const fire = (name: string, run: () => Promise<void>) => this.fire(name, run);
    const schedule = (delayMs: number, name: string, run: () => Promise<void>) => this.schedule(delayMs, name, run);
    this.deletion = new TopicDeletion({
      ctx: this.ctx,
      zk: deps.zk,
      channel: this.channel,
      sender: this.sender,
      deleteTopicEnable: deps.config.deleteTopicEnable,
      fire,
      schedule,
      afterChange: () => {
        this.sendUpdateMetadata();
        this.fire('ReassignmentPrune', () => this.reassignments.pruneDeletedTopics());
      },
    });
    const shared = { ctx: this.ctx, zk: deps.zk, writer: this.writer, requests: this.requests, fire };
    this.reassignments = new PartitionReassignments({ ...shared, schedule });
    this.elections = new LeaderElectionRequests(shared);
    this.logDirs = new LogDirFailures({ ...shared, unclean: this.unclean, watcher: (name, run) => this.watcher(name, run), sendUpdateMetadata: () => this.sendUpdateMetadata() });
  }

  get isClosed(): boolean {
    return this.closed;
  }

  get sender(): Sender {
    return { controllerId: this.deps.brokerId, controllerEpoch: this.deps.epoch };
  }

  /** Loads the cluster, arms the watches, and brings every partition online it can. */
  async start(): Promise<void> {
    const zk = this.deps.zk;
    await zk.prepare();
    this.ctx.clusterId = await zk.clusterId();
    // Listed before the states are read, so those states include every change these announce;
    // they are deleted below, as Kafka does on failover. Later ones fire the watch.
    const pendingIsrChanges = await zk.isrChangeNotifications(this.watcher('IsrChange', () => this.onIsrChangeNotification()));
    for (const b of await zk.liveBrokers(this.interBrokerListenerName, this.watcher('BrokerChange', (noticedMs) => this.onBrokersChanged(noticedMs)))) this.addBroker(b);
    const topics = await zk.topics(this.watcher('TopicChange', () => this.onTopicsChanged()));
    await Promise.all(topics.map((t) => this.loadTopic(t, true)));
    log.info(`Controller ${this.deps.brokerId} (epoch ${this.deps.epoch}) loaded ${topics.length} topics and ${this.ctx.liveBrokers.size} live brokers [${this.ctx.liveBrokerIds().join(',')}]`);
    // Deletions resume first so that their partitions take no part in the elections below.
    await this.deletion.resume(await zk.deleteMarkers(this.watcher('TopicDeletion', () => this.deletion.onMarkersChanged())));
    await zk.deleteIsrChangeNotifications(pendingIsrChanges);
    await this.logDirs.start();
    this.unclean.start(await zk.configChanges(this.watcher('ConfigChange', () => this.onConfigChanged())));

    const initialized = await this.writer.initialize(this.ctx.newPartitions());
    await this.electOffline(this.ctx.partitionsNeedingElection(), 'controller failover');
    // A new controller tells every broker everything: they may have missed the last tenure's requests.
    for (const id of this.ctx.liveBrokerIds()) this.requests.leaderAndIsr(id, this.eligible(this.ctx.partitionsOnBrokers([id])), initialized);
    this.sendUpdateMetadata();
    // As in Kafka: reassignments (the znode's, then those recorded in topic znodes), then requested elections.
    await this.reassignments.resume();
    await this.elections.onZnodeChanged();
    this.scheduleRebalance();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.channel.close();
    this.ctx.clear();
  }

  /**
   * Moves leadership away from a broker that is about to stop and takes it out of the ISRs it is
   * in; returns the partitions it still leads. `brokerEpoch` -1 means unknown (not checked).
   */
  async controlledShutdown(brokerId: number, brokerEpoch = -1): Promise<TopicPartition[]> {
    const registered = this.ctx.liveBrokers.get(brokerId);
    if (registered && brokerEpoch !== -1 && brokerEpoch < registered.epoch) {
      throw new SamsaError(ErrorCode.STALE_BROKER_EPOCH,
        `Received controlled shutdown request from an old broker epoch ${brokerEpoch} for broker ${brokerId}. Current broker epoch is ${registered.epoch}.`);
    }
    if (!registered) {
      throw new SamsaError(ErrorCode.BROKER_NOT_AVAILABLE, `broker ${brokerId} is not registered; cannot shut it down in a controlled way`);
    }
    this.ctx.shuttingDownBrokers.add(brokerId);
    const hosted = this.eligible(this.ctx.partitionsOnBrokers([brokerId])).filter((tp) => this.ctx.state(tp));
    const changed = await this.writer.update(hosted, (tp, current) =>
      electControlledShutdownLeader(this.ctx.replicas(tp), current, (id) => this.ctx.isLive(id), this.ctx.shuttingDownBrokers).result,
    `controlled shutdown of broker ${brokerId}`);
    this.requests.leaderAndIsrForChanges(changed);
    const followed = hosted.filter((tp) => this.ctx.state(tp)!.leader !== brokerId);
    void this.requests.stopReplica(brokerId, followed, false);
    this.sendUpdateMetadata();
    const remaining = this.ctx.partitionsLedBy(brokerId);
    log.info(`Controlled shutdown of broker ${brokerId}: moved ${changed.length} partitions, ${remaining.length} still led by it`);
    return remaining;
  }

  electLeaders(type: ElectionType, partitions: TopicPartition[] | null): Promise<ElectionResult[]> {
    return this.elections.elect(type, partitions);
  }

  alterPartitionReassignments(requests: Array<{ topic: string; partition: number; replicas: number[] | null }>): Promise<ReassignmentResult[]> {
    return this.reassignments.alter(requests);
  }

  listPartitionReassignments(partitions: TopicPartition[] | null): OngoingReassignment[] {
    return this.reassignments.list(partitions);
  }

  // ---- event handlers -------------------------------------------------------------------

  /** @param noticedMs when the broker-change watch fired (performance.now()): election time counts from there. */
  private async onBrokersChanged(noticedMs = performance.now()): Promise<void> {
    const registered = await this.deps.zk.liveBrokers(this.interBrokerListenerName, this.watcher('BrokerChange', (noticedMs) => this.onBrokersChanged(noticedMs)));
    const now = new Map(registered.map((b) => [b.id, b]));
    const dead: number[] = [];
    const bounced: number[] = [];
    for (const [id, b] of this.ctx.liveBrokers) {
      if (!now.has(id)) dead.push(id);
      else if (now.get(id)!.epoch !== b.epoch) bounced.push(id);
    }
    const added = [...now.keys()].filter((id) => !this.ctx.liveBrokers.has(id));
    if (dead.length + bounced.length + added.length > 0) {
      log.info(`Broker change: new [${added.join(',')}], dead [${dead.join(',')}], restarted [${bounced.join(',')}]`);
    }

    // A restarted broker is handled as a failure followed by a startup: its old state is gone.
    // Elections look at every partition that needs one, not just those on the brokers that
    // changed, so a retry after a failed attempt still repairs what the first one left undone.
    const failed = [...dead, ...bounced];
    for (const id of failed) this.removeBroker(id);
    const moved = await this.electOffline(this.ctx.partitionsNeedingElection(),
      failed.length > 0 ? `broker failure [${failed.join(',')}]` : 'broker change', noticedMs);

    const started = [...added, ...bounced];
    for (const id of started) this.addBroker(now.get(id)!);
    const initialized = await this.writer.initialize(this.ctx.newPartitions());
    const revived = await this.electOffline(this.ctx.partitionsNeedingElection(), `broker startup [${started.join(',')}]`, noticedMs);

    const changed = uniquePartitions([...moved, ...initialized, ...revived]);
    if (changed.length === 0 && failed.length + started.length === 0) return;
    const startedSet = new Set(started);
    for (const [brokerId, tps] of partitionsByReplica(this.ctx, changed)) {
      if (!startedSet.has(brokerId)) this.requests.leaderAndIsr(brokerId, tps, initialized);
    }
    for (const id of started) this.requests.leaderAndIsr(id, this.eligible(this.ctx.partitionsOnBrokers([id])), initialized);
    this.sendUpdateMetadata();
    this.deletion.onBrokersStarted(started);
  }

  private async onTopicsChanged(): Promise<void> {
    const topics = await this.deps.zk.topics(this.watcher('TopicChange', () => this.onTopicsChanged()));
    const present = new Set(topics);
    const added = topics.filter((t) => !this.ctx.assignments.has(t));
    const vanished = this.ctx.topics().filter((t) => !present.has(t));
    for (const t of vanished) {
      log.warn(`Topic ${t} disappeared from ZooKeeper without a deletion request; forgetting it`);
      this.ctx.removeTopic(t);
      this.unclean.forget(t);
    }
    for (const t of added) this.unclean.forget(t); // a topic re-created under an old name
    await Promise.all(added.map((t) => this.loadTopic(t, false)));
    const initialized = await this.writer.initialize(this.ctx.newPartitions());
    if (added.length > 0) log.info(`New topics [${added.join(',')}]: ${initialized.length} partitions online`);
    this.requests.leaderAndIsrForChanges(initialized, initialized);
    if (added.length + vanished.length > 0) this.sendUpdateMetadata();
    if (vanished.length > 0) await this.reassignments.pruneDeletedTopics();
  }

  /**
   * The topic znode changed: new partitions come online. Replica lists of existing partitions
   * change only through reassignments, which the controller itself writes (and has applied by
   * the time this runs); anyone else's change is logged and ignored, as in Kafka.
   */
  private async onPartitionsChanged(topic: string): Promise<void> {
    const read = await this.deps.zk.assignment(topic, this.watcher(`PartitionModification(${topic})`, () => this.onPartitionsChanged(topic)));
    const known = this.ctx.assignments.get(topic);
    if (!read || !known || this.ctx.topicsToDelete.has(topic)) return;
    this.ctx.topicVersions.set(topic, read.version);
    const added: number[] = [];
    for (const [p, replicas] of read.assignment.partitions) {
      const before = known.get(p);
      if (!before) {
        added.push(p);
        this.ctx.setPartitionAssignment({ topic, partition: p }, replicas);
      } else if (before.join(',') !== replicas.join(',')) {
        log.warn(`Topic ${topic} partition ${p}: replicas changed to [${replicas.join(',')}] outside a reassignment; keeping [${before.join(',')}]`);
      }
    }
    if (added.length === 0) return;
    const initialized = await this.writer.initialize(this.ctx.newPartitions());
    log.info(`Topic ${topic} now has ${known.size} partitions (${initialized.length} brought online)`);
    this.requests.leaderAndIsrForChanges(initialized, initialized);
    this.sendUpdateMetadata();
  }

  private async onIsrChangeNotification(): Promise<void> {
    const zk = this.deps.zk;
    const names = await zk.isrChangeNotifications(this.watcher('IsrChange', () => this.onIsrChangeNotification()));
    if (names.length === 0) return;
    const partitions = uniquePartitions(await zk.readIsrChanges(names)).filter((tp) => this.ctx.state(tp));
    await Promise.all(partitions.map(async (tp) => {
      const fresh = await zk.readPartitionState(tp);
      if (fresh) this.ctx.setState(tp, fresh);
    }));
    await zk.deleteIsrChangeNotifications(names);
    if (partitions.length > 0) this.sendUpdateMetadata();
    await this.reassignments.onIsrChanged(partitions);
  }

  /**
   * Topic config changes: drop the cached unclean-election setting of the topics named, and give
   * their offline partitions another election in case it is now allowed (Kafka does the same).
   */
  private async onConfigChanged(): Promise<void> {
    const names = await this.deps.zk.configChanges(this.watcher('ConfigChange', () => this.onConfigChanged()));
    const topics = new Set(await this.unclean.onChanges(names));
    if (topics.size === 0) return;
    const offline = this.ctx.partitionsNeedingElection().filter((tp) => topics.has(tp.topic));
    const changed = await this.electOffline(offline, 'topic config change');
    this.requests.leaderAndIsrForChanges(changed);
    if (changed.length > 0) this.sendUpdateMetadata();
  }

  /**
   * The cluster's `unclean.leader.election.enable` default changed (a dynamic broker config):
   * offline partitions of topics without an override get another election, as Kafka's
   * UncleanLeaderElectionEnable event gives them.
   */
  async onUncleanElectionDefaultChanged(): Promise<void> {
    const changed = await this.electOffline(this.ctx.partitionsNeedingElection(), 'unclean.leader.election.enable changed');
    this.requests.leaderAndIsrForChanges(changed);
    if (changed.length > 0) this.sendUpdateMetadata();
  }

  private async rebalanceLeaders(): Promise<void> {
    const candidates = partitionsToRebalance(this.ctx, this.deps.config.leaderImbalancePerBrokerPercentage ?? configDefault(brokerConfigDefs, 'leader.imbalance.per.broker.percentage'));
    const changed = await this.writer.update(candidates, (tp, current) =>
      electPreferredLeader(this.ctx.replicas(tp), current, (id) => this.ctx.isLive(id)), 'preferred replica election');
    this.requests.leaderAndIsrForChanges(changed);
    if (changed.length > 0) this.sendUpdateMetadata();
  }

  // ---- helpers ---------------------------------------------------------------------------

  private async loadTopic(topic: string, withStates: boolean): Promise<void> {
    const read = await this.deps.zk.assignment(topic, this.watcher(`PartitionModification(${topic})`, () => this.onPartitionsChanged(topic)));
    if (!read) return;
    const { partitions, addingReplicas, removingReplicas } = read.assignment;
    this.ctx.setAssignment(topic, partitions);
    this.ctx.topicVersions.set(topic, read.version);
    for (const p of partitions.keys()) {
      this.ctx.setReassignment({ topic, partition: p }, { adding: addingReplicas.get(p) ?? [], removing: removingReplicas.get(p) ?? [] });
    }
    if (!withStates) return;
    await Promise.all(this.ctx.partitionsOf(topic).map(async (tp) => {
      const st = await this.deps.zk.readPartitionState(tp);
      if (st) this.ctx.setState(tp, st);
    }));
  }

  /**
   * Elects leaders for partitions that lost theirs (or ISR members). The unclean-election setting
   * is looked up only for partitions with no live in-sync replica, the only ones it matters for.
   */
  private async electOffline(partitions: TopicPartition[], reason: string, noticedMs = performance.now()): Promise<TopicPartition[]> {
    const isLive = (id: number) => this.ctx.isLive(id);
    const stuck = partitions.filter((tp) => {
      const st = this.ctx.state(tp);
      return st !== undefined && (st.leader === NO_LEADER || !isLive(st.leader)) && !st.isr.some(isLive);
    });
    await this.unclean.load(stuck.map((tp) => tp.topic));
    return this.writer.update(partitions, (tp, current) =>
      electOfflinePartitionLeader(this.ctx.replicas(tp), current, isLive, this.unclean.get(tp.topic)), reason, noticedMs);
  }

  /** Partitions the controller manages leadership for: not part of a topic being deleted. */
  private eligible(partitions: TopicPartition[]): TopicPartition[] {
    return partitions.filter((tp) => !this.ctx.topicsToDelete.has(tp.topic));
  }

  private get interBrokerListenerName(): string {
    return this.deps.config.interBrokerListenerName ?? 'PLAINTEXT';
  }

  private addBroker(b: LiveBroker): void {
    this.ctx.liveBrokers.set(b.id, b);
    this.channel.addBroker({ id: b.id, host: b.host, port: b.port });
  }

  private removeBroker(id: number): void {
    this.ctx.liveBrokers.delete(id);
    this.ctx.shuttingDownBrokers.delete(id);
    this.channel.removeBroker(id);
  }

  /** Sends the complete metadata snapshot to every registered broker. */
  sendUpdateMetadata(): void {
    this.requests.updateMetadata();
  }

  private scheduleRebalance(): void {
    if (this.deps.config.autoLeaderRebalanceEnable === false) return;
    this.schedule(this.deps.config.leaderImbalanceCheckIntervalMs ?? configDefault(brokerConfigDefs, 'leader.imbalance.check.interval.seconds') * 1000, 'AutoLeaderBalance', async () => {
      await this.rebalanceLeaders();
      this.scheduleRebalance();
    });
  }

  /** Queues `run` after a delay, unless the tenure ends first; `attempt` counts its failed runs. */
  private schedule(delayMs: number, name: string, run: () => Promise<void>, attempt = 0): void {
    if (this.closed) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.fire(name, run, attempt);
    }, delayMs);
    timer.unref();
    this.timers.add(timer);
  }

  /** A one-shot ZooKeeper watcher that queues `run` as an event while this tenure lasts. */
  /** `run` gets when the watch fired (performance.now()), before the event waited in the queue. */
  private watcher(name: string, run: (noticedMs: number) => Promise<void>): () => void {
    return () => {
      const noticedMs = performance.now();
      this.fire(name, () => run(noticedMs));
    };
  }

  /**
   * Queues an event for this tenure. A fenced write hands over to the owner; any other failure
   * (say, ZooKeeper connection loss) runs the event again after a pause that grows with each
   * failure (event-retry.ts), since its watch may not have been re-armed.
   */
  fire(name: string, run: () => Promise<void>, attempt = 0): void {
    if (this.closed) return;
    this.deps.events.fire(name, async () => {
      if (this.closed) return;
      try {
        await run();
      } catch (err) {
        if (this.closed) return;
        if (err instanceof ControllerMovedError) {
          await this.deps.onFenced(err);
          return;
        }
        const delayMs = eventRetryDelayMs(this.deps.config, attempt);
        log.error(`Controller event ${name} failed (attempt ${attempt + 1}), retrying in ${delayMs} ms: ${(err as Error).message}`);
        this.schedule(delayMs, name, run, attempt + 1);
      }
    });
  }
}

function uniquePartitions(partitions: TopicPartition[]): TopicPartition[] {
  const seen = new Map<string, TopicPartition>();
  for (const tp of partitions) seen.set(partitionKey(tp), tp);
  return [...seen.values()];
}
