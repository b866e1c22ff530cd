/**
 * The Admin client's config calls, as Kafka's Admin offers them: describeConfigs (values with
 * their source and synonyms), incrementalAlterConfigs (SET/DELETE/APPEND/SUBTRACT per key) and
 * the legacy alterConfigs (the given keys replace the resource's whole dynamic config).
 *
 * Requests about one broker (a broker resource naming an id, and broker loggers) go to that
 * broker, as Kafka's Admin routes them; topics and the cluster-wide broker default ('') to any
 * broker. Each resource succeeds or fails on its own: failures come back per resource as typed
 * errors (ConfigResourceError naming the resource, with the broker's code and message).
 */
import { Api } from '../protocol/api';
import { ErrorCode, SamsaError } from '../protocol/errors';
import { RESOURCE_TYPE_BROKER, RESOURCE_TYPE_TOPIC } from '../protocol/messages/admin';
import { ConfigOperation, RESOURCE_TYPE_BROKER_LOGGER } from '../protocol/messages/alter-configs';
import { InvalidArgumentError, responseError } from './client-errors';
import { Connection } from './connection';

export type ConfigResourceType = 'topic' | 'broker' | 'broker-logger';

/** A topic, a broker (its id, or '' for the cluster-wide default) or a broker's loggers (its id). */
export interface ConfigResource {
  type: ConfigResourceType;
  name: string;
}

/** Kafka's ConfigEntry.ConfigSource names. */
export type ConfigSourceName = 'UNKNOWN' | 'DYNAMIC_TOPIC_CONFIG' | 'DYNAMIC_BROKER_CONFIG' | 'DYNAMIC_DEFAULT_BROKER_CONFIG'
  | 'STATIC_BROKER_CONFIG' | 'DEFAULT_CONFIG' | 'DYNAMIC_BROKER_LOGGER_CONFIG';

const SOURCE_NAMES: readonly ConfigSourceName[] = ['UNKNOWN', 'DYNAMIC_TOPIC_CONFIG', 'DYNAMIC_BROKER_CONFIG',
  'DYNAMIC_DEFAULT_BROKER_CONFIG', 'STATIC_BROKER_CONFIG', 'DEFAULT_CONFIG', 'DYNAMIC_BROKER_LOGGER_CONFIG'];

export interface ConfigSynonym {
  name: string;
  value: string | null;
  source: ConfigSourceName;
}

export interface ConfigEntry {
  name: string;
  /** null for a sensitive key (a password) and for a key with no value. */
  value: string | null;
  source: ConfigSourceName;
  isDefault: boolean;
  isReadOnly: boolean;
  isSensitive: boolean;
  /** Highest precedence first; empty unless includeSynonyms. */
  synonyms: ConfigSynonym[];
  /** null unless includeDocumentation. */
  documentation: string | null;
}

export type AlterConfigOpType = 'set' | 'delete' | 'append' | 'subtract';

/** One key's change; value is required except for 'delete'. APPEND/SUBTRACT take a comma-separated list. */
export interface AlterConfigOp {
  name: string;
  op: AlterConfigOpType;
  value?: string;
}

/** A resource's failure, with the broker's error code (`code`, `errorName`) and message. */
export class ConfigResourceError extends SamsaError {
  constructor(readonly resource: ConfigResource, cause: SamsaError) {
    super({ code: cause.code, name: cause.errorName, retriable: cause.retriable, message: cause.message }, cause.message, { cause });
    this.name = 'ConfigResourceError';
    this.message = cause.message;
  }
}

const TYPE_CODES: Readonly<Record<ConfigResourceType, number>> = {
  topic: RESOURCE_TYPE_TOPIC, broker: RESOURCE_TYPE_BROKER, 'broker-logger': RESOURCE_TYPE_BROKER_LOGGER,
};
const OP_CODES: Readonly<Record<AlterConfigOpType, number>> = {
  set: ConfigOperation.SET, delete: ConfigOperation.DELETE, append: ConfigOperation.APPEND, subtract: ConfigOperation.SUBTRACT,
};

/** The key of a resource in the maps these calls return: `topic:orders`, `broker:1`, `broker:` (the default). */
export function configResourceKey(resource: ConfigResource): string {
  return `${resource.type}:${resource.name}`;
}

/** Opens a connection to a broker by id, or to any broker for null. */
export type ConnectTo = (nodeId: number | null) => Promise<Connection>;

function typeCode(resource: ConfigResource): number {
  const code = TYPE_CODES[resource.type];
  if (code === undefined) throw new InvalidArgumentError(`Unknown config resource type ${String(resource.type)}`);
  return code;
}

/** The broker a resource's request must go to: that broker for an id, any for topics and the default. */
function destination(resource: ConfigResource): number | null {
  if (resource.type === 'topic' || (resource.type === 'broker' && resource.name === '')) return null;
  if (!/^\d+$/.test(resource.name)) throw new InvalidArgumentError(`Broker id must be an integer, but it is: ${resource.name}`);
  return Number(resource.name);
}

/** Sends one request per destination broker and hands back each resource's answer, by key. */
async function perDestination<R extends ConfigResource, A>(items: readonly R[], connect: ConnectTo,
  send: (conn: Connection, items: R[]) => Promise<A[]>): Promise<Map<string, A>> {
  const groups = new Map<number | null, R[]>();
  for (const item of items) {
    typeCode(item);
    const to = destination(item);
    groups.set(to, [...(groups.get(to) ?? []), item]);
  }
  const out = new Map<string, A>();
  await Promise.all([...groups].map(async ([to, group]) => {
    const answers = await send(await connect(to), group);
    group.forEach((item, i) => out.set(configResourceKey(item), answers[i]));
  }));
  return new Map(items.map((item) => [configResourceKey(item), out.get(configResourceKey(item)) as A]));
}

