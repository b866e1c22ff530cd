/**
 * Consumer-group coordination messages (Kafka's API keys 8-16 and 42), served by the group
 * coordinator (lib/group/group-coordinator.ts) and documented in docs/protocol.md.
 */
import { array, boolean, bytes, int16, int32, int64, int8, nullableArray, nullableString, since, string, struct, Infer } from '../schema';

/** FindCoordinator Request (v0) => key keyType   (keyType 0 = group) */
export const FindCoordinatorRequest = struct({ key: string, keyType: int8 }, 'FindCoordinatorRequest');

/** FindCoordinator Response (v0) => throttleTimeMs errorCode errorMessage nodeId host port */
export const FindCoordinatorResponse = struct({
  throttleTimeMs: int32, errorCode: int16, errorMessage: nullableString, nodeId: int32, host: string, port: int32,
}, 'FindCoordinatorResponse');

/**
 * JoinGroup Request (v0) => groupId sessionTimeoutMs rebalanceTimeoutMs memberId groupInstanceId protocolType [protocols]
 *   protocols => name metadata
 */
export const JoinGroupRequest = struct({
  groupId: string,
  sessionTimeoutMs: int32,
  rebalanceTimeoutMs: int32,
  memberId: string,
  groupInstanceId: nullableString,
  protocolType: string,
  protocols: array(struct({ name: string, metadata: bytes }, 'JoinGroupProtocol')),
}, 'JoinGroupRequest');

/**
 * JoinGroup Response (v0) => throttleTimeMs errorCode generationId protocolType protocolName leader memberId [members]
 *   members => memberId groupInstanceId metadata   (only the leader receives members)
 */
export const JoinGroupResponse = struct({
  throttleTimeMs: int32,
  errorCode: int16,
  generationId: int32,
  protocolType: nullableString,
  protocolName: nullableString,
  leader: string,
  memberId: string,
  members: array(struct({ memberId: string, groupInstanceId: nullableString, metadata: bytes }, 'JoinGroupMember')),
}, 'JoinGroupResponse');

/**
 * SyncGroup Request (v0) => groupId generationId memberId groupInstanceId protocolType protocolName [assignments]
 *   assignments => memberId assignment   (only the leader sends assignments)
 */
export const SyncGroupRequest = struct({
  groupId: string,
  generationId: int32,
  memberId: string,
  groupInstanceId: nullableString,
  protocolType: nullableString,
  protocolName: nullableString,
  assignments: array(struct({ memberId: string, assignment: bytes }, 'SyncGroupAssignment')),
}, 'SyncGroupRequest');

/** SyncGroup Response (v0) => throttleTimeMs errorCode protocolType protocolName assignment */
export const SyncGroupResponse = struct({
  throttleTimeMs: int32, errorCode: int16, protocolType: nullableString, protocolName: nullableString, assignment: bytes,
}, 'SyncGroupResponse');

/** Heartbeat Request (v0) => groupId generationId memberId groupInstanceId */
export const HeartbeatRequest = struct({ groupId: string, generationId: int32, memberId: string, groupInstanceId: nullableString }, 'HeartbeatRequest');

/** Heartbeat Response (v0) => throttleTimeMs errorCode */
export const HeartbeatResponse = struct({ throttleTimeMs: int32, errorCode: int16 }, 'HeartbeatResponse');

const MemberIdentity = struct({ memberId: string, groupInstanceId: nullableString }, 'MemberIdentity');

/** LeaveGroup Request (v0) => groupId [members]; members => memberId groupInstanceId */
export const LeaveGroupRequest = struct({ groupId: string, members: array(MemberIdentity) }, 'LeaveGroupRequest');

/** LeaveGroup Response (v0) => throttleTimeMs errorCode [members]; members => memberId groupInstanceId errorCode */
export const LeaveGroupResponse = struct({
  throttleTimeMs: int32,
  errorCode: int16,
  members: array(struct({ memberId: string, groupInstanceId: nullableString, errorCode: int16 }, 'LeaveGroupMemberResponse')),
}, 'LeaveGroupResponse');

/**
 * OffsetCommit Request (v0) => groupId generationId memberId groupInstanceId [topics]
 *   topics => name [partitions]
 *   partitions => partitionIndex committedOffset committedLeaderEpoch committedMetadata
 * generationId -1 with an empty memberId commits for a group that uses no coordination (assign mode).
 */
export const OffsetCommitRequest = struct({
  groupId: string,
  generationId: int32,
  memberId: string,
  groupInstanceId: nullableString,
  topics: array(struct({
    name: string,
    partitions: array(struct({
      partitionIndex: int32, committedOffset: int64, committedLeaderEpoch: int32, committedMetadata: nullableString,
    }, 'OffsetCommitPartition')),
  }, 'OffsetCommitTopic')),
}, 'OffsetCommitRequest');

