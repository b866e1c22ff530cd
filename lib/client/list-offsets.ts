/**
 * Offset lookups by timestamp (ListOffsets), shared by the consumer (resolving earliest/latest
 * positions) and the admin client. Queries go to each partition's leader, one request per leader;
 * partitions whose leader moved or is unknown are retried after a metadata refresh until the
 * deadline, and any other per-partition error is thrown.
 */
import { Api } from '../protocol/api';
import { ErrorCode } from '../protocol/errors';
import { CONSUMER_REPLICA_ID, EARLIEST_TIMESTAMP, LATEST_TIMESTAMP } from '../protocol/messages/produce-fetch';
import { InvalidArgumentError, asSamsaError, responseError, unknownTopicError, userError } from './client-errors';
import { ConnectionPool } from './connection-pool';
import { MetadataCache } from './metadata-cache';
import { needsMetadataRefresh } from './retry-policy';

export type OffsetSpec = 'earliest' | 'latest' | number;

export interface OffsetQuery {
  topic: string;
  partition: number;
  spec: OffsetSpec;
}

export function specTimestamp(spec: OffsetSpec): number {
  if (spec === 'earliest') return EARLIEST_TIMESTAMP;
  if (spec === 'latest') return LATEST_TIMESTAMP;
  return spec;
}

export function partitionKey(topic: string, partition: number): string {
  return `${topic}\u0000${partition}`;
}

/** Kafka's ListOffsetsResultInfo / OffsetAndTimestamp: -1 and -1 when no record matches a timestamp. */
export interface OffsetAndTimestamp {
  offset: number;
  /** The matching record's timestamp for a timestamp query; -1 for earliest and latest. */
  timestamp: number;
}

type Outcome = { found: OffsetAndTimestamp } | { retry: true } | { error: Error };

/** ListOffsets' isolation level: 1 (read_committed) makes 'latest' the last stable offset. */
export type IsolationLevelId = 0 | 1;

async function queryLeader(pool: ConnectionPool, leader: number, queries: OffsetQuery[], isolationLevel: IsolationLevelId): Promise<Map<string, Outcome>> {
  const topics = new Map<string, { name: string; partitions: { partitionIndex: number; currentLeaderEpoch: number; timestamp: number }[] }>();
  for (const q of queries) {
    const t = topics.get(q.topic) ?? { name: q.topic, partitions: [] };
    t.partitions.push({ partitionIndex: q.partition, currentLeaderEpoch: -1, timestamp: specTimestamp(q.spec) });
    topics.set(q.topic, t);
  }
  const out = new Map<string, Outcome>();
  try {
    const conn = await pool.forNode(leader);
    const response = await conn.send(Api.ListOffsets, { replicaId: CONSUMER_REPLICA_ID, isolationLevel, topics: [...topics.values()] });
    for (const t of response.topics) {
      for (const p of t.partitions) {
        const key = partitionKey(t.name, p.partitionIndex);
        if (p.errorCode === 0) out.set(key, { found: { offset: p.offset, timestamp: p.timestamp } });
        else if (needsMetadataRefresh(p.errorCode)) out.set(key, { retry: true });
        else out.set(key, { error: responseError(p.errorCode, null) });
      }
    }
  } catch (err) {
    const e = asSamsaError(err);
    for (const q of queries) out.set(partitionKey(q.topic, q.partition), e.retriable ? { retry: true } : { error: e });
  }
  return out;
}

/**
 * Resolves every query to an offset (-1 when no record matches a timestamp), keyed by partitionKey.
 * Throws the first non-retriable error, or REQUEST_TIMED_OUT when leaders stay unknown past `timeoutMs`;
 * with `failOnUnknownTopic`, UNKNOWN_TOPIC_OR_PARTITION as soon as the metadata says a topic does not exist.
 */
export async function listOffsets(
  pool: ConnectionPool, metadata: MetadataCache, queries: readonly OffsetQuery[], timeoutMs: number, failOnUnknownTopic = false,
  isolationLevel: IsolationLevelId = 0,
): Promise<Map<string, number>> {
  const found = await listOffsetsAndTimestamps(pool, metadata, queries, timeoutMs, failOnUnknownTopic, isolationLevel);
  return new Map([...found].map(([key, f]) => [key, f.offset]));
}

