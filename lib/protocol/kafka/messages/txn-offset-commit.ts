/**
 * Kafka's TxnOffsetCommit (key 28) on the Kafka listener: a transactional producer's offsets for a
 * group, pending at the group coordinator until the transaction's marker. Field names are the
 * native message's (lib/protocol/messages/transactions.ts).
 */
import { array, int16, int32, int64, nullableString, since, string, struct } from '../../schema';
import { kafkaApi } from '../kafka-api';

/**
 * TxnOffsetCommit Request (v0-3, flexible v3+)
 *   => transactionalId groupId producerId producerEpoch generationId(v3+) memberId(v3+) groupInstanceId(v3+) [topics]
 *   topics => name [partitions]
 *   partitions => partitionIndex committedOffset committedLeaderEpoch(v2+) committedMetadata
 */
const TxnOffsetCommitRequest = struct({
  transactionalId: string,
  groupId: string,
  producerId: int64,
  producerEpoch: int16,
  generationId: since(3, int32, -1),
  memberId: since(3, string, ''),
  groupInstanceId: since(3, nullableString, null),
  topics: array(struct({
    name: string,
    partitions: array(struct({
      partitionIndex: int32,
      committedOffset: int64,
      committedLeaderEpoch: since(2, int32, -1),
      committedMetadata: nullableString,
    }, 'KafkaTxnOffsetCommitRequestPartition')),
  }, 'KafkaTxnOffsetCommitRequestTopic')),
}, 'KafkaTxnOffsetCommitRequest');

/** TxnOffsetCommit Response (v0-3) => throttleTimeMs [topics [name [partitions [partitionIndex errorCode]]]] */
const TxnOffsetCommitResponse = struct({
  throttleTimeMs: int32,
  topics: array(struct({
    name: string,
    partitions: array(struct({ partitionIndex: int32, errorCode: int16 }, 'KafkaTxnOffsetCommitResponsePartition')),
  }, 'KafkaTxnOffsetCommitResponseTopic')),
}, 'KafkaTxnOffsetCommitResponse');

export const KafkaTxnOffsetCommit = kafkaApi(28, 'TxnOffsetCommit', { min: 0, max: 3, flexibleFrom: 3 }, TxnOffsetCommitRequest, TxnOffsetCommitResponse);
