/**
 * One partition replica hosted by this broker: its log plus the leadership state the controller
 * last sent (leader, leader epoch, replicas, ISR). Stale LeaderAndIsr states (an older leader
 * epoch) are ignored, so a delayed controller message cannot roll leadership back.
 */
import { PartitionStateData } from '../protocol/messages/controller';
import { PartitionLog } from '../storage/partition-log';

export class Partition {
  leaderId = -1;
  leaderEpoch = -1;
  replicas: number[] = [];
  isr: number[] = [];
  zkVersion = -1;
  controllerEpoch = -1;

  constructor(readonly topic: string, readonly partition: number, readonly log: PartitionLog, private readonly localBrokerId: number) {}

  get key(): string {
    return partitionKey(this.topic, this.partition);
  }

  get isLeader(): boolean {
    return this.leaderId === this.localBrokerId;
  }

  /**
   * The offset below which records are visible to consumers. Until followers replicate, every
   * appended record is committed as soon as the leader has written it, so this is the log end.
   */
  get highWatermark(): number {
    return this.log.logEndOffset;
  }

  /** Applies a controller state; returns false (and changes nothing) when its leader epoch is older than ours. */
  applyState(state: PartitionStateData): boolean {
    if (state.leaderEpoch < this.leaderEpoch) return false;
    this.leaderId = state.leader;
    this.leaderEpoch = state.leaderEpoch;
    this.replicas = state.replicas.slice();
    this.isr = state.isr.slice();
    this.zkVersion = state.zkVersion;
    this.controllerEpoch = state.controllerEpoch;
    return true;
  }
}

export function partitionKey(topic: string, partition: number): string {
  return `${topic}-${partition}`;
}
