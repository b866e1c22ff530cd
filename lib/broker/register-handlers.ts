/**
 * The native API table of a broker: which handler serves each API, and which of them are served
 * while the broker is still starting (ApiVersions, the SASL exchange and the controller's
 * requests, which make it ready). The Kafka listener's adapters (lib/broker/kafka/) delegate to
 * these same handlers.
 */
import { Controller } from '../controller/controller';
import { GroupCoordinator } from '../group/group-coordinator';
import { Api } from '../protocol/api';
import { AclStore } from '../security/acl/acl-store';
import { SaslAuthenticator } from '../security/sasl/sasl-authenticator';
import { UserCredentialsStore } from '../security/scram/user-credentials-store';
import { getLogger } from '../util/logger';
import { ApiDispatcher } from './api-dispatcher';
import { authorizeCluster } from './authorize';
import { BrokerContext } from './broker-context';
import { aclAdminGate, createAclsHandler, deleteAclsHandler, describeAclsHandler } from './handlers/acls';
import { createPartitionsHandler, createTopicsHandler, deleteTopicsHandler, describeConfigsHandler } from './handlers/admin';
import { alterConfigsHandler, incrementalAlterConfigsHandler } from './handlers/alter-configs';
import { DynamicBrokerConfig } from './dynamic-broker-config';
import { controlledShutdownHandler } from './handlers/controlled-shutdown';
import { deleteRecordsHandler } from './handlers/delete-records';
import { leaderAndIsrHandler, stopReplicaHandler, updateMetadataHandler } from './handlers/controller-requests';
import { electLeadersHandler } from './handlers/elect-leaders';
import { fetchHandler } from './handlers/fetch';
import { deleteGroupsHandler, describeGroupsHandler, listGroupsHandler } from './handlers/group-admin';
import { findCoordinatorHandler } from './handlers/group-find-coordinator';
import { heartbeatHandler, joinGroupHandler, leaveGroupHandler, syncGroupHandler } from './handlers/group-membership';
import { offsetCommitHandler, offsetDeleteHandler, offsetFetchHandler } from './handlers/group-offsets';
import { txnOffsetCommitHandler } from './handlers/txn-offset-commit';
import { initProducerIdHandler } from './handlers/init-producer-id';
import { listOffsetsHandler } from './handlers/list-offsets';
import { alterReplicaLogDirsHandler, describeLogDirsHandler } from './handlers/log-dirs';
import { ReplicaLogDirMover } from './replica-log-dir-mover';
import { apiVersionsHandler, metadataHandler } from './handlers/metadata';
import { offsetForLeaderEpochHandler } from './handlers/offset-for-leader-epoch';
import { alterPartitionReassignmentsHandler, listPartitionReassignmentsHandler } from './handlers/partition-reassignments';
import { produceHandler } from './handlers/produce';
import { describeProducersHandler } from './handlers/describe-producers';
import { writeTxnMarkersHandler } from './handlers/write-txn-markers';
import { saslAuthenticateHandler, saslHandshakeHandler } from './handlers/sasl';
import { scramCredentialHandlers } from './handlers/scram-credentials';
import { clientQuotaHandlers } from './handlers/client-quotas';
import { ClientQuotaStore } from './client-quota-store';
import { ProducerIdManager } from './producer-id-manager';
import { registerTransactionHandlers } from './transaction-wiring';

export interface BrokerHandlerDeps {
  readonly ctx: BrokerContext;
  readonly groups: GroupCoordinator;
  readonly acls: AclStore;
  readonly credentialsStore: UserCredentialsStore;
  readonly authenticator: SaslAuthenticator;
  readonly producerIds: ProducerIdManager;
  /** Reads and writes client quotas in ZooKeeper (DescribeClientQuotas / AlterClientQuotas). */
  readonly quotaStore: ClientQuotaStore;
  /** The controller, once this broker has started its election. */
  readonly controller: () => Controller | null;
  /** Dynamic broker configs; also what AlterConfigs/IncrementalAlterConfigs write through. */
  readonly dynamicConfig: DynamicBrokerConfig;
}

