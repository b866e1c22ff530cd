/**
 * Kafka 2.8's kafka.security.authorizer.AclAuthorizer: answers "may this principal do this?" from
 * the ACL cache with the rules of acl-match.ts, and writes Kafka's audit line for every decision
 * (denials at the operator's level, allowed requests at debug) to the `authorizer` log.
 */
import { formatPrincipal } from '../principal';
import { Logger } from '../../util/logger';
import { AclBinding, AuthorizationRequest, Authorizer, ConcreteResourceType, Resource, ResourceTypeRequest } from './acl-types';
import { decide, DecisionOptions, normalizeHost, somePatternAllows } from './acl-match';

/** What the authorizer reads ACLs from: the AclCache on a broker, a plain list in unit tests. */
export interface AclSource {
  matching(resource: Resource): AclBinding[];
  ofType(resourceType: ConcreteResourceType): AclBinding[];
}

export interface AclAuthorizerOptions extends DecisionOptions {
  /** Level of the audit line for a denial (`authorizer.audit.log.level`). */
  readonly auditLogLevel: string;
  readonly logger: Logger;
}

/** Kafka's line: `Principal = User:alice is Denied Operation = Write from host = 127.0.0.1 on resource = Topic:LITERAL:t for request = Produce with resourceRefCount = 1`. */
export function auditLine(request: AuthorizationRequest, allowed: boolean): string {
  const { resource } = request;
  return `Principal = ${formatPrincipal(request.principal)} is ${allowed ? 'Allowed' : 'Denied'} Operation = ${request.operation} `
    + `from host = ${normalizeHost(request.clientHost)} on resource = ${resource.resourceType}:LITERAL:${resource.name} `
    + `for request = ${request.apiName ?? 'unknown'} with resourceRefCount = ${request.resourceRefCount ?? 1}`;
}

export class AclAuthorizer implements Authorizer {
  constructor(private readonly acls: AclSource, private readonly options: AclAuthorizerOptions) {}

  authorize(request: AuthorizationRequest): boolean {
    const decision = decide(this.acls.matching(request.resource), request, this.options);
    const { logger } = this.options;
    // Kafka: denials of what was asked for at info (here the operator's level), filters and
    // probes (logIfDenied false) at trace; allowed requests at debug.
    if (!decision.allowed) logger.log(request.logIfDenied === false ? 'silly' : this.options.auditLogLevel, auditLine(request, false));
    // Every produce and fetch passes here: build the allowed line only when someone reads it.
    else if (logger.isDebugEnabled()) logger.debug(auditLine(request, true));
    return decision.allowed;
  }

  /**
   * Kafka's Authorizer.authorizeByResourceType: first the rules for a made-up resource name, which
   * admit super users and (with no ACLs of the type) allow.everyone.if.no.acl.found, then some
   * ALLOW of the type that no DENY dominates.
   */
  authorizeByResourceType(request: ResourceTypeRequest): boolean {
    const probe = { ...request, resource: { resourceType: request.resourceType, name: 'hardcode' } };
    if (decide(this.acls.matching(probe.resource), probe, this.options).allowed) return true;
    return somePatternAllows(this.acls.ofType(request.resourceType), request.operation, formatPrincipal(request.principal), normalizeHost(request.clientHost));
  }
}
