/**
 * Command-line grammar of `samsa-configs`, with Kafka 2.8 ConfigCommand's checkArgs rules and
 * wording: exactly one of --describe / --alter, exactly one of --zookeeper / --bootstrap-server,
 * entity types from the table in configs-entities.ts (or their shorthand flags), a name or the
 * default entity for --alter, and something to add or delete. Everything refused here is refused
 * before any connection is made, so nothing is written.
 */
import { Command } from 'commander';
import { QUOTA_KEYS } from '../broker/client-quota-config';
import { DYNAMIC_BROKER_KEYS, THROTTLE_RATE_KEYS } from '../config/dynamic-broker-keys';
import { parseZookeeperConnect } from '../config/endpoints';
import { readPropertiesFile } from '../config/properties';
import { topicConfigDefs } from '../config/topic-config';
import { ENTITY_TYPES, EntityTypeName, EntityTypeSpec, entityTypeSpec } from './configs-entities';
import { parseAddConfig } from './configs-parse';
import { CliIo, collect, errorMessage, newProgram, parseBootstrapServers, parseToolArgs, ToolArgs, UsageError } from './options';

export type ConfigsTarget = { kind: 'bootstrap'; servers: string } | { kind: 'zookeeper'; connect: string };

export interface ConfigsCommandOptions {
  action: 'describe' | 'alter';
  target: ConfigsTarget;
  commandConfig?: string;
  /** Kafka's opts.entityTypes / entityNames: one name per type given, '' for the default entity. */
  entityTypes: EntityTypeSpec[];
  entityNames: string[];
  /** Configs to add, in command-line order (brackets already removed from --add-config values). */
  addConfigs: Map<string, string>;
  deleteConfigs: string[];
  all: boolean;
}

export const TOOL_NAME = 'samsa-configs';

function buildProgram(io: CliIo): Command {
  const program = newProgram(TOOL_NAME, 'This tool helps to manipulate and describe entity config for a topic, client, user, broker or ip', io)
    .option('--zookeeper <urls>', 'DEPRECATED. The connection string for the zookeeper connection in the form host:port. Multiple URLS can be given to allow fail-over. Replaced by --bootstrap-server, REQUIRED unless --bootstrap-server is given.')
    .option('--bootstrap-server <server to connect to>', 'The Samsa broker(s) to connect to.')
    .option('--command-config <command config property file>', 'Property file containing configs to be passed to Admin Client. This is used only with --bootstrap-server option.')
    .option('--alter', 'Alter the configuration for the entity.')
    .option('--describe', 'List configs for the given entity.')
    .option('--all', 'List all configs for the given topic, broker, or broker-logger entity (includes static configuration when the entity type is brokers)')
    .option('--entity-type <type>', 'Type of entity (topics/clients/users/brokers/broker-loggers/ips)', collect)
    .option('--entity-name <name>', 'Name of entity (topic name/client id/user principal name/broker id/ip)', collect)
    .option('--entity-default', 'Default entity name for clients/users/brokers/ips (applies to corresponding entity type in command line)')
    .option('--add-config <configs>', addConfigHelp())
    .option('--add-config-file <file>', 'Path to a properties file with configs to add. See add-config for a list of valid configurations.')
    .option('--delete-config <keys>', "config keys to remove 'k1,k2'", collect)
    .option('--force', 'Suppress console prompts');
  for (const spec of ENTITY_TYPES) {
    program.option(`--${spec.flag} <name>`, FLAG_HELP[spec.type]);
    if (spec.defaultsFlag) program.option(`--${spec.defaultsFlag}`, `The config defaults for all ${spec.type}.`);
  }
  return program;
}

/** Kafka's descriptions of the shorthand entity flags. */
const FLAG_HELP: Readonly<Record<EntityTypeName, string>> = {
  topics: "The topic's name.", clients: "The client's ID.", users: "The user's principal name.", brokers: "The broker's ID.",
  ips: 'The IP address.', 'broker-loggers': "The broker's ID for its logger config.",
};

/** Kafka's --add-config help: the grammar, then the valid keys per entity type. */
function addConfigHelp(): string {
  const list = (keys: Iterable<string>): string => [...keys].sort().join(', ');
  return "Key Value pairs of configs to add. Square brackets can be used to group values which contain commas: 'k1=v1,k2=[v1,v2,v2],k3=v3'."
    + ` For entity-type 'topics': ${list(Object.keys(topicConfigDefs))}.`
    + ` For entity-type 'brokers': ${list([...DYNAMIC_BROKER_KEYS, ...THROTTLE_RATE_KEYS, 'log.level.<subsystem>'])}.`
    + " For entity-type 'broker-loggers': root or a subsystem's name, with a log level as its value."
    + ` For entity-type 'users': ${list(QUOTA_KEYS.keys())}, SCRAM-SHA-256, SCRAM-SHA-512`
    + ' (SCRAM-SHA-256=[iterations=8192,password=secret]; iterations default to 4096).'
    + ` For entity-type 'clients': ${list(QUOTA_KEYS.keys())}.`
    + " Entity types 'users' and 'clients' may be specified together to update config for clients of a specific user.";
}

