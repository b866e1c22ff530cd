/**
 * Kafka's ThroughputThrottler for the perf tools: keeps the average send rate near a target
 * (records/sec or bytes/sec) by sleeping in small lumps.
 *
 * Between sends the caller asks `shouldThrottle(amountSoFar, now)`; when the running average is
 * above target, `throttle()` adds one send's worth of sleep (1e9 / target ns) to a deficit and
 * sleeps once the deficit reaches 2 ms, since shorter timers are mostly scheduling noise. A
 * negative target disables throttling; zero blocks until `wakeup()`. Sleeping is asynchronous
 * here, so the producer's I/O keeps running while the loop waits.
 */
import { sleep } from '../util/time';

const NS_PER_MS = 1_000_000;
const NS_PER_SEC = 1000 * NS_PER_MS;
const MIN_SLEEP_NS = 2 * NS_PER_MS;

export type Sleeper = (ms: number) => Promise<void>;

const defaultSleep: Sleeper = sleep;

export class ThroughputThrottler {
  private readonly sleepTimeNs: number;
  private sleepDeficitNs = 0;
  private wakeupWaiters: Array<() => void> = [];

  constructor(
    readonly targetThroughput: number,
    private readonly startMs: number,
    private readonly sleep: Sleeper = defaultSleep,
  ) {
    this.sleepTimeNs = targetThroughput > 0 ? NS_PER_SEC / targetThroughput : Number.POSITIVE_INFINITY;
  }

  /** True when sending faster than the target. `amountSoFar` is records (or bytes) sent so far. */
  shouldThrottle(amountSoFar: number, sendStartMs: number): boolean {
    if (this.targetThroughput < 0) return false;
    const elapsedSec = (sendStartMs - this.startMs) / 1000;
    return elapsedSec > 0 && amountSoFar / elapsedSec > this.targetThroughput;
  }

  /** Sleeps off the accumulated deficit once it is worth a timer; returns how long it asked for (ms). */
  async throttle(): Promise<number> {
    if (this.targetThroughput === 0) {
      await new Promise<void>((resolve) => this.wakeupWaiters.push(resolve));
      return 0;
    }
    this.sleepDeficitNs += this.sleepTimeNs;
    if (this.sleepDeficitNs < MIN_SLEEP_NS) return 0;
    const ms = this.sleepDeficitNs / NS_PER_MS;
    this.sleepDeficitNs = 0;
    await this.sleep(ms);
    return ms;
  }

  /** Releases a throttle() blocked by a zero target. */
  wakeup(): void {
    const waiters = this.wakeupWaiters;
    this.wakeupWaiters = [];
    waiters.forEach((resolve) => resolve());
  }
}
