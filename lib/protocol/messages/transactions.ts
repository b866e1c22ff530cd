/**
 * The transaction APIs (KIP-98), native listener: a transactional producer adds partitions and a
 * group's offsets to its transaction at the transaction coordinator and ends it there; the
 * coordinator writes the commit/abort markers through WriteTxnMarkers to every partition leader;
 * TxnOffsetCommit stages offsets at the group coordinator until the marker on __consumer_offsets
 * lands. DescribeTransactions and ListTransactions (KIP-664) serve `samsa-transactions`.
 * Keys and field orders are Kafka's; every native version here is v0 with Kafka's latest fields.
 */
import { array, boolean, int16, int32, int64, nullableString, string, struct } from '../schema';

/** AddPartitionsToTxn Request (v0) => transactionalId producerId producerEpoch [topics [partitions]] */
export const AddPartitionsToTxnRequest = struct({
  transactionalId: string,
  producerId: int64,
  producerEpoch: int16,
  topics: array(struct({ name: string, partitions: array(int32) }, 'AddPartitionsToTxnTopic')),
}, 'AddPartitionsToTxnRequest');

/** AddPartitionsToTxn Response (v0) => throttleTimeMs [results [partitionIndex errorCode]] */
export const AddPartitionsToTxnResponse = struct({
  throttleTimeMs: int32,
  results: array(struct({
    name: string,
    results: array(struct({ partitionIndex: int32, errorCode: int16 }, 'AddPartitionsToTxnPartitionResult')),
  }, 'AddPartitionsToTxnTopicResult')),
}, 'AddPartitionsToTxnResponse');

/** AddOffsetsToTxn Request (v0) => transactionalId producerId producerEpoch groupId */
export const AddOffsetsToTxnRequest = struct({
  transactionalId: string,
  producerId: int64,
  producerEpoch: int16,
  groupId: string,
}, 'AddOffsetsToTxnRequest');

/** AddOffsetsToTxn Response (v0) => throttleTimeMs errorCode */
export const AddOffsetsToTxnResponse = struct({ throttleTimeMs: int32, errorCode: int16 }, 'AddOffsetsToTxnResponse');

/** EndTxn Request (v0) => transactionalId producerId producerEpoch committed (true = commit, false = abort) */
export const EndTxnRequest = struct({
  transactionalId: string,
  producerId: int64,
  producerEpoch: int16,
  committed: boolean,
}, 'EndTxnRequest');

/** EndTxn Response (v0) => throttleTimeMs errorCode */
export const EndTxnResponse = struct({ throttleTimeMs: int32, errorCode: int16 }, 'EndTxnResponse');

/**
 * WriteTxnMarkers Request (v0) => [markers]  (coordinator → partition leaders; also `samsa-transactions --abort`)
 *   markers => producerId producerEpoch transactionResult [topics [partitionIndexes]] coordinatorEpoch
 *   transactionResult: true = commit, false = abort
 */
export const WriteTxnMarkersRequest = struct({
  markers: array(struct({
    producerId: int64,
    producerEpoch: int16,
    transactionResult: boolean,
    topics: array(struct({ name: string, partitionIndexes: array(int32) }, 'WritableTxnMarkerTopic')),
    coordinatorEpoch: int32,
  }, 'WritableTxnMarker')),
}, 'WriteTxnMarkersRequest');

/** WriteTxnMarkers Response (v0) => [markers [producerId [topics [partitions [partitionIndex errorCode]]]]] */
export const WriteTxnMarkersResponse = struct({
  markers: array(struct({
    producerId: int64,
    topics: array(struct({
      name: string,
      partitions: array(struct({ partitionIndex: int32, errorCode: int16 }, 'WritableTxnMarkerPartitionResult')),
    }, 'WritableTxnMarkerTopicResult')),
  }, 'WritableTxnMarkerResult')),
}, 'WriteTxnMarkersResponse');

/**
 * TxnOffsetCommit Request (v0) => transactionalId groupId producerId producerEpoch generationId memberId
 *                                 groupInstanceId [topics]
 *   topics => name [partitions [partitionIndex committedOffset committedLeaderEpoch committedMetadata]]
 * generationId -1 / memberId '' when the producer does not know the group's generation (Kafka's v0-2).
 */
