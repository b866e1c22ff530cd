/**
 * A scenario's event timeline: what the nemesis did (partition, heal, kill, restart) and what the
 * cluster did in answer, as ZooKeeper shows it (controller, leader and ISR changes, polled every
 * second from the control namespace). Written into the result file in order.
 */
import type { PartitionStateView, ZkView } from './cluster';

export interface TimelineEvent {
  /** ms since the epoch */
  t: number;
  /** seconds since the scenario started */
  s: number;
  type: string;
  detail: string;
}

export class Timeline {
  readonly events: TimelineEvent[] = [];
  private readonly start = Date.now();
  private poller: NodeJS.Timeout | null = null;
  private lastController: number | null | undefined = undefined;
  private lastStates = new Map<number, string>();
  private zkDown = false;
  private polling = false;

  add(type: string, detail: string): TimelineEvent {
    const t = Date.now();
    const e = { t, s: Math.round((t - this.start) / 100) / 10, type, detail };
    this.events.push(e);
    process.stdout.write(`[chaos +${e.s.toFixed(1)}s] ${type}: ${detail}\n`);
    return e;
  }

  last(type: string): TimelineEvent | undefined {
    return [...this.events].reverse().find((e) => e.type === type);
  }

  watch(zk: ZkView, topic: string): void {
    this.poller = setInterval(() => void this.poll(zk, topic), 1000);
  }

  stop(): void {
    if (this.poller) clearInterval(this.poller);
    this.poller = null;
  }

  private async poll(zk: ZkView, topic: string): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    try {
      const [controller, states] = await Promise.all([zk.controller(), zk.partitions(topic)]);
      if (this.zkDown) this.add('zk-reachable', 'ZooKeeper answers the control namespace again');
      this.zkDown = false;
      if (controller !== this.lastController) {
        this.add('controller-change', controller === null ? 'no controller' : `controller is broker ${controller}`);
        this.lastController = controller;
      }
      for (const s of states) this.compare(s);
    } catch (err) {
      if (!this.zkDown) this.add('zk-unreachable', `cannot read ZooKeeper: ${(err as Error).message.split('\n')[0]}`);
      this.zkDown = true;
    } finally {
      this.polling = false;
    }
  }

  private compare(s: PartitionStateView): void {
    const before = this.lastStates.get(s.partition);
    const now = JSON.stringify({ leader: s.leader, isr: s.isr });
    if (before === now) return;
    this.lastStates.set(s.partition, now);
    if (before === undefined) return;
    const prev = JSON.parse(before) as { leader: number; isr: number[] };
    if (prev.leader !== s.leader) this.add('leader-change', `partition ${s.partition}: leader ${prev.leader} -> ${s.leader} (epoch ${s.leaderEpoch})`);
    if (prev.isr.join(',') !== s.isr.join(',')) this.add('isr-change', `partition ${s.partition}: ISR [${prev.isr.join(',')}] -> [${s.isr.join(',')}]`);
  }
}
