/**
 * OffsetCommit, OffsetFetch and OffsetDelete, and the removal of offsets that should no longer
 * exist: those of groups empty for longer than offsets.retention.minutes, and those of deleted
 * topics (Kafka's GroupMetadataManager.storeOffsets, getOffsets and cleanupGroupMetadata, and
 * GroupCoordinator.handleDeleteOffsets).
 *
 * A commit is answered only after its records are in `__consumer_offsets` with acks=-1, and the
 * in-memory view changes only then, so OffsetFetch never shows an offset a new coordinator would
 * not find. Removals write tombstones, which a reload (and compaction) honours.
 */
import { ErrorCode } from '../protocol/errors';
import { Infer } from '../protocol/schema';
import { OffsetCommitRequest, OffsetFetchRequest } from '../protocol/messages/group';
import { CommittedEntry } from './committed-offsets';
import { CONSUMER_PROTOCOL_TYPE, decodeSubscription } from './consumer-protocol';
import { CoordinatorRuntime } from './coordinator-runtime';
import { CoordinatorShard } from './coordinator-shard';
import { GroupEntry } from './group-entry';
import { metadataFor } from './group-member';
import { ConsumerGroup } from './group-state';
import { groupMetadataRecord, KeyedRecord, offsetCommitRecord, storeGroupError, storeOffsetsError } from './group-record-writer';
import { commitRefused, OffsetCommitResult, OffsetFetchResult } from './group-responses';
import { NO_LEADER_EPOCH, NO_TIMESTAMP } from './offsets-records';
import { groupByTopic, TopicPartition } from '../util/topic-partition';

type OffsetCommitRequestData = Infer<typeof OffsetCommitRequest>;
type OffsetFetchRequestData = Infer<typeof OffsetFetchRequest>;
type CommitTopicResult = OffsetCommitResult['topics'][number];

/** OffsetDelete's request and answer (Kafka's API key 47; served on the Kafka listener only). */
export interface OffsetDeleteTopics {
  readonly name: string;
  readonly partitions: ReadonlyArray<{ readonly partitionIndex: number }>;
}

export interface OffsetDeleteResult {
  /** A group-level error; then `topics` is empty, as in Kafka. */
  errorCode: number;
  topics: Array<{ name: string; partitions: Array<{ partitionIndex: number; errorCode: number }> }>;
}

const NONE = ErrorCode.NONE.code;
/** OffsetFetch's answer for a partition with no committed offset. */
const NO_OFFSET = -1;


/**
 * Why one partition of an offset commit (plain or transactional) is refused, or NONE: the
 * partition must exist and the metadata fit offset.metadata.max.bytes (Kafka's GroupMetadataManager).
 */
export function partitionCommitError(rt: CoordinatorRuntime, topic: string, partition: number, metadata: string): number {
  if (!rt.partitionExists(topic, partition)) return ErrorCode.UNKNOWN_TOPIC_OR_PARTITION.code;
  if (Buffer.byteLength(metadata) > rt.config.offsetMetadataMaxBytes) return ErrorCode.OFFSET_METADATA_TOO_LARGE.code;
  return NONE;
}

export class GroupOffsets {
  constructor(private readonly rt: CoordinatorRuntime) {}

  async commit(req: OffsetCommitRequestData): Promise<OffsetCommitResult> {
    const all = (errorCode: number): OffsetCommitResult => commitRefused(req, errorCode);
    if (req.groupId === '') return all(ErrorCode.INVALID_GROUP_ID.code);
    const route = this.rt.route(req.groupId);
    if (!('shard' in route)) return all(route.errorCode);
    const { shard } = route;
    let entry = shard.get(req.groupId);
    if (!entry) {
      // No group yet: only a "simple" consumer (no group management) may commit, and that creates it.
      if (req.generationId >= 0) return all(ErrorCode.ILLEGAL_GENERATION.code);
      entry = shard.add(this.rt.newGroup(req.groupId));
    }
    const now = this.rt.clock.nowMs();
    const allowed = entry.group.validateOffsetCommit(req.memberId, req.generationId, now, req.groupInstanceId);
    if (allowed !== NONE) return all(allowed);
    this.rt.schedule(shard, entry);
    return this.store(shard, entry, req, now);
  }

