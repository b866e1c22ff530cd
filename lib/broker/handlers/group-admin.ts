/**
 * ListGroups, DescribeGroups and DeleteGroups, served by the group coordinator (lib/group/group-admin.ts).
 * Access as Kafka checks it: Describe on the Cluster lists every group, otherwise only the groups
 * the principal may Describe; DescribeGroups needs Describe and DeleteGroups Delete on each group.
 */
import { ErrorCode } from '../../protocol/errors';
import { Infer } from '../../protocol/schema';
import {
  DeleteGroupsRequest, DeleteGroupsResponse, DescribeGroupsRequest, DescribeGroupsResponse, ListGroupsRequest, ListGroupsResponse,
} from '../../protocol/messages/group';
import { authorize, authorizeCluster, authorizedNames } from '../authorize';
import { BrokerContext } from '../broker-context';
import { Handler } from '../request-context';

const GROUP_DENIED = ErrorCode.GROUP_AUTHORIZATION_FAILED.code;

export function listGroupsHandler(ctx: BrokerContext): Handler<Infer<typeof ListGroupsRequest>, Infer<typeof ListGroupsResponse>> {
  return async (req, rc) => {
    const answer = await ctx.groups.admin.list(req.statesFilter);
    if (authorizeCluster(ctx, rc, 'Describe')) return answer;
    return { ...answer, groups: answer.groups.filter((g) => authorize(ctx, rc, 'Describe', 'Group', g.groupId, { logIfDenied: false })) };
  };
}

export function describeGroupsHandler(ctx: BrokerContext): Handler<Infer<typeof DescribeGroupsRequest>, Infer<typeof DescribeGroupsResponse>> {
  return async (req, rc) => {
    const allowed = authorizedNames(ctx, rc, 'Describe', 'Group', req.groups);
    const described = await ctx.groups.admin.describe(req.groups.filter((g) => allowed.has(g)));
    let next = 0;
    return {
      ...described,
      groups: req.groups.map((groupId) => (allowed.has(groupId)
        ? described.groups[next++]
        : { errorCode: GROUP_DENIED, groupId, groupState: '', protocolType: '', protocolData: '', members: [] })),
    };
  };
}

export function deleteGroupsHandler(ctx: BrokerContext): Handler<Infer<typeof DeleteGroupsRequest>, Infer<typeof DeleteGroupsResponse>> {
  return async (req, rc) => {
    const allowed = authorizedNames(ctx, rc, 'Delete', 'Group', req.groupsNames);
    const deleted = await ctx.groups.admin.delete(req.groupsNames.filter((g) => allowed.has(g)));
    const denied = req.groupsNames.filter((g) => !allowed.has(g)).map((groupId) => ({ groupId, errorCode: GROUP_DENIED }));
    return { ...deleted, results: [...deleted.results, ...denied] };
  };
}
