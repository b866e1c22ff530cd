/**
 * acks=all produce requests waiting for replication (Kafka's delayed produce purgatory).
 *
 * After the leader appends, each partition of the request waits here until the high watermark
 * passes its last offset, the timeout fires, or leadership moves. Entries are indexed by partition
 * so a high-watermark change checks only that partition's waiters, oldest first (they complete in
 * offset order). The purgatory is bounded: callers ask `hasRoom()` before appending, so a full
 * purgatory rejects new work instead of growing without limit.
 */
import { ErrorCode, ErrorDefinition } from '../protocol/errors';

export type DelayedProduceOutcome =
  | { kind: 'replicated' }
  | { kind: 'timeout' }
  | { kind: 'failed'; error: ErrorDefinition; message: string };

interface DelayedProduce {
  key: string;
  requiredOffset: number;
  timer: NodeJS.Timeout;
  done: (outcome: DelayedProduceOutcome) => void;
}

export class ProducePurgatory {
  private readonly byKey = new Map<string, DelayedProduce[]>();
  private count = 0;

  constructor(private readonly maxWaiters = 10000) {}

  get size(): number {
    return this.count;
  }

  hasRoom(): boolean {
    return this.count < this.maxWaiters;
  }

  /** Resolves once `highWatermarkReached(key, ≥ requiredOffset)` is reported, or on timeout / failure. */
  wait(key: string, requiredOffset: number, timeoutMs: number): Promise<DelayedProduceOutcome> {
    return new Promise((resolve) => {
      const entry: DelayedProduce = {
        key,
        requiredOffset,
        timer: setTimeout(() => this.finish(entry, { kind: 'timeout' }), Math.max(0, timeoutMs)),
        done: resolve,
      };
      let list = this.byKey.get(key);
      if (!list) this.byKey.set(key, (list = []));
      list.push(entry);
      this.count++;
    });
  }

  /**
   * The partition's high watermark is now `highWatermark`: complete every waiter it covers, in
   * one pass (a follower fetch that moves the high watermark answers its producers synchronously).
   */
  highWatermarkReached(key: string, highWatermark: number): void {
    const list = this.byKey.get(key);
    if (!list) return;
    const done: DelayedProduce[] = [];
    let kept = 0;
    for (const entry of list) {
      if (entry.requiredOffset <= highWatermark) done.push(entry);
      else list[kept++] = entry;
    }
    if (done.length === 0) return;
    list.length = kept;
    if (kept === 0) this.byKey.delete(key);
    this.count -= done.length;
    for (const entry of done) this.complete(entry, { kind: 'replicated' });
  }

  /** Fails every waiter of the partition (leadership moved, replica stopped). */
  failAll(key: string, error: ErrorDefinition, message: string): void {
    const list = this.byKey.get(key);
    if (!list) return;
    for (const entry of [...list]) this.finish(entry, { kind: 'failed', error, message });
  }

  shutdown(): void {
    for (const key of [...this.byKey.keys()]) this.failAll(key, ErrorCode.NOT_LEADER_FOR_PARTITION, 'broker is shutting down');
  }

  private finish(entry: DelayedProduce, outcome: DelayedProduceOutcome): void {
    const list = this.byKey.get(entry.key);
    const index = list ? list.indexOf(entry) : -1;
    if (!list || index < 0) return;
    list.splice(index, 1);
    if (list.length === 0) this.byKey.delete(entry.key);
    this.count--;
    this.complete(entry, outcome);
  }

  /** `entry` is already out of the index. */
  private complete(entry: DelayedProduce, outcome: DelayedProduceOutcome): void {
    clearTimeout(entry.timer);
    entry.done(outcome);
  }
}