export const TxnOffsetCommitRequest = struct({
  transactionalId: string,
  groupId: string,
  producerId: int64,
  producerEpoch: int16,
  generationId: int32,
  memberId: string,
  groupInstanceId: nullableString,
  topics: array(struct({
    name: string,
    partitions: array(struct({
      partitionIndex: int32,
      committedOffset: int64,
      committedLeaderEpoch: int32,
      committedMetadata: nullableString,
    }, 'TxnOffsetCommitRequestPartition')),
  }, 'TxnOffsetCommitRequestTopic')),
}, 'TxnOffsetCommitRequest');

/** TxnOffsetCommit Response (v0) => throttleTimeMs [topics [partitions [partitionIndex errorCode]]] */
export const TxnOffsetCommitResponse = struct({
  throttleTimeMs: int32,
  topics: array(struct({
    name: string,
    partitions: array(struct({ partitionIndex: int32, errorCode: int16 }, 'TxnOffsetCommitResponsePartition')),
  }, 'TxnOffsetCommitResponseTopic')),
}, 'TxnOffsetCommitResponse');

/** DescribeTransactions Request (v0) => [transactionalIds] */
export const DescribeTransactionsRequest = struct({ transactionalIds: array(string) }, 'DescribeTransactionsRequest');

/**
 * DescribeTransactions Response (v0) => throttleTimeMs [transactionStates]
 *   transactionStates => errorCode transactionalId transactionState transactionTimeoutMs transactionStartTimeMs
 *                        producerId producerEpoch [topics [partitions]]
 * transactionState is Kafka's state name (Empty, Ongoing, PrepareCommit, ...); transactionStartTimeMs -1 when none.
 */
export const DescribeTransactionsResponse = struct({
  throttleTimeMs: int32,
  transactionStates: array(struct({
    errorCode: int16,
    transactionalId: string,
    transactionState: string,
    transactionTimeoutMs: int32,
    transactionStartTimeMs: int64,
    producerId: int64,
    producerEpoch: int16,
    topics: array(struct({ topic: string, partitions: array(int32) }, 'TopicData')),
  }, 'TransactionState')),
}, 'DescribeTransactionsResponse');

/** ListTransactions Request (v0) => [stateFilters] [producerIdFilters]  (empty = no filter) */
export const ListTransactionsRequest = struct({
  stateFilters: array(string),
  producerIdFilters: array(int64),
}, 'ListTransactionsRequest');

/** ListTransactions Response (v0) => throttleTimeMs errorCode [unknownStateFilters] [transactionStates [transactionalId producerId transactionState]] */
export const ListTransactionsResponse = struct({
  throttleTimeMs: int32,
  errorCode: int16,
  unknownStateFilters: array(string),
  transactionStates: array(struct({
    transactionalId: string,
    producerId: int64,
    transactionState: string,
  }, 'ListedTransactionState')),
}, 'ListTransactionsResponse');

/** DescribeProducers Request (v0) => [topics [name partitionIndexes]]  (KIP-664; partition leaders answer) */
export const DescribeProducersRequest = struct({
  topics: array(struct({ name: string, partitionIndexes: array(int32) }, 'DescribeProducersTopicRequest')),
}, 'DescribeProducersRequest');

/**
 * DescribeProducers Response (v0) => throttleTimeMs [topics [name [partitions]]]
 *   partitions => partitionIndex errorCode errorMessage [activeProducers]
 *   activeProducers => producerId producerEpoch lastSequence lastTimestamp coordinatorEpoch currentTxnStartOffset
 * currentTxnStartOffset is -1 when the producer has no open transaction on the partition.
 */
export const DescribeProducersResponse = struct({
  throttleTimeMs: int32,
  topics: array(struct({
    name: string,
    partitions: array(struct({
      partitionIndex: int32,
      errorCode: int16,
      errorMessage: nullableString,
      activeProducers: array(struct({
        producerId: int64,
        producerEpoch: int32,
        lastSequence: int32,
        lastTimestamp: int64,
        coordinatorEpoch: int32,
        currentTxnStartOffset: int64,
      }, 'ProducerState')),
    }, 'DescribeProducersPartitionResponse')),
  }, 'DescribeProducersTopicResponse')),
}, 'DescribeProducersResponse');
