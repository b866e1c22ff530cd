/**
 * `samsa-configs --bootstrap-server` for client and user quotas: DescribeClientQuotas and
 * AlterClientQuotas (KIP-546), as Kafka 2.8's ConfigCommand uses them. An entity is a user, a
 * client id, or both (a user's client), each named or the default; describe without a name lists
 * every entity of the types given. Output is Kafka's: `Quota configs for user-principal 'alice',
 * client-id 'app' are producer_byte_rate=1024.0` (values as Java prints a double) and
 * `Completed updating config for user alice.`
 */
import type { Admin } from '../client/admin';
import type { ClientQuotaEntity, ClientQuotaFilterComponent } from '../client/admin-quotas';
import { SamsaError } from '../protocol/errors';
import { isQuotaKey } from './configs-entities';
import type { ConfigsCommandOptions } from './configs-options';
import { ConfigCommandFailure } from './configs-users-admin';
import { kafkaExceptionName } from './kafka-exception';
import { CliIo, UsageError } from './options';

const QUOTA_ENTITY_TYPES: Readonly<Record<string, string>> = { users: 'user', clients: 'client-id' };
const ENTITY_DISPLAY: ReadonlyArray<[string, string]> = [['user', 'user-principal'], ['client-id', 'client-id']];

/** Java's Double.toString, which ConfigCommand prints quota values with: `1024.0`, `50.5`, `1.048576E7`. */
export function javaDouble(value: number): string {
  if (!Number.isFinite(value)) return Number.isNaN(value) ? 'NaN' : value > 0 ? 'Infinity' : '-Infinity';
  const abs = Math.abs(value);
  if (abs !== 0 && (abs < 1e-3 || abs >= 1e7)) {
    const [mantissa, exponent] = value.toExponential().split('e');
    return `${mantissa.includes('.') ? mantissa : `${mantissa}.0`}E${Number(exponent)}`;
  }
  const text = String(value);
  return text.includes('.') ? text : `${text}.0`;
}

async function kafkaCall<T>(call: Promise<T>): Promise<T> {
  try {
    return await call;
  } catch (err) {
    if (err instanceof SamsaError) throw new ConfigCommandFailure(`java.util.concurrent.ExecutionException: ${kafkaExceptionName(err)}: ${err.message}`);
    throw err;
  }
}

/** Kafka's getAllClientQuotasConfigs filter: a name matches exactly, '' the default, no name any entity of the type. */
function filterComponents(opts: ConfigsCommandOptions): ClientQuotaFilterComponent[] {
  if (opts.entityNames.length > opts.entityTypes.length) throw new UsageError('More entity names specified than entity types');
  return opts.entityTypes.map((spec, i) => {
    const entityType = QUOTA_ENTITY_TYPES[spec.type];
    const name = opts.entityNames[i];
    if (name === undefined) return { entityType };
    return { entityType, match: name === '' ? null : name };
  });
}

function entityDescription(entity: ClientQuotaEntity): string {
  return ENTITY_DISPLAY.filter(([key]) => key in entity)
    .map(([key, display]) => (entity[key] === null ? `the default ${display}` : `${display} '${entity[key]}'`))
    .join(', ');
}

export async function describeQuotas(admin: Admin, opts: ConfigsCommandOptions, io: CliIo): Promise<void> {
  const entries = await kafkaCall(admin.describeClientQuotas({ components: filterComponents(opts), strict: true }));
  for (const { entity, values } of entries) {
    const text = Object.entries(values).map(([key, value]) => `${key}=${javaDouble(value)}`).join(', ');
    io.out(`Quota configs for ${entityDescription(entity)} are ${text}\n`);
  }
}

/** Kafka's checks for a client (or a user's client): quota keys only. */
export function checkClientQuotaKeys(opts: ConfigsCommandOptions): void {
  const adds = [...opts.addConfigs.keys()].filter((k) => !isQuotaKey(k));
  if (adds.length > 0) {
    throw new UsageError(`Only quota configs can be added for 'clients' using --bootstrap-server. Unexpected config names: Set(${adds.join(', ')})`);
  }
  const deletes = opts.deleteConfigs.filter((k) => !isQuotaKey(k));
  if (deletes.length > 0) {
    throw new UsageError(`Only quota configs can be deleted for 'clients' using --bootstrap-server. Unexpected config names: ArrayBuffer(${deletes.join(', ')})`);
  }
}

/** Kafka's parse of each added value as a double; runs before connecting. */
export function prepareQuotaOps(opts: ConfigsCommandOptions): Array<{ key: string; value: number | null }> {
  const adds = [...opts.addConfigs].map(([key, text]) => {
    const value = text.trim() === '' ? NaN : Number(text);
    if (Number.isNaN(value)) throw new UsageError(`Cannot parse quota configuration value for ${key}: ${text}`);
    return { key, value };
  });
  return [...adds, ...opts.deleteConfigs.map((key) => ({ key, value: null }))];
}

export async function alterQuotas(admin: Admin, opts: ConfigsCommandOptions, ops: Array<{ key: string; value: number | null }>, io: CliIo): Promise<void> {
  const entity: ClientQuotaEntity = Object.fromEntries(opts.entityTypes.map((spec, i) => [QUOTA_ENTITY_TYPES[spec.type], opts.entityNames[i] || null]));
  const current = await kafkaCall(admin.describeClientQuotas({ components: filterComponents(opts), strict: true }));
  const existing = new Set(Object.keys(current[0]?.values ?? {}));
  const invalid = opts.deleteConfigs.filter((key) => !existing.has(key));
  if (invalid.length > 0) throw new UsageError(`Invalid config(s): ${invalid.join(',')}`);
  const [result] = await kafkaCall(admin.alterClientQuotas([{ entity, ops }]));
  if (result?.error) {
    throw new ConfigCommandFailure(`java.util.concurrent.ExecutionException: ${kafkaExceptionName(result.error)}: ${result.error.message}`);
  }
  const type = opts.entityTypes[0].type;
  const name = opts.entityNames[0];
  io.out(name !== '' ? `Completed updating config for ${type.slice(0, -1)} ${name}.\n` : `Completed updating default config for ${type} in the cluster.\n`);
}
