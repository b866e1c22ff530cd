/** ListGroups, DescribeGroups and DeleteGroups, served by the group coordinator (lib/group/group-admin.ts). */
import { Infer } from '../../protocol/schema';
import {
  DeleteGroupsRequest, DeleteGroupsResponse, DescribeGroupsRequest, DescribeGroupsResponse, ListGroupsRequest, ListGroupsResponse,
} from '../../protocol/messages/group';
import { BrokerContext } from '../broker-context';
import { Handler } from '../request-context';

export function listGroupsHandler(ctx: BrokerContext): Handler<Infer<typeof ListGroupsRequest>, Infer<typeof ListGroupsResponse>> {
  return (req) => ctx.groups.admin.list(req.statesFilter);
}

export function describeGroupsHandler(ctx: BrokerContext): Handler<Infer<typeof DescribeGroupsRequest>, Infer<typeof DescribeGroupsResponse>> {
  return (req) => ctx.groups.admin.describe(req.groups);
}

export function deleteGroupsHandler(ctx: BrokerContext): Handler<Infer<typeof DeleteGroupsRequest>, Infer<typeof DeleteGroupsResponse>> {
  return (req) => ctx.groups.admin.delete(req.groupsNames);
}
