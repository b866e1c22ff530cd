/**
 * Fetch: read whole batches from each requested partition, within the request's and each
 * partition's byte limits; park in the purgatory until `minBytes` arrive or `maxWaitMs` passes.
 *
 * Consumers (replicaId -1) read below the high watermark and wait for it to move. Followers
 * (replicaId = their broker id) read up to the log end and wait for appends; their fetch offset
 * is recorded first, since it is how the leader learns what they hold, before any waiting.
 * A consumer with isolationLevel 1 (read_committed, KIP-98) reads below the last stable offset
 * instead and gets the aborted transactions overlapping what it read; the LSO only moves when
 * the high watermark does, so the same wake-ups serve it, and it parks again when a wake-up
 * brought it nothing (bytes of a still-open transaction).
 */
import { ErrorCode, SamsaError, toErrorCode } from '../../protocol/errors';
import { CONSUMER_REPLICA_ID, FetchRequestData, FetchResponseData } from '../../protocol/messages/produce-fetch';
import { readBufferPool } from '../../storage/read-buffer-pool';
import { authorizeCluster, authorizedNames } from '../authorize';
import { BrokerContext } from '../broker-context';
import { Partition, partitionKey } from '../partition';
import { ReadPartitionResult } from '../partition-results';
import { replicaWaitKey } from '../replica-manager';
import { Handler, RequestContext } from '../request-context';
import { parkedWhile } from '../request-timing';

type FetchTopicResponse = FetchResponseData['topics'][number];
/** Kafka's IsolationLevel.READ_COMMITTED. */
const READ_COMMITTED = 1;
type FetchPartitionRequest = FetchRequestData['topics'][number]['partitions'][number];

export function fetchHandler(ctx: BrokerContext): Handler<FetchRequestData, FetchResponseData> {
  return async (req, rc) => {
    if (rc.timing) rc.timing.kind = req.replicaId !== CONSUMER_REPLICA_ID && req.replicaId >= 0 ? 'FetchFollower' : 'FetchConsumer';
    const denied = unauthorizedPartitions(ctx, rc, req);
    if (denied.size === 0) return fetchAuthorized(ctx, rc, req);
    const topics = req.topics
      .map((t) => ({ ...t, partitions: t.partitions.filter((p) => !denied.has(partitionKey(t.name, p.partition))) }))
      .filter((t) => t.partitions.length > 0);
    // Nothing left to read: answer at once, as Kafka does when every partition is in error.
    const answer = topics.length > 0 ? await fetchAuthorized(ctx, rc, { ...req, topics }) : response([]);
    return withDenied(answer, denied);
  };
}

/**
 * Kafka: a follower (replica id >= 0) needs ClusterAction on the Cluster, else every partition
 * fails; a consumer needs Read on each topic. Either failure is TOPIC_AUTHORIZATION_FAILED.
 * Returns the denied partitions by key.
 */
function unauthorizedPartitions(ctx: BrokerContext, rc: RequestContext, req: FetchRequestData): ReadonlyMap<string, { topic: string; partition: number }> {
  const follower = req.replicaId !== CONSUMER_REPLICA_ID && req.replicaId >= 0;
  // A follower's fetch (several per produce request under acks=all) is one cluster check: no per-partition lists.
  if (follower && authorizeCluster(ctx, rc, 'ClusterAction')) return NONE_DENIED;
  const all = req.topics.flatMap((t) => t.partitions.map((p) => ({ topic: t.name, partition: p.partition })));
  const readable = follower ? new Set<string>() : authorizedNames(ctx, rc, 'Read', 'Topic', all.map((tp) => tp.topic));
  return new Map(all.filter((tp) => !readable.has(tp.topic)).map((tp) => [partitionKey(tp.topic, tp.partition), tp]));
}

const NONE_DENIED: ReadonlyMap<string, { topic: string; partition: number }> = new Map();

