/**
 * Shared by the transaction tests: broker settings that make the transaction coordinator quick
 * on one broker, a silent client logger, and reading a topic back under an isolation level.
 */
import { Admin } from '../../lib/client/admin';
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

/**
 * Reads every partition of `topic` to its current end (the high watermark, which is also the last
 * stable offset once no transaction is open), so a result cannot miss a partition that was slow.
 */
export async function readToEnd(bootstrap: string, topic: string, partitions: number, isolationLevel: 'read_committed' | 'read_uncommitted',
  timeoutMs = 60000): Promise<ConsumerRecord[]> {
  const admin = new Admin({ bootstrapServers: bootstrap });
  const ends: number[] = [];
  try {
    for (let p = 0; p < partitions; p++) ends.push(await admin.listOffsets(topic, p, 'latest'));
  } finally {
    await admin.close();
  }
  const consumer = new Consumer({ bootstrapServers: bootstrap, isolationLevel, autoOffsetReset: 'earliest', fetchMaxWaitMs: 100 });
  const out: ConsumerRecord[] = [];
  try {
    const tps = ends.map((_, partition) => ({ topic, partition }));
    consumer.assign(tps);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      out.push(...await consumer.poll(100));
      const positions = await Promise.all(tps.map((tp) => consumer.position(tp)));
      if (positions.every((position, p) => position >= ends[p])) return out;
      if (Date.now() > deadline) throw new Error(`${topic}: positions ${positions.join(',')} did not reach ${ends.join(',')} within ${timeoutMs} ms`);
    }
  } finally {
    await consumer.close();
  }
}
