/**
 * The API table: every request type Samsa speaks, its key, supported versions and schemas.
 * Keys reuse Kafka's numbers. Broker dispatch, client typing and ApiVersions all read this table.
 */
import { Type } from './schema';
import { ApiVersionsRequest, ApiVersionsResponse, MetadataRequest, MetadataResponse } from './messages/metadata';
import { FetchRequest, FetchResponse, ListOffsetsRequest, ListOffsetsResponse, ProduceRequest, ProduceResponse } from './messages/produce-fetch';
import {
  CreatePartitionsRequest, CreatePartitionsResponse, CreateTopicsRequest, CreateTopicsResponse,
  DeleteTopicsRequest, DeleteTopicsResponse, DescribeConfigsRequest, DescribeConfigsResponse,
} from './messages/admin';
import {
  ControlledShutdownRequest, ControlledShutdownResponse, LeaderAndIsrRequest, LeaderAndIsrResponse,
  StopReplicaRequest, StopReplicaResponse, UpdateMetadataRequest, UpdateMetadataResponse,
} from './messages/controller';
import {
  DeleteGroupsRequest, DeleteGroupsResponse, DescribeGroupsRequest, DescribeGroupsResponse, FindCoordinatorRequest,
  FindCoordinatorResponse, HeartbeatRequest, HeartbeatResponse, JoinGroupRequest, JoinGroupResponse, LeaveGroupRequest,
  LeaveGroupResponse, ListGroupsRequest, ListGroupsResponse, OffsetCommitRequest, OffsetCommitResponse, OffsetDeleteRequest,
  OffsetDeleteResponse, OffsetFetchRequest, OffsetFetchResponse, SyncGroupRequest, SyncGroupResponse,
} from './messages/group';
import { OffsetForLeaderEpochRequest, OffsetForLeaderEpochResponse } from './messages/replication';
import {
  CreateAclsRequest, CreateAclsResponse, DeleteAclsRequest, DeleteAclsResponse, DescribeAclsRequest, DescribeAclsResponse,
} from './messages/acls';
import {
  AlterConfigsRequest, AlterConfigsResponse, IncrementalAlterConfigsRequest, IncrementalAlterConfigsResponse,
} from './messages/alter-configs';
import { InitProducerIdRequest, InitProducerIdResponse } from './messages/init-producer-id';
import {
  AlterPartitionReassignmentsRequest, AlterPartitionReassignmentsResponse, ElectLeadersRequest, ElectLeadersResponse,
  ListPartitionReassignmentsRequest, ListPartitionReassignmentsResponse,
} from './messages/elect-reassign';
import {
  AlterUserScramCredentialsRequest, AlterUserScramCredentialsResponse, DescribeUserScramCredentialsRequest,
  DescribeUserScramCredentialsResponse,
} from './messages/scram-credentials';
import { DeleteRecordsRequest, DeleteRecordsResponse } from './messages/delete-records';
import { AlterReplicaLogDirsRequest, AlterReplicaLogDirsResponse, DescribeLogDirsRequest, DescribeLogDirsResponse } from './messages/log-dirs';
import {
  AlterClientQuotasRequest, AlterClientQuotasResponse, DescribeClientQuotasRequest, DescribeClientQuotasResponse,
} from './messages/client-quotas';
import {
  AddOffsetsToTxnRequest, AddOffsetsToTxnResponse, AddPartitionsToTxnRequest, AddPartitionsToTxnResponse,
  DescribeProducersRequest, DescribeProducersResponse, DescribeTransactionsRequest, DescribeTransactionsResponse, EndTxnRequest, EndTxnResponse, ListTransactionsRequest,
  ListTransactionsResponse, TxnOffsetCommitRequest, TxnOffsetCommitResponse, WriteTxnMarkersRequest, WriteTxnMarkersResponse,
} from './messages/transactions';
import { SaslAuthenticateRequest, SaslAuthenticateResponse, SaslHandshakeRequest, SaslHandshakeResponse } from './messages/sasl';

