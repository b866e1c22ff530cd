/**
 * When and how long to wait before trying again: exponential backoff with jitter (Kafka's
 * ExponentialBackoff), the producer's retry decision (retries, delivery timeout, retriable
 * codes), and the error codes that mean "your metadata is stale". Pure functions of their
 * inputs, with the random source and clock passed in, so tests can pin them down.
 */
import { ErrorCode, SamsaError } from '../protocol/errors';

/**
 * `initialMs * 2^attempt`, capped at `maxMs`, then scaled by a random factor in
 * [1 - jitter, 1 + jitter) so that many clients retrying together spread out.
 * `attempt` counts from 0 (the first retry waits about `initialMs`).
 */
export function exponentialBackoffMs(attempt: number, initialMs: number, maxMs: number, jitter = 0.2, random: () => number = Math.random): number {
  if (initialMs <= 0) return 0;
  const ceiling = Math.max(initialMs, maxMs);
  const maxExponent = Math.ceil(Math.log2(ceiling / initialMs));
  const term = Math.min(ceiling, initialMs * 2 ** Math.min(Math.max(attempt, 0), maxExponent));
  const factor = jitter > 0 ? 1 - jitter + random() * 2 * jitter : 1;
  return Math.max(0, Math.round(term * factor));
}

/** Error codes after which the client refreshes metadata before retrying. */
const METADATA_REFRESH_CODES: ReadonlySet<number> = new Set([
  ErrorCode.NOT_LEADER_FOR_PARTITION.code,
  ErrorCode.UNKNOWN_TOPIC_OR_PARTITION.code,
  ErrorCode.LEADER_NOT_AVAILABLE.code,
  ErrorCode.NETWORK_EXCEPTION.code,
  ErrorCode.FENCED_LEADER_EPOCH.code,
  ErrorCode.UNKNOWN_LEADER_EPOCH.code,
  ErrorCode.REPLICA_NOT_AVAILABLE.code,
  // Kafka's KafkaStorageException is an InvalidMetadataException: the replica's disk failed, leadership moves.
  ErrorCode.KAFKA_STORAGE_ERROR.code,
]);

export function needsMetadataRefresh(code: number): boolean {
  return METADATA_REFRESH_CODES.has(code);
}

export interface RetryPolicyOptions {
  retries: number;
  retryBackoffMs: number;
  retryBackoffMaxMs: number;
  deliveryTimeoutMs: number;
  jitter?: number;
  random?: () => number;
}

export type RetryDecision = { retry: true; delayMs: number } | { retry: false; reason: string };

/** The producer's rule for a failed batch: retry retriable errors until retries or the delivery timeout run out. */
export class RetryPolicy {
  constructor(private readonly options: RetryPolicyOptions) {}

  /**
   * @param attempts how many times the batch has been sent so far (>= 1)
   * @param createdAtMs when the batch was created; the delivery timeout counts from there
   */
  decide(error: unknown, attempts: number, createdAtMs: number, nowMs: number): RetryDecision {
    if (!(error instanceof SamsaError) || !error.retriable) return { retry: false, reason: 'the error is not retriable' };
    if (attempts > this.options.retries) return { retry: false, reason: `retries (${this.options.retries}) exhausted` };
    const delayMs = exponentialBackoffMs(attempts - 1, this.options.retryBackoffMs, this.options.retryBackoffMaxMs,
      this.options.jitter ?? 0.2, this.options.random);
    const deadline = createdAtMs + this.options.deliveryTimeoutMs;
    if (nowMs + delayMs >= deadline) {
      return { retry: false, reason: `delivery timeout (${this.options.deliveryTimeoutMs} ms) would pass before the next attempt` };
    }
    return { retry: true, delayMs };
  }
}
