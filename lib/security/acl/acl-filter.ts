/**
 * Kafka's AclBindingFilter semantics (ResourcePatternFilter + AccessControlEntryFilter), pure:
 * which stored ACLs a DescribeAcls or DeleteAcls filter selects, and which filters and bindings
 * a request may carry at all. The store and the API handlers both ask this module, so
 * "what matches" has one definition.
 */
import { parsePrincipal } from '../principal';
import {
  AccessControlEntry, AclBinding, AclBindingFilter, CLUSTER_RESOURCE_NAME, ConcretePatternType, ConcreteResourceType, ResourcePattern,
  WILDCARD_RESOURCE,
} from './acl-types';

/** The filter that selects every ACL (Kafka's AclBindingFilter.ANY). */
export const ANY_ACL_FILTER: AclBindingFilter = Object.freeze({
  resourceType: 'Any', name: null, patternType: 'Any', principal: null, host: null, operation: 'Any', permissionType: 'Any',
});

/** Kafka's ResourcePatternFilter.matches. */
export function filterMatchesPattern(filter: AclBindingFilter, pattern: ResourcePattern): boolean {
  if (filter.resourceType !== 'Any' && filter.resourceType !== pattern.resourceType) return false;
  if (filter.patternType !== 'Any' && filter.patternType !== 'Match' && filter.patternType !== pattern.patternType) return false;
  if (filter.name === null) return true;
  if (filter.patternType === 'Any' || filter.patternType === pattern.patternType) return filter.name === pattern.name;
  // Match: every stored pattern that applies to a resource called `filter.name`.
  if (pattern.patternType === 'Literal') return filter.name === pattern.name || pattern.name === WILDCARD_RESOURCE;
  return filter.name.startsWith(pattern.name);
}

/** Kafka's AccessControlEntryFilter.matches. */
export function filterMatchesEntry(filter: AclBindingFilter, entry: AccessControlEntry): boolean {
  if (filter.principal !== null && filter.principal !== entry.principal) return false;
  if (filter.host !== null && filter.host !== entry.host) return false;
  if (filter.operation !== 'Any' && filter.operation !== entry.operation) return false;
  return filter.permissionType === 'Any' || filter.permissionType === entry.permissionType;
}

export function filterMatches(filter: AclBindingFilter, binding: AclBinding): boolean {
  return filterMatchesPattern(filter, binding.pattern) && filterMatchesEntry(filter, binding.entry);
}

/** Why a filter cannot be answered (Kafka refuses filters with UNKNOWN elements), or undefined. */
export function invalidFilterReason(filter: AclBindingFilter): string | undefined {
  if (filter.resourceType === 'Unknown' || filter.patternType === 'Unknown' || filter.operation === 'Unknown' || filter.permissionType === 'Unknown') {
    return 'The filter contained UNKNOWN elements';
  }
  return undefined;
}

/** The filter that selects exactly one ACL (Kafka's AclBinding.toFilter). */
export function exactFilter(binding: AclBinding): AclBindingFilter {
  return {
    resourceType: binding.pattern.resourceType, name: binding.pattern.name, patternType: binding.pattern.patternType,
    principal: binding.entry.principal, host: binding.entry.host, operation: binding.entry.operation, permissionType: binding.entry.permissionType,
  };
}

/** A CreateAcls creation as decoded: names already mapped from wire codes, possibly wildcards. */
export interface AclCreation {
  readonly resourceType: string;
  readonly name: string;
  readonly patternType: string;
  readonly principal: string;
  readonly host: string;
  readonly operation: string;
  readonly permissionType: string;
}

const CONCRETE_TYPES: readonly string[] = ['Topic', 'Group', 'Cluster', 'TransactionalId', 'DelegationToken'];
const CONCRETE_PATTERNS: readonly string[] = ['Literal', 'Prefixed'];
const FILTER_ONLY_OPERATIONS: readonly string[] = ['Unknown', 'Any'];
const CONCRETE_PERMISSIONS: readonly string[] = ['Allow', 'Deny'];

/**
 * Checks a creation as Kafka's CreateAcls does (no UNKNOWN/ANY/MATCH, a `Type:name` principal,
 * a non-empty resource name, `kafka-cluster` as the Cluster's only name); returns the binding or
 * the INVALID_REQUEST message.
 */
export function validateCreation(c: AclCreation): { ok: true; binding: AclBinding } | { ok: false; message: string } {
  const describe = (): string => `(pattern=${c.resourceType}:${c.patternType}:${c.name}, entry=${c.principal}@${c.host} ${c.permissionType} ${c.operation})`;
  if (!CONCRETE_TYPES.includes(c.resourceType) || !CONCRETE_PATTERNS.includes(c.patternType)
    || FILTER_ONLY_OPERATIONS.includes(c.operation) || !CONCRETE_PERMISSIONS.includes(c.permissionType)) {
    return { ok: false, message: `Invalid ACL creation: ${describe()}` };
  }
  if (parsePrincipal(c.principal) === undefined) {
    return { ok: false, message: `Invalid ACL creation: expected a string in format principalType:principalName but got ${c.principal}` };
  }
  if (c.name === '') return { ok: false, message: 'Invalid empty resource name specified' };
  if (c.resourceType === 'Cluster' && c.name !== CLUSTER_RESOURCE_NAME) {
    return { ok: false, message: `The only valid name for the CLUSTER resource is ${CLUSTER_RESOURCE_NAME}` };
  }
  return {
    ok: true,
    binding: {
      pattern: { resourceType: c.resourceType as ConcreteResourceType, name: c.name, patternType: c.patternType as ConcretePatternType },
      entry: {
        principal: c.principal, host: c.host, operation: c.operation as AccessControlEntry['operation'],
        permissionType: c.permissionType as AccessControlEntry['permissionType'],
      },
    },
  };
}

export function sameEntry(a: AccessControlEntry, b: AccessControlEntry): boolean {
  return a.principal === b.principal && a.host === b.host && a.operation === b.operation && a.permissionType === b.permissionType;
}

export function samePattern(a: ResourcePattern, b: ResourcePattern): boolean {
  return a.resourceType === b.resourceType && a.name === b.name && a.patternType === b.patternType;
}
