/**
 * Command-line grammar of `samsa-transactions` (Kafka 3.0's kafka-transactions.sh,
 * TransactionsCommand): global --bootstrap-server (required) and --command-config, then one
 * command, `list`, `describe --transactional-id X`, `describe-producers --topic T --partition P
 * [--broker-id N]` or `abort --topic T --partition P (--start-offset N | --producer-id N
 * --producer-epoch N --coordinator-epoch N)`. The command may also be given as a flag
 * (`--list`, `--describe`, `--describe-producers`, `--abort`), the form Samsa's other tools use.
 *
 * Hand-written rather than commander: Kafka's argparse takes a positional sub-command with its own
 * options, and the flag form must mean the same thing. Options take `--name value` or
 * `--name=value`; an option the chosen command does not take is an error, not silently ignored.
 */
import { CliIo, UsageError, parseBootstrapServers, printUsageError } from './options';
import { SAMSA_VERSION } from '../util/version';

export const TOOL_NAME = 'samsa-transactions';

export const COMMANDS = ['list', 'describe', 'describe-producers', 'abort'] as const;
export type TransactionsCommandName = typeof COMMANDS[number];

export type AbortTarget =
  | { kind: 'start-offset'; startOffset: number }
  | { kind: 'producer'; producerId: number; producerEpoch: number; coordinatorEpoch: number };

export type TransactionsCommand =
  | { name: 'list' }
  | { name: 'describe'; transactionalId: string }
  | { name: 'describe-producers'; topic: string; partition: number; brokerId?: number }
  | { name: 'abort'; topic: string; partition: number; target: AbortTarget };

export interface TransactionsOptions {
  bootstrapServers: string;
  commandConfig?: string;
  command: TransactionsCommand;
}

/** Every option that takes a value, and the commands it belongs to (null = global). */
const VALUE_OPTIONS: Readonly<Record<string, readonly TransactionsCommandName[] | null>> = {
  'bootstrap-server': null,
  'command-config': null,
  'transactional-id': ['describe'],
  'topic': ['describe-producers', 'abort'],
  'partition': ['describe-producers', 'abort'],
  'broker-id': ['describe-producers'],
  'start-offset': ['abort'],
  'producer-id': ['abort'],
  'producer-epoch': ['abort'],
  'coordinator-epoch': ['abort'],
};

export const USAGE = `Usage: ${TOOL_NAME} --bootstrap-server <host:port> [--command-config <file>] COMMAND [options]
This tool is used to analyze the transactional state of producers in the cluster. It can be used to detect and recover from hanging transactions.

Options:
  --bootstrap-server <host:port>  REQUIRED: hostname and port for the broker to connect to, in the form \`host:port\` (multiple comma-separated entries can be given)
  --command-config <file>         property file containing configs to be passed to admin client
  --version                       show the version of this Samsa distribution and exit
  -h, --help                      show this help message and exit

Commands (also accepted as flags: --list, --describe, --describe-producers, --abort):
  list                            list transactions
  describe                        describe the state of an active transactional-id
    --transactional-id <id>       REQUIRED: transactional id
  describe-producers              describe the states of active producers for a topic partition
    --topic <topic>               REQUIRED: topic name
    --partition <n>               REQUIRED: partition number
    --broker-id <n>               optional broker id to describe the producer state on a specific replica
  abort                           abort a hanging transaction (requires administrative privileges)
    --topic <topic>               REQUIRED: topic name
    --partition <n>               REQUIRED: partition number
    --start-offset <n>            start offset of the transaction to abort
    --producer-id <n>             producer id (with --producer-epoch and --coordinator-epoch, instead of --start-offset)
    --producer-epoch <n>          producer epoch
    --coordinator-epoch <n>       coordinator epoch
`;

export type ParsedTransactionsArgs = { ok: true; options: TransactionsOptions } | { ok: false; exitCode: number };

export function parseTransactionsArgs(argv: readonly string[], io: CliIo): ParsedTransactionsArgs {
  if (argv.length === 0) {
    io.err(USAGE);
    return { ok: false, exitCode: 1 };
  }
  if (argv.includes('-h') || argv.includes('--help')) {
    io.out(USAGE);
    return { ok: false, exitCode: 0 };
  }
  if (argv.includes('--version')) {
    io.out(`${SAMSA_VERSION}\n`);
    return { ok: false, exitCode: 0 };
  }
  try {
    return { ok: true, options: toOptions(argv) };
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    printUsageError(io, TOOL_NAME, err.message);
    return { ok: false, exitCode: 1 };
  }
}

