/**
 * Command-line grammar of `samsa-topics`, with Kafka's TopicCommand rules for which options go
 * together: exactly one action, exactly one of --bootstrap-server / --zookeeper, --topic required
 * except for --list/--describe, --replication-factor only with --create, and so on. Everything a
 * user can get wrong before we touch the network is rejected here, with Kafka's wording.
 */
import { Command } from 'commander';
import { parseZookeeperConnect } from '../config/endpoints';
import {
  CliIo,
  UsageError,
  collect,
  integerArg,
  newProgram,
  parseBootstrapServers,
  parseToolArgs,
  ToolArgs,
} from './options';

export type TopicAction = 'create' | 'list' | 'describe' | 'delete' | 'alter';
const ACTIONS: readonly TopicAction[] = ['create', 'list', 'alter', 'describe', 'delete'];

export type ClusterTarget = { kind: 'bootstrap'; servers: string } | { kind: 'zookeeper'; connect: string };

export interface TopicCommandOptions {
  action: TopicAction;
  target: ClusterTarget;
  commandConfig?: string;
  topic?: string;
  partitions?: number;
  replicationFactor?: number;
  /** `--config` overrides, as written (validated against the topic config definitions later). */
  configs: Record<string, string>;
  /** `--delete-config` keys to remove with --alter. */
  deleteConfigs: string[];
  /** `--topics-with-overrides`: describe only topics that have config overrides, without their partitions. */
  topicsWithOverrides: boolean;
  /** `--replica-assignment 1:2,2:3`: replicas per partition, in partition order. */
  replicaAssignment?: number[][];
  ifExists: boolean;
  ifNotExists: boolean;
  underReplicated: boolean;
  unavailable: boolean;
  underMinIsr: boolean;
  atMinIsr: boolean;
  excludeInternal: boolean;
}

export const TOOL_NAME = 'samsa-topics';

function buildProgram(io: CliIo): Command {
  return newProgram(TOOL_NAME, 'Create, delete, describe, or change a topic.', io)
    .option('--bootstrap-server <host:port>', 'The Samsa broker(s) to connect to.')
    .option('--zookeeper <host:port[/chroot]>', 'Talk to ZooKeeper directly instead of a broker (create/list/describe/delete/alter).')
    .option('--command-config <file>', 'Property file containing configs to be passed to the Admin client.')
    .option('--list', 'List all available topics.')
    .option('--create', 'Create a new topic.')
    .option('--delete', 'Delete a topic.')
    .option('--alter', 'Alter the number of partitions, replica assignment, and/or configuration for the topic.')
    .option('--describe', 'List details for the given topics.')
    .option('--topic <topic>', 'The topic to create, alter, describe or delete. It also accepts a regular expression, except for --create.')
    .option('--partitions <n>', 'The number of partitions for the topic being created or altered.', integerArg())
    .option('--replication-factor <n>', 'The replication factor for each partition in the topic being created.', integerArg())
    .option('--config <name=value>', 'A topic configuration override for the topic being created or altered (repeatable).', collect)
    .option('--delete-config <name>', 'A topic configuration override to be removed for an existing topic (repeatable).', collect)
    .option('--replica-assignment <list>', 'Manual partition-to-broker assignment: b1:b2,b2:b3,... (one entry per partition).')
    .option('--if-exists', 'When altering, deleting or describing, only act if the topic exists.')
    .option('--if-not-exists', 'When creating, do not fail if the topic already exists.')
    .option('--under-replicated-partitions', 'When describing, only show under-replicated partitions.')
    .option('--unavailable-partitions', 'When describing, only show partitions whose leader is not available.')
    .option('--under-min-isr-partitions', 'When describing, only show partitions whose ISR count is less than the configured minimum. Not supported with --zookeeper.')
    .option('--at-min-isr-partitions', 'When describing, only show partitions whose ISR count is equal to the configured minimum. Not supported with --zookeeper.')
    .option('--topics-with-overrides', 'When describing, only show topics that have overridden configs.')
    .option('--exclude-internal', 'Exclude internal topics when listing or describing.');
}

