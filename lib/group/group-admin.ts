/**
 * ListGroups, DescribeGroups and DeleteGroups: the coordinator's answers to tools such as
 * `samsa-consumer-groups`, following Kafka's GroupCoordinator (handleListGroups,
 * handleDescribeGroup, handleDeleteGroups).
 */
import { ErrorCode } from '../protocol/errors';
import { CoordinatorRuntime } from './coordinator-runtime';
import { groupMetadataRecord, KeyedRecord, offsetCommitRecord, storeGroupError } from './group-record-writer';
import { describeError, DescribedGroup, DeleteGroupsResult, DescribeGroupsResult, ListGroupsResult } from './group-responses';
import { GroupEntry } from './group-entry';
import { metadataFor } from './group-member';

const NONE = ErrorCode.NONE.code;
const EMPTY = Buffer.alloc(0);

export class GroupAdmin {
  constructor(private readonly rt: CoordinatorRuntime) {}

  /**
   * Every group of every partition this broker leads, optionally only those in `statesFilter`
   * (case-insensitive, KIP-518). While a partition loads, the answer is COORDINATOR_LOAD_IN_PROGRESS
   * together with the groups already known, as in Kafka.
   */
  list(statesFilter: readonly string[]): ListGroupsResult {
    const states = new Set(statesFilter.map((s) => s.toLowerCase()));
    const shards = this.rt.shards();
    const loading = shards.some((s) => s.state === 'loading');
    const groups = shards
      .filter((s) => s.state === 'active')
      .flatMap((s) => s.groups())
      .filter((e) => e.group.state !== 'Dead' && (states.size === 0 || states.has(e.group.state.toLowerCase())))
      .map((e) => ({ groupId: e.groupId, protocolType: e.group.protocolType ?? '', groupState: e.group.state }))
      .sort((a, b) => (a.groupId < b.groupId ? -1 : a.groupId > b.groupId ? 1 : 0));
    return { throttleTimeMs: 0, errorCode: loading ? ErrorCode.COORDINATOR_LOAD_IN_PROGRESS.code : NONE, groups };
  }

  describe(groupIds: readonly string[]): DescribeGroupsResult {
    return { throttleTimeMs: 0, groups: groupIds.map((id) => this.describeOne(id)) };
  }

  /**
   * A group nobody knows is described as Dead with no error, as Kafka 2.x does; tools print
   * "Consumer group 'g' does not exist." for it. Member metadata and assignments are shown only
   * while the group is Stable, since in any other state they belong to a generation in flux.
   */
  private describeOne(groupId: string): DescribedGroup {
    if (groupId === '') return describeError(groupId, ErrorCode.INVALID_GROUP_ID.code);
    const route = this.rt.route(groupId);
    if (!('shard' in route)) return describeError(groupId, route.errorCode);
    const entry = route.shard.get(groupId);
    if (!entry) return describeError(groupId, NONE, 'Dead');
    const g = entry.group;
    const stable = g.state === 'Stable';
    const protocol = stable ? g.protocolName : null;
    return {
      errorCode: NONE,
      groupId,
      groupState: g.state,
      protocolType: g.protocolType ?? '',
      protocolData: protocol ?? '',
      members: [...g.members.values()].map((m) => ({
        memberId: m.memberId,
        groupInstanceId: m.groupInstanceId,
        clientId: m.clientId,
        clientHost: m.clientHost,
        memberMetadata: protocol !== null ? metadataFor(m, protocol) : EMPTY,
        memberAssignment: stable ? m.assignment : EMPTY,
      })),
    };
  }

  async delete(groupIds: readonly string[]): Promise<DeleteGroupsResult> {
    const results = await Promise.all(groupIds.map(async (groupId) => ({ groupId, errorCode: await this.deleteOne(groupId) })));
    return { throttleTimeMs: 0, results };
  }

  /**
   * Only an Empty group can be deleted. It is dropped from memory at once (so nothing can join it
   * meanwhile) and then its metadata and every offset get tombstones.
   */
  private async deleteOne(groupId: string): Promise<number> {
    if (groupId === '') return ErrorCode.INVALID_GROUP_ID.code;
    const route = this.rt.route(groupId);
    if (!('shard' in route)) return route.errorCode;
    const { shard } = route;
    const entry = shard.get(groupId);
    if (!entry || entry.group.state === 'Dead') return ErrorCode.GROUP_ID_NOT_FOUND.code;
    if (entry.group.state !== 'Empty') return ErrorCode.NON_EMPTY_GROUP.code;
    entry.group.markDead(this.rt.clock.nowMs());
    entry.failAll(ErrorCode.COORDINATOR_NOT_AVAILABLE.code);
    shard.remove(groupId);
    const written = await this.rt.writer.write(shard.partition, tombstones(entry), storeGroupError);
    if (written.errorCode === NONE) this.rt.logger.info(`Deleted group ${groupId} and ${entry.offsets.size} committed offset(s)`);
    return written.errorCode;
  }
}

function tombstones(entry: GroupEntry): KeyedRecord[] {
  const records = entry.offsets.all().map((c) => offsetCommitRecord(entry.groupId, c.topic, c.partition, null));
  records.push(groupMetadataRecord(entry.groupId, null));
  return records;
}
