/**
 * Command-line grammar of `samsa-consumer-groups`, with the option rules of Kafka's
 * ConsumerGroupCommand (checkArgs) and its wording: exactly one action, --group or --all-groups
 * for the group actions, at most one of --members/--offsets/--state, one reset scenario, one
 * of --dry-run/--execute, --group and --topic for --delete-offsets. Everything a user can get wrong before touching the network is
 * rejected here.
 */
import { Command } from 'commander';
import { CliIo, collect, integerArg, newProgram, parseBootstrapServers, parseToolArgs, ToolArgs, UsageError } from './options';

export const TOOL_NAME = 'samsa-consumer-groups';

export type GroupsAction = 'list' | 'describe' | 'delete' | 'reset-offsets' | 'delete-offsets';
export type DescribeView = 'offsets' | 'members' | 'state';

/** What --reset-offsets moves each offset to. */
export type ResetScenario =
  | { kind: 'to-earliest' } | { kind: 'to-latest' } | { kind: 'to-current' }
  | { kind: 'to-offset'; offset: number } | { kind: 'shift-by'; shift: number } | { kind: 'to-datetime'; timestampMs: number }
  /** Now minus the duration, taken when the plan is made. */
  | { kind: 'by-duration'; durationMs: number }
  | { kind: 'from-file'; path: string }
  /** The group's offsets on a mirror maker's target, from its checkpoints (docs/mirror-maker.md). */
  | { kind: 'to-translated'; checkpointsTopic: string | null };

/** --topic t (every partition) or t:0,1,2. */
export interface TopicScope {
  topic: string;
  partitions: number[] | null;
}

export interface GroupsCommandOptions {
  action: GroupsAction;
  bootstrapServers: string;
  commandConfig?: string;
  timeoutMs: number;
  groups: string[];
  allGroups: boolean;
  view: DescribeView;
  verbose: boolean;
  /** --list --state [states]: print states; filter by the listed ones (empty: all). */
  listStates: string[] | null;
  topics: TopicScope[];
  allTopics: boolean;
  scenario: ResetScenario | null;
  execute: boolean;
  /** --export: print the reset plan as CSV instead of the table. */
  exportCsv: boolean;
  /** Neither --dry-run nor --execute: Kafka warns, then dry-runs. */
  dryRunImplied: boolean;
}

const ACTIONS: ReadonlyArray<[string, GroupsAction]> = [
  ['list', 'list'], ['describe', 'describe'], ['delete', 'delete'], ['resetOffsets', 'reset-offsets'], ['deleteOffsets', 'delete-offsets'],
];
/** Kafka's allResetOffsetScenarioOpts, in the order its checks run. */
const SCENARIOS: ReadonlyArray<[string, string]> = [
  ['toOffset', 'to-offset'], ['toDatetime', 'to-datetime'], ['byDuration', 'by-duration'], ['toEarliest', 'to-earliest'], ['toLatest', 'to-latest'],
  ['toCurrent', 'to-current'], ['shiftBy', 'shift-by'], ['fromFile', 'from-file'], ['toTranslated', 'to-translated'],
];
const DEFAULT_TIMEOUT_MS = 5000;

export const DRY_RUN_WARNING = 'WARN: No action will be performed as the --execute option is missing.' +
  'In a future major release, the default behavior of this command will be to prompt the user before executing the reset rather than doing a dry run. ' +
  'You should add the --dry-run option explicitly if you are scripting this command and want to keep the current default behavior without prompting.';

