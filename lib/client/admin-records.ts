/**
 * The Admin client's record-level calls: deleteRecords (Kafka's Admin.deleteRecords, DeleteRecords
 * to each partition's leader) and listOffsets answers with their timestamps (Kafka's
 * ListOffsetsResultInfo). A partition whose leader moved is retried after a metadata refresh until
 * the timeout; a topic or partition the metadata says does not exist fails at once. Results come
 * per partition, in the order asked, as Kafka's per-partition futures do.
 */
import { Api } from '../protocol/api';
import { ErrorCode, SamsaError } from '../protocol/errors';
import { asSamsaError, responseError } from './client-errors';
import { ConnectionPool } from './connection-pool';
import { listOffsetsAndTimestamps, OffsetAndTimestamp, OffsetQuery, partitionKey } from './list-offsets';
import { MetadataCache } from './metadata-cache';
import type { TopicPartition } from './partition-state';
import { needsMetadataRefresh } from './retry-policy';

/** Kafka's RecordsToDelete.beforeOffset: every record below `offset` goes; -1 means the high watermark. */
export interface RecordsToDelete extends TopicPartition {
  offset: number;
}

/** Kafka's DeletedRecords: the partition's new low watermark, or why it failed. */
export interface DeletedRecords extends TopicPartition {
  /** -1 when `error` is set. */
  lowWatermark: number;
  error: SamsaError | null;
}

export type ListOffsetsResultInfo = OffsetQuery & OffsetAndTimestamp;

type Answer = { lowWatermark: number } | { error: SamsaError } | { retry: SamsaError };

export interface RecordsDeps {
  pool: ConnectionPool;
  metadata: MetadataCache;
  requestTimeoutMs: number;
}

/** Deletes the records below each offset; resolves with one result per entry (a duplicate keeps the last). */
export async function deleteRecords(deps: RecordsDeps, records: readonly RecordsToDelete[], timeoutMs: number): Promise<DeletedRecords[]> {
  const { metadata } = deps;
  const answers = new Map<string, Answer>();
  const deadline = Date.now() + timeoutMs;
  let pending = [...new Map(records.map((r) => [partitionKey(r.topic, r.partition), r])).values()];
  await metadata.refresh(pending.map((r) => r.topic));
  for (;;) {
    const byLeader = new Map<number, RecordsToDelete[]>();
    const waiting: RecordsToDelete[] = [];
    for (const r of pending) {
      const key = partitionKey(r.topic, r.partition);
      if (metadata.topicError(r.topic) === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION.code
        || (metadata.topic(r.topic) !== undefined && metadata.partitionMetadata(r.topic, r.partition) === undefined)) {
        answers.set(key, { error: responseError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION.code, null) });
        continue;
      }
      const leader = metadata.leaderFor(r.topic, r.partition);
      if (leader < 0) {
        answers.set(key, { retry: responseError(ErrorCode.LEADER_NOT_AVAILABLE.code, null) });
        waiting.push(r);
      } else {
        byLeader.set(leader, [...(byLeader.get(leader) ?? []), r]);
      }
    }
    await Promise.all([...byLeader].map(([leader, list]) => sendToLeader(deps, leader, list, Math.max(0, deadline - Date.now()), answers)));
    pending = [...waiting, ...[...byLeader.values()].flat().filter((r) => 'retry' in (answers.get(partitionKey(r.topic, r.partition)) ?? { retry: true }))];
    if (pending.length === 0 || Date.now() >= deadline) break;
    await metadata.refresh().catch(() => undefined);
  }
  return records.map((r) => {
    const answer = answers.get(partitionKey(r.topic, r.partition));
    if (answer !== undefined && 'lowWatermark' in answer) return { topic: r.topic, partition: r.partition, lowWatermark: answer.lowWatermark, error: null };
    const error = answer === undefined ? responseError(ErrorCode.REQUEST_TIMED_OUT.code, null) : 'error' in answer ? answer.error : answer.retry;
    return { topic: r.topic, partition: r.partition, lowWatermark: -1, error };
  });
}

async function sendToLeader(deps: RecordsDeps, leader: number, list: RecordsToDelete[], timeoutMs: number, answers: Map<string, Answer>): Promise<void> {
  const topics = new Map<string, Array<{ partitionIndex: number; offset: number }>>();
  for (const r of list) topics.set(r.topic, [...(topics.get(r.topic) ?? []), { partitionIndex: r.partition, offset: r.offset }]);
  try {
    const conn = await deps.pool.forNode(leader);
    const response = await conn.send(Api.DeleteRecords, { topics: [...topics].map(([name, partitions]) => ({ name, partitions })), timeoutMs },
      { timeoutMs: timeoutMs + deps.requestTimeoutMs });
    for (const t of response.topics) {
      for (const p of t.partitions) {
        const key = partitionKey(t.name, p.partitionIndex);
        if (p.errorCode === 0) answers.set(key, { lowWatermark: p.lowWatermark });
        else if (needsMetadataRefresh(p.errorCode) && p.errorCode !== ErrorCode.UNKNOWN_TOPIC_OR_PARTITION.code) answers.set(key, { retry: responseError(p.errorCode, null) });
        else answers.set(key, { error: responseError(p.errorCode, null) });
      }
    }
  } catch (err) {
    const e = asSamsaError(err);
    for (const r of list) answers.set(partitionKey(r.topic, r.partition), e.retriable ? { retry: e } : { error: e });
  }
}

/** Each query's offset and, for a timestamp query, the matching record's timestamp; -1/-1 when none matches. */
export async function listOffsetsWithTimestamps(deps: RecordsDeps, queries: readonly OffsetQuery[]): Promise<ListOffsetsResultInfo[]> {
  const found = await listOffsetsAndTimestamps(deps.pool, deps.metadata, queries, deps.requestTimeoutMs, true);
  return queries.map((q) => ({ ...q, ...(found.get(partitionKey(q.topic, q.partition)) ?? { offset: -1, timestamp: -1 }) }));
}
