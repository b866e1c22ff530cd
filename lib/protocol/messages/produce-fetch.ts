/** Produce, Fetch and ListOffsets: the data path. Record batches travel as opaque `records` bytes. */
import { array, int16, int32, int64, int8, nullableArray, nullableString, records, since, string, struct, Infer } from '../schema';

/**
 * Produce Request (v0) => transactionalId acks timeoutMs [topics]
 *   topics => name [partitions]
 *   partitions => index records
 */
export const ProduceRequest = struct({
  transactionalId: nullableString,
  acks: int16,
  timeoutMs: int32,
  topics: array(struct({
    name: string,
    partitions: array(struct({ index: int32, records }, 'ProducePartition')),
  }, 'ProduceTopic')),
}, 'ProduceRequest');

/**
 * Produce Response (v0) => [topics] throttleTimeMs
 *   topics => name [partitions]
 *   partitions => index errorCode baseOffset logAppendTimeMs logStartOffset errorMessage
 */
export const ProduceResponse = struct({
  topics: array(struct({
    name: string,
    partitions: array(struct({
      index: int32,
      errorCode: int16,
      baseOffset: int64,
      logAppendTimeMs: int64,
      logStartOffset: int64,
      errorMessage: nullableString,
    }, 'ProducePartitionResponse')),
  }, 'ProduceTopicResponse')),
  throttleTimeMs: int32,
}, 'ProduceResponse');

/**
 * Fetch Request (v0) => replicaId maxWaitMs minBytes maxBytes isolationLevel [topics]
 *   topics => name [partitions]
 *   partitions => partition currentLeaderEpoch fetchOffset logStartOffset partitionMaxBytes
 */
export const FetchRequest = struct({
  replicaId: int32,
  maxWaitMs: int32,
  minBytes: int32,
  maxBytes: int32,
  isolationLevel: int8,
  topics: array(struct({
    name: string,
    partitions: array(struct({
      partition: int32,
      currentLeaderEpoch: int32,
      fetchOffset: int64,
      logStartOffset: int64,
      partitionMaxBytes: int32,
    }, 'FetchPartition')),
  }, 'FetchTopic')),
}, 'FetchRequest');

/**
 * Fetch Response (v0-1) => throttleTimeMs errorCode [topics]
 *   topics => name [partitions]
 *   partitions => partitionIndex errorCode highWatermark lastStableOffset logStartOffset abortedTransactions(v1+) records
 *   abortedTransactions => producerId firstOffset   (null under read_uncommitted; read_committed: the aborted
 *                          transactions overlapping the returned range, as Kafka's Fetch v4+)
 */
export const FetchResponse = struct({
  throttleTimeMs: int32,
  errorCode: int16,
  topics: array(struct({
    name: string,
    partitions: array(struct({
      partitionIndex: int32,
      errorCode: int16,
      highWatermark: int64,
      lastStableOffset: int64,
      logStartOffset: int64,
      abortedTransactions: since(1, nullableArray(struct({ producerId: int64, firstOffset: int64 }, 'AbortedTransaction')), null),
      records,
    }, 'FetchPartitionResponse')),
  }, 'FetchTopicResponse')),
}, 'FetchResponse');

/**
 * ListOffsets Request (v0) => replicaId isolationLevel [topics]
 *   topics => name [partitions]
 *   partitions => partitionIndex currentLeaderEpoch timestamp   (timestamp -1 = latest, -2 = earliest)
 */
export const ListOffsetsRequest = struct({
  replicaId: int32,
  isolationLevel: int8,
  topics: array(struct({
    name: string,
    partitions: array(struct({ partitionIndex: int32, currentLeaderEpoch: int32, timestamp: int64 }, 'ListOffsetsPartition')),
  }, 'ListOffsetsTopic')),
}, 'ListOffsetsRequest');

/**
 * ListOffsets Response (v0) => throttleTimeMs [topics]
 *   topics => name [partitions]
 *   partitions => partitionIndex errorCode timestamp offset leaderEpoch
 */
export const ListOffsetsResponse = struct({
  throttleTimeMs: int32,
  topics: array(struct({
    name: string,
    partitions: array(struct({
      partitionIndex: int32,
      errorCode: int16,
      timestamp: int64,
      offset: int64,
      leaderEpoch: int32,
    }, 'ListOffsetsPartitionResponse')),
  }, 'ListOffsetsTopicResponse')),
}, 'ListOffsetsResponse');

export const LATEST_TIMESTAMP = -1;
export const EARLIEST_TIMESTAMP = -2;
/** replicaId sent by ordinary consumers; followers send their broker id. */
export const CONSUMER_REPLICA_ID = -1;

export type ProduceRequestData = Infer<typeof ProduceRequest>;
export type ProduceResponseData = Infer<typeof ProduceResponse>;
export type FetchRequestData = Infer<typeof FetchRequest>;
export type FetchResponseData = Infer<typeof FetchResponse>;
export type ListOffsetsRequestData = Infer<typeof ListOffsetsRequest>;
export type ListOffsetsResponseData = Infer<typeof ListOffsetsResponse>;
