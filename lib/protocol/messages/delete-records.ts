/**
 * DeleteRecords (key 21): an operator moves the log start offset of partitions forward, so every
 * record below it is gone for readers (samsa-delete-records, Admin.deleteRecords). Served by each
 * partition's leader, which answers once every live replica's log start reached the new offset.
 * The same fields as Kafka's message; the Kafka listener serves them as they are.
 */
import { array, int16, int32, int64, string, struct, Infer } from '../schema';

/** The offset asking for "delete up to the high watermark", as in Kafka. */
export const DELETE_TO_HIGH_WATERMARK = -1;

/**
 * DeleteRecords Request (v0) => [topics] timeoutMs
 *   topics => name [partitions]
 *   partitions => partitionIndex offset
 */
export const DeleteRecordsRequest = struct({
  topics: array(struct({
    name: string,
    partitions: array(struct({ partitionIndex: int32, offset: int64 }, 'DeleteRecordsPartition')),
  }, 'DeleteRecordsTopic')),
  timeoutMs: int32,
}, 'DeleteRecordsRequest');

/**
 * DeleteRecords Response (v0) => throttleTimeMs [topics]
 *   topics => name [partitions]
 *   partitions => partitionIndex lowWatermark errorCode
 */
export const DeleteRecordsResponse = struct({
  throttleTimeMs: int32,
  topics: array(struct({
    name: string,
    partitions: array(struct({ partitionIndex: int32, lowWatermark: int64, errorCode: int16 }, 'DeleteRecordsPartitionResult')),
  }, 'DeleteRecordsTopicResult')),
}, 'DeleteRecordsResponse');

export type DeleteRecordsRequestData = Infer<typeof DeleteRecordsRequest>;
export type DeleteRecordsResponseData = Infer<typeof DeleteRecordsResponse>;
