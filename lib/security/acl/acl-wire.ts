/**
 * ACL vocabulary between names (acl-types.ts) and the int8 codes the DescribeAcls, CreateAcls and
 * DeleteAcls messages carry, for the broker's handlers and the Admin client alike. A code no
 * table knows reads as Unknown, which the filter and creation checks then refuse.
 */
import type { AclFilterData } from '../../protocol/messages/acls';
import {
  AclBinding, AclBindingFilter, ConcreteOperation, ConcretePatternType, ConcretePermission, ConcreteResourceType, OPERATIONS, OperationName, PATTERN_TYPES, PERMISSION_TYPES, PatternTypeName, PermissionTypeName,
  RESOURCE_TYPES, ResourceTypeName, nameOfCode,
} from './acl-types';

export function resourceTypeName(code: number): ResourceTypeName {
  return nameOfCode(RESOURCE_TYPES, code) ?? 'Unknown';
}

export function patternTypeName(code: number): PatternTypeName {
  return nameOfCode(PATTERN_TYPES, code) ?? 'Unknown';
}

export function operationName(code: number): OperationName {
  return nameOfCode(OPERATIONS, code) ?? 'Unknown';
}

export function permissionTypeName(code: number): PermissionTypeName {
  return nameOfCode(PERMISSION_TYPES, code) ?? 'Unknown';
}

export function filterFromWire(f: AclFilterData): AclBindingFilter {
  return {
    resourceType: resourceTypeName(f.resourceTypeFilter),
    name: f.resourceNameFilter,
    patternType: patternTypeName(f.patternTypeFilter),
    principal: f.principalFilter,
    host: f.hostFilter,
    operation: operationName(f.operation),
    permissionType: permissionTypeName(f.permissionType),
  };
}

export function filterToWire(f: AclBindingFilter): AclFilterData {
  return {
    resourceTypeFilter: RESOURCE_TYPES[f.resourceType],
    resourceNameFilter: f.name,
    patternTypeFilter: PATTERN_TYPES[f.patternType],
    principalFilter: f.principal,
    hostFilter: f.host,
    operation: OPERATIONS[f.operation],
    permissionType: PERMISSION_TYPES[f.permissionType],
  };
}

/** A binding's fields as DeleteAcls' matching ACLs and CreateAcls' creations spell them. */
export function bindingToWire(b: AclBinding): {
  resourceType: number; resourceName: string; patternType: number; principal: string; host: string; operation: number; permissionType: number;
} {
  return {
    resourceType: RESOURCE_TYPES[b.pattern.resourceType],
    resourceName: b.pattern.name,
    patternType: PATTERN_TYPES[b.pattern.patternType],
    principal: b.entry.principal,
    host: b.entry.host,
    operation: OPERATIONS[b.entry.operation],
    permissionType: PERMISSION_TYPES[b.entry.permissionType],
  };
}

/** A binding as a broker reported it (DescribeAcls resource + ACL, or a deleted matching ACL). */
export function bindingFromWire(resource: { resourceType: number; resourceName: string; patternType: number },
  acl: { principal: string; host: string; operation: number; permissionType: number }): AclBinding {
  return {
    pattern: {
      resourceType: resourceTypeName(resource.resourceType) as ConcreteResourceType,
      name: resource.resourceName,
      patternType: patternTypeName(resource.patternType) as ConcretePatternType,
    },
    entry: {
      principal: acl.principal,
      host: acl.host,
      operation: operationName(acl.operation) as ConcreteOperation,
      permissionType: permissionTypeName(acl.permissionType) as ConcretePermission,
    },
  };
}
