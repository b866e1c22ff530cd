/**
 * Command-line grammar of `samsa-reassign-partitions`, with Kafka's ReassignPartitionsCommand
 * rules: exactly one action, --bootstrap-server always, each action's required file(s), and only
 * the options an action permits (`Option "[timeout]" can't be used with action "[verify]"`).
 *
 * --throttle and --replica-alter-log-dirs-throttle set Kafka's replication throttles for the moves
 * (lib/cli/reassign-throttles.ts), which --verify removes unless --preserve-throttles;
 * --disable-rack-aware is accepted and changes nothing.
 */
import { Command } from 'commander';
import { CliIo, UsageError, integerArg, newProgram, parseBootstrapServers, parseToolArgs, ToolArgs } from './options';

export const TOOL_NAME = 'samsa-reassign-partitions';

export type ReassignAction = 'generate' | 'execute' | 'verify' | 'cancel' | 'list';
const ACTIONS: readonly ReassignAction[] = ['generate', 'execute', 'verify', 'cancel', 'list'];

export interface ReassignOptions {
  action: ReassignAction;
  bootstrapServers: string;
  commandConfig?: string;
  reassignmentJsonFile?: string;
  topicsToMoveJsonFile?: string;
  brokerList?: string;
  additional: boolean;
  /** How long the controller may take to accept the reassignments. */
  timeoutMs: number;
  /** --throttle: bytes/s for the inter-broker replication of the moves; undefined when not given. */
  throttle?: number;
  /** --replica-alter-log-dirs-throttle: bytes/s for moves between a broker's log directories. */
  replicaAlterLogDirsThrottle?: number;
  preserveThrottles: boolean;
}

export const DEFAULT_TIMEOUT_MS = 10000;

/** Option key (commander's camelCase) → Kafka's option name, for messages. */
const FLAG: Record<string, string> = {
  bootstrapServer: 'bootstrap-server',
  commandConfig: 'command-config',
  reassignmentJsonFile: 'reassignment-json-file',
  topicsToMoveJsonFile: 'topics-to-move-json-file',
  brokerList: 'broker-list',
  additional: 'additional',
  timeout: 'timeout',
  throttle: 'throttle',
  replicaAlterLogDirsThrottle: 'replica-alter-log-dirs-throttle',
  preserveThrottles: 'preserve-throttles',
  disableRackAware: 'disable-rack-aware',
};

const REQUIRED: Record<ReassignAction, readonly string[]> = {
  generate: ['topicsToMoveJsonFile', 'brokerList'],
  execute: ['reassignmentJsonFile'],
  verify: ['reassignmentJsonFile'],
  cancel: ['reassignmentJsonFile'],
  list: [],
};

const PERMITTED: Record<ReassignAction, readonly string[]> = {
  generate: ['bootstrapServer', 'commandConfig', 'disableRackAware'],
  execute: ['bootstrapServer', 'commandConfig', 'additional', 'timeout', 'throttle', 'replicaAlterLogDirsThrottle'],
  verify: ['bootstrapServer', 'commandConfig', 'preserveThrottles'],
  cancel: ['bootstrapServer', 'commandConfig', 'preserveThrottles', 'timeout'],
  list: ['bootstrapServer', 'commandConfig'],
};

