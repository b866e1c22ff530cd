/**
 * Reads one of the mirror maker's internal topics on the target from its beginning to its end as
 * of now: the offset syncs (the engine's restart state) and the checkpoints (what
 * `samsa-consumer-groups --reset-offsets --to-translated` resets to). The topics are small and
 * compacted, so a plain assigned consumer without a group reads them in one go.
 */
import { Admin } from '../client/admin';
import type { ClientOptions } from '../client/client-options';
import { Consumer } from '../client/consumer';
import type { ConsumerRecord } from '../client/consumer';
import { ErrorCode, SamsaError } from '../protocol/errors';
import { getLogger } from '../util/logger';
import { Checkpoint, decodeCheckpoint, decodeOffsetSync, OffsetSync } from './mirror-records';

const log = getLogger('mirror');
const READ_TIMEOUT_MS = 60000;

/** Every record of `topic` up to its current end; [] when the topic does not exist. */
export async function readWholeTopic(options: ClientOptions, topic: string, timeoutMs = READ_TIMEOUT_MS): Promise<ConsumerRecord[]> {
  const admin = new Admin(options);
  let ends: Array<{ partition: number; end: number }>;
  try {
    const described = await admin.describeTopics([topic]).catch((err: unknown) => {
      if (err instanceof SamsaError && err.code === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION.code) return null;
      throw err;
    });
    if (described === null) return [];
    const partitions = described[0].partitions.map((p) => p.partition);
    ends = await Promise.all(partitions.map(async (partition) => ({ partition, end: await admin.listOffsets(topic, partition, 'latest') })));
  } finally {
    await admin.close();
  }
  const remaining = ends.filter((e) => e.end > 0);
  if (remaining.length === 0) return [];
  const consumer = new Consumer({ ...options, autoOffsetReset: 'earliest' });
  const out: ConsumerRecord[] = [];
  try {
    consumer.assign(remaining.map((e) => ({ topic, partition: e.partition })));
    for (const e of remaining) consumer.seek({ topic, partition: e.partition }, 'earliest');
    const endOf = new Map(remaining.map((e) => [e.partition, e.end]));
    const position = new Map<number, number>();
    const deadline = Date.now() + timeoutMs;
    const behind = (): boolean => remaining.some((e) => (position.get(e.partition) ?? -1) + 1 < e.end);
    while (behind()) {
      if (Date.now() > deadline) throw new SamsaError(ErrorCode.REQUEST_TIMED_OUT, `Reading ${topic} did not reach its end within ${timeoutMs} ms`);
      for (const r of await consumer.poll(500)) {
        if (r.offset >= (endOf.get(r.partition) ?? 0)) continue;
        out.push(r);
        position.set(r.partition, r.offset);
      }
    }
  } finally {
    await consumer.close();
  }
  return out;
}

/** The offset syncs written so far, in order (bad records are logged and skipped). */
export async function readOffsetSyncs(options: ClientOptions, topic: string): Promise<OffsetSync[]> {
  const out: OffsetSync[] = [];
  for (const r of await readWholeTopic(options, topic)) {
    try {
      out.push(decodeOffsetSync(r.key, r.value));
    } catch (err) {
      log.warn(`Skipping an unreadable offset sync at ${topic}-${r.partition}@${r.offset}: ${(err as Error).message}`);
    }
  }
  return out;
}

/** The latest checkpoint of each (topic, partition) of `group`. */
export async function readCheckpoints(options: ClientOptions, topic: string, group: string): Promise<Checkpoint[]> {
  const latest = new Map<string, Checkpoint>();
  for (const r of await readWholeTopic(options, topic)) {
    let c: Checkpoint;
    try {
      c = decodeCheckpoint(r.key, r.value);
    } catch (err) {
      log.warn(`Skipping an unreadable checkpoint at ${topic}-${r.partition}@${r.offset}: ${(err as Error).message}`);
      continue;
    }
    if (c.group === group) latest.set(`${c.topic}\u0000${c.partition}`, c);
  }
  return [...latest.values()];
}