function buildProgram(io: CliIo): Command {
  return newProgram(TOOL_NAME, 'List all consumer groups, describe a consumer group, delete consumer group info, or reset consumer group offsets.', io)
    .option('--bootstrap-server <server>', 'REQUIRED: The server(s) to connect to.')
    .option('--command-config <file>', 'Property file containing configs to be passed to the Admin client.')
    .option('--timeout <ms>', 'Timeout of admin requests, in ms (default 5000).', integerArg(1))
    .option('--list', 'List all consumer groups.')
    .option('--describe', 'Describe consumer group and list offset lag (number of messages not yet processed) related to given group.')
    .option('--delete', 'Pass in groups to delete topic partition offsets and ownership information over the entire consumer group.')
    .option('--reset-offsets', 'Reset offsets of consumer group. The group must be inactive. --dry-run (the default) shows the plan, --execute applies it, --export prints it as CSV.')
    .option('--delete-offsets', 'Delete offsets of consumer group. Supports one consumer group at the time, and multiple topics.')
    .option('--group <group>', 'The consumer group we wish to act on (repeatable).', collect)
    .option('--all-groups', 'Apply to all consumer groups.')
    .option('--topic <topic>', 'With --reset-offsets or --delete-offsets: a topic, optionally with partitions (topic1:0,1,2); repeatable.', collect)
    .option('--all-topics', 'With --reset-offsets: every topic the group has committed offsets for.')
    .option('--members', 'With --describe: describe the members of the group.')
    .option('--verbose', 'With --describe --members: also print each member\'s assignment.')
    .option('--offsets', 'With --describe: list every partition with its offset lag (the default).')
    .option('--state [states]', 'With --describe: the group\'s state. With --list: show states, optionally only these (comma-separated).')
    .option('--dry-run', 'Only show the results of --reset-offsets.')
    .option('--execute', 'Execute --reset-offsets.')
    .option('--export', 'Export operation execution to a CSV file. Supported operations: reset-offsets.')
    .option('--from-file <file>', 'Reset offsets to values defined in CSV file (topic,partition,offset, or group,topic,partition,offset).')
    .option('--by-duration <duration>', "Reset offsets to offset by duration from current timestamp. Format: 'PnDTnHnMnS'")
    .option('--to-earliest', 'Reset offsets to the earliest offset.')
    .option('--to-latest', 'Reset offsets to the latest offset.')
    .option('--to-current', 'Reset offsets to the current (committed) offset.')
    .option('--to-translated', 'On a samsa-mirror-maker target: reset offsets to the group\'s source offsets translated by the mirror maker\'s checkpoints (never skipping records).')
    .option('--checkpoints-topic <topic>', 'With --to-translated: the checkpoints topic (default: the only <alias>.checkpoints.internal or checkpoints.internal topic).')
    .option('--to-offset <offset>', 'Reset offsets to a specific offset.', integerArg())
    .option('--shift-by <n>', "Reset offsets shifting the current offset by 'n', where 'n' can be positive or negative.", integerArg())
    .option('--to-datetime <datetime>', "Reset offsets to the offset at a datetime. Format: 'YYYY-MM-DDTHH:mm:SS.sss' (local time) or with a zone ('Z', '+01:00').");
}

export function parseConsumerGroupsArgs(argv: readonly string[], io: CliIo): ToolArgs<GroupsCommandOptions> {
  return parseToolArgs(buildProgram(io), argv, io, TOOL_NAME, toOptions);
}

function toOptions(o: Record<string, unknown>): GroupsCommandOptions {
  const has = (key: string): boolean => o[key] !== undefined;
  if (!has('bootstrapServer')) throw new UsageError('Missing required argument "[bootstrap-server]"');
  checkArgs(o, has);
  const actions = ACTIONS.filter(([key]) => has(key));
  if (actions.length !== 1) throw new UsageError('Command must include exactly one action: --list, --describe, --delete, --reset-offsets, --delete-offsets');
  const action = actions[0][1];
  const state = o.state;
  return {
    action,
    bootstrapServers: parseBootstrapServers(o.bootstrapServer as string),
    commandConfig: o.commandConfig as string | undefined,
    timeoutMs: (o.timeout as number | undefined) ?? DEFAULT_TIMEOUT_MS,
    groups: [...new Set((o.group as string[] | undefined) ?? [])],
    allGroups: has('allGroups'),
    view: has('members') ? 'members' : has('state') ? 'state' : 'offsets',
    verbose: has('verbose'),
    listStates: action === 'list' && state !== undefined ? parseStates(state) : null,
    topics: ((o.topic as string[] | undefined) ?? []).map(parseTopicScope),
    allTopics: has('allTopics'),
    scenario: action === 'reset-offsets' ? parseScenario(o, has) : null,
    execute: has('execute'),
    exportCsv: has('export'),
    dryRunImplied: action === 'reset-offsets' && !has('execute') && !has('dryRun'),
  };
}

