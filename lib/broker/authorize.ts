/**
 * The one question every handler asks before acting: may this request's principal, from its
 * host, do `operation` on the resource? It reads who is asking from the request's session
 * (lib/security/session.ts), so the answer is the same on the native and the Kafka listener.
 * Without an authorizer (`authorizer.class.name` empty) everything is allowed, as in Kafka.
 */
import { apiByKey } from '../protocol/api';
import { kafkaApiByKey } from '../protocol/kafka/kafka-apis';
import { Authorizer, CLUSTER_RESOURCE_NAME, ConcreteOperation, ConcreteResourceType } from '../security/acl/acl-types';
import { RequestContext } from './request-context';

/** What a handler needs to check access: the broker's authorizer, or null for none. */
export interface AccessControl {
  readonly authorizer: Authorizer | null;
}

export interface CheckOptions {
  /** false for filters and probes whose denial is no attempt to get in (Kafka logs those at trace). */
  logIfDenied?: boolean;
  /** How many items of the request name the resource (e.g. partitions of a topic), for the audit line. */
  refCount?: number;
}

function apiName(rc: RequestContext): string {
  const key = rc.header.apiKey;
  return apiByKey(key)?.name ?? kafkaApiByKey(key)?.name ?? `ApiKey ${key}`;
}

export function authorize(access: AccessControl, rc: RequestContext, operation: ConcreteOperation,
  resourceType: ConcreteResourceType, name: string, options: CheckOptions = {}): boolean {
  if (!access.authorizer) return true;
  return access.authorizer.authorize({
    principal: rc.session.principal, clientHost: rc.session.clientHost, operation, resource: { resourceType, name },
    apiName: apiName(rc), logIfDenied: options.logIfDenied, resourceRefCount: options.refCount,
  });
}

export function authorizeCluster(access: AccessControl, rc: RequestContext, operation: ConcreteOperation, options: CheckOptions = {}): boolean {
  return authorize(access, rc, operation, 'Cluster', CLUSTER_RESOURCE_NAME, options);
}

/** Kafka's authorizeByResourceType: may the principal do `operation` on some resource of the type? */
export function authorizeAnyOfType(access: AccessControl, rc: RequestContext, operation: ConcreteOperation, resourceType: ConcreteResourceType): boolean {
  if (!access.authorizer) return true;
  return access.authorizer.authorizeByResourceType({
    principal: rc.session.principal, clientHost: rc.session.clientHost, operation, resourceType, apiName: apiName(rc), logIfDenied: false,
  });
}

/** The names the principal may `operation`, each checked once (with its count as resourceRefCount). */
export function authorizedNames(access: AccessControl, rc: RequestContext, operation: ConcreteOperation,
  resourceType: ConcreteResourceType, names: readonly string[], options: CheckOptions = {}): Set<string> {
  const counts = new Map<string, number>();
  for (const name of names) counts.set(name, (counts.get(name) ?? 0) + 1);
  const allowed = new Set<string>();
  for (const [name, refCount] of counts) {
    if (authorize(access, rc, operation, resourceType, name, { ...options, refCount })) allowed.add(name);
  }
  return allowed;
}
