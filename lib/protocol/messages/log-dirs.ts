/**
 * Log directory administration (KIP-113): DescribeLogDirs (key 35) reports every log directory of
 * the broker it reaches, whether it failed, and the replicas each holds with their sizes;
 * AlterReplicaLogDirs (key 34) moves replicas to another directory of that broker. The native
 * protocol and the Kafka listener carry the same fields (Kafka 2.8: DescribeLogDirs v0-2,
 * flexible from v2; AlterReplicaLogDirs v0-1).
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

/**
 * AlterReplicaLogDirs Request => [dirs]
 *   dirs => path [topics]
 *   topics => name [partitions]
 * Each named replica of this broker moves to `path`, which must be one of its log.dirs.
 */
export const AlterReplicaLogDirsRequest = struct({
  dirs: array(struct({
    path: string,
    topics: array(struct({ name: string, partitions: array(int32) }, 'AlterReplicaLogDirTopic')),
  }, 'AlterReplicaLogDir')),
}, 'AlterReplicaLogDirsRequest');

/**
 * AlterReplicaLogDirs Response => throttleTimeMs [results]
 *   results => topicName [partitions]
 *   partitions => partitionIndex errorCode
 */
export const AlterReplicaLogDirsResponse = struct({
  throttleTimeMs: int32,
  results: array(struct({
    topicName: string,
    partitions: array(struct({ partitionIndex: int32, errorCode: int16 }, 'AlterReplicaLogDirPartitionResult')),
  }, 'AlterReplicaLogDirTopicResult')),
}, 'AlterReplicaLogDirsResponse');

export type AlterReplicaLogDirsRequestData = Infer<typeof AlterReplicaLogDirsRequest>;
export type AlterReplicaLogDirsResponseData = Infer<typeof AlterReplicaLogDirsResponse>;
export type DescribeLogDirsRequestData = Infer<typeof DescribeLogDirsRequest>;
export type DescribeLogDirsResponseData = Infer<typeof DescribeLogDirsResponse>;
