/**
 * `samsa-configs --bootstrap-server` for topics, brokers and broker loggers: DescribeConfigs with
 * synonyms and IncrementalAlterConfigs, as Kafka 2.8's ConfigCommand uses them. Describe prints
 * Kafka's block per entity (`Dynamic configs for broker 1 are:` then one indented line per key
 * with `sensitive=` and `synonyms={SOURCE:key=value, ...}`), only the keys set dynamically at that
 * entity's level unless --all. Alter checks that every deleted key is set there (Kafka's
 * "Invalid config(s)"), and for broker loggers that each logger exists, before sending anything.
 */
import type { Admin } from '../client/admin';
import type { AlterConfigOp, ConfigEntry, ConfigResource, ConfigResourceType, ConfigSourceName } from '../client/admin-configs';
import { configResourceKey } from '../client/admin-configs';
import { topicNameProblem } from '../config/topic-config';
import { SamsaError } from '../protocol/errors';
import type { ConfigsCommandOptions } from './configs-options';
import { ConfigCommandFailure } from './configs-users-admin';
import { kafkaExceptionName } from './kafka-exception';
import { CliIo, UsageError } from './options';

type ResourceEntityType = 'topics' | 'brokers' | 'broker-loggers';

const RESOURCE_TYPES: Readonly<Record<ResourceEntityType, ConfigResourceType>> = {
  topics: 'topic', brokers: 'broker', 'broker-loggers': 'broker-logger',
};

/** Kafka's entityType.dropRight(1): `topic`, `broker`, `broker-logger`. */
function singular(type: ResourceEntityType): string {
  return type.slice(0, -1);
}

/** What Kafka's `.get()` on a failed future prints: the ExecutionException and its cause. */
function failure(err: unknown): unknown {
  if (err instanceof SamsaError) return new ConfigCommandFailure(`java.util.concurrent.ExecutionException: ${kafkaExceptionName(err)}: ${err.message}`);
  return err;
}

async function kafkaCall<T>(call: Promise<T>): Promise<T> {
  try {
    return await call;
  } catch (err) {
    throw failure(err);
  }
}

/** The dynamic source of an entity's own keys (Kafka's getResourceConfig); none for broker loggers (all keys are theirs). */
function ownSource(type: ResourceEntityType, name: string): ConfigSourceName | undefined {
  if (type === 'topics') return 'DYNAMIC_TOPIC_CONFIG';
  if (type === 'brokers') return name === '' ? 'DYNAMIC_DEFAULT_BROKER_CONFIG' : 'DYNAMIC_BROKER_CONFIG';
  return undefined;
}

async function resourceConfig(admin: Admin, type: ResourceEntityType, name: string, includeSynonyms: boolean, all: boolean): Promise<ConfigEntry[]> {
  // Kafka: Topic.validate on a topic name; broker ids were checked with the other arguments.
  const problem = type === 'topics' && name !== '' ? topicNameProblem(name) : null;
  if (problem !== null) throw new ConfigCommandFailure(`org.apache.kafka.common.errors.InvalidTopicException: ${problem}`);
  const resource: ConfigResource = { type: RESOURCE_TYPES[type], name };
  const configs = await kafkaCall(admin.describeConfigs([resource], { includeSynonyms }));
  const entries = configs.get(configResourceKey(resource)) ?? [];
  const source = all ? undefined : ownSource(type, name);
  return source === undefined ? entries : entries.filter((e) => e.source === source);
}

function entryLine(entry: ConfigEntry): string {
  const synonyms = entry.synonyms.map((s) => `${s.source}:${s.name}=${s.value}`).join(', ');
  return `  ${entry.name}=${entry.value} sensitive=${entry.isSensitive} synonyms={${synonyms}}\n`;
}

export async function describeResources(admin: Admin, opts: ConfigsCommandOptions, io: CliIo): Promise<void> {
  const type = opts.entityTypes[0].type as ResourceEntityType;
  const named = opts.entityNames[0];
  let names: string[];
  if (named !== undefined) names = [named];
  else if (type === 'topics') names = [...(await kafkaCall(admin.listTopics({ includeInternal: true })))].sort();
  else names = [...(await kafkaCall(admin.describeCluster())).brokers.map((b) => String(b.nodeId)), ''];
  for (const name of names) {
    if (name === '') io.out(`Default configs for ${type} in the cluster are:\n`);
    else io.out(`${opts.all ? 'All' : 'Dynamic'} configs for ${singular(type)} ${name} are:\n`);
    for (const entry of await resourceConfig(admin, type, name, true, opts.all)) io.out(entryLine(entry));
  }
}

export async function alterResource(admin: Admin, opts: ConfigsCommandOptions, io: CliIo): Promise<void> {
  const type = opts.entityTypes[0].type as ResourceEntityType;
  const name = opts.entityNames[0];
  const adds = [...opts.addConfigs];
  if (type === 'broker-loggers') {
    const loggers = new Set((await resourceConfig(admin, type, name, true, false)).map((e) => e.name));
    const invalid = [...opts.deleteConfigs, ...adds.map(([k]) => k)].filter((k) => !loggers.has(k));
    if (invalid.length > 0) throw new UsageError(`Invalid broker logger(s): ${invalid.join(',')}`);
  } else {
    const current = new Set((await resourceConfig(admin, type, name, false, false)).map((e) => e.name));
    const invalid = opts.deleteConfigs.filter((k) => !current.has(k));
    if (invalid.length > 0) throw new UsageError(`Invalid config(s): ${invalid.join(',')}`);
  }
  const resource: ConfigResource = { type: RESOURCE_TYPES[type], name };
  const ops: AlterConfigOp[] = [
    ...adds.map(([key, value]): AlterConfigOp => ({ name: key, op: 'set', value })),
    ...opts.deleteConfigs.map((key): AlterConfigOp => ({ name: key, op: 'delete' })),
  ];
  const results = await kafkaCall(admin.incrementalAlterConfigs([{ resource, ops }]));
  const error = results.get(configResourceKey(resource));
  if (error) throw failure(error);
  if (name !== '') io.out(`Completed updating config for ${singular(type)} ${name}.\n`);
  else io.out(`Completed updating default config for ${type} in the cluster.\n`);
}
