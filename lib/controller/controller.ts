/**
 * The controller election and the lifecycle around it (Kafka's KafkaController): every broker
 * runs one `Controller`; the one that wins the `/controller` election runs an ActiveController
 * tenure until it resigns.
 *
 * Election is one ZooKeeper multi (create ephemeral `/controller`, bump `/controller_epoch` at
 * its expected version); losing means someone else won. A tenure ends when `/controller` goes
 * to someone else, when a fenced write fails (the epoch moved on), when the ZooKeeper session
 * expires, or on shutdown. On the ZkClient's 'new-session' event the broker rejoins the election.
 *
 * Events: 'elected' (epoch) and 'resigned' (epoch), for the broker to log and report.
 */
import { EventEmitter } from 'events';
import { ErrorCode, SamsaError } from '../protocol/errors';
import { getLogger } from '../util/logger';
import type { ClusterStore } from '../zk/cluster-store';
import type { ZkClient } from '../zk/zk-client';
import { ActiveController, ControllerConfig } from './active-controller';
import type { LeaderElectionObserver } from './partition-state-writer';
import { TopicPartition } from './controller-context';
import { ControllerEventQueue } from './controller-event-queue';
import { ControllerElection, ControllerMovedError, ControllerZk } from './controller-zk';
import { eventRetryDelayMs } from './event-retry';
import type { ElectionResult, ElectionType } from './leader-election-requests';
import type { OngoingReassignment, ReassignmentResult } from './partition-reassignment';

export type { ControllerConfig } from './active-controller';
export type { ElectionResult, ElectionType } from './leader-election-requests';
export type { OngoingReassignment, ReassignmentResult } from './partition-reassignment';

const log = getLogger('controller');

/**
 * Bound of the controller's event queue, in events. Watches fire once per change, so even a
 * burst of topic creations stays far below it; reaching it means the controller has fallen
 * behind ZooKeeper, and it resigns rather than drop an event (onQueueOverflow).
 */
const DEFAULT_MAX_QUEUED_EVENTS = 10000;

export interface ControllerOptions {
  brokerId: number;
  zk: ZkClient;
  store: ClusterStore;
  config: ControllerConfig;
  /** Told of every leader change this broker writes as controller (metrics). */
  elections?: LeaderElectionObserver;
}

export class Controller extends EventEmitter {
  private readonly brokerId: number;
  private readonly election: ControllerElection;
  private readonly events: ControllerEventQueue;
  private active: ActiveController | null = null;
  private activeEpoch = 0;
  private knownControllerId = -1;
  /** 'elected' was emitted for the current tenure, so its end is announced with 'resigned'. */
  private announced = false;
  private started = false;
  private stopped = false;
  private readonly onExpired = () => this.handleSessionLoss();
  private readonly onState = (state: string) => {
    if (state === 'CLOSED') this.handleSessionLoss();
  };
  private readonly onNewSession = () => this.fireElectionEvent('NewSession', () => this.elect());

  constructor(private readonly options: ControllerOptions) {
    super();
    this.brokerId = options.brokerId;
    this.election = new ControllerElection(options.zk, options.store);
    this.events = new ControllerEventQueue(options.config.maxQueuedEvents ?? DEFAULT_MAX_QUEUED_EVENTS, (dropped) => this.onQueueOverflow(dropped));
  }

  get isActive(): boolean {
    return this.active !== null && !this.active.isClosed;
  }

  /** The controller epoch of this broker's tenure (or of its last one). */
  get epoch(): number {
    return this.activeEpoch;
  }

  /** The id of the controller this broker last saw in `/controller`, -1 if none. */
  get controllerId(): number {
    return this.knownControllerId;
  }

  /** Joins the election; resolves once this broker has either won (and loaded the cluster) or lost. */
  async startup(): Promise<void> {
    if (this.started) return;
    this.started = true;
    this.options.zk.on('expired', this.onExpired);
    this.options.zk.on('state', this.onState);
    this.options.zk.on('new-session', this.onNewSession);
    await this.events.put('Startup', () => this.elect());
  }

  async shutdown(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.options.zk.off('expired', this.onExpired);
    this.options.zk.off('state', this.onState);
    this.options.zk.off('new-session', this.onNewSession);
    await this.events.put('Shutdown', async () => {
      if (!this.isActive) return;
      this.resign('shutting down');
      // Hand over at once instead of leaving the others to wait for our session to end.
      await this.election.releaseController(this.brokerId).catch((err: Error) => log.debug(`could not delete /controller: ${err.message}`));
    }).catch(() => undefined);
    this.events.close();
  }