/** The answer with the denied partitions put back, each in its topic as asked. */
function withDenied(answer: FetchResponseData, denied: ReadonlyMap<string, { topic: string; partition: number }>): FetchResponseData {
  const topics = [...answer.topics];
  for (const { topic, partition } of denied.values()) {
    const failure = { partitionIndex: partition, errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED.code, highWatermark: -1, lastStableOffset: -1, logStartOffset: -1, abortedTransactions: null, records: null };
    const existing = topics.find((t) => t.name === topic);
    if (existing) existing.partitions = [...existing.partitions, failure];
    else topics.push({ name: topic, partitions: [failure] });
  }
  return { ...answer, topics };
}

async function fetchAuthorized(ctx: BrokerContext, rc: RequestContext, req: FetchRequestData): Promise<FetchResponseData> {
  const follower = req.replicaId !== CONSUMER_REPLICA_ID && req.replicaId >= 0;
  // Kafka: a consumer's response never exceeds what its fetch quota allows over one window.
  const quotaWindowBytes = follower ? Infinity : ctx.quotas?.fetch.maxValueInQuotaWindow(rc.session.principal.name, rc.header.clientId ?? '') ?? Infinity;
  const maxBytes = Math.min(req.maxBytes > 0 ? req.maxBytes : ctx.config.fetchMaxBytes, ctx.config.fetchMaxBytes, Math.floor(quotaWindowBytes));
  if (follower) recordFollowerFetches(ctx, req);
  let first = await readAll(ctx, req, maxBytes, follower);
  if (first.bytes >= req.minBytes || first.errors > 0 || req.maxWaitMs <= 0) {
    return response(first.topics);
  }
  const keys = req.topics.flatMap((t) => t.partitions.map((p) => {
    const key = partitionKey(t.name, p.partition);
    return follower ? replicaWaitKey(key) : key;
  }));
  const deadline = Date.now() + Math.min(req.maxWaitMs, 5 * 60 * 1000);
  let parked: boolean;
  do {
    parked = await parkedWhile(rc.timing, ctx.purgatory.wait(keys, Math.max(1, req.minBytes - first.bytes), Math.max(1, deadline - Date.now())));
    // What the last read found is read again below: its pooled buffers can serve that read.
    releaseRecords(first.topics);
    first = await readAll(ctx, req, maxBytes, follower);
    // A wait refused at once (a full purgatory) is not tried again: that would spin. A wake-up
    // within the same millisecond as the park (an append arriving in the same turn) parks again.
  } while (req.isolationLevel === READ_COMMITTED && first.bytes < req.minBytes && first.errors === 0 && parked && Date.now() < deadline);
  return response(first.topics);
}

/** Gives back the read buffers of an answer that will not be sent (see storage/read-buffer-pool.ts). */
function releaseRecords(topics: FetchTopicResponse[]): void {
  for (const t of topics) for (const p of t.partitions) if (p.records !== null) readBufferPool.release(p.records);
}

function response(topics: FetchTopicResponse[]): FetchResponseData {
  return { throttleTimeMs: 0, errorCode: 0, topics };
}

function recordFollowerFetches(ctx: BrokerContext, req: FetchRequestData): void {
  for (const topic of req.topics) {
    for (const p of topic.partitions) {
      const partition = ctx.replicas.getPartition(topic.name, p.partition);
      if (partition?.isLeader && p.currentLeaderEpoch === partition.leaderEpoch && p.fetchOffset <= partition.log.logEndOffset) {
        ctx.replicas.recordFollowerFetch(partition, req.replicaId, p.fetchOffset, p.logStartOffset);
      }
    }
  }
}

