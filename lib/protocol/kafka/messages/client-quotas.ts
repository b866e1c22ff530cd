/**
 * DescribeClientQuotas (key 48) and AlterClientQuotas (key 49) on the Kafka listener: Kafka 2.8
 * serves v0-1, v1 being flexible; the shapes are the native messages' (grammar in
 * lib/protocol/messages/client-quotas.ts).
 */
import {
  AlterClientQuotasRequest, AlterClientQuotasResponse, DescribeClientQuotasRequest, DescribeClientQuotasResponse,
} from '../../messages/client-quotas';
import { kafkaApi } from '../kafka-api';

export const KafkaDescribeClientQuotas = kafkaApi(48, 'DescribeClientQuotas', { min: 0, max: 1, flexibleFrom: 1 },
  DescribeClientQuotasRequest, DescribeClientQuotasResponse);

export const KafkaAlterClientQuotas = kafkaApi(49, 'AlterClientQuotas', { min: 0, max: 1, flexibleFrom: 1 },
  AlterClientQuotasRequest, AlterClientQuotasResponse);
