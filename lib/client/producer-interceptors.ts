/**
 * Kafka's ProducerInterceptor contract: `onSend` sees (and may replace) each record before it is
 * serialized and partitioned, `onAcknowledgement` hears of each record's outcome before the
 * application's callback or promise does, `close` runs when the producer closes.
 *
 * Kafka's ProducerInterceptors rules: interceptors run in the order configured; one that throws
 * is logged and skipped, and the next one gets the last good record; a throwing
 * onAcknowledgement or close is logged and ignored. Interceptors must be quick: they run on the
 * send path and (acknowledgements) in the producer's completion loop.
 */
import { ClientLogger } from './client-logger';
import type { RecordMetadata } from './producer-batch';
import type { ProducerRecord } from './producer-record';

export interface ProducerInterceptor<K = unknown, V = unknown> {
  onSend?(record: ProducerRecord<K, V>): ProducerRecord<K, V>;
  /**
   * The record was acknowledged (error null) or failed (metadata's offset -1; its partition -1
   * when the failure came before a partition was chosen), as Kafka's onAcknowledgement.
   */
  onAcknowledgement?(metadata: RecordMetadata | null, error: Error | null): void;
  close?(): void;
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export class ProducerInterceptors<K, V> {
  constructor(private readonly interceptors: readonly ProducerInterceptor<K, V>[], private readonly log: ClientLogger) {}

  get empty(): boolean {
    return this.interceptors.length === 0;
  }

  onSend(record: ProducerRecord<K, V>): ProducerRecord<K, V> {
    let current = record;
    for (const interceptor of this.interceptors) {
      if (!interceptor.onSend) continue;
      try {
        const next = interceptor.onSend(current);
        // A record-less answer is a broken interceptor: keep the last good record, as for a throw.
        if (next === null || typeof next !== 'object') throw new TypeError(`onSend returned ${String(next)} instead of a record`);
        current = next;
      } catch (err) {
        this.log.warn(`Error executing interceptor onSend callback for topic: ${String(record?.topic)}, partition: ${String(record?.partition ?? null)}: ${describe(err)}`);
      }
    }
    return current;
  }

  onAcknowledgement(metadata: RecordMetadata | null, error: Error | null): void {
    for (const interceptor of this.interceptors) {
      if (!interceptor.onAcknowledgement) continue;
      try {
        interceptor.onAcknowledgement(metadata, error);
      } catch (err) {
        this.log.warn(`Error executing interceptor onAcknowledgement callback: ${describe(err)}`);
      }
    }
  }

  /** Kafka's onSendError: the record failed before or while sending; `partition` once it was chosen. */
  onSendError(record: ProducerRecord<K, V> | null, error: Error, partition?: number): void {
    const topic = record && typeof record === 'object' && typeof record.topic === 'string' ? record.topic : null;
    this.onAcknowledgement(topic === null ? null : { topic, partition: partition ?? record?.partition ?? -1, offset: -1, timestamp: -1 }, error);
  }

  close(): void {
    for (const interceptor of this.interceptors) {
      try {
        interceptor.close?.();
      } catch (err) {
        this.log.warn(`Failed to close producer interceptor: ${describe(err)}`);
      }
    }
  }
}
