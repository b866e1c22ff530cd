/**
 * The rules of Kafka 2.8's AclAuthorizer (kafka.security.authorizer.AclAuthorizer.authorizeAction
 * and matchingAcls) as small pure functions, so each rule can be read next to Kafka's and tested
 * alone. The cache finds the ACLs; these functions decide.
 */
import { formatPrincipal } from '../principal';
import {
  AccessControlEntry, AclBinding, AuthorizationRequest, ConcreteOperation, ConcretePermission, Resource, ResourcePattern,
  WILDCARD_HOST, WILDCARD_RESOURCE,
} from './acl-types';

/** Kafka's AclEntry.WildcardPrincipalString: an ACL for every principal. */
export const WILDCARD_PRINCIPAL = 'User:*';

/**
 * Kafka's matchingAcls: a LITERAL pattern with the exact name or `*`, or a PREFIXED pattern whose
 * name starts the resource's name, of the same resource type.
 */
export function patternMatches(pattern: ResourcePattern, resource: Resource): boolean {
  if (pattern.resourceType !== resource.resourceType) return false;
  if (pattern.patternType === 'Literal') return pattern.name === resource.name || pattern.name === WILDCARD_RESOURCE;
  return resource.name.startsWith(pattern.name);
}

/** Kafka: `acl.kafkaPrincipal == principal || acl.kafkaPrincipal == WildcardPrincipal`. */
export function principalMatches(aclPrincipal: string, principal: string): boolean {
  return aclPrincipal === principal || aclPrincipal === WILDCARD_PRINCIPAL;
}

/** Kafka: `acl.host == host || acl.host == WildcardHost` (the client's IP address, no port). */
export function hostMatches(aclHost: string, host: string): boolean {
  return aclHost === host || aclHost === WILDCARD_HOST;
}

/** Kafka: `operation == acl.operation || acl.operation == ALL`. */
export function operationMatches(aclOperation: ConcreteOperation, operation: ConcreteOperation): boolean {
  return aclOperation === operation || aclOperation === 'All';
}

/**
 * Kafka's allowAclExists: an ALLOW on Read, Write, Delete or Alter also allows Describe, and an
 * ALLOW on AlterConfigs also allows DescribeConfigs. Only ALLOWs are widened: a DENY on Read does
 * not deny Describe (Kafka's denyAclExists looks for the operation itself, or All).
 */
export function operationsAllowing(operation: ConcreteOperation): readonly ConcreteOperation[] {
  if (operation === 'Describe') return ['Describe', 'Read', 'Write', 'Delete', 'Alter'];
  if (operation === 'DescribeConfigs') return ['DescribeConfigs', 'AlterConfigs'];
  return [operation];
}

/** Kafka's matchingAclExists for one permission type and one operation. */
function entryApplies(entry: AccessControlEntry, permission: ConcretePermission, operation: ConcreteOperation, principal: string, host: string): boolean {
  return entry.permissionType === permission
    && principalMatches(entry.principal, principal)
    && operationMatches(entry.operation, operation)
    && hostMatches(entry.host, host);
}

/**
 * Java's InetAddress.getHostAddress of an IPv4 client is the dotted quad; Node reports IPv4
 * clients of a dual-stack socket as `::ffff:a.b.c.d`, which no ACL host names.
 */
export function normalizeHost(address: string): string {
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice('::ffff:'.length) : address;
}

export type Decision =
  | { allowed: true; reason: 'super-user' | 'allow-acl' | 'no-acls-allow-everyone' }
  | { allowed: false; reason: 'deny-acl' | 'no-allow-acl' | 'no-acls' };

export interface DecisionOptions {
  /** `super.users` principals, as `User:name` strings. */
  readonly superUsers: ReadonlySet<string>;
  /** `allow.everyone.if.no.acl.found`. */
  readonly allowEveryoneIfNoAclFound: boolean;
}

/**
 * Kafka's authorizeAction: a super user is always allowed; with no matching ACL at all the
 * answer is allow.everyone.if.no.acl.found; otherwise any matching DENY refuses (deny wins),
 * and a matching ALLOW (with the implied operations) is required.
 * `matching` must be the bindings whose pattern matches the resource (see patternMatches).
 */
export function decide(matching: readonly AclBinding[], request: AuthorizationRequest, options: DecisionOptions): Decision {
  const principal = formatPrincipal(request.principal);
  if (options.superUsers.has(principal)) return { allowed: true, reason: 'super-user' };
  if (matching.length === 0) {
    return options.allowEveryoneIfNoAclFound ? { allowed: true, reason: 'no-acls-allow-everyone' } : { allowed: false, reason: 'no-acls' };
  }
  const host = normalizeHost(request.clientHost);
  const entries = matching.map((b) => b.entry);
  if (entries.some((e) => entryApplies(e, 'Deny', request.operation, principal, host))) return { allowed: false, reason: 'deny-acl' };
  const allowed = operationsAllowing(request.operation).some((op) => entries.some((e) => entryApplies(e, 'Allow', op, principal, host)));
  return allowed ? { allowed: true, reason: 'allow-acl' } : { allowed: false, reason: 'no-allow-acl' };
}

/** Kafka's super.users: `User:admin;User:bob`, semicolon-separated, blanks ignored. */
export function parseSuperUsers(text: string): string[] {
  return text.split(';').map((s) => s.trim()).filter((s) => s !== '');
}

/**
 * The second half of Kafka's Authorizer.authorizeByResourceType (after its "hardcode" resource
 * check, which catches super users and allow.everyone.if.no.acl.found): some ALLOW for the
 * principal, host and operation on a pattern of the type that no DENY dominates. A DENY on the
 * literal `*` refuses at once; a literal ALLOW is dominated by a DENY on the same literal name; any
 * ALLOW is dominated by a prefixed DENY on a prefix of its name. `bindings` are all of one type.
 */
export function somePatternAllows(bindings: readonly AclBinding[], operation: ConcreteOperation, principal: string, host: string): boolean {
  const applies = (e: AccessControlEntry) => principalMatches(e.principal, principal) && hostMatches(e.host, host) && operationMatches(e.operation, operation);
  const relevant = bindings.filter((b) => applies(b.entry));
  const denies = relevant.filter((b) => b.entry.permissionType === 'Deny');
  if (denies.some((b) => b.pattern.patternType === 'Literal' && b.pattern.name === WILDCARD_RESOURCE)) return false;
  const deniedLiterals = new Set(denies.filter((b) => b.pattern.patternType === 'Literal').map((b) => b.pattern.name));
  const deniedPrefixes = denies.filter((b) => b.pattern.patternType === 'Prefixed').map((b) => b.pattern.name);
  return relevant.some(({ pattern, entry }) => {
    if (entry.permissionType !== 'Allow') return false;
    if (pattern.patternType === 'Literal' && pattern.name === WILDCARD_RESOURCE) return true;
    if (pattern.patternType === 'Literal' && deniedLiterals.has(pattern.name)) return false;
    return !deniedPrefixes.some((prefix) => pattern.name.startsWith(prefix));
  });
}
