/**
 * Kafka's topic administration APIs on the Kafka listener: CreateTopics (key 19), DeleteTopics
 * (20), DescribeConfigs (32) and CreatePartitions (37). Field names are the native messages'
 * (lib/protocol/messages/admin.ts) wherever both carry the same thing.
 */
import {
  array, boolean, int16, int32, int8, Infer, nullableArray, nullableSince, nullableString, since, between, string, struct, tagged, uuid,
} from '../../schema';
import {
  CreatableTopic, CreatePartitionsRequest as NativeCreatePartitionsRequest, CreatePartitionsResponse as NativeCreatePartitionsResponse,
} from '../../messages/admin';
import { kafkaApi } from '../kafka-api';

/** Kafka's Uuid.ZERO_UUID: what a topic id field holds when there is none (Samsa topics have no ids yet). */
export const ZERO_UUID = '00000000000000000000000000000000';

/**
 * CreateTopics Request (v0-7, flexible v5+) => [topics] timeoutMs validateOnly(v1+)
 *   topics => name numPartitions replicationFactor [assignments] [configs]
 *   assignments => partitionIndex [brokerIds]
 *   configs => name value
 * numPartitions / replicationFactor -1: broker default (v4+), or an explicit assignment.
 */
const CreateTopicsRequest = struct({
  topics: array(CreatableTopic),
  timeoutMs: int32,
  validateOnly: since(1, boolean, false),
}, 'KafkaCreateTopicsRequest');

/**
 * CreateTopics Response (v0-7) => throttleTimeMs(v2+) [topics]
 *   topics => name topicId(v7+) errorCode errorMessage(v1+) numPartitions(v5+) replicationFactor(v5+) [configs](v5+, nullable)
 *     tagged (v5+): 0 topicConfigErrorCode
 *   configs => name value readOnly configSource isSensitive
 */
const CreateTopicsResponse = struct({
  throttleTimeMs: since(2, int32, 0),
  topics: array(struct({
    name: string,
    topicId: since(7, uuid, ZERO_UUID),
    errorCode: int16,
    errorMessage: since(1, nullableString, null),
    numPartitions: since(5, int32, -1),
    replicationFactor: since(5, int16, -1),
    configs: since(5, nullableArray(struct({
      name: string,
      value: nullableString,
      readOnly: boolean,
      configSource: int8,
      isSensitive: boolean,
    }, 'CreatableTopicConfigs')), []),
    topicConfigErrorCode: tagged(0, int16, 0, 5),
  }, 'CreatableTopicResult')),
}, 'KafkaCreateTopicsResponse');

export const KafkaCreateTopics = kafkaApi(19, 'CreateTopics', { min: 0, max: 7, flexibleFrom: 5 }, CreateTopicsRequest, CreateTopicsResponse);
export type KafkaCreateTopicsRequestData = Infer<typeof CreateTopicsRequest>;

/**
 * DeleteTopics Request (v0-6, flexible v4+) => [topics](v6+) [topicNames](v0-5) timeoutMs
 *   topics => name(nullable) topicId
 */
const DeleteTopicsRequest = struct({
  topics: since(6, array(struct({ name: nullableString, topicId: uuid }, 'DeleteTopicState')), []),
  topicNames: between(0, 5, array(string), []),
  timeoutMs: int32,
}, 'KafkaDeleteTopicsRequest');

/**
 * DeleteTopics Response (v0-6) => throttleTimeMs(v1+) [responses]
 *   responses => name(nullable v6+) topicId(v6+) errorCode errorMessage(v5+)
 */
const DeleteTopicsResponse = struct({
  throttleTimeMs: since(1, int32, 0),
  responses: array(struct({
    name: nullableSince(6, nullableString),
    topicId: since(6, uuid, ZERO_UUID),
    errorCode: int16,
    errorMessage: since(5, nullableString, null),
  }, 'DeletableTopicResult')),
}, 'KafkaDeleteTopicsResponse');

export const KafkaDeleteTopics = kafkaApi(20, 'DeleteTopics', { min: 0, max: 6, flexibleFrom: 4 }, DeleteTopicsRequest, DeleteTopicsResponse);
export type KafkaDeleteTopicsRequestData = Infer<typeof DeleteTopicsRequest>;
export type KafkaDeleteTopicsResponseData = Infer<typeof DeleteTopicsResponse>;

// CreatePartitions (v0-3, flexible v2+) has the native message's shape in every version, so it is
// that definition; grammar in lib/protocol/messages/admin.ts.
export const KafkaCreatePartitions = kafkaApi(37, 'CreatePartitions', { min: 0, max: 3, flexibleFrom: 2 },
  NativeCreatePartitionsRequest, NativeCreatePartitionsResponse);

/**
 * DescribeConfigs Request (v0-4, flexible v4+) => [resources] includeSynonyms(v1+) includeDocumentation(v3+)
 *   resources => resourceType resourceName [configurationKeys]?   (null or empty = all)
 */
const DescribeConfigsRequest = struct({
  resources: array(struct({
    resourceType: int8,
    resourceName: string,
    configurationKeys: nullableArray(string),
  }, 'DescribeConfigsResource')),
  includeSynonyms: since(1, boolean, false),
  includeDocumentation: since(3, boolean, false),
}, 'KafkaDescribeConfigsRequest');

/**
 * DescribeConfigs Response (v0-4) => throttleTimeMs [results]
 *   results => errorCode errorMessage resourceType resourceName [configs]
 *   configs => name value readOnly isDefault(v0) configSource(v1+) isSensitive [synonyms](v1+) configType(v3+) documentation(v3+)
 *   synonyms => name value source
 */
const DescribeConfigsResponse = struct({
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
      isDefault: between(0, 0, boolean, false),
      configSource: since(1, int8, -1),
      isSensitive: boolean,
      synonyms: since(1, array(struct({ name: string, value: nullableString, source: int8 }, 'DescribeConfigsSynonym')), []),
      configType: since(3, int8, 0),
      documentation: since(3, nullableString, null),
    }, 'DescribeConfigsResourceResult')),
  }, 'DescribeConfigsResult')),
}, 'KafkaDescribeConfigsResponse');

export const KafkaDescribeConfigs = kafkaApi(32, 'DescribeConfigs', { min: 0, max: 4, flexibleFrom: 4 }, DescribeConfigsRequest, DescribeConfigsResponse);
