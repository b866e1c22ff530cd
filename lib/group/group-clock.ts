/**
 * Time as the group coordinator sees it: the current time and one-shot timers.
 *
 * Session expiry, rebalance timeouts, the initial rebalance delay and offset retention all hang
 * off timers. Putting them behind this interface lets unit tests step a fake clock through a
 * whole rebalance in microseconds instead of sleeping through real session timeouts.
 */

export interface TimerHandle {
  cancel(): void;
}

export interface GroupClock {
  nowMs(): number;
  /** Runs `fn` once after `delayMs` (clamped to [0, 2^31 - 1]) unless cancelled first. */
  setTimer(delayMs: number, fn: () => void): TimerHandle;
}

/** Node's setTimeout cannot wait longer than this; longer waits simply fire early and re-arm. */
export const MAX_TIMER_DELAY_MS = 0x7fffffff;

export const systemClock: GroupClock = {
  nowMs: () => Date.now(),
  setTimer(delayMs, fn) {
    const timer = setTimeout(fn, Math.min(Math.max(0, delayMs), MAX_TIMER_DELAY_MS));
    // Coordinator timers never keep a process alive on their own; the broker's lifecycle does.
    timer.unref();
    return { cancel: () => clearTimeout(timer) };
  },
};
