/**
 * The sliding-window rate every quota is measured with: Kafka's `Rate` over a `WindowedSum`
 * (org.apache.kafka.common.metrics.stats), kept to the arithmetic the quota managers depend on,
 * so a throttle time here is the one Kafka's broker would compute for the same traffic.
 *
 * `samples` buckets of `windowMs` each: a record goes into the current bucket, or starts the next
 * one (reusing the oldest) once the current one is `windowMs` old; buckets older than
 * samples × windowMs are reset before measuring. The rate divides the sum by the elapsed span,
 * but never by less than (samples − 1) full windows, so a client's first second is not read as a
 * huge rate; the other side of that rule is that a client may send up to (samples − 1) × windowMs
 * worth of quota at once before it is throttled (docs/operations.md, "Quotas").
 */
import { assert } from '../util/assert';

interface Sample {
  startMs: number;
  value: number;
}

export class WindowedRate {
  private readonly samples: Sample[] = [];
  private current = 0;

  /**
   * @param simple Kafka's SimpleRate (replication quotas): the span is at least one window rather
   *   than (samples − 1), so a replication throttle holds from its first second.
   */
  constructor(readonly numSamples: number, readonly windowMs: number, private readonly simple = false) {
    assert(numSamples >= 1 && windowMs >= 1, 'a windowed rate needs a sample of at least 1 ms');
  }

  record(value: number, nowMs: number): void {
    let sample = this.currentSample(nowMs);
    if (nowMs - sample.startMs >= this.windowMs) sample = this.advance(nowMs);
    sample.value += value;
  }

  /** Units per second over the window (Kafka's Rate.measure, in seconds). */
  measure(nowMs: number): number {
    this.purgeObsolete(nowMs);
    let total = 0;
    for (const s of this.samples) total += s.value;
    return total / (this.windowSizeMs(nowMs) / 1000);
  }

  /** Kafka's Rate.windowSize: the span measured, at least (samples − 1) full windows. */
  windowSizeMs(nowMs: number): number {
    this.purgeObsolete(nowMs);
    let elapsed = nowMs - this.oldest(nowMs).startMs;
    if (this.simple) return Math.max(elapsed, this.windowMs);
    const fullWindows = Math.floor(elapsed / this.windowMs);
    const minFullWindows = this.numSamples - 1;
    if (fullWindows < minFullWindows) elapsed += (minFullWindows - fullWindows) * this.windowMs;
    return elapsed;
  }

  private currentSample(nowMs: number): Sample {
    if (this.samples.length === 0) this.samples.push({ startMs: nowMs, value: 0 });
    return this.samples[this.current];
  }

  private advance(nowMs: number): Sample {
    this.current = (this.current + 1) % this.numSamples;
    if (this.current >= this.samples.length) {
      const fresh = { startMs: nowMs, value: 0 };
      this.samples.push(fresh);
      return fresh;
    }
    const reused = this.samples[this.current];
    reused.startMs = nowMs;
    reused.value = 0;
    return reused;
  }

  private oldest(nowMs: number): Sample {
    if (this.samples.length === 0) this.samples.push({ startMs: nowMs, value: 0 });
    let oldest = this.samples[0];
    for (const s of this.samples) if (s.startMs < oldest.startMs) oldest = s;
    return oldest;
  }

  private purgeObsolete(nowMs: number): void {
    const expireAgeMs = this.numSamples * this.windowMs;
    for (const s of this.samples) {
      if (nowMs - s.startMs >= expireAgeMs) {
        s.startMs = nowMs;
        s.value = 0;
      }
    }
  }
}

/**
 * Kafka's QuotaUtils.throttleTime: how long the client must stay silent for the measured rate to
 * fall back to the bound, over the window the rate was measured on. 0 when within the bound.
 */
export function throttleTimeMs(rate: WindowedRate, boundPerSecond: number, nowMs: number): number {
  const measured = rate.measure(nowMs);
  if (measured <= boundPerSecond) return 0;
  return Math.round(((measured - boundPerSecond) / boundPerSecond) * rate.windowSizeMs(nowMs));
}
