/** Kafka's data path on the Kafka listener: Produce (0), Fetch (1), ListOffsets (2). */
import {
  array, int16, int32, int64, int8, Infer, nullableArray, nullableString, records, since, string, struct, tagged,
} from '../../schema';
import { ProduceRequest as NativeProduceRequest } from '../../messages/produce-fetch';
import { kafkaApi } from '../kafka-api';

// Produce Request (v3-9, flexible v9+) carries exactly the native request's fields
// (transactionalId acks timeoutMs [topics [partitions index records]]), so it is that definition.
/**
 * Produce Response (v3-9) => [topics] throttleTimeMs
 *   topics => name [partitions]
 *   partitions => index errorCode baseOffset logAppendTimeMs logStartOffset(v5+) [recordErrors](v8+) errorMessage(v8+)
 *   recordErrors => batchIndex batchIndexErrorMessage
 */
const ProduceResponse = struct({
  topics: array(struct({
    name: string,
    partitions: array(struct({
      index: int32,
      errorCode: int16,
      baseOffset: int64,
      logAppendTimeMs: int64,
      logStartOffset: since(5, int64, -1),
      recordErrors: since(8, array(struct({ batchIndex: int32, batchIndexErrorMessage: nullableString }, 'BatchIndexAndErrorMessage')), []),
      errorMessage: since(8, nullableString, null),
    }, 'ProducePartitionResponse')),
  }, 'ProduceTopicResponse')),
  throttleTimeMs: int32,
}, 'KafkaProduceResponse');

export const KafkaProduce = kafkaApi(0, 'Produce', { min: 3, max: 9, flexibleFrom: 9 }, NativeProduceRequest, ProduceResponse);
export type KafkaProduceResponseData = Infer<typeof ProduceResponse>;

/**
 * Fetch Request (v4-12, flexible v12+; v13+ name topics by id and are not served)
 *   => replicaId maxWaitMs minBytes maxBytes isolationLevel sessionId(v7+) sessionEpoch(v7+) [topics]
 *      [forgottenTopicsData](v7+) rackId(v11+)
 *   topics => name [partitions]
 *   partitions => partition currentLeaderEpoch(v9+) fetchOffset lastFetchedEpoch(v12+) logStartOffset(v5+) partitionMaxBytes
 *   forgottenTopicsData => name [partitions:int32]
 */
const FetchRequest = struct({
  replicaId: int32,
  maxWaitMs: int32,
  minBytes: int32,
  maxBytes: int32,
  isolationLevel: int8,
  sessionId: since(7, int32, 0),
  sessionEpoch: since(7, int32, -1),
  topics: array(struct({
    name: string,
    partitions: array(struct({
      partition: int32,
      currentLeaderEpoch: since(9, int32, -1),
      fetchOffset: int64,
      lastFetchedEpoch: since(12, int32, -1),
      logStartOffset: since(5, int64, -1),
      partitionMaxBytes: int32,
    }, 'FetchPartition')),
  }, 'FetchTopic')),
  forgottenTopicsData: since(7, array(struct({ name: string, partitions: array(int32) }, 'ForgottenTopic')), []),
  rackId: since(11, string, ''),
}, 'KafkaFetchRequest');

const EpochEndOffset = struct({ epoch: int32, endOffset: int64 }, 'EpochEndOffset');
const LeaderIdAndEpoch = struct({ leaderId: int32, leaderEpoch: int32 }, 'LeaderIdAndEpoch');
const SnapshotId = struct({ endOffset: int64, epoch: int32 }, 'SnapshotId');

/**
 * Fetch Response (v4-12) => throttleTimeMs errorCode(v7+) sessionId(v7+) [topics]
 *   topics => name [partitions]
 *   partitions => partitionIndex errorCode highWatermark lastStableOffset logStartOffset(v5+)
 *                 [abortedTransactions]? preferredReadReplica(v11+) records
 *                 tagged (v12+): 0 divergingEpoch, 1 currentLeader, 2 snapshotId
 *   abortedTransactions => producerId firstOffset
 */
const FetchResponse = struct({
  throttleTimeMs: int32,
  errorCode: since(7, int16, 0),
  sessionId: since(7, int32, 0),
  topics: array(struct({
    name: string,
    partitions: array(struct({
      partitionIndex: int32,
      errorCode: int16,
      highWatermark: int64,
      lastStableOffset: int64,
      logStartOffset: since(5, int64, -1),
      divergingEpoch: tagged(0, EpochEndOffset, null, 12),
      currentLeader: tagged(1, LeaderIdAndEpoch, null, 12),
      snapshotId: tagged(2, SnapshotId, null, 12),
      abortedTransactions: nullableArray(struct({ producerId: int64, firstOffset: int64 }, 'AbortedTransaction')),
      preferredReadReplica: since(11, int32, -1),
      records,
    }, 'FetchPartitionResponse')),
  }, 'FetchTopicResponse')),
}, 'KafkaFetchResponse');

export const KafkaFetch = kafkaApi(1, 'Fetch', { min: 4, max: 12, flexibleFrom: 12 }, FetchRequest, FetchResponse);

/**
 * ListOffsets Request (v1-5; flexible from v6, not served) => replicaId isolationLevel(v2+) [topics]
 *   topics => name [partitions]
 *   partitions => partitionIndex currentLeaderEpoch(v4+) timestamp
 */
const ListOffsetsRequest = struct({
  replicaId: int32,
  isolationLevel: since(2, int8, 0),
  topics: array(struct({
    name: string,
    partitions: array(struct({ partitionIndex: int32, currentLeaderEpoch: since(4, int32, -1), timestamp: int64 }, 'ListOffsetsPartition')),
  }, 'ListOffsetsTopic')),
}, 'KafkaListOffsetsRequest');

/**
 * ListOffsets Response (v1-5) => throttleTimeMs(v2+) [topics]
 *   topics => name [partitions]
 *   partitions => partitionIndex errorCode timestamp offset leaderEpoch(v4+)
 */
const ListOffsetsResponse = struct({
  throttleTimeMs: since(2, int32, 0),
  topics: array(struct({
    name: string,
    partitions: array(struct({
      partitionIndex: int32,
      errorCode: int16,
      timestamp: int64,
      offset: int64,
      leaderEpoch: since(4, int32, -1),
    }, 'ListOffsetsPartitionResponse')),
  }, 'ListOffsetsTopicResponse')),
}, 'KafkaListOffsetsResponse');

export const KafkaListOffsets = kafkaApi(2, 'ListOffsets', { min: 1, max: 5 }, ListOffsetsRequest, ListOffsetsResponse);
