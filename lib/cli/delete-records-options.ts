/**
 * Command-line grammar of `samsa-delete-records` (Kafka's DeleteRecordsCommand): --bootstrap-server
 * and --offset-json-file are required, --command-config optional. Also the parser for the offset
 * JSON document, with Kafka's rules and messages: version 1 (the default when absent), a
 * `partitions` array of {topic, partition, offset}, no partition twice.
 */
import * as fs from 'fs';
import { Command } from 'commander';
import type { RecordsToDelete } from '../client/admin-records';
import { CliIo, CommandError, UsageError, newProgram, parseBootstrapServers, parseToolArgs, ToolArgs } from './options';

export const TOOL_NAME = 'samsa-delete-records';

export interface DeleteRecordsOptions {
  bootstrapServers: string;
  offsetJsonFile: string;
  commandConfig?: string;
}

const JSON_FORMAT = '{"partitions":\n  [{"topic": "foo", "partition": 1, "offset": 1}],\n "version":1\n}';

function buildProgram(io: CliIo): Command {
  return newProgram(TOOL_NAME, 'This tool helps to delete records of the given partitions down to the specified offset.', io)
    .option('--bootstrap-server <host:port>', 'REQUIRED: The server to connect to.')
    .option('--offset-json-file <file>', `REQUIRED: The JSON file with offset per partition. The format to use is:\n${JSON_FORMAT}`)
    .option('--command-config <file>', 'A property file containing configs to be passed to Admin Client.');
}

export function parseDeleteRecordsArgs(argv: readonly string[], io: CliIo): ToolArgs<DeleteRecordsOptions> {
  return parseToolArgs(buildProgram(io), argv, io, TOOL_NAME, (o) => {
    const missing = [['bootstrapServer', 'bootstrap-server'], ['offsetJsonFile', 'offset-json-file']].filter(([key]) => o[key] === undefined).map(([, flag]) => flag);
    if (missing.length > 0) throw new UsageError(`Missing required option(s): ${missing.join(', ')}`);
    return {
      bootstrapServers: parseBootstrapServers(o.bootstrapServer as string),
      offsetJsonFile: o.offsetJsonFile as string,
      commandConfig: o.commandConfig as string | undefined,
    };
  });
}

/** The offset document → what to delete; throws CommandError with Kafka's message when it is not valid. */
export function parseOffsetJson(text: string): RecordsToDelete[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new CommandError('The input string is not a valid JSON');
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) throw new CommandError('The input string is not a valid JSON');
  const fields = doc as Record<string, unknown>;
  const version = fields.version ?? 1;
  if (version !== 1) throw new CommandError(`Not supported version field value ${JSON.stringify(version)}`);
  if (!Array.isArray(fields.partitions)) throw new CommandError('Missing partitions field');
  const records = fields.partitions.map((entry, i) => offsetEntry(entry, i));
  const seen = new Set<string>();
  const duplicates = new Set<string>();
  for (const r of records) {
    const name = `${r.topic}-${r.partition}`;
    if (seen.has(name)) duplicates.add(name);
    seen.add(name);
  }
  if (duplicates.size > 0) throw new CommandError(`Offset json file contains duplicate topic partitions: ${[...duplicates].join(',')}`);
  return records;
}

function offsetEntry(entry: unknown, index: number): RecordsToDelete {
  const f = (entry !== null && typeof entry === 'object' ? entry : {}) as Record<string, unknown>;
  if (typeof f.topic !== 'string' || f.topic === '') throw new CommandError(`Partition entry ${index} has no string "topic" field`);
  if (!Number.isInteger(f.partition) || (f.partition as number) < 0) throw new CommandError(`Partition entry ${index} has no valid "partition" field`);
  if (!Number.isSafeInteger(f.offset)) throw new CommandError(`Partition entry ${index} has no integer "offset" field`);
  return { topic: f.topic, partition: f.partition as number, offset: f.offset as number };
}

export function readOffsetJsonFile(file: string): RecordsToDelete[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new CommandError(`Unable to read ${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
  }
  return parseOffsetJson(text);
}