/** A request naming a leader epoch must match ours: older means the sender is behind, newer that we are. */
export function checkLeaderEpoch(partition: Partition, currentLeaderEpoch: number): void {
  if (currentLeaderEpoch < 0 || currentLeaderEpoch === partition.leaderEpoch) return;
  if (currentLeaderEpoch < partition.leaderEpoch) {
    throw new SamsaError(ErrorCode.FENCED_LEADER_EPOCH, `${partition.key}: leader epoch ${currentLeaderEpoch} is older than the current ${partition.leaderEpoch}`);
  }
  throw new SamsaError(ErrorCode.UNKNOWN_LEADER_EPOCH, `${partition.key}: leader epoch ${currentLeaderEpoch} is newer than broker ${partition.leaderId}'s ${partition.leaderEpoch}`);
}

async function readAll(ctx: BrokerContext, req: FetchRequestData, maxBytes: number, follower: boolean): Promise<{ topics: FetchTopicResponse[]; bytes: number; errors: number }> {
  let remaining = maxBytes;
  let bytes = 0;
  let errors = 0;
  const topics: FetchTopicResponse[] = [];
  // Partitions are read in order so the response limit is shared fairly by position, as in Kafka.
  for (const topic of req.topics) {
    const partitions: FetchTopicResponse['partitions'] = [];
    for (const p of topic.partitions) {
      try {
        const limit = Math.max(0, Math.min(p.partitionMaxBytes, remaining));
        const result = await readPartition(ctx, topic.name, p, limit, bytes === 0, follower ? req.replicaId : null, req.isolationLevel === READ_COMMITTED);
        const size = result.records?.length ?? 0;
        // The leader's replication throttle counts what it sends for throttled replicas (Kafka's sizeOfThrottledPartitions).
        if (follower && size > 0 && ctx.replicas.leaderReplicationQuota?.isThrottled(topic.name, p.partition)) ctx.replicas.leaderReplicationQuota.record(size);
        bytes += size;
        remaining = Math.max(0, remaining - size);
        partitions.push({ partitionIndex: p.partition, errorCode: 0, highWatermark: result.highWatermark,
          lastStableOffset: result.lastStableOffset ?? result.highWatermark, logStartOffset: result.logStartOffset,
          abortedTransactions: result.abortedTransactions ?? null, records: result.records });
      } catch (err) {
        errors++;
        if (!(err instanceof SamsaError)) ctx.logger.error(`Fetch from ${topic.name}-${p.partition} failed: ${(err as Error).stack}`);
        // Out-of-range answers carry the log bounds so a follower can tell "behind the log start" from "diverged".
        const known = ctx.replicas.getPartition(topic.name, p.partition);
        const outOfRange = toErrorCode(err) === ErrorCode.OFFSET_OUT_OF_RANGE.code && known !== undefined;
        partitions.push({ partitionIndex: p.partition, errorCode: toErrorCode(err),
          highWatermark: outOfRange ? known.highWatermark : -1, lastStableOffset: -1,
          logStartOffset: outOfRange ? known.log.logStartOffset : -1, abortedTransactions: null, records: null });
      }
    }
    topics.push({ name: topic.name, partitions });
  }
  return { topics, bytes, errors };
}

/** `followerId` null for a consumer's read. */
async function readPartition(
  ctx: BrokerContext, topic: string, p: FetchPartitionRequest, limit: number, minOneBatch: boolean, followerId: number | null, readCommitted: boolean,
): Promise<ReadPartitionResult> {
  const partition = ctx.replicas.leaderPartition(topic, p.partition, ctx.metadata.hasTopic(topic));
  checkLeaderEpoch(partition, p.currentLeaderEpoch);
  if (followerId === null) return ctx.replicas.read(partition, p.fetchOffset, limit, minOneBatch, readCommitted);
  // Kafka's shouldLeaderThrottle: an out-of-sync follower of a throttled replica gets nothing while the leader quota is exceeded.
  const quota = ctx.replicas.leaderReplicationQuota;
  const hold = quota !== undefined && !partition.isr.includes(followerId) && quota.isThrottled(topic, p.partition) && quota.isQuotaExceeded();
  return ctx.replicas.readForFollower(partition, p.fetchOffset, hold ? 0 : limit, hold ? false : minOneBatch);
}