function toOptions(argv: readonly string[]): TransactionsOptions {
  const values = new Map<string, string>();
  const commands: TransactionsCommandName[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--')) {
      if (!(COMMANDS as readonly string[]).includes(arg)) throw new UsageError(`Unknown command or argument '${arg}'; the commands are ${COMMANDS.join(', ')}`);
      commands.push(arg as TransactionsCommandName);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq < 0 ? undefined : eq);
    if ((COMMANDS as readonly string[]).includes(name)) {
      if (eq >= 0) throw new UsageError(`Option '--${name}' takes no value`);
      commands.push(name as TransactionsCommandName);
      continue;
    }
    if (!(name in VALUE_OPTIONS)) throw new UsageError(`Unrecognized option '--${name}'`);
    let value: string | undefined;
    if (eq >= 0) value = arg.slice(eq + 1);
    else if (i + 1 < argv.length && !argv[i + 1].startsWith('--')) value = argv[++i];
    if (value === undefined || value === '') throw new UsageError(`Option '--${name}' requires a value`);
    if (values.has(name)) throw new UsageError(`Option '--${name}' was given more than once`);
    values.set(name, value);
  }
  const distinct = [...new Set(commands)];
  if (distinct.length === 0) throw new UsageError(`Exactly one command is required: ${COMMANDS.join(', ')}`);
  if (distinct.length > 1) throw new UsageError(`Only one command may be given, not ${distinct.join(' and ')}`);
  const commandName = distinct[0];
  for (const name of values.keys()) {
    const belongsTo = VALUE_OPTIONS[name];
    if (belongsTo !== null && !belongsTo.includes(commandName)) throw new UsageError(`Option '--${name}' is not valid with the ${commandName} command`);
  }
  const bootstrap = values.get('bootstrap-server');
  if (bootstrap === undefined) throw new UsageError('Missing required option --bootstrap-server');
  return {
    bootstrapServers: parseBootstrapServers(bootstrap),
    commandConfig: values.get('command-config'),
    command: commandFrom(commandName, values),
  };
}

function commandFrom(name: TransactionsCommandName, values: ReadonlyMap<string, string>): TransactionsCommand {
  const required = (option: string): string => {
    const v = values.get(option);
    if (v === undefined) throw new UsageError(`Missing required option --${option} for the ${name} command`);
    return v;
  };
  const int = (option: string, min: number, max: number): number | undefined => {
    const text = values.get(option);
    if (text === undefined) return undefined;
    if (!/^[-+]?\d+$/.test(text.trim())) throw new UsageError(`Invalid value '${text}' for --${option}: not an integer`);
    const n = Number(text.trim());
    if (!Number.isSafeInteger(n) || n < min || n > max) throw new UsageError(`Invalid value '${text}' for --${option}: must be between ${min} and ${max}`);
    return n;
  };
  switch (name) {
    case 'list':
      return { name };
    case 'describe':
      return { name, transactionalId: required('transactional-id') };
    case 'describe-producers': {
      const topic = required('topic');
      required('partition');
      return { name, topic, partition: int('partition', 0, 0x7fffffff)!, brokerId: int('broker-id', 0, 0x7fffffff) };
    }
    case 'abort': {
      const topic = required('topic');
      required('partition');
      const partition = int('partition', 0, 0x7fffffff)!;
      const startOffset = int('start-offset', 0, Number.MAX_SAFE_INTEGER);
      const producerId = int('producer-id', 0, Number.MAX_SAFE_INTEGER);
      if (startOffset !== undefined && producerId !== undefined) {
        throw new UsageError('Give either --start-offset or --producer-id with --producer-epoch and --coordinator-epoch, not both');
      }
      if (startOffset !== undefined) return { name, topic, partition, target: { kind: 'start-offset', startOffset } };
      if (producerId === undefined) {
        // Kafka's message, word for word.
        throw new UsageError('The transaction to abort must be identified either with --start-offset (for brokers on 3.0 or above) '
          + 'or with --producer-id, --producer-epoch, and --coordinator-epoch (for older brokers)');
      }
      const producerEpoch = int('producer-epoch', 0, 0x7fff);
      if (producerEpoch === undefined) throw new UsageError('Missing required argument --producer-epoch');
      const coordinatorEpoch = int('coordinator-epoch', -1, 0x7fffffff);
      if (coordinatorEpoch === undefined) throw new UsageError('Missing required argument --coordinator-epoch');
      // Kafka: a hanging transaction of a new producer id shows coordinator epoch -1; 0 is at most any real one.
      return { name, topic, partition, target: { kind: 'producer', producerId, producerEpoch, coordinatorEpoch: Math.max(0, coordinatorEpoch) } };
    }
  }
}
