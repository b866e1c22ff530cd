/**
 * Command-line grammar of `samsa-local-cluster start|stop|status`. Options that only make sense
 * for one command (`--brokers` for start, `--delete-data` for stop) are refused elsewhere, so a
 * typo'd invocation never silently does something else.
 */
import * as os from 'os';
import * as path from 'path';
import { Command, InvalidArgumentError } from 'commander';
import { BasePorts, computeLayout, DEFAULT_BASE_PORTS, MANAGED_BROKER_KEYS, portConflict } from './local-cluster-layout';
import { CliIo, collect, integerArg, newProgram, parseCommandLine, parseKeyValueArgs, printUsageError, UsageError } from './options';

export const TOOL_NAME = 'samsa-local-cluster';
export const COMMANDS = ['start', 'stop', 'status'] as const;
export type LocalClusterCommand = typeof COMMANDS[number];

/** Stable across working directories, so `status` and `stop` find a cluster from anywhere. */
export function defaultClusterDir(): string {
  return path.join(os.tmpdir(), 'samsa-local-cluster');
}

const DEFAULT_START_TIMEOUT_S = 120;
const MAX_NODES = 9;

export interface LocalClusterOptions {
  command: LocalClusterCommand;
  dir: string;
  zookeepers: number;
  brokers: number;
  ports: BasePorts;
  overrides: Record<string, string>;
  startTimeoutMs: number;
  deleteData: boolean;
}

/** Options that only `start` reads, by commander key and flag. */
const START_ONLY: ReadonlyArray<[string, string]> = [
  ['brokers', '--brokers'], ['zookeepers', '--zookeepers'], ['zookeeperPort', '--zookeeper-port'],
  ['zookeeperPeerPort', '--zookeeper-peer-port'], ['zookeeperElectionPort', '--zookeeper-election-port'],
  ['brokerPort', '--broker-port'], ['kafkaPort', '--kafka-port'], ['httpPort', '--http-port'],
  ['override', '--override'], ['timeout', '--timeout'],
];

function commandArg(value: string): LocalClusterCommand {
  if ((COMMANDS as readonly string[]).includes(value)) return value as LocalClusterCommand;
  throw new InvalidArgumentError(`Unknown command '${value}': expected start, stop or status.`);
}

function buildProgram(io: CliIo): Command {
  const port = integerArg(1, 65535);
  const d = DEFAULT_BASE_PORTS;
  return newProgram(TOOL_NAME, 'Runs a ZooKeeper ensemble and Samsa brokers on this machine as plain processes, '
    + 'the topology of docker/docker-compose.yml without Docker. Every port is on 127.0.0.1; node i uses base port + i - 1.', io)
    .usage('start|stop|status [options]')
    .argument('<command>', 'start (launch and wait until every node serves), stop (brokers, then ZooKeepers), '
      + 'or status (exit 0 when every node is up)', commandArg)
    .option('--dir <dir>', `Directory for the state file, data and logs of the cluster (default: ${defaultClusterDir()}).`)
    .option('--brokers <n>', 'start: number of brokers.', integerArg(1, MAX_NODES), 3)
    .option('--zookeepers <n>', 'start: number of ZooKeeper servers (1 = standalone; use an odd number).', integerArg(1, MAX_NODES), 3)
    .option('--zookeeper-port <port>', 'start: first ZooKeeper client port.', port, d.zookeeper)
    .option('--zookeeper-peer-port <port>', 'start: first ZooKeeper quorum (peer) port.', port, d.zookeeperPeer)
    .option('--zookeeper-election-port <port>', 'start: first ZooKeeper leader election port.', port, d.zookeeperElection)
    .option('--broker-port <port>', 'start: first broker native (PLAINTEXT) listener port, the bootstrap servers.', port, d.broker)
    .option('--kafka-port <port>', 'start: first broker Kafka-protocol (KAFKA) listener port, for Kafka clients.', port, d.kafka)
    .option('--http-port <port>', 'start: first broker HTTP port (console, /metrics, /ready).', port, d.http)
    .option('--override <key=value>', 'start: a broker property for every broker, over config/server.properties (repeatable).', collect)
    .option('--timeout <seconds>', 'start: how long to wait for the cluster to serve.', integerArg(1, 3600), DEFAULT_START_TIMEOUT_S)
    .option('--delete-data', 'stop: also delete the data and logs (the directory is kept otherwise, for the next start).')
    .addHelpText('after', `
Exit codes: 0 done (stop: also when nothing ran; status: every node up); 1 failed, or status with
a node down, or start while a cluster already runs in --dir; 3 status with no cluster in --dir.
ZooKeeper JVM flags: ZOOKEEPER_HEAP_OPTS (default "-Xms32m -Xmx256m"), ZOOKEEPER_JVM_OPTS.`);
}

export type LocalClusterArgs = { ok: true; options: LocalClusterOptions } | { ok: false; exitCode: number };

export function parseLocalClusterArgs(argv: readonly string[], io: CliIo): LocalClusterArgs {
  const program = buildProgram(io);
  const parsed = parseCommandLine(program, argv, io);
  if (!parsed.ok) return parsed;
  try {
    return { ok: true, options: toOptions(program.args[0] as string, parsed.opts, program) };
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    printUsageError(io, TOOL_NAME, err.message);
    return { ok: false, exitCode: 1 };
  }
}

function toOptions(commandText: string, o: Record<string, unknown>, program: Command): LocalClusterOptions {
  const command = commandText as LocalClusterCommand;
  // Defaults count as unset here: only what the user typed is refused.
  const given = (key: string): boolean => program.getOptionValueSource(key) === 'cli';
  if (command !== 'start') {
    const wrong = START_ONLY.filter(([key]) => given(key)).map(([, flag]) => flag);
    if (wrong.length > 0) throw new UsageError(`${wrong.join(', ')} ${wrong.length === 1 ? 'applies' : 'apply'} only to start, not ${command}`);
  }
  if (command !== 'stop' && given('deleteData')) throw new UsageError(`--delete-data applies only to stop, not ${command}`);
  const dirText = o.dir as string | undefined;
  if (dirText !== undefined && dirText.trim() === '') throw new UsageError('--dir must not be empty');
  const overrides = parseKeyValueArgs((o.override as string[] | undefined) ?? []);
  const managed = Object.keys(overrides).filter((key) => MANAGED_BROKER_KEYS.includes(key));
  if (managed.length > 0) {
    throw new UsageError(`--override cannot set ${managed.join(', ')}: the tool sets it for each broker (move ports with --broker-port, --kafka-port, --http-port)`);
  }
  const options: LocalClusterOptions = {
    command,
    dir: path.resolve(dirText ?? defaultClusterDir()),
    zookeepers: o.zookeepers as number,
    brokers: o.brokers as number,
    ports: {
      zookeeper: o.zookeeperPort as number,
      zookeeperPeer: o.zookeeperPeerPort as number,
      zookeeperElection: o.zookeeperElectionPort as number,
      broker: o.brokerPort as number,
      kafka: o.kafkaPort as number,
      http: o.httpPort as number,
    },
    overrides,
    startTimeoutMs: (o.timeout as number) * 1000,
    deleteData: o.deleteData === true,
  };
  if (command === 'start') {
    const conflict = portConflict(computeLayout(options));
    if (conflict) throw new UsageError(conflict);
  }
  return options;
}
