/**
 * JoinGroup, SyncGroup, Heartbeat and LeaveGroup, served by the group coordinator
 * (lib/group/group-membership.ts). JoinGroup and SyncGroup may stay parked until the rebalance
 * lets the coordinator answer them. Each needs Read on the group (Kafka), else
 * GROUP_AUTHORIZATION_FAILED before the coordinator sees it.
 */
import { ErrorCode } from '../../protocol/errors';
import { Infer } from '../../protocol/schema';
import {
  HeartbeatRequest, HeartbeatResponse, JoinGroupRequest, JoinGroupResponse, LeaveGroupRequest, LeaveGroupResponse,
  SyncGroupRequest, SyncGroupResponse,
} from '../../protocol/messages/group';
import { ClientIdentity } from '../../group/group-membership';
import { authorize } from '../authorize';
import { BrokerContext } from '../broker-context';
import { Handler, RequestContext } from '../request-context';

/** Kafka shows a member's host as Java prints an InetAddress: `/127.0.0.1`. */
export function clientIdentity(rc: RequestContext): ClientIdentity {
  const address = rc.remoteAddress.replace(/:[^:]*$/, '').replace(/^::ffff:/, '');
  return { clientId: rc.header.clientId ?? '', clientHost: `/${address}` };
}

const DENIED = ErrorCode.GROUP_AUTHORIZATION_FAILED.code;

function mayRead(ctx: BrokerContext, rc: RequestContext, groupId: string): boolean {
  return authorize(ctx, rc, 'Read', 'Group', groupId);
}

export function joinGroupHandler(ctx: BrokerContext): Handler<Infer<typeof JoinGroupRequest>, Infer<typeof JoinGroupResponse>> {
  return (req, rc) => (mayRead(ctx, rc, req.groupId)
    ? ctx.groups.membership.join(req, clientIdentity(rc))
    : { throttleTimeMs: 0, errorCode: DENIED, generationId: -1, protocolType: null, protocolName: null, leader: '', memberId: req.memberId, members: [] });
}

export function syncGroupHandler(ctx: BrokerContext): Handler<Infer<typeof SyncGroupRequest>, Infer<typeof SyncGroupResponse>> {
  return (req, rc) => (mayRead(ctx, rc, req.groupId)
    ? ctx.groups.membership.sync(req)
    : { throttleTimeMs: 0, errorCode: DENIED, protocolType: null, protocolName: null, assignment: Buffer.alloc(0) });
}

export function heartbeatHandler(ctx: BrokerContext): Handler<Infer<typeof HeartbeatRequest>, Infer<typeof HeartbeatResponse>> {
  return (req, rc) => (mayRead(ctx, rc, req.groupId) ? ctx.groups.membership.heartbeat(req) : { throttleTimeMs: 0, errorCode: DENIED });
}

export function leaveGroupHandler(ctx: BrokerContext): Handler<Infer<typeof LeaveGroupRequest>, Infer<typeof LeaveGroupResponse>> {
  return (req, rc) => (mayRead(ctx, rc, req.groupId) ? ctx.groups.membership.leave(req) : { throttleTimeMs: 0, errorCode: DENIED, members: [] });
}
