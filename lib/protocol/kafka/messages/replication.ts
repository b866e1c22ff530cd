/**
 * Kafka's replication APIs on the Kafka listener: OffsetForLeaderEpoch (key 23), which consumers
 * use to detect log truncation after a leader change (KIP-320), and the operator's ElectLeaders
 * (43), AlterPartitionReassignments (45) and ListPartitionReassignments (46). Field names are the
 * native messages' (lib/protocol/messages/{replication,elect-reassign}.ts).
 */
import { array, int16, int32, int64, int8, Infer, nullableArray, nullableString, since, string, struct } from '../../schema';
import {
  AlterPartitionReassignmentsRequest, AlterPartitionReassignmentsResponse, ListPartitionReassignmentsRequest,
  ListPartitionReassignmentsResponse,
} from '../../messages/elect-reassign';
import { kafkaApi } from '../kafka-api';

/** Kafka's default replicaId before v3: a "debug" consumer. */
const DEBUG_REPLICA_ID = -2;

/**
 * OffsetForLeaderEpoch Request (v0-4, flexible v4+) => replicaId(v3+) [topics]
 *   topics => name [partitions]
 *   partitions => partition currentLeaderEpoch(v2+) leaderEpoch
 */
const OffsetForLeaderEpochRequest = struct({
  replicaId: since(3, int32, DEBUG_REPLICA_ID),
  topics: array(struct({
    name: string,
    partitions: array(struct({
      partition: int32,
      currentLeaderEpoch: since(2, int32, -1),
      leaderEpoch: int32,
    }, 'OffsetForLeaderPartition')),
  }, 'OffsetForLeaderTopic')),
}, 'KafkaOffsetForLeaderEpochRequest');

/**
 * OffsetForLeaderEpoch Response (v0-4) => throttleTimeMs(v2+) [topics]
 *   topics => name [partitions]
 *   partitions => errorCode partition leaderEpoch(v1+) endOffset
 */
const OffsetForLeaderEpochResponse = struct({
  throttleTimeMs: since(2, int32, 0),
  topics: array(struct({
    name: string,
    partitions: array(struct({
      errorCode: int16,
      partition: int32,
      leaderEpoch: since(1, int32, -1),
      endOffset: int64,
    }, 'EpochEndOffset')),
  }, 'OffsetForLeaderTopicResult')),
}, 'KafkaOffsetForLeaderEpochResponse');

export const KafkaOffsetForLeaderEpoch = kafkaApi(23, 'OffsetForLeaderEpoch', { min: 0, max: 4, flexibleFrom: 4 },
  OffsetForLeaderEpochRequest, OffsetForLeaderEpochResponse);

/**
 * ElectLeaders Request (v0-2, flexible v2+) => electionType(v1+) [topicPartitions]? timeoutMs   (null = every partition)
 *   topicPartitions => topic [partitions]
 * v0 elects preferred leaders only (electionType 0).
 */
const ElectLeadersRequest = struct({
  electionType: since(1, int8, 0),
  topicPartitions: nullableArray(struct({ topic: string, partitions: array(int32) }, 'TopicPartitions')),
  timeoutMs: int32,
}, 'KafkaElectLeadersRequest');

/**
 * ElectLeaders Response (v0-2) => throttleTimeMs errorCode(v1+) [replicaElectionResults]
 *   replicaElectionResults => topic [partitionResult]
 *   partitionResult => partitionId errorCode errorMessage
 */
const ElectLeadersResponse = struct({
  throttleTimeMs: int32,
  errorCode: since(1, int16, 0),
  replicaElectionResults: array(struct({
    topic: string,
    partitionResult: array(struct({ partitionId: int32, errorCode: int16, errorMessage: nullableString }, 'PartitionResult')),
  }, 'ReplicaElectionResult')),
}, 'KafkaElectLeadersResponse');

export const KafkaElectLeaders = kafkaApi(43, 'ElectLeaders', { min: 0, max: 2, flexibleFrom: 2 }, ElectLeadersRequest, ElectLeadersResponse);
export type KafkaElectLeadersRequestData = Infer<typeof ElectLeadersRequest>;
export type KafkaElectLeadersResponseData = Infer<typeof ElectLeadersResponse>;

// AlterPartitionReassignments and ListPartitionReassignments are Kafka's from their first
// version (v0, flexible): the native definitions are byte for byte Kafka's, so they serve both
// (the flexible encoding comes from the schema walker). Grammar: lib/protocol/messages/elect-reassign.ts.
export const KafkaAlterPartitionReassignments = kafkaApi(45, 'AlterPartitionReassignments', { min: 0, max: 0, flexibleFrom: 0 },
  AlterPartitionReassignmentsRequest, AlterPartitionReassignmentsResponse);

export const KafkaListPartitionReassignments = kafkaApi(46, 'ListPartitionReassignments', { min: 0, max: 0, flexibleFrom: 0 },
  ListPartitionReassignmentsRequest, ListPartitionReassignmentsResponse);
