/** Metadata and ApiVersions: what a client learns before anything else. */
import { array, boolean, int16, int32, nullableArray, nullableString, string, struct, Infer } from '../schema';

/** ApiVersions Request (v0) => (empty) */
export const ApiVersionsRequest = struct({}, 'ApiVersionsRequest');

/** ApiVersions Response (v0) => errorCode [apiKeys] throttleTimeMs; apiKeys => apiKey minVersion maxVersion */
export const ApiVersionsResponse = struct({
  errorCode: int16,
  apiKeys: array(struct({ apiKey: int16, minVersion: int16, maxVersion: int16 }, 'ApiVersion')),
  throttleTimeMs: int32,
}, 'ApiVersionsResponse');

/** Metadata Request (v0) => [topics]? allowAutoTopicCreation; topics null = every topic */
export const MetadataRequest = struct({
  topics: nullableArray(string),
  allowAutoTopicCreation: boolean,
}, 'MetadataRequest');

export const MetadataBroker = struct({ nodeId: int32, host: string, port: int32, rack: nullableString }, 'MetadataBroker');

export const MetadataPartition = struct({
  errorCode: int16,
  partitionIndex: int32,
  leaderId: int32,
  leaderEpoch: int32,
  replicaNodes: array(int32),
  isrNodes: array(int32),
  offlineReplicas: array(int32),
}, 'MetadataPartition');

export const MetadataTopic = struct({
  errorCode: int16,
  name: string,
  isInternal: boolean,
  partitions: array(MetadataPartition),
}, 'MetadataTopic');

/**
 * Metadata Response (v0) => [brokers] clusterId controllerId [topics]
 *   brokers => nodeId host port rack
 *   topics => errorCode name isInternal [partitions]
 *   partitions => errorCode partitionIndex leaderId leaderEpoch [replicaNodes] [isrNodes] [offlineReplicas]
 */
export const MetadataResponse = struct({
  brokers: array(MetadataBroker),
  clusterId: nullableString,
  controllerId: int32,
  topics: array(MetadataTopic),
}, 'MetadataResponse');

export type ApiVersionsResponseData = Infer<typeof ApiVersionsResponse>;
export type MetadataRequestData = Infer<typeof MetadataRequest>;
export type MetadataResponseData = Infer<typeof MetadataResponse>;
export type MetadataTopicData = Infer<typeof MetadataTopic>;
