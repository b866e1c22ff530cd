/**
 * DeleteRecords (key 21) on the Kafka listener, v0-2 as in Kafka 2.8 (flexible from v2). Every
 * version carries the native message's fields (lib/protocol/messages/delete-records.ts), so it
 * is that definition.
 */
import { DeleteRecordsRequest, DeleteRecordsResponse } from '../../messages/delete-records';
import { kafkaApi } from '../kafka-api';

export const KafkaDeleteRecords = kafkaApi(21, 'DeleteRecords', { min: 0, max: 2, flexibleFrom: 2 }, DeleteRecordsRequest, DeleteRecordsResponse);
