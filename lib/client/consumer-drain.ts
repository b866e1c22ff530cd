/**
 * The order in which poll() hands out buffered records: as Kafka's fetcher, one partition's
 * fetched records until they run out (over as many polls as that takes), then the next
 * partition's, round-robin. Partitions thus run dry one at a time, and each becomes fetchable
 * again (consumer-fetcher.ts) while the others' records are still being handed out: the next
 * fetch overlaps the application's work instead of starting when every partition is empty.
 * No partition starves: a partition's buffer holds at most one fetch's records.
 */
import { RecordView } from '../record/record-view';
import { partitionKey } from './list-offsets';
import type { ConsumerRecord, PartitionState } from './partition-state';

/** Receives each record of pollEach() (see Consumer.pollEach). */
export type RecordVisitor = (record: RecordView, topic: string, partition: number) => void;

function throwError(state: PartitionState): never {
  const err = state.error as Error;
  state.error = null;
  throw err;
}

export class ConsumerDrain {
  /** Index (modulo the partition count) of the partition being drained. */
  private current = 0;
  private readonly view = new RecordView();

  /** Up to `max` buffered records as ConsumerRecords. */
  records(partitions: readonly PartitionState[], max: number): ConsumerRecord[] {
    const out: ConsumerRecord[] = [];
    this.walk(partitions, max, (state, n) => state.take(n, out));
    return out;
  }

  /** Hands up to `max` buffered records to `visit` as one reused view; returns how many. */
  visit(partitions: readonly PartitionState[], max: number, visit: RecordVisitor): number {
    return this.walk(partitions, max, (state, n) => state.visit(n, this.view, visit));
  }

  private walk(partitions: readonly PartitionState[], max: number, take: (state: PartitionState, max: number) => number): number {
    const n = partitions.length;
    const start = this.current;
    let taken = 0;
    for (let i = 0; i < n && taken < max; i++) {
      const index = (start + i) % n;
      const state = partitions[index];
      if (state.buffered === 0 || state.reset !== null) continue;
      taken += take(state, max - taken);
      // Stay on a partition that still has records; else move on to the one after it.
      this.current = state.buffered > 0 ? index : index + 1;
    }
    if (n > 0) this.current %= n;
    // A corrupt record met on the way is the partition's error: raise it now rather than after a wait for nothing.
    if (taken === 0) for (const state of partitions) if (state.error) throwError(state);
    return taken;
  }
}

/** Each partition's first offset among `records` (by partitionKey): where to rewind to hand them out again. */
export function firstOffsets(records: readonly { topic: string; partition: number; offset: number }[]): Map<string, number> {
  const first = new Map<string, number>();
  for (const r of records) {
    const key = partitionKey(r.topic, r.partition);
    if (!first.has(key)) first.set(key, r.offset);
  }
  return first;
}
