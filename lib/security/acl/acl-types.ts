/**
 * Kafka's ACL vocabulary with its wire codes (org.apache.kafka.common.acl / .resource), shared by
 * the authorizer, the ACL store in ZooKeeper, the CreateAcls/DescribeAcls/DeleteAcls APIs and
 * `samsa-acls`. Names are Kafka's spellings as they appear in ZooKeeper JSON ("Read",
 * "Topic"); codes are the bytes on the wire.
 */
import { KafkaPrincipal } from '../principal';

export const RESOURCE_TYPES = { Unknown: 0, Any: 1, Topic: 2, Group: 3, Cluster: 4, TransactionalId: 5, DelegationToken: 6 } as const;
export type ResourceTypeName = keyof typeof RESOURCE_TYPES;
/** The types a concrete ACL may name (not the filter wildcards). */
export type ConcreteResourceType = 'Topic' | 'Group' | 'Cluster' | 'TransactionalId' | 'DelegationToken';

export const PATTERN_TYPES = { Unknown: 0, Any: 1, Match: 2, Literal: 3, Prefixed: 4 } as const;
export type PatternTypeName = keyof typeof PATTERN_TYPES;
export type ConcretePatternType = 'Literal' | 'Prefixed';

export const OPERATIONS = {
  Unknown: 0, Any: 1, All: 2, Read: 3, Write: 4, Create: 5, Delete: 6, Alter: 7, Describe: 8,
  ClusterAction: 9, DescribeConfigs: 10, AlterConfigs: 11, IdempotentWrite: 12,
} as const;
export type OperationName = keyof typeof OPERATIONS;
/** Operations an ACL may grant or deny (All included, the filter wildcards not). */
export type ConcreteOperation = Exclude<OperationName, 'Unknown' | 'Any'>;

export const PERMISSION_TYPES = { Unknown: 0, Any: 1, Deny: 2, Allow: 3 } as const;
export type PermissionTypeName = keyof typeof PERMISSION_TYPES;
export type ConcretePermission = 'Allow' | 'Deny';

/** The name of the one Cluster resource (Kafka's `kafka-cluster`). */
export const CLUSTER_RESOURCE_NAME = 'kafka-cluster';
/** A literal resource name that matches every resource of its type. */
export const WILDCARD_RESOURCE = '*';
/** A host that matches every client address. */
export const WILDCARD_HOST = '*';

export interface ResourcePattern {
  readonly resourceType: ConcreteResourceType;
  readonly name: string;
  readonly patternType: ConcretePatternType;
}

/** One access control entry: who, from where, may or may not do what. */
export interface AccessControlEntry {
  /** `User:alice`, or `User:*` for every principal. */
  readonly principal: string;
  readonly host: string;
  readonly operation: ConcreteOperation;
  readonly permissionType: ConcretePermission;
}

export interface AclBinding {
  readonly pattern: ResourcePattern;
  readonly entry: AccessControlEntry;
}

/** A resource an API call touches: always a concrete name, never a pattern. */
export interface Resource {
  readonly resourceType: ConcreteResourceType;
  readonly name: string;
}

/** What DescribeAcls/DeleteAcls select; null fields and Any match everything (Kafka's AclBindingFilter). */
export interface AclBindingFilter {
  readonly resourceType: ResourceTypeName;
  readonly name: string | null;
  /** Match selects literal, wildcard and prefixed patterns that match `name` (Kafka's MATCH). */
  readonly patternType: PatternTypeName;
  readonly principal: string | null;
  readonly host: string | null;
  readonly operation: OperationName;
  readonly permissionType: PermissionTypeName;
}

/** The question every API asks before acting. */
export interface AuthorizationRequest {
  readonly principal: KafkaPrincipal;
  readonly clientHost: string;
  readonly operation: ConcreteOperation;
  readonly resource: Resource;
  /** Whether a denial is worth an audit line at the configured level (Kafka's logIfDenied). */
  readonly logIfDenied?: boolean;
  /** The API asking, for the audit line (Kafka's `for request = Produce`). */
  readonly apiName?: string;
  /** How many times the request names the resource (Kafka's resourceRefCount), for the audit line. */
  readonly resourceRefCount?: number;
}

/** "May the principal do `operation` on some resource of this type?" (Kafka's authorizeByResourceType). */
export type ResourceTypeRequest = Omit<AuthorizationRequest, 'resource'> & { readonly resourceType: ConcreteResourceType };

export interface Authorizer {
  authorize(request: AuthorizationRequest): boolean;
  authorizeByResourceType(request: ResourceTypeRequest): boolean;
}

export function nameOfCode<T extends Record<string, number>>(table: T, code: number): keyof T | undefined {
  return (Object.keys(table) as Array<keyof T>).find((name) => table[name] === code);
}
