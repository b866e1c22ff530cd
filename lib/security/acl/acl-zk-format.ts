/**
 * Where and how Kafka 2.8's AclAuthorizer keeps ACLs in ZooKeeper (kafka.zk.ZkAclStore), so
 * ACLs written by Samsa read back with Kafka's tools and the other way round:
 *
 *   LITERAL   /kafka-acl/<ResourceType>/<name>                       changes: /kafka-acl-changes/acl_changes_<seq>
 *   PREFIXED  /kafka-acl-extended/prefixed/<ResourceType>/<name>     changes: /kafka-acl-extended-changes/acl_changes_<seq>
 *
 * A resource znode holds `{"version":1,"acls":[{"principal":"User:alice","permissionType":"Allow",
 * "operation":"Read","host":"*"}]}`. A literal change node holds `Topic:name`; an extended change
 * node holds `{"version":1,"resourceType":"Topic","name":"foo","patternType":"PREFIXED"}`.
 * Pure encoding only: reading, writing and watching live with the store and the cache.
 */
import {
  AccessControlEntry, ConcreteOperation, ConcretePatternType, ConcretePermission, ConcreteResourceType, OPERATIONS, ResourcePattern,
} from './acl-types';

export const LITERAL_ACL_ROOT = '/kafka-acl';
export const PREFIXED_ACL_ROOT = '/kafka-acl-extended/prefixed';
export const LITERAL_CHANGES_ROOT = '/kafka-acl-changes';
export const EXTENDED_CHANGES_ROOT = '/kafka-acl-extended-changes';
export const ACL_CHANGE_PREFIX = 'acl_changes_';

export const ZK_RESOURCE_TYPES: readonly ConcreteResourceType[] = ['Topic', 'Group', 'Cluster', 'TransactionalId', 'DelegationToken'];

export function aclRoot(patternType: ConcretePatternType): string {
  return patternType === 'Literal' ? LITERAL_ACL_ROOT : PREFIXED_ACL_ROOT;
}

export function changesRoot(patternType: ConcretePatternType): string {
  return patternType === 'Literal' ? LITERAL_CHANGES_ROOT : EXTENDED_CHANGES_ROOT;
}

export function resourcePath(pattern: ResourcePattern): string {
  return `${aclRoot(pattern.patternType)}/${pattern.resourceType}/${pattern.name}`;
}

interface AclJson {
  principal: string;
  permissionType: string;
  operation: string;
  host: string;
}

export function encodeAcls(entries: readonly AccessControlEntry[]): Buffer {
  const acls: AclJson[] = entries.map((e) => ({ principal: e.principal, permissionType: e.permissionType, operation: e.operation, host: e.host }));
  return Buffer.from(JSON.stringify({ version: 1, acls }));
}

const PERMISSIONS: readonly ConcretePermission[] = ['Allow', 'Deny'];

/** Decodes a resource znode; throws naming the bad field (a hand-edited znode must not be half-read). */
export function decodeAcls(data: Buffer | null | undefined): AccessControlEntry[] {
  if (!data || data.length === 0) return [];
  const parsed = JSON.parse(data.toString('utf8')) as { acls?: unknown };
  if (!Array.isArray(parsed.acls)) throw new Error('ACL znode has no acls array');
  return parsed.acls.map((raw: Partial<AclJson>) => {
    const operation = raw.operation as ConcreteOperation;
    if (!(operation in OPERATIONS) || operation === ('Any' as string) || operation === ('Unknown' as string)) throw new Error(`unknown ACL operation ${String(raw.operation)}`);
    const permissionType = raw.permissionType as ConcretePermission;
    if (!PERMISSIONS.includes(permissionType)) throw new Error(`unknown ACL permission type ${String(raw.permissionType)}`);
    if (typeof raw.principal !== 'string' || typeof raw.host !== 'string') throw new Error('ACL entry needs principal and host strings');
    return { principal: raw.principal, host: raw.host, operation, permissionType };
  });
}

export function encodeChange(pattern: ResourcePattern): Buffer {
  if (pattern.patternType === 'Literal') return Buffer.from(`${pattern.resourceType}:${pattern.name}`);
  return Buffer.from(JSON.stringify({ version: 1, resourceType: pattern.resourceType, name: pattern.name, patternType: 'PREFIXED' }));
}

/** The resource a change notification names; undefined when it cannot be read (then reload everything). */
export function decodeChange(patternType: ConcretePatternType, data: Buffer | null | undefined): ResourcePattern | undefined {
  if (!data) return undefined;
  const text = data.toString('utf8');
  if (patternType === 'Literal') {
    const colon = text.indexOf(':');
    const type = text.slice(0, colon) as ConcreteResourceType;
    if (colon <= 0 || !ZK_RESOURCE_TYPES.includes(type)) return undefined;
    return { resourceType: type, name: text.slice(colon + 1), patternType: 'Literal' };
  }
  try {
    const json = JSON.parse(text) as { resourceType?: string; name?: string };
    const type = json.resourceType as ConcreteResourceType;
    if (!ZK_RESOURCE_TYPES.includes(type) || typeof json.name !== 'string') return undefined;
    return { resourceType: type, name: json.name, patternType: 'Prefixed' };
  } catch {
    return undefined;
  }
}