/** Parses argv; returns options, or the exit code after printing help or an error. */
export function parseTopicsArgs(argv: readonly string[], io: CliIo): ToolArgs<TopicCommandOptions> {
  return parseToolArgs(buildProgram(io), argv, io, TOOL_NAME, toOptions);
}

function toOptions(o: Record<string, unknown>): TopicCommandOptions {
  const has = (name: string): boolean => o[name] !== undefined;
  const actions = ACTIONS.filter((a) => has(a));
  if (actions.length !== 1) {
    throw new UsageError('Command must include exactly one action: --list, --describe, --create, --alter or --delete');
  }
  const action = actions[0];
  const options: TopicCommandOptions = {
    action,
    target: parseTarget(o),
    commandConfig: o.commandConfig as string | undefined,
    topic: o.topic as string | undefined,
    partitions: o.partitions as number | undefined,
    replicationFactor: o.replicationFactor as number | undefined,
    configs: parseTopicConfigs((o.config as string[] | undefined) ?? []),
    deleteConfigs: ((o.deleteConfig as string[] | undefined) ?? []).map((k) => k.trim()),
    topicsWithOverrides: has('topicsWithOverrides'),
    replicaAssignment: has('replicaAssignment') ? parseReplicaAssignment(o.replicaAssignment as string) : undefined,
    ifExists: has('ifExists'),
    ifNotExists: has('ifNotExists'),
    underReplicated: has('underReplicatedPartitions'),
    unavailable: has('unavailablePartitions'),
    underMinIsr: has('underMinIsrPartitions'),
    atMinIsr: has('atMinIsrPartitions'),
    excludeInternal: has('excludeInternal'),
  };
  checkCombinations(o, action);
  return options;
}

function parseTarget(o: Record<string, unknown>): ClusterTarget {
  const bootstrap = o.bootstrapServer as string | undefined;
  const zookeeper = o.zookeeper as string | undefined;
  if (bootstrap !== undefined && zookeeper !== undefined) {
    throw new UsageError('Only one of --bootstrap-server or --zookeeper must be specified');
  }
  if (bootstrap !== undefined) return { kind: 'bootstrap', servers: parseBootstrapServers(bootstrap) };
  if (zookeeper !== undefined) {
    const parsed = parseZookeeperConnect(zookeeper);
    if (!parsed.ok) throw new UsageError(`Invalid --zookeeper '${zookeeper}': ${parsed.reason}`);
    return { kind: 'zookeeper', connect: zookeeper.trim() };
  }
  throw new UsageError('One of --bootstrap-server or --zookeeper must be specified');
}

/** Which actions each option may accompany (Kafka's checkInvalidArgs table). */
const ALLOWED_WITH: ReadonlyArray<[string, string, readonly TopicAction[]]> = [
  ['config', 'config', ['create', 'alter']],
  ['deleteConfig', 'delete-config', ['alter']],
  ['topicsWithOverrides', 'topics-with-overrides', ['describe']],
  ['partitions', 'partitions', ['create', 'alter']],
  ['replicationFactor', 'replication-factor', ['create']],
  ['replicaAssignment', 'replica-assignment', ['create', 'alter']],
  ['underReplicatedPartitions', 'under-replicated-partitions', ['describe']],
  ['unavailablePartitions', 'unavailable-partitions', ['describe']],
  ['underMinIsrPartitions', 'under-min-isr-partitions', ['describe']],
  ['atMinIsrPartitions', 'at-min-isr-partitions', ['describe']],
  ['ifExists', 'if-exists', ['alter', 'delete', 'describe']],
  ['ifNotExists', 'if-not-exists', ['create']],
  ['excludeInternal', 'exclude-internal', ['list', 'describe']],
  ['commandConfig', 'command-config', ['create', 'list', 'describe', 'delete', 'alter']],
];