/** Kafka's checkArgs, in its order. */
function checkArgs(o: Record<string, unknown>, has: (key: string) => boolean): void {
  for (const [key, flag] of [['members', 'members'], ['verbose', 'verbose'], ['offsets', 'offsets']]) {
    if (has(key) && !has('describe')) throw new UsageError(`Option(s) [${flag}] are unavailable given other options on the command line`);
  }
  if (has('state') && !has('describe') && !has('list')) throw new UsageError('Option(s) [state] are unavailable given other options on the command line');
  const groupScope = has('group') || has('allGroups');
  if (has('describe')) {
    if (!groupScope) throw new UsageError('Option [describe] takes one of these options: [group], [all-groups]');
    if (['members', 'offsets', 'state'].filter(has).length > 1) {
      throw new UsageError('Option [describe] takes at most one of these options: [members], [offsets], [state]');
    }
    if (typeof o.state === 'string') throw new UsageError('Option [describe] does not take a value for [state]');
  }
  if (has('delete')) {
    if (!groupScope) throw new UsageError('Option [delete] takes one of these options: [group], [all-groups]');
    if (has('topic')) throw new UsageError('The consumer does not support topic-specific offset deletion from a consumer group.');
  }
  if (has('deleteOffsets')) {
    if (!has('group') || !has('topic')) throw new UsageError('Option [delete-offsets] takes the following options: [group], [topic]');
    if ((o.group as string[]).length > 1) throw new UsageError('Found multiple arguments for option group, but you asked for only one');
  }
  if (has('resetOffsets')) {
    if (has('dryRun') && has('execute')) throw new UsageError('Option [reset-offsets] only accepts one of [execute] and [dry-run]');
    if (!groupScope) throw new UsageError('Option [reset-offsets] takes one of these options: [group], [all-groups]');
    for (const [key, flag] of SCENARIOS) {
      const other = SCENARIOS.find(([k]) => k !== key && has(k));
      if (has(key) && other) throw new UsageError(`Option "[${flag}]" can't be used with option "[${other[1]}]"`);
    }
  }
  if (has('checkpointsTopic') && !has('toTranslated')) throw new UsageError('Option [checkpoints-topic] is only used with [to-translated]');
  if (has('group') && has('allGroups')) throw new UsageError('Option "[group]" can\'t be used with option "[all-groups]"');
  if (has('group') && has('list')) throw new UsageError('Option "[group]" can\'t be used with option "[list]"');
  for (const [key, flag] of [['list', 'list'], ['describe', 'describe']]) {
    if (has('topic') && has(key)) throw new UsageError(`Option "[topic]" can't be used with option "[${flag}]"`);
  }
}

function parseScenario(o: Record<string, unknown>, has: (key: string) => boolean): ResetScenario {
  if (has('toOffset')) return { kind: 'to-offset', offset: o.toOffset as number };
  if (has('shiftBy')) return { kind: 'shift-by', shift: o.shiftBy as number };
  if (has('toDatetime')) return { kind: 'to-datetime', timestampMs: parseDateTime(o.toDatetime as string) };
  if (has('byDuration')) return { kind: 'by-duration', durationMs: parseDuration(o.byDuration as string) };
  if (has('fromFile')) return { kind: 'from-file', path: o.fromFile as string };
  if (has('toEarliest')) return { kind: 'to-earliest' };
  if (has('toLatest')) return { kind: 'to-latest' };
  if (has('toCurrent')) return { kind: 'to-current' };
  if (has('toTranslated')) return { kind: 'to-translated', checkpointsTopic: (o.checkpointsTopic as string | undefined) ?? null };
  throw new UsageError("Option '[reset-offsets]' requires one of the following scenarios: [to-offset], [shift-by], [to-datetime], [by-duration], [to-earliest], [to-latest], [to-current], [from-file]");
}

