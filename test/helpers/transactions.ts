/**
 * Shared by the transaction tests: broker settings that make the transaction coordinator quick
 * on one broker, a silent client logger, and reading a topic back under an isolation level.
 */
import { Admin } from '../../lib/client/admin';
import { Connection } from '../../lib/client/connection';
import { Consumer, ConsumerRecord } from '../../lib/client/consumer';
import { Api } from '../../lib/protocol/api';
import { waitUntil } from './wait';

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

/** The broker coordinating `key` (a group, or with key type 1 a transactional id) now, asked through the live brokers of `bootstrap`, other than `except`. */
export async function coordinatorOf(bootstrap: string, key: string, keyType: 0 | 1, except = -1): Promise<number> {
  let nodeId = -1;
  await waitUntil(`the coordinator of ${key}`, async () => {
    for (const address of bootstrap.split(',')) {
      const [host, port] = address.split(':');
      const conn = new Connection({ host, port: Number(port), clientId: 'find-coordinator', connectTimeoutMs: 1000, requestTimeoutMs: 2000 });
      try {
        const r = await conn.send(Api.FindCoordinator, { key, keyType });
        if (r.errorCode === 0 && r.nodeId !== except) nodeId = r.nodeId;
        if (nodeId >= 0) return true;
      } catch {
        // A dead broker: ask the next one.
      } finally {
        conn.close();
      }
    }
    return false;
  }, 60000, 200);
  return nodeId;
}

export function transactionCoordinator(bootstrap: string, transactionalId: string): Promise<number> {
  return coordinatorOf(bootstrap, transactionalId, 1);
}
