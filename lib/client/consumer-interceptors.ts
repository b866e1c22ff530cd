/**
 * Kafka's ConsumerInterceptor contract: `onConsume` sees (and may replace or filter) the records
 * of each poll() before the application does, `onCommit` hears of offsets once a commit (sync,
 * async or automatic) succeeded, `close` runs when the consumer closes.
 *
 * Kafka's ConsumerInterceptors rules: in the order configured; one that throws is logged and
 * skipped and the next gets the last good records; onCommit and close errors are logged.
 */
import { ClientLogger } from './client-logger';
import type { TopicPartitionOffset } from './offset-committer';
import type { ConsumerRecord } from './partition-state';

export interface ConsumerInterceptor<K = unknown, V = unknown> {
  onConsume?(records: ConsumerRecord<K, V>[]): ConsumerRecord<K, V>[];
  onCommit?(offsets: TopicPartitionOffset[]): void;
  close?(): void;
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export class ConsumerInterceptors<K, V> {
  constructor(private readonly interceptors: readonly ConsumerInterceptor<K, V>[], private readonly log: ClientLogger) {}

  get empty(): boolean {
    return this.interceptors.length === 0;
  }

  onConsume(records: ConsumerRecord<K, V>[]): ConsumerRecord<K, V>[] {
    let current = records;
    for (const interceptor of this.interceptors) {
      if (!interceptor.onConsume) continue;
      try {
        const next = interceptor.onConsume(current);
        if (!Array.isArray(next)) throw new TypeError(`onConsume returned ${String(next)} instead of an array of records`);
        current = next;
      } catch (err) {
        this.log.warn(`Error executing interceptor onConsume callback: ${describe(err)}`);
      }
    }
    return current;
  }

  onCommit(offsets: TopicPartitionOffset[]): void {
    for (const interceptor of this.interceptors) {
      if (!interceptor.onCommit) continue;
      try {
        interceptor.onCommit(offsets);
      } catch (err) {
        this.log.warn(`Error executing interceptor onCommit callback: ${describe(err)}`);
      }
    }
  }

  close(): void {
    for (const interceptor of this.interceptors) {
      try {
        interceptor.close?.();
      } catch (err) {
        this.log.warn(`Failed to close consumer interceptor: ${describe(err)}`);
      }
    }
  }
}
