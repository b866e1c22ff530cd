/**
 * DescribeAcls, CreateAcls and DeleteAcls: the ACL administration APIs, answered from and written
 * to ZooKeeper through the AclStore (any broker serves them; the brokers' authorizer caches
 * follow the change notifications the store writes). Errors travel as Kafka reports them: per
 * creation, per filter, and for DescribeAcls once for the request.
 */
import { ErrorCode, SamsaError, toErrorCode } from '../../protocol/errors';
import {
  AclFilterData, CreateAclsRequestData, CreateAclsResponseData, DeleteAclsRequestData, DeleteAclsResponseData, DescribeAclsResponseData,
} from '../../protocol/messages/acls';
import { invalidFilterReason, samePattern, validateCreation } from '../../security/acl/acl-filter';
import type { AclStore } from '../../security/acl/acl-store';
import { AclBinding, OPERATIONS, PATTERN_TYPES, PERMISSION_TYPES, RESOURCE_TYPES } from '../../security/acl/acl-types';
import { bindingToWire, filterFromWire, operationName, patternTypeName, permissionTypeName, resourceTypeName } from '../../security/acl/acl-wire';
import { Handler, RequestContext } from '../request-context';
import { AccessControl, authorizeCluster } from '../authorize';

/**
 * Whether the caller may administer ACLs at all: 0, or the error code that refuses the whole
 * request. Kafka answers SECURITY_DISABLED when no authorizer is configured, and checks Alter on
 * the Cluster (CreateAcls, DeleteAcls) or Describe on the Cluster (DescribeAcls).
 */
export type AclAdminGate = (ctx: RequestContext, operation: 'Alter' | 'Describe') => number;

/**
 * Who may administer ACLs, as Kafka decides it: without an authorizer there are no ACLs to manage
 * (SECURITY_DISABLED); with one, Alter on the Cluster to create or delete and Describe on the
 * Cluster to list (CLUSTER_AUTHORIZATION_FAILED otherwise).
 */
export function aclAdminGate(access: AccessControl): AclAdminGate {
  return (ctx, operation) => {
    if (access.authorizer === null) return ErrorCode.SECURITY_DISABLED.code;
    return authorizeCluster(access, ctx, operation) ? 0 : ErrorCode.CLUSTER_AUTHORIZATION_FAILED.code;
  };
}

export function describeAclsHandler(store: AclStore, gate: AclAdminGate): Handler<AclFilterData, DescribeAclsResponseData> {
  return async (req, ctx) => {
    const failure = (errorCode: number, errorMessage: string | null): DescribeAclsResponseData =>
      ({ throttleTimeMs: 0, errorCode, errorMessage, resources: [] });
    const refused = gate(ctx, 'Describe');
    if (refused !== 0) return failure(refused, null);
    const filter = filterFromWire(req);
    const invalid = invalidFilterReason(filter);
    if (invalid) return failure(ErrorCode.INVALID_REQUEST.code, invalid);
    try {
      return { throttleTimeMs: 0, errorCode: 0, errorMessage: null, resources: groupByResource(await store.describe(filter)) };
    } catch (err) {
      return failure(toErrorCode(err), messageOf(err));
    }
  };
}

export function createAclsHandler(store: AclStore, gate: AclAdminGate): Handler<CreateAclsRequestData, CreateAclsResponseData> {
  return async (req, ctx) => {
    const refused = gate(ctx, 'Alter');
    if (refused !== 0) return { throttleTimeMs: 0, results: req.creations.map(() => ({ errorCode: refused, errorMessage: null })) };
    const checked = req.creations.map((c) => validateCreation({
      resourceType: resourceTypeName(c.resourceType), name: c.resourceName, patternType: patternTypeName(c.resourcePatternType),
      principal: c.principal, host: c.host, operation: operationName(c.operation), permissionType: permissionTypeName(c.permissionType),
    }));
    const valid = checked.flatMap((c) => (c.ok ? [c.binding] : []));
    let stored: { errorCode: number; errorMessage: string | null } = { errorCode: 0, errorMessage: null };
    try {
      await store.create(valid);
    } catch (err) {
      stored = { errorCode: toErrorCode(err), errorMessage: messageOf(err) };
    }
    return {
      throttleTimeMs: 0,
      results: checked.map((c) => (c.ok ? stored : { errorCode: ErrorCode.INVALID_REQUEST.code, errorMessage: c.message })),
    };
  };
}

export function deleteAclsHandler(store: AclStore, gate: AclAdminGate): Handler<DeleteAclsRequestData, DeleteAclsResponseData> {
  return async (req, ctx) => {
    const refused = gate(ctx, 'Alter');
    if (refused !== 0) return { throttleTimeMs: 0, filterResults: req.filters.map(() => ({ errorCode: refused, errorMessage: null, matchingAcls: [] })) };
    const filters = req.filters.map(filterFromWire);
    const invalid = filters.map(invalidFilterReason);
    const valid = filters.filter((_, i) => invalid[i] === undefined);
    let removed: AclBinding[][];
    try {
      removed = await store.delete(valid);
    } catch (err) {
      const errorCode = toErrorCode(err);
      return { throttleTimeMs: 0, filterResults: filters.map((_, i) => ({ errorCode: invalid[i] ? ErrorCode.INVALID_REQUEST.code : errorCode, errorMessage: invalid[i] ?? messageOf(err), matchingAcls: [] })) };
    }
    let next = 0;
    return {
      throttleTimeMs: 0,
      filterResults: filters.map((_, i) => {
        const reason = invalid[i];
        if (reason !== undefined) return { errorCode: ErrorCode.INVALID_REQUEST.code, errorMessage: reason, matchingAcls: [] };
        return {
          errorCode: 0,
          errorMessage: null,
          matchingAcls: removed[next++].map((b) => ({ errorCode: 0, errorMessage: null, ...bindingToWire(b) })),
        };
      }),
    };
  };
}

/** DescribeAcls' shape: one entry per resource pattern, its ACLs below it. */
function groupByResource(bindings: readonly AclBinding[]): DescribeAclsResponseData['resources'] {
  const out: Array<{ pattern: AclBinding['pattern']; acls: DescribeAclsResponseData['resources'][number]['acls'] }> = [];
  for (const { pattern, entry } of bindings) {
    let group = out.find((g) => samePattern(g.pattern, pattern));
    if (!group) {
      group = { pattern, acls: [] };
      out.push(group);
    }
    group.acls.push({ principal: entry.principal, host: entry.host, operation: OPERATIONS[entry.operation], permissionType: PERMISSION_TYPES[entry.permissionType] });
  }
  return out.map(({ pattern, acls }) => ({
    resourceType: RESOURCE_TYPES[pattern.resourceType], resourceName: pattern.name, patternType: PATTERN_TYPES[pattern.patternType], acls,
  }));
}

function messageOf(err: unknown): string {
  if (err instanceof SamsaError) {
    const prefix = `${err.errorName}: `;
    return err.message.startsWith(prefix) ? err.message.slice(prefix.length) : err.message;
  }
  return err instanceof Error ? err.message : String(err);
}
