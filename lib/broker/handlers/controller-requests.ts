/**
 * Requests only the controller sends: LeaderAndIsr, UpdateMetadata, StopReplica. Each carries the
 * controller epoch; anything older than the newest epoch seen is rejected as STALE_CONTROLLER_EPOCH
 * so a deposed controller cannot overrule its successor.
 */
import { ErrorCode } from '../../protocol/errors';
import {
  LeaderAndIsrRequestData, LeaderAndIsrResponseData, StopReplicaRequestData, StopReplicaResponseData,
  UpdateMetadataRequestData,
} from '../../protocol/messages/controller';
import { BrokerContext } from '../broker-context';
import { Handler } from '../request-context';

export function leaderAndIsrHandler(ctx: BrokerContext): Handler<LeaderAndIsrRequestData, LeaderAndIsrResponseData> {
  return (req) => ctx.replicas.applyLeaderAndIsr(req);
}

export function stopReplicaHandler(ctx: BrokerContext): Handler<StopReplicaRequestData, StopReplicaResponseData> {
  return (req) => ctx.replicas.stopReplicas(req);
}

export function updateMetadataHandler(ctx: BrokerContext): Handler<UpdateMetadataRequestData, { errorCode: number }> {
  return (req) => {
    if (req.controllerEpoch < ctx.metadata.controllerEpoch) {
      ctx.logger.warn(`Ignoring UpdateMetadata from controller ${req.controllerId} with stale epoch ${req.controllerEpoch} (current ${ctx.metadata.controllerEpoch})`);
      return { errorCode: ErrorCode.STALE_CONTROLLER_EPOCH.code };
    }
    ctx.metadata.update(req);
    return { errorCode: 0 };
  };
}
