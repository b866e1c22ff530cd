/**
 * `samsa-configs --zookeeper`: reads and writes `/config/<type>/<name>` directly, as Kafka 2.8's
 * ConfigCommand does in ZooKeeper mode, for topics, brokers (and `<default>`), users, clients and
 * a user's clients. Every added key is checked before connecting (topic keys against the topic
 * config definitions, broker keys against the dynamic ones, quota keys by type, SCRAM passwords
 * salted here so they never reach ZooKeeper), so a bad command writes nothing. Each change is
 * announced through `/config/changes` so every broker applies it.
 *
 * Output is Kafka's: `Configs for topic 't' are k=v,...` and `Completed updating config for
 * entity: topic 't'.`, except that a SCRAM credential shows only its iteration count (Kafka
 * prints the stored salt and keys, which are as good as a password hash for an offline attack).
 */
import { THROTTLE_RATE_KEYS, validateDynamicBrokerConfig } from '../config/dynamic-broker-keys';
import { validateTopicConfig } from '../config/topic-config';
import { ErrorCode, SamsaError } from '../protocol/errors';
import { checkIterations, createCredential, formatCredential, isScramMechanism, parseCredential } from '../security/scram/scram-credential';
import { DEFAULT_ENTITY_NAME, EntityConfigStore } from '../zk/entity-config';
import { isZkError } from '../zk/zk-errors';
import { ZkPaths } from '../zk/znodes';
import { checkQuotaValue, isQuotaKey } from './configs-entities';
import type { ConfigsCommandOptions } from './configs-options';
import { parseScramValue } from './configs-parse';
import { ConfigEntity, entityText, entityZnode, expandEntities, parseZkEntity } from './configs-zk-entity';
import { CliIo, CommandError, UsageError } from './options';

/** An alteration checked before connecting: the entity and the values to store. */
export interface ZkAlteration {
  entity: ConfigEntity;
  additions: Map<string, string>;
}

/**
 * Kafka's BrokerConfigsUpdatableUsingZooKeeperWhileBrokerRunning: replication throttles may be
 * written through ZooKeeper at any time; other broker keys only before the broker (or, for the
 * cluster default, any broker) runs, so that a running broker validates them.
 */
const ZK_WRITABLE_WHILE_RUNNING: ReadonlySet<string> = new Set(THROTTLE_RATE_KEYS);

/** Scala's Set(...) as Kafka prints it in these messages. */
function scalaSet(items: readonly string[]): string {
  return `Set(${items.join(', ')})`;
}

function displayConfig(config: Readonly<Record<string, string>>): string {
  return Object.entries(config).map(([key, value]) => {
    if (!isScramMechanism(key)) return `${key}=${value}`;
    const credential = parseCredential(value);
    return `${key}=${credential ? `iterations=${credential.iterations}` : '[malformed]'}`;
  }).join(',');
}

export async function describeWithZk(store: EntityConfigStore, opts: ConfigsCommandOptions, io: CliIo): Promise<void> {
  const entity = parseZkEntity(opts.entityTypes, opts.entityNames, false);
  // Like Kafka: when listing every user, nodes without config (only <user, client> overrides) are left out.
  const describeAllUsers = entity.root.spec.type === 'users' && entity.root.sanitizedName === undefined && !entity.child;
  for (const one of await expandEntities(store, entity)) {
    const { type, znodeName } = entityZnode(one);
    const config = await store.getZnodeConfig(type, znodeName);
    if (describeAllUsers && Object.keys(config).length === 0) continue;
    io.out(`Configs for ${entityText(one)} are ${displayConfig(config)}\n`);
  }
}

