/**
 * JoinGroup, SyncGroup, Heartbeat and LeaveGroup, served by the group coordinator
 * (lib/group/group-membership.ts). JoinGroup and SyncGroup may stay parked until the rebalance
 * lets the coordinator answer them.
 */
import { Infer } from '../../protocol/schema';
import {
  HeartbeatRequest, HeartbeatResponse, JoinGroupRequest, JoinGroupResponse, LeaveGroupRequest, LeaveGroupResponse,
  SyncGroupRequest, SyncGroupResponse,
} from '../../protocol/messages/group';
import { ClientIdentity } from '../../group/group-membership';
import { BrokerContext } from '../broker-context';
import { Handler, RequestContext } from '../request-context';

/** Kafka shows a member's host as Java prints an InetAddress: `/127.0.0.1`. */
export function clientIdentity(rc: RequestContext): ClientIdentity {
  const address = rc.remoteAddress.replace(/:[^:]*$/, '').replace(/^::ffff:/, '');
  return { clientId: rc.header.clientId ?? '', clientHost: `/${address}` };
}

export function joinGroupHandler(ctx: BrokerContext): Handler<Infer<typeof JoinGroupRequest>, Infer<typeof JoinGroupResponse>> {
  return (req, rc) => ctx.groups.membership.join(req, clientIdentity(rc));
}

export function syncGroupHandler(ctx: BrokerContext): Handler<Infer<typeof SyncGroupRequest>, Infer<typeof SyncGroupResponse>> {
  return (req) => ctx.groups.membership.sync(req);
}

export function heartbeatHandler(ctx: BrokerContext): Handler<Infer<typeof HeartbeatRequest>, Infer<typeof HeartbeatResponse>> {
  return (req) => ctx.groups.membership.heartbeat(req);
}

export function leaveGroupHandler(ctx: BrokerContext): Handler<Infer<typeof LeaveGroupRequest>, Infer<typeof LeaveGroupResponse>> {
  return (req) => ctx.groups.membership.leave(req);
}
