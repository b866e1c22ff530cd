/**
 * FindCoordinator: any broker tells a client which broker coordinates its group, creating
 * `__consumer_offsets` on first use (see lib/group/offsets-topic.ts). The coordinator's address
 * is its endpoint on the listener the request came in on.
 */
import { Infer } from '../../protocol/schema';
import { FindCoordinatorRequest, FindCoordinatorResponse } from '../../protocol/messages/group';
import { BrokerContext } from '../broker-context';
import { Handler } from '../request-context';

export function findCoordinatorHandler(ctx: BrokerContext): Handler<Infer<typeof FindCoordinatorRequest>, Infer<typeof FindCoordinatorResponse>> {
  return (req, rc) => ctx.groups.offsetsTopic.findCoordinator(req.key, req.keyType, rc.listenerName);
}