/** OffsetCommit Response (v0) => throttleTimeMs [topics]; topics => name [partitions]; partitions => partitionIndex errorCode */
export const OffsetCommitResponse = struct({
  throttleTimeMs: int32,
  topics: array(struct({
    name: string,
    partitions: array(struct({ partitionIndex: int32, errorCode: int16 }, 'OffsetCommitPartitionResponse')),
  }, 'OffsetCommitTopicResponse')),
}, 'OffsetCommitResponse');

/**
 * OffsetFetch Request (v0-1) => groupId [topics]? requireStable(v1+)
 *   (null topics = every committed offset); topics => name [partitionIndexes]
 *   requireStable (KIP-447): a partition with a transactional commit pending answers UNSTABLE_OFFSET_COMMIT
 */
export const OffsetFetchRequest = struct({
  groupId: string,
  topics: nullableArray(struct({ name: string, partitionIndexes: array(int32) }, 'OffsetFetchTopic')),
  requireStable: since(1, boolean, false),
}, 'OffsetFetchRequest');

/**
 * OffsetFetch Response (v0) => throttleTimeMs [topics] errorCode
 *   topics => name [partitions]
 *   partitions => partitionIndex committedOffset committedLeaderEpoch metadata errorCode   (committedOffset -1 = none)
 */
export const OffsetFetchResponse = struct({
  throttleTimeMs: int32,
  topics: array(struct({
    name: string,
    partitions: array(struct({
      partitionIndex: int32, committedOffset: int64, committedLeaderEpoch: int32, metadata: nullableString, errorCode: int16,
    }, 'OffsetFetchPartitionResponse')),
  }, 'OffsetFetchTopicResponse')),
  errorCode: int16,
}, 'OffsetFetchResponse');

/** ListGroups Request (v0) => [statesFilter]   (empty = all states) */
export const ListGroupsRequest = struct({ statesFilter: array(string) }, 'ListGroupsRequest');

/** ListGroups Response (v0) => throttleTimeMs errorCode [groups]; groups => groupId protocolType groupState */
export const ListGroupsResponse = struct({
  throttleTimeMs: int32,
  errorCode: int16,
  groups: array(struct({ groupId: string, protocolType: string, groupState: string }, 'ListedGroup')),
}, 'ListGroupsResponse');

/** DescribeGroups Request (v0) => [groups] */
export const DescribeGroupsRequest = struct({ groups: array(string) }, 'DescribeGroupsRequest');

/**
 * DescribeGroups Response (v0) => throttleTimeMs [groups]
 *   groups => errorCode groupId groupState protocolType protocolData [members]
 *   members => memberId groupInstanceId clientId clientHost memberMetadata memberAssignment
 */
export const DescribeGroupsResponse = struct({
  throttleTimeMs: int32,
  groups: array(struct({
    errorCode: int16,
    groupId: string,
    groupState: string,
    protocolType: string,
    protocolData: string,
    members: array(struct({
      memberId: string, groupInstanceId: nullableString, clientId: string, clientHost: string, memberMetadata: bytes, memberAssignment: bytes,
    }, 'DescribedGroupMember')),
  }, 'DescribedGroup')),
}, 'DescribeGroupsResponse');

/** DeleteGroups Request (v0) => [groupsNames] */
export const DeleteGroupsRequest = struct({ groupsNames: array(string) }, 'DeleteGroupsRequest');

/** DeleteGroups Response (v0) => throttleTimeMs [results]; results => groupId errorCode */
export const DeleteGroupsResponse = struct({
  throttleTimeMs: int32,
  results: array(struct({ groupId: string, errorCode: int16 }, 'DeletableGroupResult')),
}, 'DeleteGroupsResponse');

/** OffsetDelete Request (v0) => groupId [topics]; topics => name [partitions]; partitions => partitionIndex */
export const OffsetDeleteRequest = struct({
  groupId: string,
  topics: array(struct({ name: string, partitions: array(struct({ partitionIndex: int32 }, 'OffsetDeletePartition')) }, 'OffsetDeleteTopic')),
}, 'OffsetDeleteRequest');

/** OffsetDelete Response (v0) => errorCode throttleTimeMs [topics]; topics => name [partitions]; partitions => partitionIndex errorCode */
export const OffsetDeleteResponse = struct({
  errorCode: int16,
  throttleTimeMs: int32,
  topics: array(struct({
    name: string,
    partitions: array(struct({ partitionIndex: int32, errorCode: int16 }, 'OffsetDeletePartitionResponse')),
  }, 'OffsetDeleteTopicResponse')),
}, 'OffsetDeleteResponse');

/** Kafka's API keys for the messages above; a test checks they match the table in api.ts. */
export const GROUP_API_KEYS = {
  OffsetCommit: 8, OffsetFetch: 9, FindCoordinator: 10, JoinGroup: 11, Heartbeat: 12, LeaveGroup: 13, SyncGroup: 14,
  DescribeGroups: 15, ListGroups: 16, DeleteGroups: 42, OffsetDelete: 47,
} as const;

export type JoinGroupResponseData = Infer<typeof JoinGroupResponse>;
export type OffsetCommitRequestData = Infer<typeof OffsetCommitRequest>;
export type OffsetFetchResponseData = Infer<typeof OffsetFetchResponse>;
