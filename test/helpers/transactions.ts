/**
 * Shared by the transaction tests: broker settings that make the transaction coordinator quick
 * on one broker, a silent client logger, and reading a topic back under an isolation level.
 */
import { Consumer, ConsumerRecord } from '../../lib/client/consumer';

/** One broker is enough for the transaction coordinator and the partition logs. */
export const ONE_BROKER_TRANSACTIONS = {
  'transaction.state.log.num.partitions': 3, 'transaction.state.log.replication.factor': 1, 'transaction.state.log.min.isr': 1,
  'transaction.abort.timed.out.transaction.cleanup.interval.ms': 200,
};

export const quietLogger = { error: () => undefined, warn: () => undefined, info: () => undefined, debug: () => undefined };

/** Reads partitions 0..n-1 of `topic` from the start until `until` holds or `timeoutMs` pass. */
export async function readAll(bootstrap: string, topic: string, partitions: number, isolationLevel: 'read_committed' | 'read_uncommitted',
  until: (records: ConsumerRecord[]) => boolean, timeoutMs = 15000): Promise<ConsumerRecord[]> {
  const consumer = new Consumer({ bootstrapServers: bootstrap, isolationLevel, autoOffsetReset: 'earliest', fetchMaxWaitMs: 100 });
  const out: ConsumerRecord[] = [];
  try {
    consumer.assign([...Array(partitions).keys()].map((partition) => ({ topic, partition })));
    const deadline = Date.now() + timeoutMs;
    while (!until(out) && Date.now() < deadline) out.push(...await consumer.poll(100));
  } finally {
    await consumer.close();
  }
  return out;
}