/** Parses argv; returns options, or the exit code after printing help or an error. */
export function parseConfigsArgs(argv: readonly string[], io: CliIo): ToolArgs<ConfigsCommandOptions> {
  return parseToolArgs(buildProgram(io), argv, io, TOOL_NAME, (o) => toOptions(o, argv));
}

function camel(flag: string): string {
  return flag.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

function toOptions(o: Record<string, unknown>, argv: readonly string[]): ConfigsCommandOptions {
  const has = (key: string): boolean => o[key] !== undefined;
  const actions = (['alter', 'describe'] as const).filter(has);
  if (actions.length !== 1) throw new UsageError('Command must include exactly one action: --describe, --alter');
  const action = actions[0];
  if (action === 'describe') {
    for (const [key, flag] of [['addConfig', 'add-config'], ['deleteConfig', 'delete-config']]) {
      if (has(key)) throw new UsageError(`Option "[describe]" can't be used with option "[${flag}]"`);
    }
  }
  const { typeNames, names } = entities(o, argv);
  const target = parseTarget(o);
  const types = checkEntityTypes(typeNames, target);
  if (has('all') && target.kind === 'zookeeper') throw new UsageError('--bootstrap-server must be specified for --all');
  if (has('commandConfig') && target.kind === 'zookeeper') throw new UsageError('Option "[command-config]" can\'t be used with option "[zookeeper]"');
  checkEntityNames(o, types, names, action);
  const options: ConfigsCommandOptions = {
    action, target, commandConfig: o.commandConfig as string | undefined, entityTypes: types, entityNames: names,
    addConfigs: new Map(), deleteConfigs: [], all: has('all'),
  };
  if (action === 'alter') checkAlter(o, options);
  return options;
}

/**
 * Kafka's entityTypes / entityNames: --entity-type/--entity-name/--entity-default, or the shorthand
 * flags. Names keep their command-line order across --entity-name and --entity-default, since the
 * n-th name goes with the n-th type (`--entity-type users --entity-default --entity-type clients
 * --entity-name app`).
 */
function entities(o: Record<string, unknown>, argv: readonly string[]): { typeNames: string[]; names: string[] } {
  const typeNames = [...((o.entityType as string[] | undefined) ?? [])];
  const given = [...((o.entityName as string[] | undefined) ?? [])];
  const names = argv.filter((a) => a === '--entity-default' || a === '--entity-name' || a.startsWith('--entity-name='))
    .map((a) => (a === '--entity-default' ? '' : given.shift() ?? ''));
  const shorthand = ENTITY_TYPES.filter((t) => o[camel(t.flag)] !== undefined);
  const defaults = ENTITY_TYPES.filter((t) => t.defaultsFlag !== undefined && o[camel(t.defaultsFlag)] !== undefined);
  if ((typeNames.length > 0 || names.length > 0) && (shorthand.length > 0 || defaults.length > 0)) {
    throw new UsageError('--entity-{type,name,default} should not be used in conjunction with specific entity flags');
  }
  const duplicates = typeNames.filter((t, i) => typeNames.indexOf(t) !== i);
  if (duplicates.length > 0) throw new UsageError(`Duplicate entity type(s) specified: ${[...new Set(duplicates)].join(',')}`);
  typeNames.push(...shorthand.map((t) => t.type), ...defaults.map((t) => t.type));
  names.push(...shorthand.map((t) => o[camel(t.flag)] as string), ...defaults.map(() => ''));
  return { typeNames, names };
}

function parseTarget(o: Record<string, unknown>): ConfigsTarget {
  const bootstrap = o.bootstrapServer as string | undefined;
  const zookeeper = o.zookeeper as string | undefined;
  if (bootstrap === undefined && zookeeper === undefined) throw new UsageError('One of the required --bootstrap-server or --zookeeper arguments must be specified');
  if (bootstrap !== undefined && zookeeper !== undefined) throw new UsageError('Only one of --bootstrap-server or --zookeeper must be specified');
  if (bootstrap !== undefined) return { kind: 'bootstrap', servers: parseBootstrapServers(bootstrap) };
  const parsed = parseZookeeperConnect(zookeeper as string);
  if (!parsed.ok) throw new UsageError(`Invalid --zookeeper '${zookeeper}': ${parsed.reason}`);
  return { kind: 'zookeeper', connect: (zookeeper as string).trim() };
}

/** Kafka's checks on the entity types given, in its order; returns their table entries. */
function checkEntityTypes(typeNames: readonly string[], target: ConfigsTarget): EntityTypeSpec[] {
  const allowed = ENTITY_TYPES.filter((t) => target.kind === 'bootstrap' || t.zookeeper);
  const option = target.kind === 'bootstrap' ? '--bootstrap-server' : '--zookeeper';
  const types = typeNames.map((name) => {
    const spec = entityTypeSpec(name);
    if (!spec || !allowed.includes(spec)) {
      throw new UsageError(`Invalid entity type ${name}, the entity type must be one of ${allowed.map((a) => a.type).join(',')} with the ${option} argument`);
    }
    return spec;
  });
  if (types.length === 0) throw new UsageError('At least one entity type must be specified');
  const set = new Set(types.map((t) => t.type));
  if (types.length > 1 && !(set.size === 2 && set.has('users') && set.has('clients'))) {
    throw new UsageError("Only 'users' and 'clients' entity types may be specified together");
  }
  const spec = types[0];
  if (!spec.supported[target.kind]) {
    const where = ENTITY_TYPES.filter((t) => t.supported[target.kind]).map((t) => t.type).join(', ');
    throw new UsageError(`Entity type '${spec.type}' is not supported by samsa-configs (Samsa has no connection quotas); supported: ${where}`);
  }
  return types;
}

/** Kafka's checks on the names: integer broker ids, a broker-logger named for --describe. */
function checkEntityNames(o: Record<string, unknown>, types: readonly EntityTypeSpec[], names: readonly string[], action: 'describe' | 'alter'): void {
  const hasEntityName = names.some((n) => n !== '');
  const typeNames = types.map((t) => t.type);
  if (hasEntityName && (typeNames.includes('brokers') || typeNames.includes('broker-loggers'))) {
    for (const id of [o.entityName as string[] | undefined, o.broker, o.brokerLogger].flat().filter((v): v is string => typeof v === 'string')) {
      if (!isJavaInt(id)) throw new UsageError(`The entity name for ${typeNames[0]} must be a valid integer broker id, but it is: ${id}`);
    }
  }
  if (action === 'describe' && typeNames.includes('broker-loggers') && !hasEntityName) {
    throw new UsageError(`an entity name must be specified with --describe of ${typeNames.join(',')}`);
  }
}

/** What Java's Integer.parseInt accepts: an optional sign, digits, within 32 bits. */
export function isJavaInt(text: string): boolean {
  return /^[+-]?\d+$/.test(text) && Math.abs(Number(text)) <= 2 ** 31 - (text.startsWith('-') ? 0 : 1);
}

function checkAlter(o: Record<string, unknown>, options: ConfigsCommandOptions): void {
  const types: EntityTypeName[] = options.entityTypes.map((t) => t.type);
  if (types.some((t) => ['users', 'clients', 'brokers', 'ips'].includes(t))) {
    if (options.entityNames.length === 0) throw new UsageError('an entity-name or default entity must be specified with --alter of users, clients, brokers or ips');
  } else if (!options.entityNames.some((n) => n !== '')) {
    throw new UsageError(`an entity name must be specified with --alter of ${types.join(',')}`);
  }
  const type = types[0];
  if (options.target.kind === 'zookeeper' && (type === 'users' || type === 'clients') && options.entityNames.length !== options.entityTypes.length) {
    throw new UsageError('--entity-name or --entity-default must be specified with each --entity-type for --alter');
  }
  if (o.addConfig !== undefined && o.addConfigFile !== undefined) throw new UsageError('Only one of --add-config or --add-config-file must be specified');
  if (o.addConfig === undefined && o.addConfigFile === undefined && o.deleteConfig === undefined) {
    throw new UsageError('At least one of --add-config, --add-config-file, or --delete-config must be specified with --alter');
  }
  if (o.addConfigFile !== undefined) {
    try {
      // Kafka loads the file as properties: values are taken as written, brackets and all.
      for (const [k, v] of readPropertiesFile(o.addConfigFile as string)) options.addConfigs.set(k, v);
    } catch (err) {
      throw new UsageError(errorMessage(err));
    }
  }
  if (o.addConfig !== undefined) options.addConfigs = parseAddConfig(o.addConfig as string);
  options.deleteConfigs = ((o.deleteConfig as string[] | undefined) ?? []).flatMap((v) => v.split(',')).map((k) => k.trim());
}
