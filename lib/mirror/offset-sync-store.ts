/**
 * Offset translation between a source partition and its copy on the target.
 *
 * The mirror maker observes, in order, every record the target acknowledged as a pair (upstream
 * offset on the source, downstream offset on the target). Keeping every pair would be one entry per
 * record, so, as MM2, it keeps (and writes to the offset-syncs topic) a pair only when the
 * difference between the two offsets changes or `offset.lag.max` records have passed. A rewind
 * (the mirror restarted from an older committed offset and copied records again) drops the syncs
 * it supersedes.
 *
 * Translation never skips a record: for a group whose next source offset is `c`, take the last
 * sync (u, d) with u <= c. If c == u the record the group reads next is at d on the target. If
 * c > u the group already read u (which is at d), and every source record after u was written
 * after d, so d + 1 is safe; records between u and c are read again (at-least-once, bounded by
 * offset.lag.max). Without a sync at or below c there is no safe answer (null).
 */
import type { OffsetSync } from './mirror-records';

interface Sync {
  upstream: number;
  downstream: number;
}

/** Per partition, syncs beyond this count drop the oldest (groups that far behind translate to null). */
const MAX_SYNCS_PER_PARTITION = 100000;

const key = (topic: string, partition: number): string => `${topic}\u0000${partition}`;

export class OffsetSyncStore {
  private readonly syncs = new Map<string, Sync[]>();
  /** Per partition, the highest source offset known to be on the target. */
  private readonly copied = new Map<string, number>();

  constructor(private readonly offsetLagMax: number) {}

  /**
   * Records one acknowledged copy (in partition order); returns the sync to write to the
   * offset-syncs topic when one is due, else null.
   */
  observe(topic: string, partition: number, upstream: number, downstream: number): OffsetSync | null {
    this.copied.set(key(topic, partition), upstream);
    const list = this.syncs.get(key(topic, partition));
    const last = list !== undefined && list.length > 0 ? list[list.length - 1] : undefined;
    const due = last === undefined
      || upstream <= last.upstream
      || downstream - upstream !== last.downstream - last.upstream
      || upstream - last.upstream >= this.offsetLagMax;
    if (!due) return null;
    const sync = { topic, partition, upstreamOffset: upstream, downstreamOffset: downstream };
    this.add(sync);
    return sync;
  }

  /** Adds a sync (observed now, or read back from the offset-syncs topic on start). */
  add(sync: OffsetSync): void {
    const k = key(sync.topic, sync.partition);
    let list = this.syncs.get(k);
    if (list === undefined) {
      list = [];
      this.syncs.set(k, list);
    }
    // A rewind: syncs at or above this upstream offset describe copies that a restart superseded.
    while (list.length > 0 && list[list.length - 1].upstream >= sync.upstreamOffset) list.pop();
    list.push({ upstream: sync.upstreamOffset, downstream: sync.downstreamOffset });
    this.copied.set(k, Math.max(this.copied.get(k) ?? -1, sync.upstreamOffset));
    if (list.length > MAX_SYNCS_PER_PARTITION) list.splice(0, list.length - MAX_SYNCS_PER_PARTITION);
  }

  /**
   * The highest source offset of the partition known to be on the target (from copies seen by this
   * process or syncs read back), or undefined. A translation for a consumer beyond it would rest
   * on an old sync and re-read needlessly much: checkpoints wait until the mirror got there.
   */
  copiedUpTo(topic: string, partition: number): number | undefined {
    return this.copied.get(key(topic, partition));
  }

  /** The target offset a consumer at source offset `upstream` resumes from, or null when unknown. */
  translate(topic: string, partition: number, upstream: number): number | null {
    const list = this.syncs.get(key(topic, partition));
    if (list === undefined || list.length === 0 || upstream < list[0].upstream) return null;
    let lo = 0;
    let hi = list.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (list[mid].upstream <= upstream) lo = mid;
      else hi = mid - 1;
    }
    const s = list[lo];
    return upstream === s.upstream ? s.downstream : s.downstream + 1;
  }
}
