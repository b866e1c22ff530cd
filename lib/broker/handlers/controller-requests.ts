/**
 * Requests only the controller sends: LeaderAndIsr, UpdateMetadata, StopReplica. Two fences guard
 * them. The broker epoch (the czxid of our `/brokers/ids` registration, KIP-380) comes first: a
 * request addressed to an earlier registration of this broker - sent before a quick restart or a
 * ZooKeeper session change - is rejected as STALE_BROKER_EPOCH, since the controller decided it
 * for a broker that has since lost its state. Then the controller epoch: anything older than the
 * newest epoch seen is STALE_CONTROLLER_EPOCH, so a deposed controller cannot overrule its
 * successor. Before both, the sender must have ClusterAction on the Cluster (Kafka's
 * authorizeClusterOperation): only brokers may send these.
 */
import { ErrorCode } from '../../protocol/errors';
import {
  LeaderAndIsrRequestData, LeaderAndIsrResponseData, StopReplicaRequestData, StopReplicaResponseData,
  UpdateMetadataRequestData,
} from '../../protocol/messages/controller';
import { authorizeCluster } from '../authorize';
import { BrokerContext } from '../broker-context';
import { Handler, RequestContext } from '../request-context';

/** Kafka's AbstractControlRequest.UNKNOWN_BROKER_EPOCH: the sender does not know it, so it is not checked. */
const UNKNOWN_BROKER_EPOCH = -1;

/**
 * A newer epoch than ours is accepted: the controller may see our re-registration before our own
 * registration call returns.
 */
function isBrokerEpochStale(ctx: BrokerContext, api: string, req: { controllerId: number; brokerEpoch: number }): boolean {
  const current = ctx.brokerEpoch();
  if (req.brokerEpoch === UNKNOWN_BROKER_EPOCH || req.brokerEpoch >= current) return false;
  ctx.logger.info(`Ignoring ${api} from controller ${req.controllerId} for broker epoch ${req.brokerEpoch}, older than the current broker epoch ${current}`);
  return true;
}

const CLUSTER_DENIED = ErrorCode.CLUSTER_AUTHORIZATION_FAILED.code;

function fromBroker(ctx: BrokerContext, rc: RequestContext): boolean {
  return authorizeCluster(ctx, rc, 'ClusterAction');
}

export function leaderAndIsrHandler(ctx: BrokerContext): Handler<LeaderAndIsrRequestData, LeaderAndIsrResponseData> {
  return (req, rc) => {
    const refused = !fromBroker(ctx, rc) ? CLUSTER_DENIED : isBrokerEpochStale(ctx, 'LeaderAndIsr', req) ? ErrorCode.STALE_BROKER_EPOCH.code : 0;
    if (refused !== 0) {
      const errorCode = refused;
      return { errorCode, partitionErrors: req.partitionStates.map((p) => ({ topicName: p.topicName, partitionIndex: p.partitionIndex, errorCode })) };
    }
    return ctx.replicas.applyLeaderAndIsr(req);
  };
}

export function stopReplicaHandler(ctx: BrokerContext): Handler<StopReplicaRequestData, StopReplicaResponseData> {
  return (req, rc) => {
    const refused = !fromBroker(ctx, rc) ? CLUSTER_DENIED : isBrokerEpochStale(ctx, 'StopReplica', req) ? ErrorCode.STALE_BROKER_EPOCH.code : 0;
    if (refused !== 0) {
      const errorCode = refused;
      return { errorCode, partitionErrors: req.partitions.map((p) => ({ topicName: p.topicName, partitionIndex: p.partitionIndex, errorCode })) };
    }
    return ctx.replicas.stopReplicas(req);
  };
}

export function updateMetadataHandler(ctx: BrokerContext): Handler<UpdateMetadataRequestData, { errorCode: number }> {
  return (req, rc) => {
    if (!fromBroker(ctx, rc)) return { errorCode: CLUSTER_DENIED };
    if (isBrokerEpochStale(ctx, 'UpdateMetadata', req)) return { errorCode: ErrorCode.STALE_BROKER_EPOCH.code };
    if (req.controllerEpoch < ctx.metadata.controllerEpoch) {
      ctx.logger.warn(`Ignoring UpdateMetadata from controller ${req.controllerId} with stale epoch ${req.controllerEpoch} (current ${ctx.metadata.controllerEpoch})`);
      return { errorCode: ErrorCode.STALE_CONTROLLER_EPOCH.code };
    }
    ctx.metadata.update(req);
    return { errorCode: 0 };
  };
}
