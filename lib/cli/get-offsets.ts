/**
 * `samsa-get-offsets`: Kafka 2.8's GetOffsetShell (kafka-run-class kafka.tools.GetOffsetShell).
 * Prints one `topic:partition:offset` line per partition, by partition: the latest offset (the
 * high watermark, --time -1, the default), the earliest (the log start offset, -2), or the first
 * offset whose record timestamp is at or after --time <ms> (empty after the last colon when no
 * record is that recent, as Kafka prints it). Messages and exit codes follow Kafka's: an unknown
 * topic, a topic without the requested partitions or a bad --partitions list fail with code 1;
 * a requested partition that does not exist or has no leader is reported on stderr and skipped.
 *
 * Kafka 2.8 takes --broker-list; --bootstrap-server (its 3.0 name) is accepted too, as is
 * --command-config for security settings. --offsets and --max-wait-ms are accepted and ignored,
 * as Kafka deprecated them.
 */
import { Command } from 'commander';
import { Admin, TopicDescription } from '../client/admin';
import type { ListOffsetsResultInfo } from '../client/admin-records';
import type { ClientOptions } from '../client/client-options';
import type { OffsetQuery } from '../client/list-offsets';
import { unknownTopicError } from '../client/client-errors';
import { ErrorCode, SamsaError } from '../protocol/errors';
import {
  CliIo, UsageError, clientOptionsFromProperties, errorMessage, integerArg, loadClientProperties, newProgram, openClient, parseBootstrapServers,
  parseToolArgs, printUsageError, processIo, runMain,
} from './options';

export const TOOL_NAME = 'samsa-get-offsets';

export interface GetOffsetsOptions {
  bootstrapServers: string;
  topic: string;
  /** Empty: every partition of the topic. */
  partitions: number[];
  /** -1 latest, -2 earliest, otherwise a timestamp in ms. */
  time: number;
  commandConfig?: string;
}

/** The part of the Admin client this tool uses; tests substitute a fake. */
export interface GetOffsetsAdmin {
  connect(): Promise<void>;
  describeTopics(names: string[]): Promise<TopicDescription[]>;
  listOffsetsWithTimestamps(queries: OffsetQuery[]): Promise<ListOffsetsResultInfo[]>;
  close(): Promise<void>;
}

function buildProgram(io: CliIo): Command {
  return newProgram(TOOL_NAME, 'An interactive shell for getting topic offsets.', io)
    .option('--broker-list <host:port>', 'REQUIRED: The list of hostname and port of the server to connect to.')
    .option('--bootstrap-server <host:port>', 'The same as --broker-list (the name Kafka 3.0 gives it).')
    .option('--topic <topic>', 'REQUIRED: The topic to get offset from.')
    .option('--partitions <partition ids>', 'comma separated list of partition ids. If not specified, it will find offsets for all partitions', '')
    .option('--time <timestamp/-1(latest)/-2(earliest)>', 'timestamp of the offsets before that. [Note: No offset is returned, if the timestamp '
      + 'greater than recently commited record timestamp is given.]', integerArg(-2), -1)
    .option('--command-config <file>', 'A property file containing configs to be passed to the client.')
    .option('--offsets <count>', 'DEPRECATED AND IGNORED: number of offsets returned')
    .option('--max-wait-ms <ms>', 'DEPRECATED AND IGNORED: The max amount of time each fetch request waits.');
}

function toOptions(o: Record<string, unknown>): GetOffsetsOptions {
  const servers = (o.bootstrapServer ?? o.brokerList) as string | undefined;
  const missing = [servers === undefined ? 'broker-list' : null, o.topic === undefined ? 'topic' : null].filter((m) => m !== null);
  if (missing.length > 0) throw new UsageError(`Missing required option(s): ${missing.join(', ')}`);
  if (o.bootstrapServer !== undefined && o.brokerList !== undefined) throw new UsageError('Only one of --broker-list and --bootstrap-server may be given');
  const text = o.partitions as string;
  const partitions = text === '' ? [] : text.split(',').map((p) => {
    if (!/^\s*\d+\s*$/.test(p)) throw new UsageError(`--partitions expects a comma separated list of numeric partition ids, but received: ${text}`);
    return Number(p);
  });
  return {
    bootstrapServers: parseBootstrapServers(servers as string), topic: o.topic as string, partitions: [...new Set(partitions)],
    time: o.time as number, commandConfig: o.commandConfig as string | undefined,
  };
}

export async function main(argv: string[], io: CliIo = processIo(), createAdmin: (o: ClientOptions) => GetOffsetsAdmin = (o) => new Admin(o)): Promise<number> {
  const parsed = parseToolArgs(buildProgram(io), argv, io, TOOL_NAME, toOptions);
  if (!parsed.ok) return parsed.exitCode;
  const opts = parsed.options;
  let clientOptions: ClientOptions;
  try {
    clientOptions = clientOptionsFromProperties(loadClientProperties(opts.commandConfig), opts.bootstrapServers);
  } catch (err) {
    printUsageError(io, TOOL_NAME, errorMessage(err));
    return 1;
  }
  clientOptions.clientId ??= 'GetOffsetShell';
  const admin = await openClient(io, TOOL_NAME, () => createAdmin(clientOptions));
  if (!admin) return 1;
  try {
    return await printOffsets(admin, opts, io);
  } catch (err) {
    io.err(`Error: ${errorMessage(err)}\n`);
    return 1;
  } finally {
    await admin.close().catch(() => undefined);
  }
}

async function printOffsets(admin: GetOffsetsAdmin, opts: GetOffsetsOptions, io: CliIo): Promise<number> {
  let description: TopicDescription;
  try {
    [description] = await admin.describeTopics([opts.topic]);
  } catch (err) {
    if (err instanceof SamsaError && err.code === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION.code) {
      io.err(`Topic ${opts.topic} does not exist\n`);
      return 1;
    }
    throw err;
  }
  if (description === undefined) throw unknownTopicError(opts.topic);
  const requested = new Set(opts.partitions);
  const infos = description.partitions.filter((p) => requested.size === 0 || requested.has(p.partition));
  if (infos.length === 0) {
    io.err(requested.size === 0 ? `Topic ${opts.topic} has 0 partitions\n`
      : `Topic ${opts.topic} does not have any of the requested partitions ${opts.partitions.join(',')}\n`);
    return 1;
  }
  for (const id of opts.partitions) {
    if (!infos.some((p) => p.partition === id)) io.err(`Error: partition ${id} does not exist\n`);
  }
  const led = infos.filter((p) => {
    if (p.leader >= 0) return true;
    io.err(`Error: partition ${p.partition} does not have a leader. Skip getting offsets\n`);
    return false;
  });
  const spec = opts.time === -1 ? 'latest' : opts.time === -2 ? 'earliest' : opts.time;
  const results = await admin.listOffsetsWithTimestamps(led.map((p) => ({ topic: opts.topic, partition: p.partition, spec })));
  for (const r of [...results].sort((a, b) => a.partition - b.partition)) {
    io.out(`${opts.topic}:${r.partition}:${r.offset >= 0 ? r.offset : ''}\n`);
  }
  return 0;
}

if (require.main === module) runMain((argv) => main(argv));
