/**
 * Wakes the follower fetches parked on a leader's partitions once per event-loop turn, after
 * every append completed in that turn has landed, instead of at each append.
 *
 * Kafka 2.8 does the same through its ActionQueue: a produce request appends to all its
 * partitions before the delayed follower fetches are checked, so one follower answer carries all
 * of them. Here the appends of one produce request (and of requests arriving together) complete
 * in separate callbacks of the same turn; waking at the first one answers the follower with that
 * partition only, and the others then cost it a whole extra fetch round trip, which delays the
 * acks=all answer by that round trip and costs CPU per record. Deferring to `setImmediate` (the
 * check phase, right after the I/O callbacks of the turn) lets them land first.
 *
 * No wake-up is lost: a follower fetch reads the log end before it parks, and the log end has
 * moved before `appended` is called, so a fetch arriving in between sees the bytes itself.
 */
import type { FetchPurgatory } from './fetch-purgatory';

export class FollowerWakeups {
  /** Wait key -> bytes appended this turn. */
  private pending = new Map<string, number>();
  private scheduled = false;

  constructor(private readonly purgatory: Pick<FetchPurgatory, 'onAppend'>,
    private readonly defer: (run: () => void) => void = (run) => { setImmediate(run); }) {}

  /** `bytes` were appended under the follower wait key `key`; its fetches wake at the end of the turn. */
  appended(key: string, bytes: number): void {
    this.pending.set(key, (this.pending.get(key) ?? 0) + bytes);
    if (this.scheduled) return;
    this.scheduled = true;
    this.defer(() => this.flush());
  }

  /** Wakes now for everything appended since the last flush. */
  flush(): void {
    this.scheduled = false;
    if (this.pending.size === 0) return;
    const pending = this.pending;
    this.pending = new Map();
    for (const [key, bytes] of pending) this.purgatory.onAppend(key, bytes);
  }
}
