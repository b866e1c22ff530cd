/** Replication between brokers beyond Fetch: OffsetForLeaderEpoch, which followers use to find where their log diverges. */
import { array, int16, int32, int64, string, struct, Infer } from '../schema';

/**
 * OffsetForLeaderEpoch Request (v0) => replicaId [topics]
 *   topics => name [partitions]
 *   partitions => partition currentLeaderEpoch leaderEpoch
 */
export const OffsetForLeaderEpochRequest = struct({
  replicaId: int32,
  topics: array(struct({
    name: string,
    partitions: array(struct({ partition: int32, currentLeaderEpoch: int32, leaderEpoch: int32 }, 'OffsetForLeaderPartition')),
  }, 'OffsetForLeaderTopic')),
}, 'OffsetForLeaderEpochRequest');

/**
 * OffsetForLeaderEpoch Response (v0) => throttleTimeMs [topics]
 *   topics => name [partitions]
 *   partitions => errorCode partition leaderEpoch endOffset
 */
export const OffsetForLeaderEpochResponse = struct({
  throttleTimeMs: int32,
  topics: array(struct({
    name: string,
    partitions: array(struct({ errorCode: int16, partition: int32, leaderEpoch: int32, endOffset: int64 }, 'EpochEndOffset')),
  }, 'OffsetForLeaderTopicResult')),
}, 'OffsetForLeaderEpochResponse');

/** leaderEpoch / endOffset in an answer when the leader has no epoch at or below the one asked for. */
export const UNDEFINED_EPOCH = -1;
export const UNDEFINED_EPOCH_OFFSET = -1;

export type OffsetForLeaderEpochRequestData = Infer<typeof OffsetForLeaderEpochRequest>;
export type OffsetForLeaderEpochResponseData = Infer<typeof OffsetForLeaderEpochResponse>;
