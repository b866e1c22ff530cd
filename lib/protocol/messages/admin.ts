/** Topic administration: CreateTopics, DeleteTopics, CreatePartitions, DescribeConfigs. */
import { array, boolean, int16, int32, int8, nullableArray, nullableString, since, string, struct, Infer, Type } from '../schema';

/**
 * CreateTopics Request (v0) => [topics] timeoutMs validateOnly
 *   topics => name numPartitions replicationFactor [assignments] [configs]
 *   assignments => partitionIndex [brokerIds]
 *   configs => name value
 * numPartitions / replicationFactor are -1 when assignments are given or to take the broker defaults.
 */
/** One topic to create; Kafka's CreatableTopic, the same in every version (the Kafka listener uses it too). */
export const CreatableTopic = struct({
  name: string,
  numPartitions: int32,
  replicationFactor: int16,
  assignments: array(struct({ partitionIndex: int32, brokerIds: array(int32) }, 'CreatableReplicaAssignment')),
  configs: array(struct({ name: string, value: nullableString }, 'CreatableTopicConfig')),
}, 'CreatableTopic');

export const CreateTopicsRequest = struct({
  topics: array(CreatableTopic),
  timeoutMs: int32,
  validateOnly: boolean,
}, 'CreateTopicsRequest');

/** CreateTopics Response (v0) => throttleTimeMs [topics]; topics => name errorCode errorMessage numPartitions replicationFactor */
export const CreateTopicsResponse = struct({
  throttleTimeMs: int32,
  topics: array(struct({
    name: string,
    errorCode: int16,
    errorMessage: nullableString,
    numPartitions: int32,
    replicationFactor: int16,
  }, 'CreatableTopicResult')),
}, 'CreateTopicsResponse');

/** DeleteTopics Request (v0) => [topicNames] timeoutMs */
export const DeleteTopicsRequest = struct({ topicNames: array(string), timeoutMs: int32 }, 'DeleteTopicsRequest');

/** DeleteTopics Response (v0) => throttleTimeMs [responses]; responses => name errorCode errorMessage */
export const DeleteTopicsResponse = struct({
  throttleTimeMs: int32,
  responses: array(struct({ name: string, errorCode: int16, errorMessage: nullableString }, 'DeletableTopicResult')),
}, 'DeleteTopicsResponse');

/**
 * CreatePartitions Request (v0) => [topics] timeoutMs validateOnly
 *   topics => name count [assignments]?   (count = the new total; assignments cover only the new partitions)
 *   assignments => [brokerIds]
 */
export const CreatePartitionsRequest = struct({
  topics: array(struct({
    name: string,
    count: int32,
    assignments: nullableArray(struct({ brokerIds: array(int32) }, 'CreatePartitionsAssignment')),
  }, 'CreatePartitionsTopic')),
  timeoutMs: int32,
  validateOnly: boolean,
}, 'CreatePartitionsRequest');

/** CreatePartitions Response (v0) => throttleTimeMs [results]; results => name errorCode errorMessage */
export const CreatePartitionsResponse = struct({
  throttleTimeMs: int32,
  results: array(struct({ name: string, errorCode: int16, errorMessage: nullableString }, 'CreatePartitionsTopicResult')),
}, 'CreatePartitionsResponse');

/** Resource types, as in Kafka. */
export const RESOURCE_TYPE_TOPIC = 2;
export const RESOURCE_TYPE_BROKER = 4;

/**
 * DescribeConfigs Request (v0-1) => [resources] includeSynonyms(v1+) includeDocumentation(v1+)
 *   resources => resourceType resourceName [configurationKeys]?   (null keys = all)
 */
const DescribeConfigsRequestV1 = struct({
  resources: array(struct({
    resourceType: int8,
    resourceName: string,
    configurationKeys: nullableArray(string),
  }, 'DescribeConfigsResource')),
  includeSynonyms: since(1, boolean, false),
  includeDocumentation: since(1, boolean, false),
}, 'DescribeConfigsRequest');

/** Fields a version adds are optional to callers that send the older version's fields only (the encoder writes their defaults). */
type WithOptional<T, K extends keyof T> = Omit<T, K> & Partial<Pick<T, K>>;

export const DescribeConfigsRequest = DescribeConfigsRequestV1 as unknown as Type<WithOptional<Infer<typeof DescribeConfigsRequestV1>, 'includeSynonyms' | 'includeDocumentation'>>;

/**
 * DescribeConfigs Response (v0-1) => throttleTimeMs [results]
 *   results => errorCode errorMessage resourceType resourceName [configs]
 *   configs => name value readOnly isDefault configSource(v1+) isSensitive(v1+) [synonyms](v1+) configType(v1+) documentation(v1+)
 *   synonyms => name value source
 * configSource and synonyms' source: 1 topic override, 2 dynamic per-broker, 3 dynamic cluster
 * default, 4 static (server.properties), 5 default; synonyms are in precedence order.
 */
const DescribeConfigsResponseV1 = struct({
  throttleTimeMs: int32,
  results: array(struct({
    errorCode: int16,
    errorMessage: nullableString,
    resourceType: int8,
    resourceName: string,
    configs: array(struct({
      name: string,
      value: nullableString,
      readOnly: boolean,
      isDefault: boolean,
      configSource: since(1, int8, -1),
      isSensitive: since(1, boolean, false),
      synonyms: since(1, array(struct({ name: string, value: nullableString, source: int8 }, 'DescribeConfigsSynonym')), []),
      configType: since(1, int8, 0),
      documentation: since(1, nullableString, null),
    }, 'DescribeConfigsEntry')),
  }, 'DescribeConfigsResult')),
}, 'DescribeConfigsResponse');

type DescribeConfigsResultV1 = Infer<typeof DescribeConfigsResponseV1>['results'][number];
type DescribeConfigsEntryV1 = DescribeConfigsResultV1['configs'][number];
export const DescribeConfigsResponse = DescribeConfigsResponseV1 as unknown as Type<{
  throttleTimeMs: number;
  results: Array<Omit<DescribeConfigsResultV1, 'configs'> & {
    configs: Array<WithOptional<DescribeConfigsEntryV1, 'configSource' | 'isSensitive' | 'synonyms' | 'configType' | 'documentation'>>;
  }>;
}>;

export type CreateTopicsRequestData = Infer<typeof CreateTopicsRequest>;
export type CreateTopicsResponseData = Infer<typeof CreateTopicsResponse>;
export type DeleteTopicsRequestData = Infer<typeof DeleteTopicsRequest>;
export type DeleteTopicsResponseData = Infer<typeof DeleteTopicsResponse>;
export type CreatePartitionsRequestData = Infer<typeof CreatePartitionsRequest>;
export type CreatePartitionsResponseData = Infer<typeof CreatePartitionsResponse>;
export type DescribeConfigsRequestData = Infer<typeof DescribeConfigsRequest>;
export type DescribeConfigsResponseData = Infer<typeof DescribeConfigsResponse>;
