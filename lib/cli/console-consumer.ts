/**
 * `samsa-console-consumer`: Kafka's kafka-console-consumer — print a topic's records to stdout.
 *
 * Without --partition it joins a consumer group and subscribes to the topic, or with --include
 * (or its deprecated alias --whitelist) to every topic the regular expression matches, picking up
 * topics created later (a pattern subscription, as Kafka 2.8's): --group names the
 * group, otherwise a throwaway `console-consumer-<random>` group is used whose offsets are not
 * committed (as Kafka does). --from-beginning only matters for a group without committed
 * offsets. With --partition it reads that partition directly. Records are rendered by
 * DefaultMessageFormatter. It stops at --max-messages, after --timeout-ms without a record, on
 * SIGINT/SIGTERM, or when stdout's reader goes away; on the way out, records fetched but not
 * printed are handed back, so the final commit (close) covers exactly what was printed. It always
 * ends with `Processed a total of N messages` on stderr, as Kafka does.
 */
import { Consumer } from '../client/consumer';
import type { ConsumerRecord, TopicPartition } from '../client/consumer';
import { connectPatiently } from './connect-retry';
import { DefaultMessageFormatter } from './message-formatter';
import {
  CliIo,
  CommandError,
  UsageError,
  collect,
  errorMessage,
  integerArg,
  loadClientProperties,
  newProgram,
  parseBootstrapServers,
  openClient,
  parseToolArgs,
  ToolArgs,
  parseKeyValueArgs,
  processIo,
  runMain,
  withByteSerdes,
} from './options';

const TOOL_NAME = 'samsa-console-consumer';
/** Upper bound on one poll, so signals and timeouts are noticed promptly. */
const POLL_SLICE_MS = 500;

/**
 * Kafka's --offset values, plus a Samsa extension Kafka 2.8's console consumer lacks:
 * `timestamp:<ms>` or `timestamp:<ISO-8601 date-time>` starts at the first record at or after that
 * time (ListOffsets by timestamp), or at the end when no record is that recent.
 */
export type StartOffset = number | 'earliest' | 'latest' | { timestamp: number };

export interface ConsoleConsumerOptions {
  /** Exactly one of topic and include is set. */
  topic?: string;
  /** --include / --whitelist: a regular expression over whole topic names (commas mean "or"). */
  include?: RegExp;
  partition?: number;
  /** Where an explicitly chosen partition starts (Kafka: --offset, else --from-beginning, else latest). */
  startOffset: StartOffset;
  /** Negative: unlimited. */
  maxMessages: number;
  /** Undefined: wait forever. */
  timeoutMs?: number;
  formatterProps: Record<string, string>;
  consumerProps: Record<string, string>;
}

function buildProgram(io: CliIo) {
  return newProgram(TOOL_NAME, 'Read data from a topic and write it to standard output.', io)
    .requiredOption('--bootstrap-server <host:port>', 'REQUIRED: the broker(s) to connect to.')
    .option('--topic <topic>', 'The topic to consume on.')
    .option('--include <regex>', 'Regular expression specifying list of topics to include for consumption.')
    .option('--whitelist <regex>', 'DEPRECATED, use --include instead; ignored if --include specified. Regular expression specifying list of topics to include for consumption.')
    .option('--from-beginning', 'Start with the earliest message present in the log rather than the latest.')
    .option('--partition <n>', 'The partition to consume from (default: all partitions).', integerArg(0))
    .option('--offset <offset>', "With --partition: a non-negative offset, 'earliest', 'latest' (default), or timestamp:<ms|ISO-8601> (a Samsa extension).")
    .option('--max-messages <n>', 'Exit after consuming this many messages.', integerArg())
    .option('--timeout-ms <ms>', 'Exit if no message arrives for this long.', integerArg())
    .option('--property <prop=value>', 'Formatter properties: print.key, print.offset, print.partition, print.timestamp, print.headers, print.value, key.separator, line.separator, headers.separator, null.literal, key.deserializer, value.deserializer (repeatable).', collect)
    .option('--consumer-property <prop=value>', 'A consumer config property, overriding --consumer.config (repeatable).', collect)
    .option('--consumer.config <file>', 'Consumer config properties file.')
    .option('--group <group>', 'The consumer group id of the consumer (default: a new console-consumer-<random> group).')
    .option('--isolation-level <level>', 'Set to read_committed in order to filter out transactional messages which are not committed. Set to read_uncommitted to read all messages. (default: read_uncommitted, or isolation.level from the consumer properties)');
}

export function parseConsoleConsumerArgs(argv: readonly string[], io: CliIo): ToolArgs<ConsoleConsumerOptions> {
  return parseToolArgs(buildProgram(io), argv, io, TOOL_NAME, toOptions);
}

/**
 * Kafka's IncludeList: commas become alternatives, blanks and surrounding quotes are dropped, and
 * the result must be a valid regular expression.
 */
