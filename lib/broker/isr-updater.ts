/**
 * How a partition leader changes its ISR: a compare-and-set write of the partition state znode on
 * the version the leader last saw, then an `/isr_change_notification` so the controller refreshes
 * every broker's metadata. A rejected compare-and-set means the controller (or a newer leader)
 * wrote the znode since: this broker has been fenced for that partition and waits for the
 * controller's LeaderAndIsr instead of retrying. Notifications are batched briefly, as in Kafka,
 * so an ISR storm produces a handful of znodes, not one per partition.
 */
import { Logger } from '../util/logger';
import type { TopicPartition } from '../util/topic-partition';
import { ClusterStore } from '../zk/cluster-store';
import { isZkError } from '../zk/zk-errors';
import { Partition } from './partition';

const NOTIFICATION_DELAY_MS = 100;

export type IsrUpdateResult = 'updated' | 'fenced' | 'failed';

export class IsrUpdater {
  private pending: TopicPartition[] = [];
  private timer: NodeJS.Timeout | null = null;
  private readonly inFlight = new Set<string>();

  constructor(private readonly store: () => ClusterStore | null, private readonly logger: Logger) {}

  /** Writes `newIsr` for a partition this broker leads; at most one write per partition at a time. */
  async update(partition: Partition, newIsr: number[], reason: string): Promise<IsrUpdateResult> {
    const store = this.store();
    if (!store || this.inFlight.has(partition.key)) return 'failed';
    this.inFlight.add(partition.key);
    const { leaderId, leaderEpoch, controllerEpoch, zkVersion } = partition;
    try {
      const version = await store.setPartitionState(partition.topic, partition.partition,
        { leader: leaderId, leaderEpoch, controllerEpoch, isr: newIsr }, zkVersion);
      // The controller may have moved leadership while the write was in flight.
      if (partition.leaderEpoch !== leaderEpoch || partition.zkVersion !== zkVersion) return 'fenced';
      this.logger.info(`${partition.key}: ISR [${partition.isr.join(',')}] -> [${newIsr.join(',')}] (${reason})`);
      partition.applyOwnIsrChange(newIsr, version);
      this.notify({ topic: partition.topic, partition: partition.partition });
      return 'updated';
    } catch (err) {
      if (isZkError(err, 'BAD_VERSION', 'NO_NODE')) {
        // Our own earlier write may have landed with its answer lost: then the znode holds exactly it.
        const current = await store.getPartitionState(partition.topic, partition.partition).catch(() => null);
        const ours = current !== null && current.value.leader === leaderId && current.value.leaderEpoch === leaderEpoch
          && sameMembers(current.value.isr, newIsr);
        if (ours && partition.leaderEpoch === leaderEpoch && partition.zkVersion === zkVersion) {
          partition.applyOwnIsrChange(newIsr, current.version);
          this.notify({ topic: partition.topic, partition: partition.partition });
          return 'updated';
        }
        this.logger.info(`${partition.key}: ISR update fenced (znode version ${zkVersion} is stale); awaiting the controller's state`);
        return 'fenced';
      }
      this.logger.warn(`${partition.key}: ISR update failed: ${(err as Error).message}`);
      return 'failed';
    } finally {
      this.inFlight.delete(partition.key);
    }
  }

  private notify(tp: TopicPartition): void {
    this.pending.push(tp);
    if (this.timer) return;
    this.timer = setTimeout(() => this.flush(), NOTIFICATION_DELAY_MS);
    this.timer.unref();
  }

  private flush(): void {
    this.timer = null;
    const partitions = this.pending;
    this.pending = [];
    const store = this.store();
    if (!store || partitions.length === 0) return;
    store.createIsrChangeNotification(partitions).catch((err) => {
      this.logger.warn(`Could not write an ISR change notification: ${(err as Error).message}`);
    });
  }

  shutdown(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.flush();
  }
}

function sameMembers(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((id) => b.includes(id));
}
