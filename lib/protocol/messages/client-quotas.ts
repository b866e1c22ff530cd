/**
 * Client quota administration (KIP-546): DescribeClientQuotas (key 48) and AlterClientQuotas
 * (key 49). Kafka 2.8 serves v0-1 of each, v1 being v0 in flexible encoding; the Kafka listener
 * uses these definitions (flexible from v1), the native protocol serves v0. An entity is a list
 * of components (`user`, `client-id`), a null name meaning the default entity of that type.
 */
import { array, boolean, float64, Infer, int16, int32, int8, nullableArray, nullableString, string, struct } from '../schema';

/** DescribeClientQuotas component match types (ClientQuotaFilterComponent). */
export const QuotaMatchType = {
  /** An entity with exactly this name (`match`). */
  EXACT: 0,
  /** The default entity of the type. */
  DEFAULT: 1,
  /** Any entity that has this type, default included. */
  SPECIFIED: 2,
} as const;

const EntityData = struct({ entityType: string, entityName: nullableString }, 'EntityData');

/**
 * DescribeClientQuotas Request (v0) => [components] strict
 *   components => entityType matchType match
 * strict: only entities with no component besides those filtered on.
 */
export const DescribeClientQuotasRequest = struct({
  components: array(struct({ entityType: string, matchType: int8, match: nullableString }, 'ComponentData')),
  strict: boolean,
}, 'DescribeClientQuotasRequest');

/**
 * DescribeClientQuotas Response (v0) => throttleTimeMs errorCode errorMessage [entries]?
 *   entries => [entity] [values]
 *   entity => entityType entityName
 *   values => key value
 * entries is null when errorCode is set.
 */
export const DescribeClientQuotasResponse = struct({
  throttleTimeMs: int32,
  errorCode: int16,
  errorMessage: nullableString,
  entries: nullableArray(struct({
    entity: array(EntityData),
    values: array(struct({ key: string, value: float64 }, 'ValueData')),
  }, 'EntryData')),
}, 'DescribeClientQuotasResponse');

/**
 * AlterClientQuotas Request (v0) => [entries] validateOnly
 *   entries => [entity] [ops]
 *   entity => entityType entityName
 *   ops => key value remove
 * remove: delete the key (value ignored) instead of setting it.
 */
export const AlterClientQuotasRequest = struct({
  entries: array(struct({
    entity: array(EntityData),
    ops: array(struct({ key: string, value: float64, remove: boolean }, 'OpData')),
  }, 'EntryData')),
  validateOnly: boolean,
}, 'AlterClientQuotasRequest');

/**
 * AlterClientQuotas Response (v0) => throttleTimeMs [entries]
 *   entries => errorCode errorMessage [entity]
 *   entity => entityType entityName
 */
export const AlterClientQuotasResponse = struct({
  throttleTimeMs: int32,
  entries: array(struct({ errorCode: int16, errorMessage: nullableString, entity: array(EntityData) }, 'EntryData')),
}, 'AlterClientQuotasResponse');

export type DescribeClientQuotasRequestData = Infer<typeof DescribeClientQuotasRequest>;
export type DescribeClientQuotasResponseData = Infer<typeof DescribeClientQuotasResponse>;
export type AlterClientQuotasRequestData = Infer<typeof AlterClientQuotasRequest>;
export type AlterClientQuotasResponseData = Infer<typeof AlterClientQuotasResponse>;
