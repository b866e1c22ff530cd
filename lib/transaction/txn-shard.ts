/**
 * The transactional ids of one `__transaction_state` partition this broker leads.
 *
 * A shard exists from the moment the broker becomes leader: first loading (requests for its ids
 * get COORDINATOR_LOAD_IN_PROGRESS), then active. When leadership moves away the shard is closed
 * and dropped; code that was waiting on a write or on markers checks `closed` before touching it.
 * The coordinator epoch (written into every marker) is the partition's leader epoch.
 */
import { TxnMetadata, TxnState } from './txn-state';

/** One transactional id: its current metadata and the state a write in flight is making, if any. */
export interface TxnEntry {
  metadata: TxnMetadata;
  /** Kafka's pendingState: set while a transition is being written (or markers sent); null when idle. */
  pending: TxnState | null;
}

export class TxnShard {
  state: 'loading' | 'active' = 'loading';
  closed = false;
  private readonly entries = new Map<string, TxnEntry>();

  constructor(readonly partition: number, readonly coordinatorEpoch: number) {}

  get size(): number {
    return this.entries.size;
  }

  get(transactionalId: string): TxnEntry | undefined {
    return this.entries.get(transactionalId);
  }

  add(metadata: TxnMetadata): TxnEntry {
    const entry: TxnEntry = { metadata, pending: null };
    this.entries.set(metadata.transactionalId, entry);
    return entry;
  }

  remove(transactionalId: string): void {
    this.entries.delete(transactionalId);
  }

  all(): TxnEntry[] {
    return [...this.entries.values()];
  }
}