  private async store(shard: CoordinatorShard, entry: GroupEntry, req: OffsetCommitRequestData, now: number): Promise<OffsetCommitResult> {
    const accepted: Array<TopicPartition & { offset: number; leaderEpoch: number; metadata: string }> = [];
    const records: KeyedRecord[] = [];
    const errors = new Map<string, number>();
    const key = (topic: string, partition: number) => `${topic}\u0000${partition}`;
    for (const t of req.topics) {
      for (const p of t.partitions) {
        const metadata = p.committedMetadata ?? '';
        const code = partitionCommitError(this.rt, t.name, p.partitionIndex, metadata);
        if (code !== NONE) {
          errors.set(key(t.name, p.partitionIndex), code);
          continue;
        }
        const value = { offset: p.committedOffset, leaderEpoch: p.committedLeaderEpoch, metadata, commitTimestamp: now };
        accepted.push({ topic: t.name, partition: p.partitionIndex, ...value });
        records.push(offsetCommitRecord(req.groupId, t.name, p.partitionIndex, value));
      }
    }
    const written = await this.rt.writer.write(shard.partition, records, storeOffsetsError);
    if (written.errorCode === NONE && !shard.closed && shard.get(req.groupId) === entry) {
      accepted.forEach((c, i) => entry.offsets.set(c.topic, c.partition, {
        offset: c.offset, leaderEpoch: c.leaderEpoch, metadata: c.metadata, commitTimestamp: now,
        expireTimestamp: NO_TIMESTAMP, recordOffset: written.baseOffset + i,
      }));
    }
    const topics: CommitTopicResult[] = req.topics.map((t) => ({
      name: t.name,
      partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode: errors.get(key(t.name, p.partitionIndex)) ?? written.errorCode })),
    }));
    return { throttleTimeMs: 0, topics };
  }

  /** Committed offsets of the requested partitions (-1 when none), or of every partition when `topics` is null. */
  fetch(req: OffsetFetchRequestData): OffsetFetchResult {
    const fail = (errorCode: number): OffsetFetchResult => ({ throttleTimeMs: 0, topics: [], errorCode });
    if (req.groupId === '') return fail(ErrorCode.INVALID_GROUP_ID.code);
    const route = this.rt.route(req.groupId);
    if (!('shard' in route)) return fail(route.errorCode);
    const entry = route.shard.get(req.groupId);
    const wanted = req.topics === null
      ? groupByTopic(entry?.offsets.all() ?? [])
      : req.topics.map((t) => ({ topic: t.name, partitions: t.partitionIndexes }));
    const topics = wanted.map(({ topic, partitions }) => ({
      name: topic,
      partitions: partitions.map((partition) => {
        // KIP-447: a read_committed consumer must not start from an offset its transaction may still replace.
        if (req.requireStable && entry?.pendingTxn.hasPartition(topic, partition)) {
          return { partitionIndex: partition, committedOffset: NO_OFFSET, committedLeaderEpoch: NO_LEADER_EPOCH, metadata: '', errorCode: ErrorCode.UNSTABLE_OFFSET_COMMIT.code };
        }
        const c = entry?.offsets.get(topic, partition);
        return {
          partitionIndex: partition,
          committedOffset: c?.offset ?? NO_OFFSET,
          committedLeaderEpoch: c?.leaderEpoch ?? NO_LEADER_EPOCH,
          metadata: c?.metadata ?? '',
          errorCode: NONE,
        };
      }),
    }));
    return { throttleTimeMs: 0, topics, errorCode: NONE };
  }

  /**
   * OffsetDelete, as Kafka's handleDeleteOffsets: an Empty group may lose any offset; a consumer
   * group with members only those of topics none of its members subscribes to (the others get
   * GROUP_SUBSCRIBED_TO_TOPIC); any other group with members is NON_EMPTY_GROUP. Partitions the
   * cluster does not know get UNKNOWN_TOPIC_OR_PARTITION. A partition without a committed offset
   * counts as deleted. Like DeleteGroups, the offsets leave memory at once and tombstones follow;
   * a failed write is reported on every partition it concerned.
   */
  async delete(groupId: string, topics: readonly OffsetDeleteTopics[]): Promise<OffsetDeleteResult> {
    const fail = (errorCode: number): OffsetDeleteResult => ({ errorCode, topics: [] });
    if (groupId === '') return fail(ErrorCode.INVALID_GROUP_ID.code);
    const route = this.rt.route(groupId);
    if (!('shard' in route)) return fail(route.errorCode);
    const { shard } = route;
    const entry = shard.get(groupId);
    if (!entry || entry.group.state === 'Dead') return fail(ErrorCode.GROUP_ID_NOT_FOUND.code);
    const g = entry.group;
    let subscribed: (topic: string) => boolean = () => false;
    if (g.state !== 'Empty') {
      if (g.protocolType !== CONSUMER_PROTOCOL_TYPE) return fail(ErrorCode.NON_EMPTY_GROUP.code);
      const topicSet = subscribedTopics(g);
      subscribed = (topic) => topicSet === null || topicSet.has(topic);
    }
    const codes = new Map<string, number>();
    const key = (topic: string, partition: number) => `${topic}\u0000${partition}`;
    const eligible: TopicPartition[] = [];
    for (const t of topics) {
      for (const p of t.partitions) {
        let code = NONE;
        if (!this.rt.partitionExists(t.name, p.partitionIndex)) code = ErrorCode.UNKNOWN_TOPIC_OR_PARTITION.code;
        else if (subscribed(t.name)) code = ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC.code;
        else eligible.push({ topic: t.name, partition: p.partitionIndex });
        codes.set(key(t.name, p.partitionIndex), code);
      }
    }
    if (eligible.length > 0) {
      const wanted = new Set(eligible.map((tp) => key(tp.topic, tp.partition)));
      const removed = entry.offsets.removeWhere((c) => wanted.has(key(c.topic, c.partition)));
      const records = removed.map((tp) => offsetCommitRecord(groupId, tp.topic, tp.partition, null));
      forgetIfUnused(shard, entry, this.rt.clock.nowMs(), records);
      const written = await this.rt.writer.write(shard.partition, records, storeGroupError);
      for (const tp of eligible) codes.set(key(tp.topic, tp.partition), written.errorCode);
      if (written.errorCode === NONE && removed.length > 0) this.rt.logger.info(`Deleted ${removed.length} committed offset(s) of group ${groupId}`);
    }
    return {
      errorCode: NONE,
      topics: topics.map((t) => ({
        name: t.name,
        partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode: codes.get(key(t.name, p.partitionIndex))! })),
      })),
    };
  }

  /** offsets.retention.minutes: offsets of groups that have been Empty that long, with tombstones written. */
  expireOffsets(): Promise<number> {
    const now = this.rt.clock.nowMs();
    const retentionMs = this.rt.config.offsetsRetentionMs;
    return this.cleanup('expired', (entry) => {
      const g = entry.group;
      // KIP-211: a consumer group's offsets live as long as it has members, and expire a retention
      // period after it became Empty. A group that never had members ("simple" commits) expires per commit.
      if (g.state !== 'Empty') return () => false;
      const emptySince = g.protocolType !== null ? g.stateChangedAtMs : null;
      return (c: CommittedEntry) => (c.value.expireTimestamp !== NO_TIMESTAMP
        ? now >= c.value.expireTimestamp
        : (emptySince ?? c.value.commitTimestamp) + retentionMs <= now);
    });
  }

  /** Offsets of topics that no longer exist. */
  removeTopics(topics: ReadonlySet<string>): Promise<number> {
    if (topics.size === 0) return Promise.resolve(0);
    return this.cleanup('of deleted topics', () => (c: CommittedEntry) => topics.has(c.topic));
  }

  /**
   * Kafka's cleanupGroupMetadata: removes the selected offsets from every loaded group, forgets
   * groups left Empty with no offsets, and writes the tombstones, one batch per partition.
   * Resolves with the number of offsets removed.
   */
  private async cleanup(what: string, selectorFor: (entry: GroupEntry) => (c: CommittedEntry) => boolean): Promise<number> {
    const now = this.rt.clock.nowMs();
    let removedTotal = 0;
    const writes = this.rt.shards().filter((s) => s.state === 'active').map((shard) => {
      const records: KeyedRecord[] = [];
      for (const entry of shard.groups()) {
        const removed = entry.offsets.removeWhere(selectorFor(entry));
        for (const tp of removed) records.push(offsetCommitRecord(entry.groupId, tp.topic, tp.partition, null));
        removedTotal += removed.length;
        forgetIfUnused(shard, entry, now, records);
      }
      return this.rt.writer.write(shard.partition, records, storeGroupError).then((r) => {
        if (r.errorCode !== NONE) this.rt.logger.warn(`Could not write ${records.length} tombstone(s) to partition ${shard.partition}: error ${r.errorCode}`);
      });
    });
    await Promise.all(writes);
    if (removedTotal > 0) this.rt.logger.info(`Removed ${removedTotal} offset(s) ${what}`);
    return removedTotal;
  }
}

