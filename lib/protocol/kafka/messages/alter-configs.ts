/**
 * AlterConfigs (key 33, v0-1) and IncrementalAlterConfigs (key 44, v0-1, flexible from v1) on the
 * Kafka listener, as Kafka 2.8 serves them. v1 of each changes nothing on the wire (only the
 * throttling behaviour), so they are the native definitions; grammar in
 * lib/protocol/messages/alter-configs.ts.
 */
import {
  AlterConfigsRequest, AlterConfigsResponse, IncrementalAlterConfigsRequest, IncrementalAlterConfigsResponse,
} from '../../messages/alter-configs';
import { kafkaApi } from '../kafka-api';

export const KafkaAlterConfigs = kafkaApi(33, 'AlterConfigs', { min: 0, max: 1 }, AlterConfigsRequest, AlterConfigsResponse);

export const KafkaIncrementalAlterConfigs = kafkaApi(44, 'IncrementalAlterConfigs', { min: 0, max: 1, flexibleFrom: 1 },
  IncrementalAlterConfigsRequest, IncrementalAlterConfigsResponse);
