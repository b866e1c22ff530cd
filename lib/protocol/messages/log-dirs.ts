/**
 * DescribeLogDirs (key 35, KIP-113): every log directory of the broker it reaches, whether it
 * failed, and the replicas each holds with their sizes. The native protocol and the Kafka listener
 * carry the same fields (Kafka 2.8 serves v0-2, flexible from v2).
 */
import { array, boolean, Infer, int16, int32, int64, nullableArray, string, struct } from '../schema';

/**
 * DescribeLogDirs Request => [topics]?
 *   topics => topic [partitionIndex]
 * A null list asks for every replica in every directory; an empty one for the directories only.
 */
export const DescribeLogDirsRequest = struct({
  topics: nullableArray(struct({ topic: string, partitionIndex: array(int32) }, 'DescribableLogDirTopic')),
}, 'DescribeLogDirsRequest');

/**
 * DescribeLogDirs Response => throttleTimeMs [results]
 *   results => errorCode logDir [topics]
 *   topics => name [partitions]
 *   partitions => partitionIndex partitionSize offsetLag isFutureKey
 * errorCode KAFKA_STORAGE_ERROR marks a directory that failed (its topics are then empty).
 * offsetLag: for a future replica, how far it is behind the current one; -1 when unknown.
 */
export const DescribeLogDirsResponse = struct({
  throttleTimeMs: int32,
  results: array(struct({
    errorCode: int16,
    logDir: string,
    topics: array(struct({
      name: string,
      partitions: array(struct({
        partitionIndex: int32,
        partitionSize: int64,
        offsetLag: int64,
        isFutureKey: boolean,
      }, 'DescribeLogDirsPartition')),
    }, 'DescribeLogDirsTopic')),
  }, 'DescribeLogDirsResult')),
}, 'DescribeLogDirsResponse');

export type DescribeLogDirsRequestData = Infer<typeof DescribeLogDirsRequest>;
export type DescribeLogDirsResponseData = Infer<typeof DescribeLogDirsResponse>;
