/**
 * The groups of one `__consumer_offsets` partition that this broker leads.
 *
 * A shard exists from the moment the broker becomes leader: first loading (requests for its
 * groups get COORDINATOR_LOAD_IN_PROGRESS), then active. When leadership moves away the shard is
 * closed and dropped, and code that was waiting on an append checks `closed` before touching it.
 */
import { GroupEntry } from './group-entry';
import { ConsumerGroup } from './group-state';

/** What the coordinator needs to hear of a written transaction marker (lib/broker/txn-marker-observers.ts). */
export interface TxnMarker {
  readonly topic: string;
  readonly partition: number;
  readonly producerId: number;
  readonly committed: boolean;
  /** Offset of the control batch. */
  readonly offset: number;
}

export type ShardState = 'loading' | 'active';

export class CoordinatorShard {
  state: ShardState = 'loading';
  closed = false;
  /** Transaction markers that landed while loading, applied once the groups are installed. */
  readonly queuedMarkers: TxnMarker[] = [];
  private readonly entries = new Map<string, GroupEntry>();

  constructor(readonly partition: number, readonly leaderEpoch: number) {}

  get groupCount(): number {
    return this.entries.size;
  }

  get(groupId: string): GroupEntry | undefined {
    return this.entries.get(groupId);
  }

  add(group: ConsumerGroup): GroupEntry {
    if (this.entries.has(group.groupId)) throw new Error(`group ${group.groupId} is already loaded in partition ${this.partition}`);
    const entry = new GroupEntry(group);
    this.entries.set(group.groupId, entry);
    return entry;
  }

  /** Forgets a group (deleted or expired); its timer stops. */
  remove(groupId: string): void {
    this.entries.get(groupId)?.cancelTimer();
    this.entries.delete(groupId);
  }

  groups(): GroupEntry[] {
    return [...this.entries.values()];
  }
}
