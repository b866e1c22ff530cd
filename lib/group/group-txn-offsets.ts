/**
 * TxnOffsetCommit at the group coordinator, and the end of those offsets' transactions (Kafka's
 * GroupCoordinator.handleTxnCommitOffsets / handleTxnCompletion and the transactional path of
 * GroupMetadataManager.storeOffsets).
 *
 * A transactional producer's offsets are appended to the group's `__consumer_offsets` partition
 * as a transactional batch in the producer's name and held pending per producer id
 * (PendingTxnOffsets), invisible to OffsetFetch. The WriteTxnMarkers handler announces each
 * marker it writes (lib/broker/txn-marker-observers.ts); a commit marker on the partition makes
 * the producer's pending offsets committed, an abort drops them. A marker that lands while the
 * partition is still loading is queued and applied once the load installed the groups, unless
 * the load already read it.
 */
import { ErrorCode } from '../protocol/errors';
import { Infer } from '../protocol/schema';
import { TxnOffsetCommitRequest, TxnOffsetCommitResponse } from '../protocol/messages/transactions';
import { CoordinatorRuntime } from './coordinator-runtime';
import { CoordinatorShard, TxnMarker } from './coordinator-shard';
import { GroupEntry } from './group-entry';
import { ConsumerGroup } from './group-state';
import { offsetCommitRecord, KeyedRecord, storeOffsetsError } from './group-record-writer';
import { NO_TIMESTAMP } from './offsets-records';
import { OFFSETS_TOPIC } from './offsets-log';
import { commitRefused } from './group-responses';
import { partitionCommitError } from './group-offsets';
import { PendingOffset } from './pending-txn-offsets';

export type TxnOffsetCommitRequestData = Infer<typeof TxnOffsetCommitRequest>;
export type TxnOffsetCommitResult = Infer<typeof TxnOffsetCommitResponse>;

const NONE = ErrorCode.NONE.code;

/** Kafka's doTxnCommitOffsets checks: member and generation are enforced only when given (v3+). */
export function validateTxnOffsetCommit(group: ConsumerGroup, memberId: string, groupInstanceId: string | null, generationId: number): number {
  if (group.state === 'Dead') return ErrorCode.COORDINATOR_NOT_AVAILABLE.code;
  if (groupInstanceId !== null) {
    // Kafka's isStaticMemberFenced: the instance id belongs to a different member now.
    for (const m of group.members.values()) {
      if (m.groupInstanceId === groupInstanceId && m.memberId !== memberId) return ErrorCode.FENCED_INSTANCE_ID.code;
    }
  }
  if (memberId !== '' && !group.members.has(memberId)) return ErrorCode.UNKNOWN_MEMBER_ID.code;
  if (generationId >= 0 && generationId !== group.generationId) return ErrorCode.ILLEGAL_GENERATION.code;
  return NONE;
}

export class GroupTxnOffsets {
  constructor(private readonly rt: CoordinatorRuntime) {}

  async commit(req: TxnOffsetCommitRequestData): Promise<TxnOffsetCommitResult> {
    const all = (errorCode: number): TxnOffsetCommitResult => commitRefused(req, errorCode);
    if (req.groupId === '') return all(ErrorCode.INVALID_GROUP_ID.code);
    const route = this.rt.route(req.groupId);
    if (!('shard' in route)) return all(route.errorCode);
    const { shard } = route;
    // Kafka creates an Empty group for offsets of a group it does not know yet.
    const entry = shard.get(req.groupId) ?? shard.add(this.rt.newGroup(req.groupId));
    const allowed = validateTxnOffsetCommit(entry.group, req.memberId, req.groupInstanceId, req.generationId);
    if (allowed !== NONE) return all(allowed);
    return this.store(shard, entry, req);
  }

  private async store(shard: CoordinatorShard, entry: GroupEntry, req: TxnOffsetCommitRequestData): Promise<TxnOffsetCommitResult> {
    const now = this.rt.clock.nowMs();
    const { producerId, producerEpoch } = req;
    const accepted: Array<{ topic: string; partition: number; value: Omit<PendingOffset, 'recordOffset'> }> = [];
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
        const value = { offset: p.committedOffset, leaderEpoch: p.committedLeaderEpoch, metadata, commitTimestamp: now, expireTimestamp: NO_TIMESTAMP };
        accepted.push({ topic: t.name, partition: p.partitionIndex, value });
        records.push(offsetCommitRecord(req.groupId, t.name, p.partitionIndex, value));
      }
    }
    for (const a of accepted) entry.pendingTxn.prepare(producerId, a.topic, a.partition, a.value);
    const written = await this.rt.writer.write(shard.partition, records, storeOffsetsError, { producerId, producerEpoch });
    const stillOurs = !shard.closed && shard.get(req.groupId) === entry;
    accepted.forEach((a, i) => {
      if (!stillOurs) return;
      if (written.errorCode === NONE) entry.pendingTxn.appended(producerId, a.topic, a.partition, a.value, written.baseOffset + i);
      else entry.pendingTxn.failed(producerId, a.topic, a.partition, a.value);
    });
    return {
      throttleTimeMs: 0,
      topics: req.topics.map((t) => ({
        name: t.name,
        partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode: errors.get(key(t.name, p.partitionIndex)) ?? written.errorCode })),
      })),
    };
  }

  /**
   * A marker landed on a partition this broker leads: every group of that partition with offsets
   * pending from the producer completes them (Kafka's handleTxnCompletion). Markers on other
   * topics, or on partitions this broker does not coordinate, are not ours.
   */
  onMarker(marker: TxnMarker, shard: CoordinatorShard | undefined): void {
    if (marker.topic !== OFFSETS_TOPIC || !shard || shard.closed) return;
    if (shard.state === 'loading') {
      shard.queuedMarkers.push(marker);
      return;
    }
    let completed = 0;
    for (const entry of shard.groups()) {
      if (!entry.pendingTxn.hasProducer(marker.producerId)) continue;
      for (const c of entry.pendingTxn.complete(marker.producerId, marker.committed, marker.offset)) {
        entry.offsets.set(c.topic, c.partition, c.value);
        completed++;
      }
    }
    if (completed > 0) {
      this.rt.logger.debug(`Producer ${marker.producerId}'s transaction ${marker.committed ? 'committed' : 'aborted'} ${completed} offset(s) in ${OFFSETS_TOPIC}-${marker.partition}`);
    }
  }

  /** After a load: the markers that arrived meanwhile and that the load did not read (at or past `loadedEndOffset`). */
  replayQueued(shard: CoordinatorShard, loadedEndOffset: number): void {
    const queued = shard.queuedMarkers.splice(0);
    for (const marker of queued) if (marker.offset >= loadedEndOffset) this.onMarker(marker, shard);
  }
}
