/**
 * Client quota entities and keys as Kafka 2.8 stores them (DynamicConfig.Client/User,
 * AdminManager.alterClientQuotas): an entity is a user, a client id, or a user with a client id,
 * each name possibly `<default>`; its quotas live in the entity's config znode
 * (`/config/users/<u>`, `/config/clients/<c>`, `/config/users/<u>/clients/<c>`) next to other
 * keys (a user's SCRAM credentials), as strings.
 *
 * This module owns the quota vocabulary: which keys exist and their types, how an API value
 * (a float64) is checked and written as Kafka writes it, and how an entity maps to its znode.
 */
import { ErrorCode, SamsaError } from '../protocol/errors';
import { ConfigEntityType, DEFAULT_ENTITY_NAME, entityZnodeName } from '../zk/entity-config';

export type QuotaKeyType = 'LONG' | 'DOUBLE';

/** Kafka 2.8's QuotaConfigs: the keys a user or client entity takes for quotas. */
export const QUOTA_KEYS: ReadonlyMap<string, QuotaKeyType> = new Map<string, QuotaKeyType>([
  ['producer_byte_rate', 'LONG'],
  ['consumer_byte_rate', 'LONG'],
  ['request_percentage', 'DOUBLE'],
  // Accepted and stored as Kafka does; Samsa does not throttle topic mutations (docs/operations.md).
  ['controller_mutation_rate', 'DOUBLE'],
]);

export function isQuotaKey(key: string): boolean {
  return QUOTA_KEYS.has(key);
}

/** The entity types of the quota APIs (ClientQuotaEntity.USER / CLIENT_ID; `ip` is not served). */
export const USER_ENTITY = 'user';
export const CLIENT_ID_ENTITY = 'client-id';

/**
 * One quota entity. A component that is absent is `undefined`; `<default>` names the default
 * entity of its kind (the APIs carry it as a null name).
 */
export interface QuotaEntity {
  readonly user?: string;
  readonly clientId?: string;
}

/** A map key that tells the eight kinds of entity apart. */
export function quotaEntityKey(entity: QuotaEntity): string {
  return `${entity.user === undefined ? '-' : `u:${entity.user}`}\u0000${entity.clientId === undefined ? '-' : `c:${entity.clientId}`}`;
}

/** The znode holding an entity's config: its type directory and the sanitized path below it. */
export function quotaEntityZnode(entity: QuotaEntity): { type: ConfigEntityType; znodeName: string } {
  if (entity.user !== undefined) {
    const user = entityZnodeName('users', entity.user);
    if (entity.clientId === undefined) return { type: 'users', znodeName: user };
    return { type: 'users', znodeName: `${user}/clients/${entityZnodeName('clients', entity.clientId)}` };
  }
  if (entity.clientId !== undefined) return { type: 'clients', znodeName: entityZnodeName('clients', entity.clientId) };
  throw new SamsaError(ErrorCode.INVALID_REQUEST, 'Invalid empty client quota entity');
}

/**
 * The entity a quota API request names: components `{entityType, entityName}`, a null name being
 * the default. Kafka's AdminManager.parseAndSanitizeQuotaEntity: each type at most once, only
 * `user` and `client-id` (Samsa has no `ip` quotas), at least one.
 */
export function parseQuotaEntity(components: ReadonlyArray<{ entityType: string; entityName: string | null }>): QuotaEntity {
  let user: string | undefined;
  let clientId: string | undefined;
  for (const { entityType, entityName } of components) {
    const name = entityName ?? DEFAULT_ENTITY_NAME;
    if (entityType === USER_ENTITY) {
      if (user !== undefined) throw new SamsaError(ErrorCode.INVALID_REQUEST, 'Duplicate user entity type in client quota entity');
      user = name;
    } else if (entityType === CLIENT_ID_ENTITY) {
      if (clientId !== undefined) throw new SamsaError(ErrorCode.INVALID_REQUEST, 'Duplicate client-id entity type in client quota entity');
      clientId = name;
    } else {
      throw new SamsaError(ErrorCode.INVALID_REQUEST, `Unhandled client quota entity type: ${entityType}`);
    }
  }
  if (user === undefined && clientId === undefined) throw new SamsaError(ErrorCode.INVALID_REQUEST, 'Invalid empty client quota entity');
  return { user, clientId };
}

/** The API's form of an entity: its components, `<default>` as a null name, user first. */
export function quotaEntityComponents(entity: QuotaEntity): Array<{ entityType: string; entityName: string | null }> {
  const out: Array<{ entityType: string; entityName: string | null }> = [];
  const name = (n: string) => (n === DEFAULT_ENTITY_NAME ? null : n);
  if (entity.user !== undefined) out.push({ entityType: USER_ENTITY, entityName: name(entity.user) });
  if (entity.clientId !== undefined) out.push({ entityType: CLIENT_ID_ENTITY, entityName: name(entity.clientId) });
  return out;
}

/**
 * The string Kafka stores for an API value of `key` (AdminManager.alterClientQuotas): a LONG key
 * must hold a whole number (within 1e-6) and is written without a fraction; a DOUBLE key is
 * written as Java's Double.toString would for ordinary values. A value that is not a positive
 * finite number is refused too: a zero or negative rate could never be met.
 */
export function quotaValueString(key: string, value: number): string {
  const type = QUOTA_KEYS.get(key);
  if (type === undefined) throw new SamsaError(ErrorCode.INVALID_REQUEST, `Invalid configuration key ${key}`);
  if (!Number.isFinite(value) || value <= 0) throw new SamsaError(ErrorCode.INVALID_REQUEST, `Configuration ${key} must be a positive number, got ${value}`);
  if (type === 'LONG') {
    const whole = Math.trunc(value + 1e-6);
    if (Math.abs(whole - value) > 1e-6) throw new SamsaError(ErrorCode.INVALID_REQUEST, `Configuration ${key} must be a LONG value`);
    return String(whole);
  }
  return javaDoubleString(value);
}

/** Java's Double.toString for a positive finite value: `50.0`, `12.5`, and `1.0E-4` / `1.5E7` outside [1e-3, 1e7). */
function javaDoubleString(value: number): string {
  if (value >= 1e-3 && value < 1e7) return Number.isInteger(value) ? value.toFixed(1) : String(value);
  const [mantissa, exponent] = value.toExponential().split('e');
  return `${mantissa.includes('.') ? mantissa : `${mantissa}.0`}E${Number(exponent)}`;
}

/** The quota values in an entity's stored config; keys that are not quotas (SCRAM) and unparsable values are left out. */
export function quotaValues(config: Readonly<Record<string, string>>): Map<string, number> {
  const out = new Map<string, number>();
  for (const [key, text] of Object.entries(config)) {
    if (!isQuotaKey(key)) continue;
    const value = Number(text);
    if (text.trim() !== '' && Number.isFinite(value) && value > 0) out.set(key, value);
  }
  return out;
}