export function registerBrokerHandlers(dispatcher: ApiDispatcher, deps: BrokerHandlerDeps): void {
  const { ctx } = deps;
  const updateMetadata = updateMetadataHandler(ctx);
  const whileStarting = { servedWhileStarting: true };
  const scram = scramCredentialHandlers(() => deps.credentialsStore, (rc, operation) => authorizeCluster(ctx, rc, operation === 'DESCRIBE' ? 'Describe' : 'Alter'));
  const aclGate = aclAdminGate(ctx);
  const logDirMover = new ReplicaLogDirMover(ctx.replicas, getLogger('log-dirs'));
  const quotas = clientQuotaHandlers(() => deps.quotaStore, ctx, getLogger('client-quotas'));
  dispatcher
    .register(Api.ApiVersions, apiVersionsHandler(dispatcher), whileStarting)
    .register(Api.SaslHandshake, saslHandshakeHandler(deps.authenticator), whileStarting)
    .register(Api.SaslAuthenticate, saslAuthenticateHandler(deps.authenticator), whileStarting)
    .register(Api.Metadata, metadataHandler(ctx))
    .register(Api.Produce, produceHandler(ctx))
    .register(Api.InitProducerId, initProducerIdHandler(deps.producerIds, getLogger('producer-ids'), ctx))
    .register(Api.Fetch, fetchHandler(ctx))
    .register(Api.OffsetForLeaderEpoch, offsetForLeaderEpochHandler(ctx))
    .register(Api.ListOffsets, listOffsetsHandler(ctx))
    .register(Api.DeleteRecords, deleteRecordsHandler(ctx))
    .register(Api.CreateTopics, createTopicsHandler(ctx))
    .register(Api.DeleteTopics, deleteTopicsHandler(ctx))
    .register(Api.CreatePartitions, createPartitionsHandler(ctx))
    .register(Api.DescribeConfigs, describeConfigsHandler(ctx, deps.dynamicConfig))
    .register(Api.AlterConfigs, alterConfigsHandler(ctx, deps.dynamicConfig))
    .register(Api.IncrementalAlterConfigs, incrementalAlterConfigsHandler(ctx, deps.dynamicConfig))
    .register(Api.DescribeLogDirs, describeLogDirsHandler(ctx, logDirMover))
    .register(Api.AlterReplicaLogDirs, alterReplicaLogDirsHandler(ctx, logDirMover))
    .register(Api.LeaderAndIsr, leaderAndIsrHandler(ctx), whileStarting)
    .register(Api.UpdateMetadata, async (req, rc) => {
      const response = await updateMetadata(req, rc);
      // The coordinator drops the offsets of topics this update no longer lists.
      deps.groups.onMetadataUpdate();
      return response;
    }, whileStarting)
    .register(Api.StopReplica, stopReplicaHandler(ctx), whileStarting)
    .register(Api.ControlledShutdown, controlledShutdownHandler(deps.controller, ctx), whileStarting)
    .register(Api.ElectLeaders, electLeadersHandler(deps.controller, ctx))
    .register(Api.AlterPartitionReassignments, alterPartitionReassignmentsHandler(deps.controller, ctx))
    .register(Api.ListPartitionReassignments, listPartitionReassignmentsHandler(deps.controller, ctx))
    .register(Api.FindCoordinator, findCoordinatorHandler(ctx))
    .register(Api.JoinGroup, joinGroupHandler(ctx))
    .register(Api.SyncGroup, syncGroupHandler(ctx))
    .register(Api.Heartbeat, heartbeatHandler(ctx))
    .register(Api.LeaveGroup, leaveGroupHandler(ctx))
    .register(Api.OffsetCommit, offsetCommitHandler(ctx))
    .register(Api.OffsetFetch, offsetFetchHandler(ctx))
    .register(Api.OffsetDelete, offsetDeleteHandler(ctx))
    .register(Api.TxnOffsetCommit, txnOffsetCommitHandler(ctx))
    .register(Api.ListGroups, listGroupsHandler(ctx))
    .register(Api.DescribeGroups, describeGroupsHandler(ctx))
    .register(Api.DeleteGroups, deleteGroupsHandler(ctx))
    .register(Api.DescribeAcls, describeAclsHandler(deps.acls, aclGate))
    .register(Api.CreateAcls, createAclsHandler(deps.acls, aclGate))
    .register(Api.DeleteAcls, deleteAclsHandler(deps.acls, aclGate))
    .register(Api.DescribeUserScramCredentials, scram.describe)
    .register(Api.AlterUserScramCredentials, scram.alter)
    .register(Api.DescribeClientQuotas, quotas.describe)
    .register(Api.AlterClientQuotas, quotas.alter)
    .register(Api.WriteTxnMarkers, writeTxnMarkersHandler(ctx))
    .register(Api.DescribeProducers, describeProducersHandler(ctx));
  registerTransactionHandlers(dispatcher, ctx);
}
