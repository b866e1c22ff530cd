/**
 * AlterConfigs (key 33) and IncrementalAlterConfigs (key 44): change the dynamic configs of
 * topics, brokers (one broker or the cluster-wide default) and, for the incremental API, a
 * broker's loggers. Kafka's shapes, which the Kafka listener serves unchanged
 * (lib/protocol/kafka/messages/alter-configs.ts).
 */
import { array, boolean, int16, int32, int8, Infer, nullableString, string, struct } from '../schema';

/** Kafka's ConfigResource.Type for a broker's loggers (TOPIC = 2 and BROKER = 4 are in ./admin). */
export const RESOURCE_TYPE_BROKER_LOGGER = 8;

/** IncrementalAlterConfigs' ConfigOperation, as Kafka's AlterConfigOp.OpType numbers it. */
export const ConfigOperation = { SET: 0, DELETE: 1, APPEND: 2, SUBTRACT: 3 } as const;

/**
 * AlterConfigs Request (v0-1) => [resources] validateOnly
 *   resources => resourceType resourceName [configs]
 *   configs => name value
 * The configs given replace the resource's whole dynamic config.
 */
export const AlterConfigsRequest = struct({
  resources: array(struct({
    resourceType: int8,
    resourceName: string,
    configs: array(struct({ name: string, value: nullableString }, 'AlterableConfig')),
  }, 'AlterConfigsResource')),
  validateOnly: boolean,
}, 'AlterConfigsRequest');

/**
 * AlterConfigs Response (v0-1) => throttleTimeMs [responses]
 *   responses => errorCode errorMessage resourceType resourceName
 * IncrementalAlterConfigs answers with the same shape.
 */
export const AlterConfigsResponse = struct({
  throttleTimeMs: int32,
  responses: array(struct({
    errorCode: int16,
    errorMessage: nullableString,
    resourceType: int8,
    resourceName: string,
  }, 'AlterConfigsResourceResponse')),
}, 'AlterConfigsResponse');

/**
 * IncrementalAlterConfigs Request (v0-1) => [resources] validateOnly
 *   resources => resourceType resourceName [configs]
 *   configs => name configOperation value
 * configOperation: 0 SET, 1 DELETE, 2 APPEND, 3 SUBTRACT (APPEND/SUBTRACT on list keys only).
 */
export const IncrementalAlterConfigsRequest = struct({
  resources: array(struct({
    resourceType: int8,
    resourceName: string,
    configs: array(struct({ name: string, configOperation: int8, value: nullableString }, 'AlterableConfig')),
  }, 'AlterConfigsResource')),
  validateOnly: boolean,
}, 'IncrementalAlterConfigsRequest');

/** IncrementalAlterConfigs Response (v0-1) => throttleTimeMs [responses]; as AlterConfigs'. */
export const IncrementalAlterConfigsResponse = struct({
  throttleTimeMs: int32,
  responses: array(struct({
    errorCode: int16,
    errorMessage: nullableString,
    resourceType: int8,
    resourceName: string,
  }, 'AlterConfigsResourceResponse')),
}, 'IncrementalAlterConfigsResponse');

export type AlterConfigsRequestData = Infer<typeof AlterConfigsRequest>;
export type AlterConfigsResponseData = Infer<typeof AlterConfigsResponse>;
export type IncrementalAlterConfigsRequestData = Infer<typeof IncrementalAlterConfigsRequest>;
export type IncrementalAlterConfigsResponseData = Infer<typeof IncrementalAlterConfigsResponse>;