/** Checks the added keys of an alteration (Kafka's checks, in its words); runs before connecting, except for broker keys. */
export function prepareZkAlter(opts: ConfigsCommandOptions): ZkAlteration {
  const entity = parseZkEntity(opts.entityTypes, opts.entityNames, true);
  const type = entity.root.spec.type;
  const adds = opts.addConfigs;
  if (type === 'topics') {
    validateTopicConfig(Object.fromEntries(adds));
    return { entity, additions: adds };
  }
  // Broker keys are checked once connected, after Kafka's running-broker check (checkTarget).
  if (type === 'brokers') return { entity, additions: adds };
  // Kafka: DynamicConfig.User for a named user, DynamicConfig.Client for clients, the default user and a user's client.
  const takesCredentials = type === 'users' && entity.root.sanitizedName !== DEFAULT_ENTITY_NAME && !entity.child;
  const unknown = [...adds.keys()].filter((k) => !isQuotaKey(k) && !(takesCredentials && isScramMechanism(k)));
  if (unknown.length > 0) throw new UsageError(`requirement failed: Unknown Dynamic Configuration: ${scalaSet(unknown)}.`);
  const additions = new Map<string, string>();
  for (const [key, value] of adds) {
    if (isQuotaKey(key)) {
      checkQuotaValue(key, value);
      additions.set(key, value);
    } else if (isScramMechanism(key)) {
      const { iterations, password } = parseScramValue(key, value, 'zookeeper');
      // Kafka's tool stops only below the minimum; brokers refuse more than 16384 (KIP-554), so Samsa refuses it here too.
      const problem = checkIterations(key, iterations);
      if (problem) throw new CommandError(problem);
      additions.set(key, formatCredential(createCredential(key, password, iterations)));
    }
  }
  return { entity, additions };
}

/** Kafka's checks that need ZooKeeper: a topic must exist; most broker keys only before the broker runs. */
async function checkTarget(store: EntityConfigStore, alteration: ZkAlteration): Promise<void> {
  const { root } = alteration.entity;
  const name = root.sanitizedName as string;
  if (root.spec.type === 'topics' && (await store.zk.exists(ZkPaths.topic(name))) === null) {
    throw new SamsaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `Topic '${name}' does not exist.`);
  }
  if (root.spec.type !== 'brokers') return;
  const dynamic = [...alteration.additions.keys()].filter((k) => !ZK_WRITABLE_WHILE_RUNNING.has(k));
  if (dynamic.length > 0) await checkBrokersDown(store, name, dynamic);
  validateDynamicBrokerConfig(Object.fromEntries(alteration.additions));
}

async function checkBrokersDown(store: EntityConfigStore, name: string, dynamic: readonly string[]): Promise<void> {
  const problem = `--bootstrap-server option must be specified to update broker configs ${scalaSet(dynamic)}.`;
  const info = 'Broker configuration updates using ZooKeeper are supported for bootstrapping before brokers'
    + ' are started to enable encrypted password configs to be stored in ZooKeeper.';
  if (name !== DEFAULT_ENTITY_NAME) {
    if ((await store.zk.exists(ZkPaths.brokerId(Number(name)))) !== null) {
      throw new UsageError(`requirement failed: ${problem} when broker ${name} is running. ${info}`);
    }
  } else if ((await liveBrokerIds(store)).length > 0) {
    throw new UsageError(`requirement failed: ${problem} for default cluster if any broker is running. ${info}`);
  }
}

async function liveBrokerIds(store: EntityConfigStore): Promise<string[]> {
  try {
    return await store.zk.getChildren(ZkPaths.brokerIds);
  } catch (err) {
    if (isZkError(err, 'NO_NODE')) return [];
    throw err;
  }
}

export async function alterWithZk(store: EntityConfigStore, opts: ConfigsCommandOptions, alteration: ZkAlteration, io: CliIo): Promise<void> {
  await checkTarget(store, alteration);
  const { type, znodeName } = entityZnode(alteration.entity);
  await store.updateZnodeConfig(type, znodeName, (config) => {
    const missing = opts.deleteConfigs.filter((key) => config[key] === undefined);
    if (missing.length > 0) throw new UsageError(`Invalid config(s): ${missing.join(',')}`);
    for (const [key, value] of alteration.additions) config[key] = value;
    for (const key of opts.deleteConfigs) delete config[key];
    return config;
  });
  io.out(`Completed updating config for entity: ${entityText(alteration.entity)}.\n`);
}
