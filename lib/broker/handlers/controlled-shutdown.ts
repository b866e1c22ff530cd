/**
 * ControlledShutdown: a stopping broker asks the controller to move leadership off it first.
 * Only the active controller answers; any other broker says NOT_CONTROLLER. The sender needs
 * ClusterAction on the Cluster (Kafka), else CLUSTER_AUTHORIZATION_FAILED.
 */
import { Controller } from '../../controller/controller';
import { ErrorCode, toErrorCode } from '../../protocol/errors';
import { ControlledShutdownRequestData, ControlledShutdownResponseData } from '../../protocol/messages/controller';
import { AccessControl, authorizeCluster } from '../authorize';
import { Handler } from '../request-context';

export function controlledShutdownHandler(controller: () => Controller | null, access: AccessControl): Handler<ControlledShutdownRequestData, ControlledShutdownResponseData> {
  return async (req, rc) => {
    if (!authorizeCluster(access, rc, 'ClusterAction')) return { errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED.code, remainingPartitions: [] };
    const active = controller();
    if (!active?.isActive) return { errorCode: ErrorCode.NOT_CONTROLLER.code, remainingPartitions: [] };
    try {
      const remaining = await active.controlledShutdown(req.brokerId, req.brokerEpoch);
      return { errorCode: 0, remainingPartitions: remaining.map((tp) => ({ topicName: tp.topic, partitionIndex: tp.partition })) };
    } catch (err) {
      return { errorCode: toErrorCode(err), remainingPartitions: [] };
    }
  };
}
