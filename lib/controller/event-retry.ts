/**
 * How long a failed controller event waits before it runs again.
 *
 * A failed event (ZooKeeper connection loss, say) must run again, since its watch may not have
 * been re-armed. A fixed pause would retry every second for as long as ZooKeeper is away; a
 * growing, capped pause keeps a long outage quiet and still recovers within the cap once
 * ZooKeeper is back. The defaults live here, once.
 */
import { exponentialBackoffMs } from '../client/retry-policy';

export const EVENT_RETRY_BACKOFF_MS = 1000;
export const EVENT_RETRY_BACKOFF_MAX_MS = 30000;

export interface EventRetrySettings {
  /** Pause before the first retry of a failed event. */
  eventRetryBackoffMs?: number;
  /** Cap of the pause, which doubles with every failed attempt of the same event. */
  eventRetryBackoffMaxMs?: number;
}

/** The pause before retry number `attempt` (0 = the first retry), jittered by ±20%. */
export function eventRetryDelayMs(settings: EventRetrySettings, attempt: number, random: () => number = Math.random): number {
  const initialMs = settings.eventRetryBackoffMs ?? EVENT_RETRY_BACKOFF_MS;
  const maxMs = Math.max(initialMs, settings.eventRetryBackoffMaxMs ?? EVENT_RETRY_BACKOFF_MAX_MS);
  return exponentialBackoffMs(attempt, initialMs, maxMs, 0.2, random);
}
