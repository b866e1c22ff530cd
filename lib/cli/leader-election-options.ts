/**
 * Command-line grammar of `samsa-leader-election`, with the rules and wording of Kafka's
 * LeaderElectionCommand: --bootstrap-server and --election-type are required, and exactly one of
 * --topic (with --partition), --all-topic-partitions or --path-to-json-file says which partitions.
 * Also the parser for the `--path-to-json-file` document.
 */
import * as fs from 'fs';
import { Command, InvalidArgumentError } from 'commander';
import type { ElectionType } from '../client/admin';
import type { TopicPartition } from '../client/partition-state';
import { CliIo, CommandError, UsageError, integerArg, newProgram, parseBootstrapServers, parseToolArgs, ToolArgs } from './options';

export const TOOL_NAME = 'samsa-leader-election';

export interface LeaderElectionOptions {
  bootstrapServers: string;
  electionType: ElectionType;
  /** Absent with --all-topic-partitions: every partition (the controller picks the eligible ones). */
  topic?: string;
  partition?: number;
  jsonFile?: string;
  adminConfig?: string;
}

/** Kafka's ElectionType names, which the tool prints in upper case. */
export function electionTypeName(type: ElectionType): string {
  return type.toUpperCase();
}

function electionTypeArg(value: string): ElectionType {
  const lower = value.trim().toLowerCase();
  if (lower === 'preferred' || lower === 'unclean') return lower;
  throw new InvalidArgumentError('Possible values are "preferred" and "unclean".');
}

function buildProgram(io: CliIo): Command {
  return newProgram(TOOL_NAME, 'This tool attempts to elect a new leader for a set of topic partitions. The type of elections supported are preferred replicas and unclean replicas.', io)
    .option('--bootstrap-server <host:port>', 'A hostname and port for the broker to connect to, in the form host:port. Multiple comma separated URLs can be given. REQUIRED.')
    .option('--admin.config <file>', 'Configuration properties files to pass to the admin client.')
    .option('--path-to-json-file <file>', 'The JSON file with the list of partitions for which leader elections should be performed, e.g. '
      + '{"partitions": [{"topic": "foo", "partition": 1}, {"topic": "foobar", "partition": 2}]}. '
      + 'Not allowed if --all-topic-partitions or --topic flags are specified.')
    .option('--topic <topic>', 'Name of topic for which to perform an election. Not allowed if --path-to-json-file or --all-topic-partitions is specified.')
    .option('--partition <id>', 'Partition id for which to perform an election. REQUIRED if --topic is specified.', integerArg(0))
    .option('--all-topic-partitions', 'Perform election on all of the eligible topic partitions based on the type of election. '
      + 'Not allowed if --topic or --path-to-json-file is specified.')
    .option('--election-type <type>', 'Type of election to attempt: "preferred" (move leadership to the preferred replica) or '
      + '"unclean" (elect any live replica where there is no leader). REQUIRED.', electionTypeArg);
}

export function parseLeaderElectionArgs(argv: readonly string[], io: CliIo): ToolArgs<LeaderElectionOptions> {
  return parseToolArgs(buildProgram(io), argv, io, TOOL_NAME, toOptions);
}

function toOptions(o: Record<string, unknown>): LeaderElectionOptions {
  const has = (key: string): boolean => o[key] !== undefined;
  const missing = [['bootstrapServer', 'bootstrap-server'], ['electionType', 'election-type']].filter(([key]) => !has(key)).map(([, flag]) => flag);
  if (missing.length > 0) throw new UsageError(`Missing required option(s): ${missing.join(', ')}`);
  const selectors = [['topic', 'topic'], ['allTopicPartitions', 'all-topic-partitions'], ['pathToJsonFile', 'path-to-json-file']];
  if (selectors.filter(([key]) => has(key)).length !== 1) {
    throw new UsageError(`One and only one of the following options is required: ${selectors.map(([, flag]) => flag).join(', ')}`);
  }
  if (has('topic') && !has('partition')) throw new UsageError('Missing required option(s): partition');
  if (!has('topic') && has('partition')) throw new UsageError('Option partition is only allowed if topic is used');
  return {
    bootstrapServers: parseBootstrapServers(o.bootstrapServer as string),
    electionType: o.electionType as ElectionType,
    topic: o.topic as string | undefined,
    partition: o.partition as number | undefined,
    jsonFile: o.pathToJsonFile as string | undefined,
    adminConfig: o['admin.config'] as string | undefined,
  };
}

/**
 * `{"partitions":[{"topic":"t","partition":0}, ...]}` → partitions, with Kafka's checks and
 * messages (empty or unparsable document, missing field, duplicates).
 */
export function parseElectionJson(text: string): TopicPartition[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new CommandError('Replica election data is empty');
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) throw new CommandError('Replica election data is empty');
  const list = (doc as Record<string, unknown>).partitions;
  if (list === undefined) throw new CommandError('Replica election data is missing "partitions" field');
  if (!Array.isArray(list)) throw new CommandError('Replica election data field "partitions" is not an array');
  const partitions = list.map((entry, i) => electionEntry(entry, i));
  const seen = new Set<string>();
  const duplicates = new Set<string>();
  for (const tp of partitions) {
    const name = `${tp.topic}-${tp.partition}`;
    if (seen.has(name)) duplicates.add(name);
    seen.add(name);
  }
  if (duplicates.size > 0) throw new CommandError(`Replica election data contains duplicate partitions: ${[...duplicates].join(',')}`);
  return partitions;
}

function electionEntry(entry: unknown, index: number): TopicPartition {
  const fields = (entry ?? {}) as Record<string, unknown>;
  if (typeof fields.topic !== 'string') throw new CommandError(`Replica election data entry ${index} has no string "topic" field`);
  if (!Number.isInteger(fields.partition) || (fields.partition as number) < 0) {
    throw new CommandError(`Replica election data entry ${index} has no valid "partition" field`);
  }
  return { topic: fields.topic, partition: fields.partition as number };
}

export function readElectionJsonFile(file: string): TopicPartition[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new CommandError(`Unable to read ${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
  }
  return parseElectionJson(text);
}