  /**
   * Moves leadership of the partitions a broker leads to other in-sync replicas and takes it out
   * of the ISRs; returns the partitions it still leads (those with no other live in-sync replica,
   * single-replica partitions included). Throws NOT_CONTROLLER on a broker that is not the
   * controller, STALE_BROKER_EPOCH when `brokerEpoch` is older than the broker's registration
   * (-1: not checked).
   */
  controlledShutdown(brokerId: number, brokerEpoch = -1): Promise<TopicPartition[]> {
    return this.onActive(`ControlledShutdown(${brokerId})`, (active) => active.controlledShutdown(brokerId, brokerEpoch));
  }

  /**
   * Elects leaders (the ElectLeaders API). Per partition: 0, ELECTION_NOT_NEEDED,
   * PREFERRED_LEADER_NOT_AVAILABLE, ELIGIBLE_LEADERS_NOT_AVAILABLE, UNKNOWN_TOPIC_OR_PARTITION or
   * INVALID_TOPIC_EXCEPTION (topic being deleted). `partitions` null = all partitions, and then,
   * as Kafka's broker answers, partitions that needed no election are left out.
   * Throws SamsaError(NOT_CONTROLLER) unless this broker is the active controller.
   */
  electLeaders(type: ElectionType, partitions: TopicPartition[] | null): Promise<ElectionResult[]> {
    return this.onActive(`ElectLeaders(${type})`, (active) => active.electLeaders(type, partitions));
  }

  /**
   * Starts partition reassignments (replicas null = cancel, back to the original replicas).
   * Per partition: 0, UNKNOWN_TOPIC_OR_PARTITION, INVALID_REPLICA_ASSIGNMENT (empty, duplicate or
   * negative ids, or new replicas on brokers that are not live), NO_REASSIGNMENT_IN_PROGRESS
   * (cancelling nothing). Resolves once started, not done. Throws NOT_CONTROLLER like electLeaders.
   */
  alterPartitionReassignments(reassignments: Array<{ topic: string; partition: number; replicas: number[] | null }>): Promise<ReassignmentResult[]> {
    return this.onActive('AlterPartitionReassignments', (active) => active.alterPartitionReassignments(reassignments));
  }

  /** Reassignments in progress among the given partitions (null = all). Throws NOT_CONTROLLER like electLeaders. */
  listPartitionReassignments(partitions: TopicPartition[] | null): Promise<OngoingReassignment[]> {
    return this.onActive('ListPartitionReassignments', async (active) => active.listPartitionReassignments(partitions));
  }

  /** A dynamic `unclean.leader.election.enable` default changed: re-run offline elections if this broker is the controller. */
  uncleanElectionDefaultChanged(): void {
    if (!this.isActive) return;
    this.onActive('UncleanLeaderElectionEnable', (active) => active.onUncleanElectionDefaultChanged()).catch(() => undefined);
  }

  /** Resolves once every event queued so far has been handled (for tests and orderly shutdown). */
  idle(): Promise<void> {
    return this.events.idle();
  }

  /** Runs `run` on the event queue against the current tenure; NOT_CONTROLLER when there is none. */
  private onActive<T>(name: string, run: (active: ActiveController) => Promise<T>): Promise<T> {
    const notController = () => new SamsaError(ErrorCode.NOT_CONTROLLER, `broker ${this.brokerId} is not the controller`);
    return new Promise<T>((resolve, reject) => {
      this.events.put(name, async () => {
        const active = this.active;
        if (!active || active.isClosed) throw notController();
        try {
          resolve(await run(active));
        } catch (err) {
          if (err instanceof ControllerMovedError) await this.onFenced(err);
          throw err;
        }
      }).catch((err: Error) => reject(this.stopped && !(err instanceof SamsaError) ? notController() : err));
    });
  }

  // ---- election ----------------------------------------------------------------------

  private readonly controllerWatcher = () => this.fireElectionEvent('ControllerChange', () => this.onControllerChange());

  /**
   * Queues an election event. If it fails (ZooKeeper connection loss, say) the `/controller`
   * watch may not be armed, so the election runs again after a pause; a closed client or a
   * stopped controller ends that.
   */
  private fireElectionEvent(name: string, run: () => Promise<void>, attempt = 0): void {
    if (this.stopped) return;
    this.events.put(name, async () => {
      if (this.stopped || this.options.zk.state === 'CLOSED') return;
      await run();
    }).catch((err: Error) => {
      if (this.stopped || this.options.zk.state === 'CLOSED') return;
      const delayMs = eventRetryDelayMs(this.options.config, attempt);
      log.warn(`Controller event ${name} on broker ${this.brokerId} failed (attempt ${attempt + 1}), retrying the election in ${delayMs} ms: ${err.message}`);
      setTimeout(() => this.fireElectionEvent(name, () => this.elect(), attempt + 1), delayMs).unref();
    });
  }

