/**
 * Replication admin requests an operator sends to the controller: ElectLeaders (move leadership
 * back to the preferred replica, or to any live replica when nothing in the ISR survives) and
 * the two KIP-455 reassignment APIs, AlterPartitionReassignments and ListPartitionReassignments.
 *
 * Field names and order follow Kafka's JSON message specs (ElectLeadersRequest v1+,
 * AlterPartitionReassignmentsRequest v0, ListPartitionReassignmentsRequest v0) without the
 * flexible-version tagged fields; Samsa serves them as its own v0.
 */
import { array, int16, int32, int8, nullableArray, nullableString, string, struct, Infer } from '../schema';

/** `electionType` values, as in Kafka's ElectionType enum. */
export const ELECTION_TYPE_PREFERRED = 0;
export const ELECTION_TYPE_UNCLEAN = 1;

/**
 * ElectLeaders Request (v0) => electionType [topicPartitions]? timeoutMs   (null = every partition)
 *   topicPartitions => topic [partitions]
 */
export const ElectLeadersRequest = struct({
  electionType: int8,
  topicPartitions: nullableArray(struct({ topic: string, partitions: array(int32) }, 'ElectLeadersTopicPartitions')),
  timeoutMs: int32,
}, 'ElectLeadersRequest');

/**
 * ElectLeaders Response (v0) => throttleTimeMs errorCode [replicaElectionResults]
 *   replicaElectionResults => topic [partitionResult]
 *   partitionResult => partitionId errorCode errorMessage
 */
export const ElectLeadersResponse = struct({
  throttleTimeMs: int32,
  errorCode: int16,
  replicaElectionResults: array(struct({
    topic: string,
    partitionResult: array(struct({
      partitionId: int32,
      errorCode: int16,
      errorMessage: nullableString,
    }, 'ElectLeadersPartitionResult')),
  }, 'ReplicaElectionResult')),
}, 'ElectLeadersResponse');

/**
 * AlterPartitionReassignments Request (v0) => timeoutMs [topics]
 *   topics => name [partitions]
 *   partitions => partitionIndex [replicas]?   (null = cancel the partition's reassignment)
 */
export const AlterPartitionReassignmentsRequest = struct({
  timeoutMs: int32,
  topics: array(struct({
    name: string,
    partitions: array(struct({
      partitionIndex: int32,
      replicas: nullableArray(int32),
    }, 'ReassignablePartition')),
  }, 'ReassignableTopic')),
}, 'AlterPartitionReassignmentsRequest');

/**
 * AlterPartitionReassignments Response (v0) => throttleTimeMs errorCode errorMessage [responses]
 *   responses => name [partitions]
 *   partitions => partitionIndex errorCode errorMessage
 */
export const AlterPartitionReassignmentsResponse = struct({
  throttleTimeMs: int32,
  errorCode: int16,
  errorMessage: nullableString,
  responses: array(struct({
    name: string,
    partitions: array(struct({
      partitionIndex: int32,
      errorCode: int16,
      errorMessage: nullableString,
    }, 'ReassignablePartitionResponse')),
  }, 'ReassignableTopicResponse')),
}, 'AlterPartitionReassignmentsResponse');

/**
 * ListPartitionReassignments Request (v0) => timeoutMs [topics]?   (null = every reassignment in progress)
 *   topics => name [partitionIndexes]
 */
export const ListPartitionReassignmentsRequest = struct({
  timeoutMs: int32,
  topics: nullableArray(struct({ name: string, partitionIndexes: array(int32) }, 'ListPartitionReassignmentsTopics')),
}, 'ListPartitionReassignmentsRequest');

/**
 * ListPartitionReassignments Response (v0) => throttleTimeMs errorCode errorMessage [topics]
 *   topics => name [partitions]
 *   partitions => partitionIndex [replicas] [addingReplicas] [removingReplicas]
 */
export const ListPartitionReassignmentsResponse = struct({
  throttleTimeMs: int32,
  errorCode: int16,
  errorMessage: nullableString,
  topics: array(struct({
    name: string,
    partitions: array(struct({
      partitionIndex: int32,
      replicas: array(int32),
      addingReplicas: array(int32),
      removingReplicas: array(int32),
    }, 'OngoingPartitionReassignment')),
  }, 'OngoingTopicReassignment')),
}, 'ListPartitionReassignmentsResponse');

export type ElectLeadersRequestData = Infer<typeof ElectLeadersRequest>;
export type ElectLeadersResponseData = Infer<typeof ElectLeadersResponse>;
export type AlterPartitionReassignmentsRequestData = Infer<typeof AlterPartitionReassignmentsRequest>;
export type AlterPartitionReassignmentsResponseData = Infer<typeof AlterPartitionReassignmentsResponse>;
export type ListPartitionReassignmentsRequestData = Infer<typeof ListPartitionReassignmentsRequest>;
export type ListPartitionReassignmentsResponseData = Infer<typeof ListPartitionReassignmentsResponse>;
