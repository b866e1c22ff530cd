/**
 * FindCoordinator: any broker tells a client which broker coordinates its group (key type 0) or
 * its transactional id (key type 1), creating `__consumer_offsets` or `__transaction_state` on
 * first use (lib/group/offsets-topic.ts, lib/transaction/txn-topic.ts). The coordinator's address
 * is its endpoint on the listener the request came in on. Asking needs Describe on the group
 * (key type 0) or on the transactional id (key type 1), as in Kafka.
 */
import { ErrorCode } from '../../protocol/errors';
import { Infer } from '../../protocol/schema';
import { FindCoordinatorRequest, FindCoordinatorResponse } from '../../protocol/messages/group';
import { authorize } from '../authorize';
import { BrokerContext } from '../broker-context';
import { Handler } from '../request-context';

const KEY_TYPE_GROUP = 0;
const KEY_TYPE_TRANSACTION = 1;

export function findCoordinatorHandler(ctx: BrokerContext): Handler<Infer<typeof FindCoordinatorRequest>, Infer<typeof FindCoordinatorResponse>> {
  return (req, rc) => {
    const denied = req.keyType === KEY_TYPE_TRANSACTION
      ? !authorize(ctx, rc, 'Describe', 'TransactionalId', req.key) && ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED
      : req.keyType === KEY_TYPE_GROUP && !authorize(ctx, rc, 'Describe', 'Group', req.key) && ErrorCode.GROUP_AUTHORIZATION_FAILED;
    if (denied) return { throttleTimeMs: 0, errorCode: denied.code, errorMessage: denied.message, nodeId: -1, host: '', port: -1 };
    if (req.keyType === KEY_TYPE_TRANSACTION) {
      if (!ctx.transactions) return { throttleTimeMs: 0, errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE.code, errorMessage: null, nodeId: -1, host: '', port: -1 };
      return ctx.transactions.topic.findCoordinator(req.key, rc.listenerName);
    }
    return ctx.groups.offsetsTopic.findCoordinator(req.key, req.keyType, rc.listenerName);
  };
}
