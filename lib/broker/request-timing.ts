/**
 * Where one request's time went, split as Kafka's RequestMetrics splits it, mapped onto Samsa's
 * single-threaded flow (docs/operations.md says what each part covers):
 *
 *   received   the frame was read off the socket (one clock read per socket read, shared by
 *              the frames it completed)
 *   started    its handler ran (after decoding, the frames before it in the same read, and the
 *              startup gate while a restarted broker is not ready)       -> request queue time
 *   remote     time parked in a purgatory (long-poll fetch, acks=all produce)  -> remote time
 *   answered   the handler's answer came back                   -> local = answered-started-remote
 *   written    the encoded response was handed to the socket, after the responses before it on
 *              the connection (kept in request order)                     -> response queue time
 *   sent       the socket's write callback: the bytes reached the kernel  -> response send time
 *
 * One object per request, allocated with the connection's response slot; the timestamps are
 * plain numbers from one monotonic clock, so recording costs a few clock reads and no strings.
 */

/** Milliseconds from a monotonic origin, fractional. */
export type Clock = () => number;

export const monotonicMs: Clock = () => performance.now();

export class RequestTiming {
  startedMs: number;
  remoteMs = 0;
  answeredMs = 0;
  writtenMs = 0;
  sentMs = 0;
  /** The handler failed as a whole (a header-level error answer, or the connection closed). */
  failed = false;
  /**
   * A second series the request also counts in, as Kafka's RequestMetrics records a Fetch under
   * FetchConsumer or FetchFollower besides Fetch; null for other requests.
   */
  kind: string | null = null;
  private parked = 0;
  private parkedSinceMs = 0;

  constructor(readonly apiName: string, readonly receivedMs: number, private readonly clock: Clock) {
    this.startedMs = receivedMs;
  }

  /** The handler is about to run (again later, for a request the startup gate held). */
  start(): void {
    this.startedMs = this.clock();
  }

  /** A purgatory took the request; nested or parallel parks (several partitions) count once. */
  park(): void {
    if (this.parked++ === 0) this.parkedSinceMs = this.clock();
  }

  unpark(): void {
    if (--this.parked === 0) this.remoteMs += this.clock() - this.parkedSinceMs;
  }

  answer(failed: boolean): void {
    this.answeredMs = this.clock();
    this.failed = failed;
  }

  written(): void {
    this.writtenMs = this.clock();
  }

  sent(): void {
    this.sentMs = this.clock();
  }

  /** No response goes out (Produce acks=0): no send time. */
  nothingToSend(): void {
    this.sentMs = this.writtenMs;
  }

  get queueMs(): number {
    return this.startedMs - this.receivedMs;
  }

  get localMs(): number {
    return Math.max(0, this.answeredMs - this.startedMs - this.remoteMs);
  }

  get responseQueueMs(): number {
    return this.writtenMs - this.answeredMs;
  }

  get sendMs(): number {
    return this.sentMs - this.writtenMs;
  }

  get totalMs(): number {
    return this.sentMs - this.receivedMs;
  }
}

/** Counts `waiting` as remote time of the request `timing` belongs to (none: just awaits it). */
export async function parkedWhile<T>(timing: RequestTiming | undefined, waiting: Promise<T>): Promise<T> {
  if (timing === undefined) return waiting;
  timing.park();
  try {
    return await waiting;
  } finally {
    timing.unpark();
  }
}
