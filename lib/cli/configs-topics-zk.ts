/**
 * `samsa-configs --zookeeper --entity-type topics`: a topic's config overrides in
 * `/config/topics/<topic>`, as Kafka 2.8's ConfigCommand reads and writes them in ZooKeeper mode:
 * the topic must exist, the new overrides must pass the topic config validation, and each change
 * is announced through `/config/changes` (topics/<topic>). Which of them brokers apply to live
 * logs without a restart is issue 11's subject; they are stored as Kafka stores them.
 */
import { validateTopicConfig } from '../config/topic-config';
import { ErrorCode, SamsaError } from '../protocol/errors';
import { EntityConfigStore } from '../zk/entity-config';
import { ZkPaths } from '../zk/znodes';
import { describeEntity, EntityTypeSpec } from './configs-entities';
import type { ConfigsCommandOptions } from './configs-options';
import { CliIo, CommandError } from './options';

export async function describeTopicsZk(store: EntityConfigStore, spec: EntityTypeSpec, opts: ConfigsCommandOptions, io: CliIo): Promise<void> {
  const names = opts.entityNames.length > 0 ? opts.entityNames : await store.listEntities('topics');
  for (const name of names) {
    const config = await store.getConfig('topics', name);
    io.out(`Configs for ${describeEntity(spec, name)} are ${Object.entries(config).map(([k, v]) => `${k}=${v}`).join(',')}\n`);
  }
}

/** Validates the added keys before connecting (Kafka's LogConfig.validate). */
export function prepareTopicsZkAlter(opts: ConfigsCommandOptions): Map<string, string> {
  try {
    validateTopicConfig(Object.fromEntries(opts.addConfigs));
  } catch (err) {
    throw new CommandError((err as Error).message);
  }
  return opts.addConfigs;
}

export async function alterTopicsZk(store: EntityConfigStore, spec: EntityTypeSpec, opts: ConfigsCommandOptions, additions: ReadonlyMap<string, string>,
  io: CliIo): Promise<void> {
  const topic = opts.entityNames[0];
  if ((await store.zk.exists(ZkPaths.topic(topic))) === null) {
    throw new SamsaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `Topic '${topic}' does not exist.`);
  }
  await store.updateConfig('topics', topic, (config) => {
    const missing = opts.deleteConfigs.filter((key) => config[key] === undefined);
    if (missing.length > 0) throw new CommandError(`Invalid config(s): ${missing.join(',')}`);
    for (const [key, value] of additions) config[key] = value;
    for (const key of opts.deleteConfigs) delete config[key];
    return config;
  });
  io.out(`Completed updating config for entity: ${describeEntity(spec, topic)}.\n`);
}
