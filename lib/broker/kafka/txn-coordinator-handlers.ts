/**
 * The transaction coordinator's APIs on the Kafka listener, over the native handlers
 * (lib/broker/handlers/transactions.ts): the same fields at every version, with Kafka's one
 * version-dependent answer: clients older than KIP-588 get INVALID_PRODUCER_EPOCH where newer
 * ones get PRODUCER_FENCED.
 */
import { Api } from '../../protocol/api';
import { ErrorCode } from '../../protocol/errors';
import {
  KafkaAddOffsetsToTxn, KafkaAddPartitionsToTxn, KafkaDescribeTransactions, KafkaEndTxn, KafkaListTransactions, PRODUCER_FENCED_SINCE,
} from '../../protocol/kafka/messages/txn-coordinator';
import { ApiDispatcher } from '../api-dispatcher';
import { KafkaDispatcher } from './kafka-dispatcher';
import { callNative, nativeHandler } from './native-handlers';

/** Kafka's KafkaApis mapping for clients that predate PRODUCER_FENCED. */
export function fencedErrorFor(errorCode: number, version: number, since: number): number {
  return errorCode === ErrorCode.PRODUCER_FENCED.code && version < since ? ErrorCode.INVALID_PRODUCER_EPOCH.code : errorCode;
}

export function registerTxnCoordinatorApis(kafka: KafkaDispatcher, native: ApiDispatcher): void {
  const addPartitions = nativeHandler(native, Api.AddPartitionsToTxn);
  const addOffsets = nativeHandler(native, Api.AddOffsetsToTxn);
  const endTxn = nativeHandler(native, Api.EndTxn);
  const describe = nativeHandler(native, Api.DescribeTransactions);
  const list = nativeHandler(native, Api.ListTransactions);
  kafka
    .register(KafkaAddPartitionsToTxn, async (req, ctx) => {
      const answer = await callNative(addPartitions, req, ctx);
      const version = ctx.header.apiVersion;
      return {
        ...answer,
        results: answer.results.map((t) => ({
          ...t, results: t.results.map((p) => ({ ...p, errorCode: fencedErrorFor(p.errorCode, version, PRODUCER_FENCED_SINCE.AddPartitionsToTxn) })),
        })),
      };
    }, (req, errorCode) => ({
      throttleTimeMs: 0,
      results: req.topics.map((t) => ({ name: t.name, results: t.partitions.map((partitionIndex) => ({ partitionIndex, errorCode })) })),
    }))
    .register(KafkaAddOffsetsToTxn, async (req, ctx) => {
      const answer = await callNative(addOffsets, req, ctx);
      return { ...answer, errorCode: fencedErrorFor(answer.errorCode, ctx.header.apiVersion, PRODUCER_FENCED_SINCE.AddOffsetsToTxn) };
    }, (_req, errorCode) => ({ throttleTimeMs: 0, errorCode }))
    .register(KafkaEndTxn, async (req, ctx) => {
      const answer = await callNative(endTxn, req, ctx);
      return { ...answer, errorCode: fencedErrorFor(answer.errorCode, ctx.header.apiVersion, PRODUCER_FENCED_SINCE.EndTxn) };
    }, (_req, errorCode) => ({ throttleTimeMs: 0, errorCode }))
    .register(KafkaDescribeTransactions, (req, ctx) => callNative(describe, req, ctx), (req, errorCode) => ({
      throttleTimeMs: 0,
      transactionStates: req.transactionalIds.map((transactionalId) => ({
        errorCode, transactionalId, transactionState: '', transactionTimeoutMs: 0, transactionStartTimeMs: -1, producerId: -1, producerEpoch: -1, topics: [],
      })),
    }))
    .register(KafkaListTransactions, (req, ctx) => callNative(list, req, ctx),
      (_req, errorCode) => ({ throttleTimeMs: 0, errorCode, unknownStateFilters: [], transactionStates: [] }));
}
