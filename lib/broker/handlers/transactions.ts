/**
 * The transaction coordinator's APIs (native listener; the Kafka listener's adapters call these
 * too): AddPartitionsToTxn, AddOffsetsToTxn, EndTxn, DescribeTransactions and ListTransactions.
 * The coordinator (lib/transaction/) decides; these check access as Kafka's KafkaApis does:
 * Write on the transactional id for the first three, Write on each topic added, Read on the
 * group whose offsets are added, Describe on the transactional id to describe or list it.
 */
import { OFFSETS_TOPIC } from '../../group/offsets-log';
import { ErrorCode } from '../../protocol/errors';
import {
  AddOffsetsToTxnRequest, AddOffsetsToTxnResponse, AddPartitionsToTxnRequest, AddPartitionsToTxnResponse, DescribeTransactionsRequest,
  DescribeTransactionsResponse, EndTxnRequest, EndTxnResponse, ListTransactionsRequest, ListTransactionsResponse,
} from '../../protocol/messages/transactions';
import { Infer } from '../../protocol/schema';
import { groupByTopic } from '../../transaction/txn-log-records';
import { authorize, authorizedNames } from '../authorize';
import { BrokerContext } from '../broker-context';
import { Handler } from '../request-context';

type AddPartitionsResponse = Infer<typeof AddPartitionsToTxnResponse>;
const NOT_AVAILABLE = ErrorCode.COORDINATOR_NOT_AVAILABLE.code;
const TXN_DENIED = ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED.code;

function eachPartition(topics: ReadonlyArray<{ name: string; partitions: number[] }>, code: (topic: string, partition: number) => number): AddPartitionsResponse {
  return {
    throttleTimeMs: 0,
    results: topics.map((t) => ({ name: t.name, results: t.partitions.map((partitionIndex) => ({ partitionIndex, errorCode: code(t.name, partitionIndex) })) })),
  };
}

export function addPartitionsToTxnHandler(ctx: BrokerContext): Handler<Infer<typeof AddPartitionsToTxnRequest>, AddPartitionsResponse> {
  return async (req, rc) => {
    if (!authorize(ctx, rc, 'Write', 'TransactionalId', req.transactionalId)) return eachPartition(req.topics, () => TXN_DENIED);
    const allowed = authorizedNames(ctx, rc, 'Write', 'Topic', req.topics.map((t) => t.name));
    const refusal = (topic: string, partition: number): number | null => {
      if (!allowed.has(topic)) return ErrorCode.TOPIC_AUTHORIZATION_FAILED.code;
      const partitions = ctx.metadata.partitions(topic);
      if (!partitions || !Number.isInteger(partition) || partition < 0 || partition >= partitions.length) return ErrorCode.UNKNOWN_TOPIC_OR_PARTITION.code;
      return null;
    };
    // Kafka refuses the whole request when any partition is refused, marking the rest not attempted.
    if (req.topics.some((t) => t.partitions.some((p) => refusal(t.name, p) !== null))) {
      return eachPartition(req.topics, (t, p) => refusal(t, p) ?? ErrorCode.OPERATION_NOT_ATTEMPTED.code);
    }
    const txn = ctx.transactions;
    const partitions = req.topics.flatMap((t) => t.partitions.map((partition) => ({ topic: t.name, partition })));
    const code = txn ? await txn.ops.addPartitions(req.transactionalId, req.producerId, req.producerEpoch, partitions) : NOT_AVAILABLE;
    return eachPartition(req.topics, () => code);
  };
}

export function addOffsetsToTxnHandler(ctx: BrokerContext): Handler<Infer<typeof AddOffsetsToTxnRequest>, Infer<typeof AddOffsetsToTxnResponse>> {
  return async (req, rc) => {
    const answer = (errorCode: number) => ({ throttleTimeMs: 0, errorCode });
    if (!authorize(ctx, rc, 'Write', 'TransactionalId', req.transactionalId)) return answer(TXN_DENIED);
    if (!authorize(ctx, rc, 'Read', 'Group', req.groupId)) return answer(ErrorCode.GROUP_AUTHORIZATION_FAILED.code);
    const txn = ctx.transactions;
    if (!txn) return answer(NOT_AVAILABLE);
    // The group's offsets live in its __consumer_offsets partition, which gets the transaction's marker.
    const partition = ctx.groups.offsetsTopic.partitionFor(req.groupId);
    return answer(await txn.ops.addPartitions(req.transactionalId, req.producerId, req.producerEpoch, [{ topic: OFFSETS_TOPIC, partition }]));
  };
}

export function endTxnHandler(ctx: BrokerContext): Handler<Infer<typeof EndTxnRequest>, Infer<typeof EndTxnResponse>> {
  return async (req, rc) => {
    const answer = (errorCode: number) => ({ throttleTimeMs: 0, errorCode });
    if (!authorize(ctx, rc, 'Write', 'TransactionalId', req.transactionalId)) return answer(TXN_DENIED);
    const txn = ctx.transactions;
    if (!txn) return answer(NOT_AVAILABLE);
    if (req.transactionalId === '') return answer(ErrorCode.INVALID_REQUEST.code);
    return answer(await txn.ops.endTransaction(req.transactionalId, req.producerId, req.producerEpoch, req.committed, true));
  };
}

type DescribedState = Infer<typeof DescribeTransactionsResponse>['transactionStates'][number];

export function describeTransactionsHandler(ctx: BrokerContext): Handler<Infer<typeof DescribeTransactionsRequest>, Infer<typeof DescribeTransactionsResponse>> {
  return (req, rc) => {
    const describeOne = (transactionalId: string): DescribedState => {
      const none = (errorCode: number): DescribedState => ({
        errorCode, transactionalId, transactionState: '', transactionTimeoutMs: 0, transactionStartTimeMs: -1, producerId: -1, producerEpoch: -1, topics: [],
      });
      if (!authorize(ctx, rc, 'Describe', 'TransactionalId', transactionalId)) return none(TXN_DENIED);
      if (!ctx.transactions) return none(NOT_AVAILABLE);
      const { errorCode, metadata: m } = ctx.transactions.describe(transactionalId);
      if (m === null) return none(errorCode);
      return {
        errorCode, transactionalId, transactionState: m.state, transactionTimeoutMs: m.txnTimeoutMs, transactionStartTimeMs: m.txnStartTimestamp,
        producerId: m.producerId, producerEpoch: m.producerEpoch, topics: groupByTopic(m.partitions),
      };
    };
    return { throttleTimeMs: 0, transactionStates: req.transactionalIds.map(describeOne) };
  };
}

export function listTransactionsHandler(ctx: BrokerContext): Handler<Infer<typeof ListTransactionsRequest>, Infer<typeof ListTransactionsResponse>> {
  return (req, rc) => {
    if (!ctx.transactions) return { throttleTimeMs: 0, errorCode: NOT_AVAILABLE, unknownStateFilters: [], transactionStates: [] };
    const listed = ctx.transactions.list(req.stateFilters, req.producerIdFilters);
    return {
      throttleTimeMs: 0, errorCode: listed.errorCode, unknownStateFilters: listed.unknownStateFilters,
      // As Kafka: only the ids the principal may Describe, and no audit line for the others.
      transactionStates: listed.transactions
        .filter((m) => authorize(ctx, rc, 'Describe', 'TransactionalId', m.transactionalId, { logIfDenied: false }))
        .map((m) => ({ transactionalId: m.transactionalId, producerId: m.producerId, transactionState: m.state })),
    };
  };
}