/** A group left Empty with no offsets is forgotten, with a tombstone for its metadata if it ever had any. */
function forgetIfUnused(shard: CoordinatorShard, entry: GroupEntry, now: number, records: KeyedRecord[]): void {
  const g = entry.group;
  // A group in the middle of the MEMBER_ID_REQUIRED handshake is Empty but about to be used.
  if (g.state !== 'Empty' || entry.offsets.size !== 0 || !entry.pendingTxn.isEmpty || g.pendingMemberIds.length !== 0) return;
  g.markDead(now);
  shard.remove(entry.groupId);
  // Only a group that completed a rebalance ever had metadata written.
  if (g.generationId > 0) records.push(groupMetadataRecord(entry.groupId, null));
}

/**
 * The topics a consumer group's members subscribe to, read from their subscriptions for the
 * group's protocol (Kafka's GroupMetadata.computeSubscribedTopics); null when that cannot be
 * known (no protocol chosen yet, or a subscription that does not parse), and then every topic
 * counts as subscribed, so offsets in use are never deleted.
 */
function subscribedTopics(g: ConsumerGroup): Set<string> | null {
  if (g.members.size === 0) return new Set();
  const protocol = g.protocolName;
  if (protocol === null) return null;
  const topics = new Set<string>();
  try {
    for (const m of g.members.values()) for (const t of decodeSubscription(metadataFor(m, protocol)).topics) topics.add(t);
  } catch {
    return null;
  }
  return topics;
}