export function parseTopicFilter(raw: string): RegExp {
  const regex = raw.trim().replace(/,/g, '|').replace(/ /g, '').replace(/^["']+/, '').replace(/["']+$/, '');
  try {
    return new RegExp(regex);
  } catch {
    throw new UsageError(`${raw} is an invalid regex.`);
  }
}

function toOptions(o: Record<string, unknown>): ConsoleConsumerOptions {
  const fromBeginning = o.fromBeginning === true;
  const partition = o.partition as number | undefined;
  const includeText = (o.include ?? o.whitelist) as string | undefined;
  if ((o.topic === undefined) === (includeText === undefined)) {
    const deprecated = o.whitelist !== undefined ? ' --whitelist is DEPRECATED use --include instead; ignored if --include specified.' : '';
    throw new UsageError(`Exactly one of --include/--topic is required.${deprecated}`);
  }
  if (partition !== undefined && o.topic === undefined) throw new UsageError('The topic is required when partition is specified.');
  if (partition === undefined && o.offset !== undefined) throw new UsageError('The partition is required when offset is specified.');
  if (partition !== undefined && fromBeginning && o.offset !== undefined) {
    throw new UsageError('Options from-beginning and offset cannot be specified together.');
  }
  if (partition !== undefined && o.group !== undefined) throw new UsageError('Options group and partition cannot be specified together.');
  const timeoutMs = o.timeoutMs as number | undefined;
  return {
    topic: o.topic as string | undefined,
    include: includeText === undefined ? undefined : parseTopicFilter(includeText),
    partition,
    startOffset: o.offset !== undefined ? parseStartOffset(o.offset as string) : fromBeginning ? 'earliest' : 'latest',
    maxMessages: (o.maxMessages as number | undefined) ?? -1,
    timeoutMs: timeoutMs !== undefined && timeoutMs >= 0 ? timeoutMs : undefined,
    formatterProps: parseKeyValueArgs((o.property as string[] | undefined) ?? []),
    consumerProps: buildConsumerProperties(o, fromBeginning, partition === undefined),
  };
}

export function parseStartOffset(text: string): StartOffset {
  const lower = text.trim().toLowerCase();
  if (lower === 'earliest' || lower === 'latest') return lower;
  if (/^\d+$/.test(lower) && Number.isSafeInteger(Number(lower))) return Number(lower);
  if (lower.startsWith('timestamp:')) {
    const when = text.trim().slice('timestamp:'.length);
    const ms = /^\d+$/.test(when) ? Number(when) : /^\d{4}-\d{2}-\d{2}T/.test(when) ? Date.parse(when) : NaN;
    if (Number.isSafeInteger(ms) && ms >= 0) return { timestamp: ms };
  }
  throw new UsageError(`The provided offset value '${text}' is incorrect. Valid values are 'earliest', 'latest', a non-negative long, or timestamp:<ms|ISO-8601 date-time>.`);
}

/**
 * File, then --consumer-property, then the flags; auto.offset.reset follows --from-beginning. A
 * subscribing consumer without a group gets Kafka's throwaway group, with auto-commit off unless
 * asked for, so its offsets do not pile up in the coordinator.
 */
export function buildConsumerProperties(o: Record<string, unknown>, fromBeginning: boolean, subscribing = false): Record<string, string> {
  const props = loadClientProperties(o['consumer.config'] as string | undefined, (o.consumerProperty as string[] | undefined) ?? []);
  const reset = props['auto.offset.reset'];
  if (reset === undefined) props['auto.offset.reset'] = fromBeginning ? 'earliest' : 'latest';
  else if (fromBeginning && reset !== 'earliest') {
    throw new UsageError(`Can't simultaneously specify --from-beginning and 'auto.offset.reset=${reset}', please remove one option`);
  }
  const group = o.group as string | undefined;
  if (group !== undefined && props['group.id'] !== undefined && props['group.id'] !== group) {
    throw new UsageError(`The group ids provided in different places do not match. Detected group ids: '${group}', '${props['group.id']}'`);
  }
  if (group !== undefined) props['group.id'] = group;
  if (subscribing && props['group.id'] === undefined) {
    props['group.id'] = `console-consumer-${Math.floor(Math.random() * 100000)}`;
    props['enable.auto.commit'] ??= 'false';
  }
  // Kafka's flag defaults to read_uncommitted and overrides the properties; here it overrides them only when given.
  const isolation = o.isolationLevel as string | undefined;
  if (isolation !== undefined && isolation !== 'read_committed' && isolation !== 'read_uncommitted') {
    throw new UsageError(`Invalid value ${isolation} for --isolation-level: expected read_committed or read_uncommitted`);
  }
  if (isolation !== undefined) props['isolation.level'] = isolation;
  props['bootstrap.servers'] = parseBootstrapServers(o.bootstrapServer as string);
  props['client.id'] ??= 'console-consumer';
  return props;
}

export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  const parsed = parseConsoleConsumerArgs(argv, io);
  if (!parsed.ok) return parsed.exitCode;
  const opts = parsed.options;
  let formatter!: DefaultMessageFormatter;
  const consumer = await openClient(io, TOOL_NAME, () => {
    formatter = new DefaultMessageFormatter(opts.formatterProps);
    return Consumer.fromProperties(withByteSerdes(opts.consumerProps));
  }, async (c) => {
    // Without --timeout-ms a consumer waits for the cluster as long as Kafka's does: until stopped.
    await connectPatiently(() => c.connect(), opts.timeoutMs === undefined ? Infinity : Date.now() + opts.timeoutMs);
    await assignPartitions(c, opts);
  });
  if (!consumer) return 1;
  const { count, error, unprinted } = await consumeLoop(consumer, formatter, opts, io);
  if (error !== undefined) io.err(`Error processing message, terminating consumer process: ${errorMessage(error)}\n`);
  io.err(`Processed a total of ${count} messages\n`);
  handBack(consumer, unprinted);
  await consumer.close().catch(() => undefined);
  return error === undefined ? 0 : 1;
}

async function assignPartitions(consumer: Consumer, opts: ConsoleConsumerOptions): Promise<void> {
  if (opts.partition === undefined) {
    // As Kafka's console consumer, a subscription waits for a topic that does not exist yet
    // (bounded by --timeout-ms). Committed offsets, else auto.offset.reset (from
    // --from-beginning), position the partitions the group hands out.
    consumer.subscribe(opts.include ?? [opts.topic as string]);
    return;
  }
  const topic = opts.topic as string;
  const partitions = await consumer.partitionsFor(topic);
  if (!partitions.includes(opts.partition)) {
    throw new CommandError(`Partition ${opts.partition} does not exist in topic '${topic}' (it has ${partitions.length} partitions).`);
  }
  const tp: TopicPartition = { topic, partition: opts.partition };
  consumer.assign([tp]);
  const start = opts.startOffset;
  if (typeof start !== 'object') {
    consumer.seek(tp, start);
    return;
  }
  const [found] = await consumer.offsetsForTimes([{ ...tp, timestamp: start.timestamp }]);
  consumer.seek(tp, found.offsetAndTimestamp?.offset ?? 'latest');
}

/** Polls until a stop condition; returns how many records were printed and any fatal error. */
async function consumeLoop(
  consumer: Consumer,
  formatter: DefaultMessageFormatter,
  opts: ConsoleConsumerOptions,
  io: CliIo,
): Promise<{ count: number; error?: unknown; unprinted: ConsumerRecord[] }> {
  let stopped = false;
  const stop = (): void => {
    stopped = true;
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  let count = 0;
  let lastRecordAt = Date.now();
  try {
    while (!stopped && !io.outputClosed && (opts.maxMessages < 0 || count < opts.maxMessages)) {
      const idleLeft = opts.timeoutMs === undefined ? POLL_SLICE_MS : lastRecordAt + opts.timeoutMs - Date.now();
      if (idleLeft <= 0) break;
      const records = await consumer.poll(Math.min(POLL_SLICE_MS, idleLeft));
      if (records.length === 0) continue;
      lastRecordAt = Date.now();
      const take = opts.maxMessages < 0 ? records.length : Math.min(records.length, opts.maxMessages - count);
      io.out(formatBatch(formatter, records, take));
      count += take;
      // Bounded output: past stdout's high-water mark, wait for the reader before polling more.
      await io.outputDrained();
      if (take < records.length) return { count, unprinted: records.slice(take) };
    }
    return { count, unprinted: [] };
  } catch (err) {
    return { count, error: err, unprinted: [] };
  } finally {
    process.removeListener('SIGINT', stop);
    process.removeListener('SIGTERM', stop);
  }
}

/** Moves each partition back to its first record that was polled but not printed (before the closing commit). */
function handBack(consumer: Consumer, unprinted: readonly ConsumerRecord[]): void {
  const seen = new Set<string>();
  for (const r of unprinted) {
    const key = `${r.topic}\u0000${r.partition}`;
    if (seen.has(key)) continue;
    seen.add(key);
    try {
      consumer.seek({ topic: r.topic, partition: r.partition }, r.offset);
    } catch {
      // No longer assigned: nothing of it will be committed by this consumer anyway.
    }
  }
}

/** One write per poll instead of one per record: far fewer syscalls on a fast topic. */
function formatBatch(formatter: DefaultMessageFormatter, records: ConsumerRecord[], take: number): Buffer {
  const parts: Buffer[] = [];
  for (let i = 0; i < take; i++) parts.push(formatter.format(records[i]));
  return Buffer.concat(parts);
}

if (require.main === module) runMain((argv) => main(argv));