/**
 * Kafka's Utils.getDateTime: `YYYY-MM-DDTHH:mm:SS[.sss]`, local time unless a zone (`Z`, `+hh:mm`,
 * `+hhmm`) follows.
 */
export function parseDateTime(text: string): number {
  const match = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,3})?)(Z|[+-]\d{2}:?\d{2})?$/.exec(text.trim());
  const ms = match ? Date.parse(match[1] + (match[2] === undefined ? '' : normaliseZone(match[2]))) : NaN;
  if (Number.isNaN(ms)) {
    throw new UsageError(`Error parsing timestamp '${text}': expected the format 'YYYY-MM-DDTHH:mm:SS.sss', optionally followed by a zone such as 'Z' or '+01:00'`);
  }
  return ms;
}

const DURATION = /^([-+]?)P(?:([-+]?\d+)D)?(?:T(?:([-+]?\d+)H)?(?:([-+]?\d+)M)?(?:([-+]?\d+)(?:[.,](\d{1,9}))?S)?)?$/i;

/**
 * Java's Duration.parse, which Kafka uses for --by-duration: `PnDTnHnMnS` (ISO-8601, days at most),
 * e.g. `PT15M`, `P1DT2H`, `PT0.5S`; each part may carry a sign, as may the whole. In milliseconds.
 */
export function parseDuration(text: string): number {
  const m = DURATION.exec(text.trim());
  const hasPart = m !== null && [2, 3, 4, 5].some((i) => m[i] !== undefined);
  const emptyTime = /T$/i.test(text.trim());
  if (!m || !hasPart || emptyTime) {
    throw new UsageError(`Invalid --by-duration '${text}': expected an ISO-8601 duration 'PnDTnHnMnS', such as 'PT15M' or 'P1DT2H'`);
  }
  const n = (i: number): number => (m[i] === undefined ? 0 : Number(m[i]));
  const seconds = n(5);
  const fractionMs = m[6] === undefined ? 0 : Math.trunc(Number(`0.${m[6]}`) * 1000) * (m[5]?.startsWith('-') ? -1 : 1);
  const ms = ((n(2) * 24 + n(3)) * 60 + n(4)) * 60000 + seconds * 1000 + fractionMs;
  return m[1] === '-' ? -ms : ms;
}

function normaliseZone(zone: string): string {
  return zone === 'Z' || zone.includes(':') ? zone : `${zone.slice(0, 3)}:${zone.slice(3)}`;
}

function parseTopicScope(text: string): TopicScope {
  const colon = text.indexOf(':');
  if (colon < 0) return { topic: text, partitions: null };
  const topic = text.slice(0, colon);
  const partitions = text.slice(colon + 1).split(',').map((p) => p.trim());
  if (topic === '' || partitions.some((p) => !/^\d+$/.test(p))) {
    throw new UsageError(`Invalid --topic '${text}': expected topic or topic:partition,partition,...`);
  }
  return { topic, partitions: [...new Set(partitions.map(Number))].sort((a, b) => a - b) };
}

const GROUP_STATES = ['PreparingRebalance', 'CompletingRebalance', 'Stable', 'Dead', 'Empty'];

/** `--list --state stable,empty`: case-insensitive, as Kafka's ConsumerGroupState.parse. */
function parseStates(value: unknown): string[] {
  if (value === true) return [];
  const states = String(value).split(',').map((s) => s.trim()).filter((s) => s !== '');
  return states.map((s) => {
    const known = GROUP_STATES.find((g) => g.toLowerCase() === s.toLowerCase());
    if (!known) throw new UsageError(`Invalid state list '${String(value)}'. Valid states are: ${GROUP_STATES.join(', ')}`);
    return known;
  });
}