/** listOffsets with each answer's timestamp too (ListOffsets by timestamp names the matching record's). */
export async function listOffsetsAndTimestamps(
  pool: ConnectionPool, metadata: MetadataCache, queries: readonly OffsetQuery[], timeoutMs: number, failOnUnknownTopic = false,
  isolationLevel: IsolationLevelId = 0,
): Promise<Map<string, OffsetAndTimestamp>> {
  const results = new Map<string, OffsetAndTimestamp>();
  const deadline = Date.now() + timeoutMs;
  let pending = [...queries];
  metadata.track(new Set(queries.map((q) => q.topic)));
  if (pending.some((q) => metadata.leaderFor(q.topic, q.partition) < 0)) await metadata.refresh();
  for (;;) {
    const byLeader = new Map<number, OffsetQuery[]>();
    const leaderless: OffsetQuery[] = [];
    for (const q of pending) {
      const leader = metadata.leaderFor(q.topic, q.partition);
      if (leader >= 0) byLeader.set(leader, [...(byLeader.get(leader) ?? []), q]);
      else if (failOnUnknownTopic) leaderless.push(checkExists(metadata, q));
      else leaderless.push(q);
    }
    const groups = [...byLeader];
    const answers = await Promise.all(groups.map(([leader, qs]) => queryLeader(pool, leader, qs, isolationLevel)));
    pending = leaderless;
    groups.forEach(([, qs], i) => {
      for (const q of qs) {
        const outcome = answers[i].get(partitionKey(q.topic, q.partition));
        if (outcome === undefined || 'retry' in outcome) pending.push(q);
        else if ('error' in outcome) throw outcome.error;
        else results.set(partitionKey(q.topic, q.partition), outcome.found);
      }
    });
    if (pending.length === 0) return results;
    if (Date.now() >= deadline) {
      const names = pending.map((q) => `${q.topic}-${q.partition}`).join(', ');
      throw userError(ErrorCode.REQUEST_TIMED_OUT, `Timed out after ${timeoutMs} ms waiting for the offsets of ${names}.`);
    }
    await metadata.refresh().catch(() => undefined);
  }
}

/** One partition's answer to offsetsForTimes: null when no record has a timestamp at or after the one asked. */
export interface PartitionOffsetAndTimestamp {
  topic: string;
  partition: number;
  offsetAndTimestamp: OffsetAndTimestamp | null;
}

/** Kafka's consumer offsetsForTimes: the first record at or after each timestamp, or null, per partition in the order asked. */
export async function offsetsForTimes(
  pool: ConnectionPool, metadata: MetadataCache, timestamps: ReadonlyArray<{ topic: string; partition: number; timestamp: number }>, timeoutMs: number,
): Promise<PartitionOffsetAndTimestamp[]> {
  for (const t of timestamps) {
    if (!Number.isSafeInteger(t.timestamp) || t.timestamp < 0) {
      throw new InvalidArgumentError(`The target time for partition ${t.topic}-${t.partition} is ${t.timestamp}. The target time cannot be negative.`);
    }
  }
  const found = await listOffsetsAndTimestamps(pool, metadata, timestamps.map((t) => ({ topic: t.topic, partition: t.partition, spec: t.timestamp })), timeoutMs);
  return timestamps.map((t) => {
    const f = found.get(partitionKey(t.topic, t.partition));
    return { topic: t.topic, partition: t.partition, offsetAndTimestamp: f === undefined || f.offset < 0 ? null : f };
  });
}

/** Throws when the metadata says the query's topic or partition does not exist. */
function checkExists(metadata: MetadataCache, q: OffsetQuery): OffsetQuery {
  const topic = metadata.topic(q.topic);
  if (topic === undefined && metadata.topicError(q.topic) === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION.code) throw unknownTopicError(q.topic);
  if (topic !== undefined && metadata.partitionMetadata(q.topic, q.partition) === undefined) {
    throw userError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `Partition ${q.partition} of topic '${q.topic}' does not exist.`);
  }
  return q;
}
