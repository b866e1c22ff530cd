/** Kafka's ApiVersions (key 18) and Metadata (key 3), served on the Kafka listener. */
import {
  array, boolean, int16, int32, int64, nullableArray, nullableSince, nullableString, since, between, string, struct, tagged,
} from '../../schema';
import { kafkaApi } from '../kafka-api';

/**
 * ApiVersions Request (v0-3, flexible v3+) => clientSoftwareName(v3+) clientSoftwareVersion(v3+)
 */
const ApiVersionsRequest = struct({
  clientSoftwareName: since(3, string, ''),
  clientSoftwareVersion: since(3, string, ''),
}, 'KafkaApiVersionsRequest');

const FinalizedFeature = struct({ name: string, maxVersionLevel: int16, minVersionLevel: int16 }, 'FinalizedFeatureKey');
const SupportedFeature = struct({ name: string, minVersion: int16, maxVersion: int16 }, 'SupportedFeatureKey');

/**
 * ApiVersions Response (v0-3) => errorCode [apiKeys] throttleTimeMs(v1+)
 *   apiKeys => apiKey minVersion maxVersion
 *   tagged (v3+): 0 supportedFeatures, 1 finalizedFeaturesEpoch, 2 finalizedFeatures
 */
const ApiVersionsResponse = struct({
  errorCode: int16,
  apiKeys: array(struct({ apiKey: int16, minVersion: int16, maxVersion: int16 }, 'ApiVersion')),
  throttleTimeMs: since(1, int32, 0),
  supportedFeatures: tagged(0, array(SupportedFeature), [], 3),
  finalizedFeaturesEpoch: tagged(1, int64, -1, 3),
  finalizedFeatures: tagged(2, array(FinalizedFeature), [], 3),
}, 'KafkaApiVersionsResponse');

export const KafkaApiVersions = kafkaApi(18, 'ApiVersions', { min: 0, max: 3, flexibleFrom: 3 }, ApiVersionsRequest, ApiVersionsResponse);

/**
 * Metadata Request (v1-9, flexible v9+; v10+ carry topic ids and are not served)
 *   => [topics](nullable v1+) allowAutoTopicCreation(v4+) includeClusterAuthorizedOperations(v8-10)
 *      includeTopicAuthorizedOperations(v8+)
 *   topics => name
 */
const MetadataRequest = struct({
  topics: nullableSince(1, nullableArray(struct({ name: string }, 'MetadataRequestTopic'))),
  // Before v4 every request may create topics (if the broker allows it).
  allowAutoTopicCreation: since(4, boolean, true),
  includeClusterAuthorizedOperations: between(8, 10, boolean, false),
  includeTopicAuthorizedOperations: since(8, boolean, false),
}, 'KafkaMetadataRequest');

/** Kafka's "authorized operations not requested" marker (Integer.MIN_VALUE). */
const OPERATIONS_NOT_REQUESTED = -2147483648;

/**
 * Metadata Response (v1-9)
 *   => throttleTimeMs(v3+) [brokers] clusterId(v2+) controllerId(v1+) [topics] clusterAuthorizedOperations(v8-10)
 *   brokers => nodeId host port rack(v1+)
 *   topics => errorCode name isInternal(v1+) [partitions] topicAuthorizedOperations(v8+)
 *   partitions => errorCode partitionIndex leaderId leaderEpoch(v7+) [replicaNodes] [isrNodes] [offlineReplicas](v5+)
 */
const MetadataResponse = struct({
  throttleTimeMs: since(3, int32, 0),
  brokers: array(struct({ nodeId: int32, host: string, port: int32, rack: since(1, nullableString, null) }, 'MetadataBroker')),
  clusterId: since(2, nullableString, null),
  controllerId: since(1, int32, -1),
  topics: array(struct({
    errorCode: int16,
    name: string,
    isInternal: since(1, boolean, false),
    partitions: array(struct({
      errorCode: int16,
      partitionIndex: int32,
      leaderId: int32,
      leaderEpoch: since(7, int32, -1),
      replicaNodes: array(int32),
      isrNodes: array(int32),
      offlineReplicas: since(5, array(int32), []),
    }, 'MetadataPartition')),
    topicAuthorizedOperations: since(8, int32, OPERATIONS_NOT_REQUESTED),
  }, 'MetadataTopic')),
  clusterAuthorizedOperations: between(8, 10, int32, OPERATIONS_NOT_REQUESTED),
}, 'KafkaMetadataResponse');

export const KafkaMetadata = kafkaApi(3, 'Metadata', { min: 1, max: 9, flexibleFrom: 9 }, MetadataRequest, MetadataResponse);
