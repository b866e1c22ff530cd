/** Topic administration: CreateTopics, DeleteTopics, CreatePartitions, DescribeConfigs. */
import { array, boolean, int16, int32, int8, nullableArray, nullableString, string, struct, Infer } from '../schema';

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
 * DescribeConfigs Request (v0) => [resources]
 *   resources => resourceType resourceName [configurationKeys]?   (null keys = all)
 */
export const DescribeConfigsRequest = struct({
  resources: array(struct({
    resourceType: int8,
    resourceName: string,
    configurationKeys: nullableArray(string),
  }, 'DescribeConfigsResource')),
}, 'DescribeConfigsRequest');

/**
 * DescribeConfigs Response (v0) => throttleTimeMs [results]
 *   results => errorCode errorMessage resourceType resourceName [configs]
 *   configs => name value readOnly isDefault
 */
export const DescribeConfigsResponse = struct({
  throttleTimeMs: int32,
  results: array(struct({
    errorCode: int16,
    errorMessage: nullableString,
    resourceType: int8,
    resourceName: string,
    configs: array(struct({ name: string, value: nullableString, readOnly: boolean, isDefault: boolean }, 'DescribeConfigsEntry')),
  }, 'DescribeConfigsResult')),
}, 'DescribeConfigsResponse');

export type CreateTopicsRequestData = Infer<typeof CreateTopicsRequest>;
export type CreateTopicsResponseData = Infer<typeof CreateTopicsResponse>;
export type DeleteTopicsRequestData = Infer<typeof DeleteTopicsRequest>;
export type DeleteTopicsResponseData = Infer<typeof DeleteTopicsResponse>;
export type CreatePartitionsRequestData = Infer<typeof CreatePartitionsRequest>;
export type CreatePartitionsResponseData = Infer<typeof CreatePartitionsResponse>;
export type DescribeConfigsRequestData = Infer<typeof DescribeConfigsRequest>;
export type DescribeConfigsResponseData = Infer<typeof DescribeConfigsResponse>;