function buildProgram(io: CliIo): Command {
  return newProgram(TOOL_NAME, 'This tool helps to move topic partitions between replicas.', io)
    .option('--bootstrap-server <host:port>', 'The server(s) to use for bootstrapping. REQUIRED.')
    .option('--command-config <file>', 'Property file containing configs to be passed to the Admin client.')
    .option('--generate', 'Generate a candidate partition reassignment configuration. Note that this only generates a candidate assignment, it does not execute it.')
    .option('--execute', 'Kick off the reassignment as specified by the --reassignment-json-file option.')
    .option('--verify', 'Verify if the reassignment completed as specified by the --reassignment-json-file option.')
    .option('--cancel', 'Cancel an active reassignment.')
    .option('--list', 'List all active partition reassignments.')
    .option('--reassignment-json-file <file>', 'The JSON file with the partition reassignment configuration, e.g. '
      + '{"partitions":[{"topic":"foo","partition":1,"replicas":[1,2,3],"log_dirs":["any","any","any"]}],"version":1}')
    .option('--topics-to-move-json-file <file>', 'Generate a reassignment configuration to move the partitions of the specified topics '
      + 'to the list of brokers specified by the --broker-list option, e.g. {"topics":[{"topic":"foo"},{"topic":"foo1"}],"version":1}')
    .option('--broker-list <ids>', 'The list of brokers to which the partitions need to be reassigned in the form "0,1,2". Required with --generate.')
    .option('--additional', 'Execute this reassignment in addition to any other ongoing ones.')
    .option('--timeout <ms>', 'The maximum time in ms to wait for the controller to accept the reassignment.', integerArg(1))
    .option('--throttle <bytes/sec>', 'The movement of partitions between brokers will be throttled to this value (bytes/sec). '
      + 'This option can be included with --execute when a reassignment is started, and it can be altered by resubmitting the current reassignment along with the --additional flag. '
      + 'The throttle rate should be at least 1 KB/s.', integerArg(-1))
    .option('--replica-alter-log-dirs-throttle <bytes/sec>', 'The movement of replicas between log directories on the same broker will be throttled to this value (bytes/sec). '
      + 'This option can be included with --execute when a reassignment is started, and it can be altered by resubmitting the current reassignment along with the --additional flag. '
      + 'The throttle rate should be at least 1 KB/s.', integerArg(-1))
    .option('--preserve-throttles', 'Do not modify broker or topic throttles.')
    .option('--disable-rack-aware', 'Accepted for compatibility; --generate places replicas rack-unaware.');
}

export function parseReassignArgs(argv: readonly string[], io: CliIo): ToolArgs<ReassignOptions> {
  return parseToolArgs(buildProgram(io), argv, io, TOOL_NAME, toOptions);
}

function toOptions(o: Record<string, unknown>): ReassignOptions {
  const has = (key: string): boolean => o[key] !== undefined;
  const actions = ACTIONS.filter(has);
  if (actions.length !== 1) {
    throw new UsageError(`Command must include exactly one action: ${ACTIONS.map((a) => `--${a}`).join(', ')}`);
  }
  const action = actions[0];
  if (!has('bootstrapServer')) throw new UsageError('Please specify --bootstrap-server');
  for (const key of REQUIRED[action]) {
    if (!has(key)) throw new UsageError(`Missing required argument "[${FLAG[key]}]"`);
  }
  for (const key of Object.keys(FLAG)) {
    if (has(key) && !REQUIRED[action].includes(key) && !PERMITTED[action].includes(key)) {
      throw new UsageError(`Option "[${FLAG[key]}]" can't be used with action "[${action}]"`);
    }
  }
  return {
    action,
    bootstrapServers: parseBootstrapServers(o.bootstrapServer as string),
    commandConfig: o.commandConfig as string | undefined,
    reassignmentJsonFile: o.reassignmentJsonFile as string | undefined,
    topicsToMoveJsonFile: o.topicsToMoveJsonFile as string | undefined,
    brokerList: o.brokerList as string | undefined,
    additional: has('additional'),
    timeoutMs: (o.timeout as number | undefined) ?? DEFAULT_TIMEOUT_MS,
    // Kafka's default -1 means "no throttle".
    throttle: (o.throttle as number | undefined) !== undefined && (o.throttle as number) >= 0 ? o.throttle as number : undefined,
    replicaAlterLogDirsThrottle: (o.replicaAlterLogDirsThrottle as number | undefined) !== undefined && (o.replicaAlterLogDirsThrottle as number) >= 0
      ? o.replicaAlterLogDirsThrottle as number : undefined,
    preserveThrottles: has('preserveThrottles'),
  };
}
