/**
 * Kafka's AlterConfigs and IncrementalAlterConfigs over the native handlers
 * (lib/broker/handlers/alter-configs.ts): the two protocols carry the same fields. A request that
 * fails as a whole gets the error in every resource, Kafka's getErrorResponse shape.
 */
import { Api } from '../../protocol/api';
import { KafkaAlterConfigs, KafkaIncrementalAlterConfigs } from '../../protocol/kafka/messages/alter-configs';
import { ApiDispatcher } from '../api-dispatcher';
import { KafkaDispatcher } from './kafka-dispatcher';
import { callNative, nativeHandler } from './native-handlers';

function errorResponse(req: { resources: ReadonlyArray<{ resourceType: number; resourceName: string }> }, errorCode: number) {
  return {
    throttleTimeMs: 0,
    responses: req.resources.map(({ resourceType, resourceName }) => ({ errorCode, errorMessage: null, resourceType, resourceName })),
  };
}

export function registerConfigApis(kafka: KafkaDispatcher, native: ApiDispatcher): void {
  const alter = nativeHandler(native, Api.AlterConfigs);
  const incremental = nativeHandler(native, Api.IncrementalAlterConfigs);
  kafka
    .register(KafkaAlterConfigs, (req, ctx) => callNative(alter, req, ctx), errorResponse)
    .register(KafkaIncrementalAlterConfigs, (req, ctx) => callNative(incremental, req, ctx), errorResponse);
}