export interface ApiDef<Req, Resp> {
  readonly key: number;
  readonly name: string;
  readonly minVersion: number;
  readonly maxVersion: number;
  readonly request: Type<Req>;
  readonly response: Type<Resp>;
}

function api<Req, Resp>(key: number, name: string, request: Type<Req>, response: Type<Resp>, maxVersion = 0): ApiDef<Req, Resp> {
  return { key, name, minVersion: 0, maxVersion, request, response };
}

export const Api = {
  Produce: api(0, 'Produce', ProduceRequest, ProduceResponse),
  // v1 adds each partition's aborted transactions for read_committed consumers (lib/protocol/messages/produce-fetch.ts).
  Fetch: api(1, 'Fetch', FetchRequest, FetchResponse, 1),
  ListOffsets: api(2, 'ListOffsets', ListOffsetsRequest, ListOffsetsResponse),
  Metadata: api(3, 'Metadata', MetadataRequest, MetadataResponse),
  LeaderAndIsr: api(4, 'LeaderAndIsr', LeaderAndIsrRequest, LeaderAndIsrResponse),
  StopReplica: api(5, 'StopReplica', StopReplicaRequest, StopReplicaResponse),
  // v1 adds every advertised endpoint of each live broker (lib/protocol/messages/controller.ts).
  UpdateMetadata: api(6, 'UpdateMetadata', UpdateMetadataRequest, UpdateMetadataResponse, 1),
  ControlledShutdown: api(7, 'ControlledShutdown', ControlledShutdownRequest, ControlledShutdownResponse),
  OffsetCommit: api(8, 'OffsetCommit', OffsetCommitRequest, OffsetCommitResponse),
  // v1 adds requireStable (KIP-447) for read_committed consumers.
  OffsetFetch: api(9, 'OffsetFetch', OffsetFetchRequest, OffsetFetchResponse, 1),
  FindCoordinator: api(10, 'FindCoordinator', FindCoordinatorRequest, FindCoordinatorResponse),
  JoinGroup: api(11, 'JoinGroup', JoinGroupRequest, JoinGroupResponse),
  Heartbeat: api(12, 'Heartbeat', HeartbeatRequest, HeartbeatResponse),
  LeaveGroup: api(13, 'LeaveGroup', LeaveGroupRequest, LeaveGroupResponse),
  SyncGroup: api(14, 'SyncGroup', SyncGroupRequest, SyncGroupResponse),
  DescribeGroups: api(15, 'DescribeGroups', DescribeGroupsRequest, DescribeGroupsResponse),
  ListGroups: api(16, 'ListGroups', ListGroupsRequest, ListGroupsResponse),
  SaslHandshake: api(17, 'SaslHandshake', SaslHandshakeRequest, SaslHandshakeResponse),
  ApiVersions: api(18, 'ApiVersions', ApiVersionsRequest, ApiVersionsResponse),
  CreateTopics: api(19, 'CreateTopics', CreateTopicsRequest, CreateTopicsResponse),
  DeleteTopics: api(20, 'DeleteTopics', DeleteTopicsRequest, DeleteTopicsResponse),
  DeleteRecords: api(21, 'DeleteRecords', DeleteRecordsRequest, DeleteRecordsResponse),
  InitProducerId: api(22, 'InitProducerId', InitProducerIdRequest, InitProducerIdResponse),
  OffsetForLeaderEpoch: api(23, 'OffsetForLeaderEpoch', OffsetForLeaderEpochRequest, OffsetForLeaderEpochResponse),
  AddPartitionsToTxn: api(24, 'AddPartitionsToTxn', AddPartitionsToTxnRequest, AddPartitionsToTxnResponse),
  AddOffsetsToTxn: api(25, 'AddOffsetsToTxn', AddOffsetsToTxnRequest, AddOffsetsToTxnResponse),
  EndTxn: api(26, 'EndTxn', EndTxnRequest, EndTxnResponse),
  WriteTxnMarkers: api(27, 'WriteTxnMarkers', WriteTxnMarkersRequest, WriteTxnMarkersResponse),
  TxnOffsetCommit: api(28, 'TxnOffsetCommit', TxnOffsetCommitRequest, TxnOffsetCommitResponse),
  DescribeAcls: api(29, 'DescribeAcls', DescribeAclsRequest, DescribeAclsResponse),
  CreateAcls: api(30, 'CreateAcls', CreateAclsRequest, CreateAclsResponse),
  DeleteAcls: api(31, 'DeleteAcls', DeleteAclsRequest, DeleteAclsResponse),
  // v1 adds each config's source, synonyms, type and documentation (lib/protocol/messages/admin.ts).
  DescribeConfigs: api(32, 'DescribeConfigs', DescribeConfigsRequest, DescribeConfigsResponse, 1),
  AlterConfigs: api(33, 'AlterConfigs', AlterConfigsRequest, AlterConfigsResponse),
  AlterReplicaLogDirs: api(34, 'AlterReplicaLogDirs', AlterReplicaLogDirsRequest, AlterReplicaLogDirsResponse),
  DescribeLogDirs: api(35, 'DescribeLogDirs', DescribeLogDirsRequest, DescribeLogDirsResponse),
  SaslAuthenticate: api(36, 'SaslAuthenticate', SaslAuthenticateRequest, SaslAuthenticateResponse),
  CreatePartitions: api(37, 'CreatePartitions', CreatePartitionsRequest, CreatePartitionsResponse),
  DeleteGroups: api(42, 'DeleteGroups', DeleteGroupsRequest, DeleteGroupsResponse),
  ElectLeaders: api(43, 'ElectLeaders', ElectLeadersRequest, ElectLeadersResponse),
  IncrementalAlterConfigs: api(44, 'IncrementalAlterConfigs', IncrementalAlterConfigsRequest, IncrementalAlterConfigsResponse),
  AlterPartitionReassignments: api(45, 'AlterPartitionReassignments', AlterPartitionReassignmentsRequest, AlterPartitionReassignmentsResponse),
  ListPartitionReassignments: api(46, 'ListPartitionReassignments', ListPartitionReassignmentsRequest, ListPartitionReassignmentsResponse),
  OffsetDelete: api(47, 'OffsetDelete', OffsetDeleteRequest, OffsetDeleteResponse),
  DescribeClientQuotas: api(48, 'DescribeClientQuotas', DescribeClientQuotasRequest, DescribeClientQuotasResponse),
  AlterClientQuotas: api(49, 'AlterClientQuotas', AlterClientQuotasRequest, AlterClientQuotasResponse),
  DescribeUserScramCredentials: api(50, 'DescribeUserScramCredentials', DescribeUserScramCredentialsRequest, DescribeUserScramCredentialsResponse),
  AlterUserScramCredentials: api(51, 'AlterUserScramCredentials', AlterUserScramCredentialsRequest, AlterUserScramCredentialsResponse),
  DescribeProducers: api(61, 'DescribeProducers', DescribeProducersRequest, DescribeProducersResponse),
  DescribeTransactions: api(65, 'DescribeTransactions', DescribeTransactionsRequest, DescribeTransactionsResponse),
  ListTransactions: api(66, 'ListTransactions', ListTransactionsRequest, ListTransactionsResponse),
} as const;

export type AnyApiDef = ApiDef<any, any>;

const byKey = new Map<number, AnyApiDef>();
for (const def of Object.values(Api)) byKey.set(def.key, def as AnyApiDef);

export function apiByKey(key: number): AnyApiDef | undefined {
  return byKey.get(key);
}


/** Every native API, by key (ApiVersions answers from the broker's dispatcher; tests and the fuzzer walk this). */
export function allApis(): AnyApiDef[] {
  return [...byKey.values()].sort((a, b) => a.key - b.key);
}
