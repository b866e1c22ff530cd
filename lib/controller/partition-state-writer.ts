/**
 * Turns leadership decisions into ZooKeeper writes and context updates, one partition at a
 * time with compare-and-set on the state znode's version.
 *
 * A partition leader also writes its state znode (ISR shrink and expand), so the controller's
 * cached version can be stale. On a version conflict the writer re-reads the znode, asks the
 * election function again with the fresh state and retries a bounded number of times, as
 * Kafka's controller does. Every write is fenced by the controller epoch (see ControllerZk).
 */
import { getLogger } from '../util/logger';
import { ControllerContext, NO_LEADER, PartitionState, TopicPartition } from './controller-context';
import { ControllerZk } from './controller-zk';
import { initialLeaderIsr, LeaderIsr } from './partition-leader-election';

const log = getLogger('controller');
const MAX_CAS_ATTEMPTS = 5;

export type Elect = (tp: TopicPartition, current: LeaderIsr) => LeaderIsr | null;

/**
 * Told once per leader change the controller wrote (metrics); unclean when the new leader was not
 * in the ISR; `seconds` from when the controller noticed the need (a broker failure's watch
 * firing, an admin request) to the new state written.
 */
export interface LeaderElectionObserver {
  leaderElected(unclean: boolean, seconds: number): void;
}

export class PartitionStateWriter {
  constructor(
    private readonly ctx: ControllerContext,
    private readonly zk: ControllerZk,
    private readonly controllerEpoch: number,
    private readonly observer?: LeaderElectionObserver,
  ) {}

  /**
   * Writes the first state of partitions that have none: the first live replica leads. Returns
   * the partitions that now have a state; those with no live replica wait for a broker.
   */
  async initialize(partitions: TopicPartition[]): Promise<TopicPartition[]> {
    const done = await Promise.all(partitions.map((tp) => this.initializeOne(tp)));
    return partitions.filter((_, i) => done[i]);
  }

  private async initializeOne(tp: TopicPartition): Promise<boolean> {
    const replicas = this.ctx.replicas(tp);
    const first = initialLeaderIsr(replicas, (id) => this.ctx.isLive(id));
    if (!first) {
      log.warn(`Partition ${tp.topic}-${tp.partition} has no live replica among [${replicas.join(',')}]; it gets a leader when one registers`);
      return false;
    }
    const state = { ...first, controllerEpoch: this.controllerEpoch };
    const result = await this.zk.createPartitionState(tp, state);
    if (result.created) {
      this.ctx.setState(tp, { ...state, zkVersion: result.zkVersion });
      log.info(`Partition ${tp.topic}-${tp.partition} online: leader ${state.leader}, leader epoch 0, ISR [${state.isr.join(',')}]`);
      return true;
    }
    // Someone (an earlier controller) already wrote it; adopt theirs and let the caller elect.
    this.ctx.setState(tp, result.existing);
    return true;
  }

  /**
   * Applies `elect` to each partition; returns the partitions whose state changed. `sinceMs`
   * (performance.now()) is when the need was noticed, for the election time; now by default.
   */
  async update(partitions: TopicPartition[], elect: Elect, reason: string, sinceMs = performance.now()): Promise<TopicPartition[]> {
    const changed = await Promise.all(partitions.map((tp) => this.updateOne(tp, elect, reason, sinceMs)));
    return partitions.filter((_, i) => changed[i]);
  }

  private async updateOne(tp: TopicPartition, elect: Elect, reason: string, sinceMs: number): Promise<boolean> {
    for (let attempt = 1; attempt <= MAX_CAS_ATTEMPTS; attempt++) {
      const current = this.ctx.state(tp);
      if (!current) return false;
      const next = elect(tp, current);
      if (!next) return false;
      const state: Omit<PartitionState, 'zkVersion'> = { ...next, controllerEpoch: this.controllerEpoch };
      const zkVersion = await this.zk.updatePartitionState(tp, state, current.zkVersion);
      if (zkVersion !== null) {
        this.ctx.setState(tp, { ...state, zkVersion });
        // Counted only once written: a conflicting write is retried and elects again.
        if (state.leader !== current.leader && state.leader !== NO_LEADER) {
          this.observer?.leaderElected(!current.isr.includes(state.leader), (performance.now() - sinceMs) / 1000);
        }
        log.info(`Partition ${tp.topic}-${tp.partition} (${reason}): leader ${current.leader} -> ${state.leader}, ` +
          `leader epoch ${state.leaderEpoch}, ISR [${state.isr.join(',')}]`);
        return true;
      }
      const fresh = await this.zk.readPartitionState(tp);
      if (!fresh) return false;
      this.ctx.setState(tp, fresh);
    }
    log.warn(`Partition ${tp.topic}-${tp.partition}: gave up after ${MAX_CAS_ATTEMPTS} conflicting state updates (${reason})`);
    return false;
  }
}
