/**
 * `samsa-configs --zookeeper --entity-type users`: reads and writes `/config/users/<user>`
 * directly, as Kafka 2.8's ConfigCommand does in ZooKeeper mode. SCRAM passwords are turned into
 * salted credentials here (the password never reaches ZooKeeper), the user's other config keys
 * are kept, and each change is announced through `/config/changes`.
 *
 * Describe prints Kafka's `Configs for user-principal 'alice' are ...` line, except that a SCRAM
 * credential shows only its iteration count (`SCRAM-SHA-256=iterations=8192`): Kafka prints the
 * stored salt and keys, which are as good as a password hash for an offline attack.
 */
import { checkIterations, createCredential, formatCredential, isScramMechanism, parseCredential } from '../security/scram/scram-credential';
import { DEFAULT_ENTITY_NAME, EntityConfigStore } from '../zk/entity-config';
import { describeEntity, EntityTypeSpec, USER_QUOTA_KEYS } from './configs-entities';
import type { ConfigsCommandOptions } from './configs-options';
import { parseScramValue } from './configs-parse';
import { CliIo, CommandError } from './options';

/** Internal znode name of an entity the command line names ('' is the default entity). */
function znodeEntity(name: string): string {
  return name === '' ? DEFAULT_ENTITY_NAME : name;
}

function displayConfig(config: Readonly<Record<string, string>>): string {
  return Object.entries(config).map(([key, value]) => {
    if (!isScramMechanism(key)) return `${key}=${value}`;
    const credential = parseCredential(value);
    return `${key}=${credential ? `iterations=${credential.iterations}` : '[malformed]'}`;
  }).join(',');
}

export async function describeUsersZk(store: EntityConfigStore, spec: EntityTypeSpec, opts: ConfigsCommandOptions, io: CliIo): Promise<void> {
  const describeAll = opts.entityNames.length === 0;
  const names = describeAll ? await store.listEntities('users') : opts.entityNames.map(znodeEntity);
  for (const name of names) {
    const config = await store.getConfig('users', name);
    // Like Kafka: when listing every user, nodes without config (only <user, client> overrides) are left out.
    if (describeAll && Object.keys(config).length === 0) continue;
    io.out(`Configs for ${describeEntity(spec, name === DEFAULT_ENTITY_NAME ? '' : name)} are ${displayConfig(config)}\n`);
  }
}

/**
 * Checks every added key and turns SCRAM passwords into credentials, before connecting: a bad
 * value fails the command with nothing written. Returns the values to store.
 */
export function prepareUsersZkAlter(opts: ConfigsCommandOptions): Map<string, string> {
  const isDefault = opts.entityNames[0] === '';
  const prepared = new Map<string, string>();
  const unknown: string[] = [];
  for (const [key, value] of opts.addConfigs) {
    if (isScramMechanism(key) && !isDefault) {
      const { iterations, password } = parseScramValue(key, value, 'zookeeper');
      // Kafka's tool stops only below the minimum; brokers refuse more than 16384 (KIP-554), so Samsa refuses it here too.
      const problem = checkIterations(key, iterations);
      if (problem) throw new CommandError(problem);
      prepared.set(key, formatCredential(createCredential(key, password, iterations)));
    } else if (USER_QUOTA_KEYS.has(key)) {
      throw new CommandError(`Quota configs (${key}) are not yet supported by samsa-configs (issue 11)`);
    } else {
      unknown.push(key);
    }
  }
  // Kafka: DynamicConfig.User (or .Client for the default user, which takes no credentials).validate.
  if (unknown.length > 0) throw new CommandError(`requirement failed: Unknown Dynamic Configuration: Set(${unknown.join(', ')}).`);
  return prepared;
}

export async function alterUsersZk(store: EntityConfigStore, spec: EntityTypeSpec, opts: ConfigsCommandOptions, additions: ReadonlyMap<string, string>,
  io: CliIo): Promise<void> {
  const name = opts.entityNames[0];
  await store.updateConfig('users', znodeEntity(name), (config) => {
    const missing = opts.deleteConfigs.filter((key) => config[key] === undefined);
    if (missing.length > 0) throw new CommandError(`Invalid config(s): ${missing.join(',')}`);
    for (const [key, value] of additions) config[key] = value;
    for (const key of opts.deleteConfigs) delete config[key];
    return config;
  });
  io.out(`Completed updating config for entity: ${describeEntity(spec, name)}.\n`);
}
