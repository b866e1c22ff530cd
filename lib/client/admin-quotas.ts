/**
 * The Admin client's client quota calls (KIP-546), as Kafka's Admin offers them:
 * describeClientQuotas(filter) and alterClientQuotas(entries). An entity is a map from entity type
 * (`user`, `client-id`) to a name, null naming the default entity of that type, as Kafka's
 * ClientQuotaEntity; an op with a null value removes the key.
 */
import { Api } from '../protocol/api';
import { SamsaError } from '../protocol/errors';
import { QuotaMatchType } from '../protocol/messages/client-quotas';
import { InvalidArgumentError, responseError } from './client-errors';
import { Connection } from './connection';

/** Entity type → name; null is the default entity (`<default>` in ZooKeeper). */
export type ClientQuotaEntity = Record<string, string | null>;

/** Kafka's ClientQuotaFilterComponent: `match` a name, null for the default entity, absent for any entity of the type. */
export interface ClientQuotaFilterComponent {
  entityType: string;
  match?: string | null;
}

/** Kafka's ClientQuotaFilter; strict: only entities with no other component than those filtered on. */
export interface ClientQuotaFilter {
  components: ClientQuotaFilterComponent[];
  strict?: boolean;
}

export interface ClientQuotaDescription {
  entity: ClientQuotaEntity;
  /** Quota key → value (bytes/s, or percent for request_percentage). */
  values: Record<string, number>;
}

/** Kafka's ClientQuotaAlteration: ops with a null value remove the key. */
export interface ClientQuotaAlteration {
  entity: ClientQuotaEntity;
  ops: Array<{ key: string; value: number | null }>;
}

export interface ClientQuotaAlterationResult {
  entity: ClientQuotaEntity;
  /** null: altered (or, with validateOnly, valid). */
  error: SamsaError | null;
}

function toWireEntity(entity: ClientQuotaEntity): Array<{ entityType: string; entityName: string | null }> {
  const components = Object.entries(entity).map(([entityType, entityName]) => ({ entityType, entityName }));
  if (components.length === 0) throw new InvalidArgumentError('A client quota entity needs at least one component (user, client-id)');
  return components;
}

function fromWireEntity(entity: ReadonlyArray<{ entityType: string; entityName: string | null }>): ClientQuotaEntity {
  return Object.fromEntries(entity.map((c) => [c.entityType, c.entityName]));
}

/** The quotas of every entity the filter matches (an empty filter, not strict: every entity). A request-level failure throws. */
export async function describeClientQuotas(conn: Connection, filter: ClientQuotaFilter): Promise<ClientQuotaDescription[]> {
  const response = await conn.send(Api.DescribeClientQuotas, {
    components: filter.components.map((c) => {
      if (c.match === undefined) return { entityType: c.entityType, matchType: QuotaMatchType.SPECIFIED, match: null };
      if (c.match === null) return { entityType: c.entityType, matchType: QuotaMatchType.DEFAULT, match: null };
      return { entityType: c.entityType, matchType: QuotaMatchType.EXACT, match: c.match };
    }),
    strict: filter.strict ?? false,
  });
  if (response.errorCode !== 0) throw responseError(response.errorCode, response.errorMessage);
  return (response.entries ?? []).map((e) => ({
    entity: fromWireEntity(e.entity),
    values: Object.fromEntries(e.values.map((v) => [v.key, v.value])),
  }));
}

/** Sets and removes quotas; one result per entry, in order, each with null (done) or the broker's error. */
export async function alterClientQuotas(conn: Connection, entries: readonly ClientQuotaAlteration[], options: { validateOnly?: boolean } = {}): Promise<ClientQuotaAlterationResult[]> {
  const response = await conn.send(Api.AlterClientQuotas, {
    entries: entries.map((e) => ({
      entity: toWireEntity(e.entity),
      ops: e.ops.map((op) => ({ key: op.key, value: op.value ?? 0, remove: op.value === null })),
    })),
    validateOnly: options.validateOnly ?? false,
  });
  return entries.map((entry, i) => {
    const answer = response.entries[i];
    if (answer === undefined) return { entity: entry.entity, error: responseError(-1, 'The broker did not answer for this entity') };
    return { entity: entry.entity, error: answer.errorCode === 0 ? null : responseError(answer.errorCode, answer.errorMessage) };
  });
}
