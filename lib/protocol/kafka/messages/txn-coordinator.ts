/**
 * Kafka's transaction coordinator APIs on the Kafka listener, with Kafka 2.8's version ranges:
 * AddPartitionsToTxn (key 24, v0-3), AddOffsetsToTxn (25, v0-3) and EndTxn (26, v0-3), flexible
 * from v3; DescribeTransactions (65) and ListTransactions (66) are Kafka 3.0's (KIP-664), v0
 * and flexible. Every version of each has the same fields as the native message
 * (lib/protocol/messages/transactions.ts), whose schemas are reused: the versions differ only in
 * encoding and in PRODUCER_FENCED being answered as INVALID_PRODUCER_EPOCH before v2 (KIP-588).
 */
import {
  AddOffsetsToTxnRequest, AddOffsetsToTxnResponse, AddPartitionsToTxnRequest, AddPartitionsToTxnResponse, DescribeTransactionsRequest,
  DescribeTransactionsResponse, EndTxnRequest, EndTxnResponse, ListTransactionsRequest, ListTransactionsResponse,
} from '../../messages/transactions';
import { kafkaApi } from '../kafka-api';

export const KafkaAddPartitionsToTxn = kafkaApi(24, 'AddPartitionsToTxn', { min: 0, max: 3, flexibleFrom: 3 }, AddPartitionsToTxnRequest, AddPartitionsToTxnResponse);
export const KafkaAddOffsetsToTxn = kafkaApi(25, 'AddOffsetsToTxn', { min: 0, max: 3, flexibleFrom: 3 }, AddOffsetsToTxnRequest, AddOffsetsToTxnResponse);
export const KafkaEndTxn = kafkaApi(26, 'EndTxn', { min: 0, max: 3, flexibleFrom: 3 }, EndTxnRequest, EndTxnResponse);
export const KafkaDescribeTransactions = kafkaApi(65, 'DescribeTransactions', { min: 0, max: 0, flexibleFrom: 0 }, DescribeTransactionsRequest, DescribeTransactionsResponse);
export const KafkaListTransactions = kafkaApi(66, 'ListTransactions', { min: 0, max: 0, flexibleFrom: 0 }, ListTransactionsRequest, ListTransactionsResponse);

/** First versions that understand PRODUCER_FENCED (KIP-588): older clients get INVALID_PRODUCER_EPOCH. */
export const PRODUCER_FENCED_SINCE = { InitProducerId: 4, AddPartitionsToTxn: 2, AddOffsetsToTxn: 2, EndTxn: 2 } as const;
