/**
 * Kafka's group administration APIs, served on the Kafka listener over the native handlers:
 * DescribeGroups (key 15), ListGroups (16) and DeleteGroups (42). Field names are the native
 * messages' (lib/protocol/messages/group.ts).
 */
import { array, boolean, bytes, int16, int32, nullableString, since, string, struct } from '../../schema';
import { kafkaApi } from '../kafka-api';

/** Kafka's "authorized operations not requested" marker (Integer.MIN_VALUE). */
export const OPERATIONS_NOT_REQUESTED = -2147483648;

/** DescribeGroups Request (v0-5, flexible v5+) => [groups] includeAuthorizedOperations(v3+) */
const DescribeGroupsRequest = struct({
  groups: array(string),
  includeAuthorizedOperations: since(3, boolean, false),
}, 'KafkaDescribeGroupsRequest');

/**
 * DescribeGroups Response (v0-5) => throttleTimeMs(v1+) [groups]
 *   groups => errorCode groupId groupState protocolType protocolData [members] authorizedOperations(v3+)
 *   members => memberId groupInstanceId(v4+) clientId clientHost memberMetadata memberAssignment
 */
const DescribeGroupsResponse = struct({
  throttleTimeMs: since(1, int32, 0),
  groups: array(struct({
    errorCode: int16,
    groupId: string,
    groupState: string,
    protocolType: string,
    protocolData: string,
    members: array(struct({
      memberId: string,
      groupInstanceId: since(4, nullableString, null),
      clientId: string,
      clientHost: string,
      memberMetadata: bytes,
      memberAssignment: bytes,
    }, 'KafkaDescribedGroupMember')),
    authorizedOperations: since(3, int32, OPERATIONS_NOT_REQUESTED),
  }, 'KafkaDescribedGroup')),
}, 'KafkaDescribeGroupsResponse');

export const KafkaDescribeGroups = kafkaApi(15, 'DescribeGroups', { min: 0, max: 5, flexibleFrom: 5 }, DescribeGroupsRequest, DescribeGroupsResponse);

/** ListGroups Request (v0-4, flexible v3+) => [statesFilter](v4+) */
const ListGroupsRequest = struct({ statesFilter: since(4, array(string), []) }, 'KafkaListGroupsRequest');

/** ListGroups Response (v0-4) => throttleTimeMs(v1+) errorCode [groups]; groups => groupId protocolType groupState(v4+) */
const ListGroupsResponse = struct({
  throttleTimeMs: since(1, int32, 0),
  errorCode: int16,
  groups: array(struct({ groupId: string, protocolType: string, groupState: since(4, string, '') }, 'KafkaListedGroup')),
}, 'KafkaListGroupsResponse');

export const KafkaListGroups = kafkaApi(16, 'ListGroups', { min: 0, max: 4, flexibleFrom: 3 }, ListGroupsRequest, ListGroupsResponse);

/** DeleteGroups Request (v0-2, flexible v2+) => [groupsNames] */
const DeleteGroupsRequest = struct({ groupsNames: array(string) }, 'KafkaDeleteGroupsRequest');

/** DeleteGroups Response (v0-2) => throttleTimeMs [results]; results => groupId errorCode */
const DeleteGroupsResponse = struct({
  throttleTimeMs: int32,
  results: array(struct({ groupId: string, errorCode: int16 }, 'KafkaDeletableGroupResult')),
}, 'KafkaDeleteGroupsResponse');

export const KafkaDeleteGroups = kafkaApi(42, 'DeleteGroups', { min: 0, max: 2, flexibleFrom: 2 }, DeleteGroupsRequest, DeleteGroupsResponse);
