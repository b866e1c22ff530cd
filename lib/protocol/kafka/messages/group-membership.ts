/**
 * Kafka's group membership APIs, served on the Kafka listener over the native group handlers:
 * FindCoordinator (key 10), JoinGroup (11), Heartbeat (12), LeaveGroup (13) and SyncGroup (14).
 * Field names are the native messages' (lib/protocol/messages/group.ts) where both carry the
 * same thing.
 */
import {
  array, between, boolean, bytes, Infer, int16, int32, int8, nullableSince, nullableString, since, string, struct,
} from '../../schema';
import { kafkaApi } from '../kafka-api';

/**
 * FindCoordinator Request (v0-4, flexible v3+) => key(v0-3) keyType(v1+) [coordinatorKeys](v4+)
 *   keyType: 0 = group, 1 = transaction
 */
const FindCoordinatorRequest = struct({
  key: between(0, 3, string, ''),
  keyType: since(1, int8, 0),
  coordinatorKeys: since(4, array(string), []),
}, 'KafkaFindCoordinatorRequest');

const Coordinator = struct({
  key: string, nodeId: int32, host: string, port: int32, errorCode: int16, errorMessage: nullableString,
}, 'KafkaCoordinator');

/**
 * FindCoordinator Response (v0-4)
 *   => throttleTimeMs(v1+) errorCode(v0-3) errorMessage(v1-3) nodeId(v0-3) host(v0-3) port(v0-3) [coordinators](v4+)
 *   coordinators => key nodeId host port errorCode errorMessage
 */
const FindCoordinatorResponse = struct({
  throttleTimeMs: since(1, int32, 0),
  errorCode: between(0, 3, int16, 0),
  errorMessage: between(1, 3, nullableString, null),
  nodeId: between(0, 3, int32, -1),
  host: between(0, 3, string, ''),
  port: between(0, 3, int32, -1),
  coordinators: since(4, array(Coordinator), []),
}, 'KafkaFindCoordinatorResponse');

export const KafkaFindCoordinator = kafkaApi(10, 'FindCoordinator', { min: 0, max: 4, flexibleFrom: 3 },
  FindCoordinatorRequest, FindCoordinatorResponse);
export type KafkaFindCoordinatorResponseData = Infer<typeof FindCoordinatorResponse>;

/**
 * JoinGroup Request (v0-9, flexible v6+)
 *   => groupId sessionTimeoutMs rebalanceTimeoutMs(v1+) memberId groupInstanceId(v5+) protocolType [protocols] reason(v8+)
 *   protocols => name metadata
 */
const JoinGroupRequest = struct({
  groupId: string,
  sessionTimeoutMs: int32,
  rebalanceTimeoutMs: since(1, int32, -1),
  memberId: string,
  groupInstanceId: since(5, nullableString, null),
  protocolType: string,
  protocols: array(struct({ name: string, metadata: bytes }, 'KafkaJoinGroupProtocol')),
  reason: since(8, nullableString, null),
}, 'KafkaJoinGroupRequest');

/**
 * JoinGroup Response (v0-9)
 *   => throttleTimeMs(v2+) errorCode generationId protocolType(v7+) protocolName(nullable v7+) leader
 *      skipAssignment(v9+) memberId [members]
 *   members => memberId groupInstanceId(v5+) metadata
 */
const JoinGroupResponse = struct({
  throttleTimeMs: since(2, int32, 0),
  errorCode: int16,
  generationId: int32,
  protocolType: since(7, nullableString, null),
  protocolName: nullableSince(7, nullableString),
  leader: string,
  skipAssignment: since(9, boolean, false),
  memberId: string,
  members: array(struct({
    memberId: string, groupInstanceId: since(5, nullableString, null), metadata: bytes,
  }, 'KafkaJoinGroupMember')),
}, 'KafkaJoinGroupResponse');

export const KafkaJoinGroup = kafkaApi(11, 'JoinGroup', { min: 0, max: 9, flexibleFrom: 6 }, JoinGroupRequest, JoinGroupResponse);
export type KafkaJoinGroupResponseData = Infer<typeof JoinGroupResponse>;

/** Heartbeat Request (v0-4, flexible v4+) => groupId generationId memberId groupInstanceId(v3+) */
const HeartbeatRequest = struct({
  groupId: string, generationId: int32, memberId: string, groupInstanceId: since(3, nullableString, null),
}, 'KafkaHeartbeatRequest');

/** Heartbeat Response (v0-4) => throttleTimeMs(v1+) errorCode */
const HeartbeatResponse = struct({ throttleTimeMs: since(1, int32, 0), errorCode: int16 }, 'KafkaHeartbeatResponse');

export const KafkaHeartbeat = kafkaApi(12, 'Heartbeat', { min: 0, max: 4, flexibleFrom: 4 }, HeartbeatRequest, HeartbeatResponse);

/**
 * LeaveGroup Request (v0-5, flexible v4+) => groupId memberId(v0-2) [members](v3+)
 *   members => memberId groupInstanceId reason(v5+)
 */
const LeaveGroupRequest = struct({
  groupId: string,
  memberId: between(0, 2, string, ''),
  members: since(3, array(struct({
    memberId: string, groupInstanceId: nullableString, reason: since(5, nullableString, null),
  }, 'KafkaLeavingMember')), []),
}, 'KafkaLeaveGroupRequest');

/**
 * LeaveGroup Response (v0-5) => throttleTimeMs(v1+) errorCode [members](v3+)
 *   members => memberId groupInstanceId errorCode
 */
const LeaveGroupResponse = struct({
  throttleTimeMs: since(1, int32, 0),
  errorCode: int16,
  members: since(3, array(struct({
    memberId: string, groupInstanceId: nullableString, errorCode: int16,
  }, 'KafkaLeaveGroupMemberResponse')), []),
}, 'KafkaLeaveGroupResponse');

export const KafkaLeaveGroup = kafkaApi(13, 'LeaveGroup', { min: 0, max: 5, flexibleFrom: 4 }, LeaveGroupRequest, LeaveGroupResponse);

/**
 * SyncGroup Request (v0-5, flexible v4+)
 *   => groupId generationId memberId groupInstanceId(v3+) protocolType(v5+) protocolName(v5+) [assignments]
 *   assignments => memberId assignment
 */
const SyncGroupRequest = struct({
  groupId: string,
  generationId: int32,
  memberId: string,
  groupInstanceId: since(3, nullableString, null),
  protocolType: since(5, nullableString, null),
  protocolName: since(5, nullableString, null),
  assignments: array(struct({ memberId: string, assignment: bytes }, 'KafkaSyncGroupAssignment')),
}, 'KafkaSyncGroupRequest');

/** SyncGroup Response (v0-5) => throttleTimeMs(v1+) errorCode protocolType(v5+) protocolName(v5+) assignment */
const SyncGroupResponse = struct({
  throttleTimeMs: since(1, int32, 0),
  errorCode: int16,
  protocolType: since(5, nullableString, null),
  protocolName: since(5, nullableString, null),
  assignment: bytes,
}, 'KafkaSyncGroupResponse');

export const KafkaSyncGroup = kafkaApi(14, 'SyncGroup', { min: 0, max: 5, flexibleFrom: 4 }, SyncGroupRequest, SyncGroupResponse);
