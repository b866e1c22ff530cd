/**
 * Kafka's DescribeClientQuotas and AlterClientQuotas (v0-1) over the native handlers: the two
 * protocols carry the same fields, so the request goes through as it is. A request that fails as
 * a whole gets Kafka's getErrorResponse shape.
 */
import { Api } from '../../protocol/api';
import { KafkaAlterClientQuotas, KafkaDescribeClientQuotas } from '../../protocol/kafka/messages/client-quotas';
import { ApiDispatcher } from '../api-dispatcher';
import { alterErrorResponse, describeErrorResponse } from '../handlers/client-quotas';
import { KafkaDispatcher } from './kafka-dispatcher';
import { callNative, nativeHandler } from './native-handlers';

export function registerClientQuotaApis(kafka: KafkaDispatcher, native: ApiDispatcher): void {
  const describe = nativeHandler(native, Api.DescribeClientQuotas);
  const alter = nativeHandler(native, Api.AlterClientQuotas);
  kafka
    .register(KafkaDescribeClientQuotas, (req, ctx) => callNative(describe, req, ctx), describeErrorResponse)
    .register(KafkaAlterClientQuotas, (req, ctx) => callNative(alter, req, ctx), alterErrorResponse);
}