function checkCombinations(o: Record<string, unknown>, action: TopicAction): void {
  for (const [key, flag, actions] of ALLOWED_WITH) {
    if (o[key] !== undefined && !actions.includes(action)) {
      throw new UsageError(`Option "[${flag}]" can't be used with option "[${action}]"`);
    }
  }
  if (o.commandConfig !== undefined && o.zookeeper !== undefined) {
    throw new UsageError('Option "[command-config]" can\'t be used with option "[zookeeper]"');
  }
  checkReportOptions(o);
  if (action !== 'list' && action !== 'describe' && o.topic === undefined) {
    throw new UsageError('Missing required argument "[topic]"');
  }
  if (action === 'alter' && o.partitions === undefined && o.config === undefined && o.deleteConfig === undefined) {
    throw new UsageError('Missing required argument "[partitions]"');
  }
  if (action === 'create' && o.replicaAssignment !== undefined) {
    for (const [key, flag] of [['partitions', 'partitions'], ['replicationFactor', 'replication-factor']]) {
      if (o[key] !== undefined) throw new UsageError(`Option "[replica-assignment]" can't be used with option "[${flag}]"`);
    }
  }
}

/** Kafka's partition report filters, in the order its checkArgs tests them. */
const REPORT_OPTIONS: ReadonlyArray<[string, string]> = [
  ['underReplicatedPartitions', 'under-replicated-partitions'],
  ['underMinIsrPartitions', 'under-min-isr-partitions'],
  ['atMinIsrPartitions', 'at-min-isr-partitions'],
  ['unavailablePartitions', 'unavailable-partitions'],
];

/**
 * At most one report filter per run, and the min-ISR ones need the effective topic config, which
 * only a broker knows (Kafka rejects them with --zookeeper too).
 */
function checkReportOptions(o: Record<string, unknown>): void {
  const used = REPORT_OPTIONS.filter(([key]) => o[key] !== undefined);
  if (used.length > 1) throw new UsageError(`Option "[${used[0][1]}]" can't be used with option "[${used[1][1]}]"`);
  if (used.length > 0 && o.topicsWithOverrides !== undefined) throw new UsageError(`Option "[${used[0][1]}]" can't be used with option "[topics-with-overrides]"`);
  const minIsrFlag = used.find(([key]) => key === 'underMinIsrPartitions' || key === 'atMinIsrPartitions');
  if (minIsrFlag && o.zookeeper !== undefined) throw new UsageError(`Option "[${minIsrFlag[1]}]" can't be used with option "[zookeeper]"`);
}

/**
 * `--config k=v`: Kafka splits on `=` with surrounding spaces and requires exactly two pieces, so
 * `k=` and `a=b=c` are both rejected with the same message.
 */
export function parseTopicConfigs(items: readonly string[]): Record<string, string> {
  const configs: Record<string, string> = {};
  for (const item of items) {
    const pieces = item.split(/\s*=\s*/);
    if (pieces.length !== 2 || pieces[0].trim() === '' || pieces[1].trim() === '') {
      throw new UsageError('Invalid topic config: all configs to be added must be in the format "key=val".');
    }
    configs[pieces[0].trim()] = pieces[1].trim();
  }
  return configs;
}

/** `0:1,1:2,2:0` → [[0,1],[1,2],[2,0]] with Kafka's checks (integers, no duplicates, equal sizes). */
export function parseReplicaAssignment(text: string): number[][] {
  const partitions = text.split(',');
  const result: number[][] = [];
  for (let i = 0; i < partitions.length; i++) {
    const brokers = partitions[i].split(':').map((s) => s.trim());
    if (brokers.some((b) => !/^-?\d+$/.test(b))) {
      throw new UsageError(`Invalid --replica-assignment '${text}': broker ids must be integers`);
    }
    const ids = brokers.map(Number);
    const duplicates = [...new Set(ids.filter((id, idx) => ids.indexOf(id) !== idx))];
    if (duplicates.length > 0) {
      throw new UsageError(`Partition replica lists may not contain duplicate entries: ${duplicates.join(',')}`);
    }
    if (result.length > 0 && ids.length !== result[0].length) {
      throw new UsageError(`Partition ${i} has different replication factor: [${ids.join(', ')}]`);
    }
    result.push(ids);
  }
  return result;
}