function sourceName(code: number): ConfigSourceName {
  return SOURCE_NAMES[code] ?? 'UNKNOWN';
}

/**
 * Every key of each resource (or those in `keys` when given), keyed by configResourceKey. Throws
 * a ConfigResourceError for the first resource that failed (unknown topic, not authorized...).
 */
export async function describeConfigs(connect: ConnectTo, resources: readonly ConfigResource[],
  opts: { includeSynonyms?: boolean; includeDocumentation?: boolean; keys?: string[] } = {}): Promise<Map<string, ConfigEntry[]>> {
  const answers = await perDestination(resources, connect, async (conn, group) => {
    const response = await conn.send(Api.DescribeConfigs, {
      resources: group.map((r) => ({ resourceType: typeCode(r), resourceName: r.name, configurationKeys: opts.keys ?? null })),
      includeSynonyms: opts.includeSynonyms ?? false,
      includeDocumentation: opts.includeDocumentation ?? false,
    });
    return response.results;
  });
  const out = new Map<string, ConfigEntry[]>();
  for (const resource of resources) {
    const result = answers.get(configResourceKey(resource));
    if (result === undefined) continue;
    if (result.errorCode !== 0) throw new ConfigResourceError(resource, responseError(result.errorCode, result.errorMessage));
    out.set(configResourceKey(resource), result.configs.map((c) => ({
      name: c.name,
      value: c.value,
      source: sourceName(c.configSource ?? 0),
      isDefault: c.isDefault,
      isReadOnly: c.readOnly,
      isSensitive: c.isSensitive ?? false,
      synonyms: (c.synonyms ?? []).map((s) => ({ name: s.name, value: s.value, source: sourceName(s.source) })),
      documentation: c.documentation ?? null,
    })));
  }
  return out;
}

/** Each resource's outcome by configResourceKey: null when altered (or, validateOnly, valid), else its error. */
export type AlterConfigsResult = Map<string, ConfigResourceError | null>;

function outcomes(resources: readonly ConfigResource[], answers: Map<string, { errorCode: number; errorMessage: string | null }>): AlterConfigsResult {
  return new Map(resources.map((r) => {
    const a = answers.get(configResourceKey(r));
    return [configResourceKey(r), !a || a.errorCode === 0 ? null : new ConfigResourceError(r, responseError(a.errorCode, a.errorMessage))];
  }));
}

export async function incrementalAlterConfigs(connect: ConnectTo, changes: ReadonlyArray<{ resource: ConfigResource; ops: AlterConfigOp[] }>,
  opts: { validateOnly?: boolean } = {}): Promise<AlterConfigsResult> {
  const items = changes.map((c) => {
    const configs = c.ops.map((op) => {
      const configOperation = OP_CODES[op.op];
      if (configOperation === undefined) throw new InvalidArgumentError(`Unknown config operation ${String(op.op)} for ${op.name}`);
      if (op.op !== 'delete' && op.value === undefined) throw new InvalidArgumentError(`Config operation ${op.op} of ${op.name} needs a value`);
      return { name: op.name, configOperation, value: op.value ?? null };
    });
    return { ...c.resource, configs };
  });
  const answers = await perDestination(items, connect, async (conn, group) => (await conn.send(Api.IncrementalAlterConfigs, {
    resources: group.map((r) => ({ resourceType: typeCode(r), resourceName: r.name, configs: r.configs })),
    validateOnly: opts.validateOnly ?? false,
  })).responses);
  return outcomes(changes.map((c) => c.resource), answers);
}

/** Legacy AlterConfigs: each resource's dynamic config becomes exactly `configs`. Kafka deprecates it for incrementalAlterConfigs. */
export async function alterConfigs(connect: ConnectTo, changes: ReadonlyArray<{ resource: ConfigResource; configs: Record<string, string> }>,
  opts: { validateOnly?: boolean } = {}): Promise<AlterConfigsResult> {
  const items = changes.map((c) => ({ ...c.resource, configs: Object.entries(c.configs).map(([name, value]) => ({ name, value })) }));
  const answers = await perDestination(items, connect, async (conn, group) => (await conn.send(Api.AlterConfigs, {
    resources: group.map((r) => ({ resourceType: typeCode(r), resourceName: r.name, configs: r.configs })),
    validateOnly: opts.validateOnly ?? false,
  })).responses);
  return outcomes(changes.map((c) => c.resource), answers);
}

/**
 * Topics' config values as name → value maps, from one DescribeConfigs v0: only overrides unless
 * `includeDefaults`. A topic deleted meanwhile is left out, and so is one the user may Describe
 * but not DescribeConfigs when only overrides are asked (describeTopics still lists it).
 */
export async function topicConfigValues(conn: Connection, names: readonly string[], includeDefaults: boolean): Promise<Map<string, Record<string, string>>> {
  const out = new Map<string, Record<string, string>>();
  const response = await conn.send(Api.DescribeConfigs, {
    resources: names.map((resourceName) => ({ resourceType: RESOURCE_TYPE_TOPIC, resourceName, configurationKeys: null })),
  });
  for (const result of response.results) {
    if (result.errorCode === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION.code) continue;
    if (result.errorCode === ErrorCode.TOPIC_AUTHORIZATION_FAILED.code && !includeDefaults) continue;
    if (result.errorCode !== 0) throw responseError(result.errorCode, result.errorMessage);
    const values: Record<string, string> = {};
    for (const c of result.configs) if ((includeDefaults || !c.isDefault) && c.value !== null) values[c.name] = c.value;
    out.set(result.resourceName, values);
  }
  return out;
}
