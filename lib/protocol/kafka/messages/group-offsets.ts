/**
 * Kafka's committed-offset APIs, served on the Kafka listener over the group coordinator:
 * OffsetCommit (key 8), OffsetFetch (9) and OffsetDelete (47). Field names are the native
 * messages' (lib/protocol/messages/group.ts) where both carry the same thing.
 */
import {
  array, between, boolean, Infer, int16, int32, int64, nullableArray, nullableSince, nullableString, since, string, struct,
} from '../../schema';
import { kafkaApi } from '../kafka-api';

/**
 * OffsetCommit Request (v2-8, flexible v8+)
 *   => groupId generationId memberId groupInstanceId(v7+) retentionTimeMs(v2-4) [topics]
 *   topics => name [partitions]
 *   partitions => partitionIndex committedOffset committedLeaderEpoch(v6+) committedMetadata
 * (Kafka calls generationId GenerationIdOrMemberEpoch; v0-1 are not served.)
 */
const OffsetCommitRequest = struct({
  groupId: string,
  generationId: int32,
  memberId: string,
  groupInstanceId: since(7, nullableString, null),
  retentionTimeMs: between(2, 4, int64, -1),
  topics: array(struct({
    name: string,
    partitions: array(struct({
      partitionIndex: int32,
      committedOffset: int64,
      committedLeaderEpoch: since(6, int32, -1),
      committedMetadata: nullableString,
    }, 'KafkaOffsetCommitPartition')),
  }, 'KafkaOffsetCommitTopic')),
}, 'KafkaOffsetCommitRequest');

/** Topic => name [partitions]; partitions => partitionIndex errorCode (OffsetCommit's and OffsetDelete's answers). */
const PartitionErrorsTopic = struct({
  name: string,
  partitions: array(struct({ partitionIndex: int32, errorCode: int16 }, 'KafkaPartitionError')),
}, 'KafkaPartitionErrorsTopic');

/** OffsetCommit Response (v2-8) => throttleTimeMs(v3+) [topics]; topics => name [partitions]; partitions => partitionIndex errorCode */
const OffsetCommitResponse = struct({
  throttleTimeMs: since(3, int32, 0),
  topics: array(PartitionErrorsTopic),
}, 'KafkaOffsetCommitResponse');

export const KafkaOffsetCommit = kafkaApi(8, 'OffsetCommit', { min: 2, max: 8, flexibleFrom: 8 }, OffsetCommitRequest, OffsetCommitResponse);
export type KafkaOffsetCommitResponseData = Infer<typeof OffsetCommitResponse>;

const OffsetFetchTopic = struct({ name: string, partitionIndexes: array(int32) }, 'KafkaOffsetFetchTopic');

/**
 * OffsetFetch Request (v1-8, flexible v6+)
 *   => groupId(v1-7) [topics](v1-7, null = all, nullable v2+) [groups](v8+) requireStable(v7+)
 *   topics => name [partitionIndexes]
 *   groups => groupId [topics](nullable)
 */
const OffsetFetchRequest = struct({
  groupId: between(0, 7, string, ''),
  topics: between(0, 7, nullableSince(2, nullableArray(OffsetFetchTopic)), null),
  groups: since(8, array(struct({ groupId: string, topics: nullableArray(OffsetFetchTopic) }, 'KafkaOffsetFetchGroup')), []),
  requireStable: since(7, boolean, false),
}, 'KafkaOffsetFetchRequest');

const OffsetFetchResponseTopic = struct({
  name: string,
  partitions: array(struct({
    partitionIndex: int32,
    committedOffset: int64,
    committedLeaderEpoch: since(5, int32, -1),
    metadata: nullableString,
    errorCode: int16,
  }, 'KafkaOffsetFetchPartitionResponse')),
}, 'KafkaOffsetFetchTopicResponse');

/**
 * OffsetFetch Response (v1-8) => throttleTimeMs(v3+) [topics](v1-7) errorCode(v2-7) [groups](v8+)
 *   topics => name [partitions]
 *   partitions => partitionIndex committedOffset committedLeaderEpoch(v5+) metadata errorCode
 *   groups => groupId [topics] errorCode
 */
const OffsetFetchResponse = struct({
  throttleTimeMs: since(3, int32, 0),
  topics: between(0, 7, array(OffsetFetchResponseTopic), []),
  errorCode: between(2, 7, int16, 0),
  groups: since(8, array(struct({
    groupId: string, topics: array(OffsetFetchResponseTopic), errorCode: int16,
  }, 'KafkaOffsetFetchGroupResponse')), []),
}, 'KafkaOffsetFetchResponse');

export const KafkaOffsetFetch = kafkaApi(9, 'OffsetFetch', { min: 1, max: 8, flexibleFrom: 6 }, OffsetFetchRequest, OffsetFetchResponse);
export type KafkaOffsetFetchResponseData = Infer<typeof OffsetFetchResponse>;

/** OffsetDelete Request (v0) => groupId [topics]; topics => name [partitions]; partitions => partitionIndex */
const OffsetDeleteRequest = struct({
  groupId: string,
  topics: array(struct({
    name: string, partitions: array(struct({ partitionIndex: int32 }, 'KafkaOffsetDeletePartition')),
  }, 'KafkaOffsetDeleteTopic')),
}, 'KafkaOffsetDeleteRequest');

/** OffsetDelete Response (v0) => errorCode throttleTimeMs [topics]; topics => name [partitions]; partitions => partitionIndex errorCode */
const OffsetDeleteResponse = struct({
  errorCode: int16,
  throttleTimeMs: int32,
  topics: array(PartitionErrorsTopic),
}, 'KafkaOffsetDeleteResponse');

export const KafkaOffsetDelete = kafkaApi(47, 'OffsetDelete', { min: 0, max: 0 }, OffsetDeleteRequest, OffsetDeleteResponse);
