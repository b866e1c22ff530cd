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
 *
 * Appends are written in the log writers' own `setImmediate` (storage/log-writer.ts), so an
 * `appended` call comes from the check phase, where a new `setImmediate` only runs in the next
 * event-loop iteration, after that iteration's poll phase has handled whatever I/O arrived (under
 * load, a whole batch of requests) while the followers wait. `appendQueued`, called when a leader
 * append is handed to its log, schedules the wake-up right away instead, behind the writes queued
 * so far (moving it behind each new one), so it runs in the same check phase just after them.
 */
import type { FetchPurgatory } from './fetch-purgatory';

export class FollowerWakeups {
  /** Wait key -> bytes appended this turn. */
  private pending = new Map<string, number>();
  /** The flush now scheduled (null: none); an older one that still runs does nothing. */
  private scheduled: (() => void) | null = null;
  private cancelScheduled: (() => void) | void = undefined;

  /** `defer` schedules `run` and may return a function that unschedules it. */
  constructor(private readonly purgatory: Pick<FetchPurgatory, 'onAppend'>,
    private readonly defer: (run: () => void) => (() => void) | void = deferImmediate) {}

  /** `bytes` were appended under the follower wait key `key`; its fetches wake at the end of the turn. */
  appended(key: string, bytes: number): void {
    this.pending.set(key, (this.pending.get(key) ?? 0) + bytes);
    if (this.scheduled === null) this.schedule();
  }

  /** A leader append was just queued: the wake-up is (re)scheduled to run right after its write. */
  appendQueued(): void {
    if (this.scheduled !== null) this.cancelScheduled?.();
    this.schedule();
  }

  /** Wakes now for everything appended since the last flush. */
  flush(): void {
    this.scheduled = null;
    this.cancelScheduled = undefined;
    if (this.pending.size === 0) return;
    const pending = this.pending;
    this.pending = new Map();
    for (const [key, bytes] of pending) this.purgatory.onAppend(key, bytes);
  }

  private schedule(): void {
    const run = (): void => {
      if (this.scheduled === run) this.flush();
    };
    this.scheduled = run;
    this.cancelScheduled = this.defer(run);
  }
}

function deferImmediate(run: () => void): () => void {
  const immediate = setImmediate(run);
  return () => clearImmediate(immediate);
}
