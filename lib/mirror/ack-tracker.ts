/**
 * Which source offsets are safe to commit: per partition, the offset after the longest prefix of
 * sent records that the target acknowledged (or that were given up on with
 * abort.on.send.failure=false). This is what makes the mirror maker at-least-once: a source
 * offset is committed only when everything before it is on the target, whatever order the
 * acknowledgements arrive in. Each acknowledged pair reaches `onCopied` in partition order, which
 * is what the offset-sync store needs.
 */
import { assert } from '../util/assert';

class PartitionAcks {
  upstream: number[] = [];
  downstream: number[] = [];
  done: boolean[] = [];
  head = 0;
  /** Offset after the acknowledged prefix; null before the first acknowledgement. */
  committable: number | null = null;
  committed: number | null = null;
}

export type CopiedListener = (topic: string, partition: number, upstream: number, downstream: number | null) => void;

const key = (topic: string, partition: number): string => `${topic}\u0000${partition}`;

export class AckTracker {
  private readonly partitions = new Map<string, { topic: string; partition: number; acks: PartitionAcks }>();
  private outstanding = 0;

  constructor(private readonly onCopied: CopiedListener) {}

  /** Records sent and not yet acknowledged or failed, over every partition. */
  get pending(): number {
    return this.outstanding;
  }

  sent(topic: string, partition: number, upstream: number): void {
    const acks = this.entry(topic, partition);
    const n = acks.upstream.length;
    assert(n === acks.head || acks.upstream[n - 1] < upstream, `mirror sends of ${topic}-${partition} go forward`);
    acks.upstream.push(upstream);
    acks.downstream.push(-1);
    acks.done.push(false);
    this.outstanding++;
  }

  /** The target acknowledged `upstream` at `downstream`, or (null) the record was given up on. */
  acknowledged(topic: string, partition: number, upstream: number, downstream: number | null): void {
    const p = this.partitions.get(key(topic, partition));
    if (p === undefined) return;
    const acks = p.acks;
    const i = indexOf(acks, upstream);
    if (i < 0 || acks.done[i]) return;
    acks.done[i] = true;
    acks.downstream[i] = downstream ?? -1;
    this.outstanding--;
    while (acks.head < acks.upstream.length && acks.done[acks.head]) {
      const u = acks.upstream[acks.head];
      const d = acks.downstream[acks.head];
      acks.committable = u + 1;
      acks.head++;
      this.onCopied(topic, partition, u, d < 0 ? null : d);
    }
    if (acks.head > 4096 && acks.head * 2 > acks.upstream.length) compact(acks);
  }

  /** Offsets that moved since the last markCommitted, for a commit. */
  toCommit(only?: ReadonlySet<string>): Array<{ topic: string; partition: number; offset: number }> {
    const out: Array<{ topic: string; partition: number; offset: number }> = [];
    for (const [k, p] of this.partitions) {
      if (only && !only.has(k)) continue;
      const c = p.acks.committable;
      if (c !== null && c !== p.acks.committed) out.push({ topic: p.topic, partition: p.partition, offset: c });
    }
    return out;
  }

  markCommitted(offsets: ReadonlyArray<{ topic: string; partition: number; offset: number }>): void {
    for (const o of offsets) {
      const p = this.partitions.get(key(o.topic, o.partition));
      if (p) p.acks.committed = o.offset;
    }
  }

  /** The acknowledged position of every partition (for lag). */
  positions(): Array<{ topic: string; partition: number; offset: number }> {
    const out: Array<{ topic: string; partition: number; offset: number }> = [];
    for (const p of this.partitions.values()) if (p.acks.committable !== null) out.push({ topic: p.topic, partition: p.partition, offset: p.acks.committable });
    return out;
  }

  /** Stops tracking partitions this stream no longer owns (after their final commit). */
  forget(partitions: ReadonlyArray<{ topic: string; partition: number }>): void {
    for (const tp of partitions) {
      const k = key(tp.topic, tp.partition);
      const p = this.partitions.get(k);
      if (p === undefined) continue;
      this.outstanding -= p.acks.done.slice(p.acks.head).filter((d) => !d).length;
      this.partitions.delete(k);
    }
  }

  private entry(topic: string, partition: number): PartitionAcks {
    const k = key(topic, partition);
    let p = this.partitions.get(k);
    if (p === undefined) {
      p = { topic, partition, acks: new PartitionAcks() };
      this.partitions.set(k, p);
    }
    return p.acks;
  }
}

export function partitionKey(topic: string, partition: number): string {
  return key(topic, partition);
}

/** Binary search among the not yet released entries (they are sent in increasing offset order). */
function indexOf(acks: PartitionAcks, upstream: number): number {
  let lo = acks.head;
  let hi = acks.upstream.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const v = acks.upstream[mid];
    if (v === upstream) return mid;
    if (v < upstream) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

function compact(acks: PartitionAcks): void {
  acks.upstream = acks.upstream.slice(acks.head);
  acks.downstream = acks.downstream.slice(acks.head);
  acks.done = acks.done.slice(acks.head);
  acks.head = 0;
}
