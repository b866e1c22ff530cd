/**
 * The wire responses of the group APIs as the coordinator builds them, with Kafka's conventions
 * for the fields an error leaves meaningless (generation -1, empty leader, null protocol).
 * Kept in one place so every path that answers a JoinGroup or SyncGroup answers it the same way.
 */
import { Infer } from '../protocol/schema';
import {
  DescribeGroupsResponse, HeartbeatResponse, JoinGroupResponse, LeaveGroupResponse, ListGroupsResponse, OffsetCommitResponse,
  OffsetFetchResponse, SyncGroupResponse, DeleteGroupsResponse, FindCoordinatorResponse,
} from '../protocol/messages/group';
import { JoinResponse } from './group-decisions';

export type JoinGroupResult = Infer<typeof JoinGroupResponse>;
export type SyncGroupResult = Infer<typeof SyncGroupResponse>;
export type HeartbeatResult = Infer<typeof HeartbeatResponse>;
export type LeaveGroupResult = Infer<typeof LeaveGroupResponse>;
export type OffsetCommitResult = Infer<typeof OffsetCommitResponse>;
export type OffsetFetchResult = Infer<typeof OffsetFetchResponse>;
export type ListGroupsResult = Infer<typeof ListGroupsResponse>;
export type DescribeGroupsResult = Infer<typeof DescribeGroupsResponse>;
export type DescribedGroup = DescribeGroupsResult['groups'][number];
export type DeleteGroupsResult = Infer<typeof DeleteGroupsResponse>;
export type FindCoordinatorResult = Infer<typeof FindCoordinatorResponse>;

/** Kafka's JoinGroupRequest.UNKNOWN_GENERATION_ID. */
export const NO_GENERATION = -1;
const EMPTY = Buffer.alloc(0);

export function joinError(memberId: string, errorCode: number): JoinGroupResult {
  return {
    throttleTimeMs: 0, errorCode, generationId: NO_GENERATION, protocolType: null, protocolName: null, leader: '', memberId, members: [],
  };
}

export function joinResult(r: JoinResponse): JoinGroupResult {
  return {
    throttleTimeMs: 0,
    errorCode: r.errorCode,
    generationId: r.generationId,
    protocolType: r.protocolType,
    protocolName: r.protocolName,
    leader: r.leaderId,
    memberId: r.memberId,
    members: r.members.map((m) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId, metadata: m.metadata })),
  };
}

export function syncError(errorCode: number): SyncGroupResult {
  return { throttleTimeMs: 0, errorCode, protocolType: null, protocolName: null, assignment: EMPTY };
}

export function syncResult(protocolType: string | null, protocolName: string | null, assignment: Buffer | undefined): SyncGroupResult {
  return { throttleTimeMs: 0, errorCode: 0, protocolType, protocolName, assignment: assignment ?? EMPTY };
}

/** Kafka's GroupCoordinator.DeadGroup summary, with the error that explains it. */
export function describeError(groupId: string, errorCode: number, groupState = ''): DescribedGroup {
  return { errorCode, groupId, groupState, protocolType: '', protocolData: '', members: [] };
}

/** The partitions an OffsetCommit or TxnOffsetCommit request names. */
export interface CommitRequestTopics {
  readonly topics: ReadonlyArray<{ readonly name: string; readonly partitions: ReadonlyArray<{ readonly partitionIndex: number }> }>;
}

/** OffsetCommit's and TxnOffsetCommit's answer to a request refused as a whole: the same code on every partition. */
export function commitRefused(req: CommitRequestTopics, errorCode: number): OffsetCommitResult {
  return {
    throttleTimeMs: 0,
    topics: req.topics.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode })) })),
  };
}
