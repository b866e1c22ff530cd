/**
 * The partition-leader side of Kafka's transactions on the Kafka listener: WriteTxnMarkers (key 27,
 * coordinator → leaders, KIP-98; v0-1, flexible from v1, as in Kafka 2.8) and DescribeProducers
 * (key 61, KIP-664; v0, flexible). Every version carries the native message's fields
 * (lib/protocol/messages/transactions.ts), so each is that definition.
 */
import { DescribeProducersRequest, DescribeProducersResponse, WriteTxnMarkersRequest, WriteTxnMarkersResponse } from '../../messages/transactions';
import { kafkaApi } from '../kafka-api';

export const KafkaWriteTxnMarkers = kafkaApi(27, 'WriteTxnMarkers', { min: 0, max: 1, flexibleFrom: 1 }, WriteTxnMarkersRequest, WriteTxnMarkersResponse);

export const KafkaDescribeProducers = kafkaApi(61, 'DescribeProducers', { min: 0, max: 0, flexibleFrom: 0 }, DescribeProducersRequest, DescribeProducersResponse);