  /**
   * The event queue refused an event. A dropped watch event would leave this controller's view
   * of ZooKeeper silently stale, so it resigns and hands `/controller` over: whoever wins next
   * (another broker, or this one once the queue has drained) loads the cluster afresh. The
   * election itself runs again after a pause, in case the dropped event was its own watch.
   */
  private onQueueOverflow(dropped: string): void {
    if (this.stopped) return;
    log.error(`Controller event queue of broker ${this.brokerId} is full; dropped ${dropped}`);
    if (this.isActive) {
      this.resign(`event queue overflow (dropped ${dropped})`);
      this.election.releaseController(this.brokerId).catch((err: Error) => log.warn(`could not release /controller: ${err.message}`));
    }
    setTimeout(() => this.fireElectionEvent('QueueOverflowRecovery', () => this.elect()), eventRetryDelayMs(this.options.config, 0)).unref();
  }

  private async elect(): Promise<void> {
    if (this.stopped) return;
    const current = await this.election.readControllerId(this.controllerWatcher);
    if (current !== null) {
      this.knownControllerId = current;
      if (current === this.brokerId && !this.isActive) await this.releaseStaleClaim();
      return;
    }
    await this.tryToWin();
  }

  private async onControllerChange(): Promise<void> {
    if (this.stopped) return;
    const current = await this.election.readControllerId(this.controllerWatcher);
    this.knownControllerId = current ?? -1;
    if (this.isActive && current !== this.brokerId) this.resign(current === null ? '/controller was deleted' : `broker ${current} is now the controller`);
    if (current === null) await this.tryToWin();
  }

  private async tryToWin(): Promise<void> {
    const result = await this.election.tryBecomeController(this.brokerId);
    if (!result.won) {
      const winner = await this.election.readControllerId();
      this.knownControllerId = winner ?? -1;
      log.info(`Broker ${this.brokerId} lost the controller election${winner !== null ? ` to broker ${winner}` : ''}`);
      return;
    }
    this.knownControllerId = this.brokerId;
    this.activeEpoch = result.epoch;
    log.info(`Broker ${this.brokerId} won the controller election: controller epoch ${result.epoch}`);
    const active = new ActiveController({
      brokerId: this.brokerId,
      epoch: result.epoch,
      zk: new ControllerZk(this.options.zk, this.options.store, result.epochZkVersion),
      config: this.options.config,
      events: this.events,
      onFenced: (err) => this.onFenced(err),
      elections: this.options.elections,
    });
    this.active = active;
    try {
      await active.start();
    } catch (err) {
      if (err instanceof ControllerMovedError) {
        await this.onFenced(err);
        return;
      }
      // Kafka's "controller move": give the election back rather than run half-loaded.
      log.error(`Controller failover of broker ${this.brokerId} failed, resigning: ${(err as Error).message}`);
      this.active = null;
      active.close();
      await this.election.releaseController(this.brokerId).catch(() => undefined);
      return;
    }
    this.announced = true;
    this.emit('elected', result.epoch);
  }

  /** A write was fenced: a newer controller epoch exists, so this tenure is over. */
  private async onFenced(err: ControllerMovedError): Promise<void> {
    if (!this.isActive) return;
    log.warn(`Broker ${this.brokerId} resigns as controller: ${err.message}`);
    this.resign('fenced by a newer controller epoch');
    await this.elect();
  }

  /**
   * `/controller` names us but we are not active (a fenced tenure whose node survived). Nobody
   * else will run an election while it exists, so delete it and let the election run again.
   */
  private async releaseStaleClaim(): Promise<void> {
    log.warn(`Broker ${this.brokerId} holds /controller without an active tenure; releasing it for a new election`);
    await this.election.releaseController(this.brokerId);
  }

  private handleSessionLoss(): void {
    this.knownControllerId = -1;
    // Stop acting at once: with the session gone, another broker may already be controller.
    if (this.isActive) this.resign('ZooKeeper session expired');
  }

  private resign(reason: string): void {
    const active = this.active;
    if (!active) return;
    this.active = null;
    active.close();
    log.info(`Broker ${this.brokerId} resigned as controller (epoch ${this.activeEpoch}): ${reason}`);
    if (!this.announced) return;
    this.announced = false;
    this.emit('resigned', this.activeEpoch);
  }
}
