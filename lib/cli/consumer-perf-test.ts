/**
 * `samsa-consumer-perf-test`: Kafka's kafka-consumer-perf-test — consume N messages as fast as
 * possible and report MB/s and messages/s in Kafka's format (see consumer-perf-format.ts).
 *
 * Like Kafka's ConsumerPerformance it subscribes as a member of a consumer group (--group, else a
 * throwaway `perf-consumer-<n>`), so it shares partitions with other members and commits its
 * positions as any consumer does; the time spent joining the group is reported as
 * rebalance.time.ms. A group without committed offsets starts at the earliest offset, or the
 * latest with --from-latest. It stops after --messages records, or when no record arrived for
 * --timeout ms (Kafka's default 10 s), with Kafka's warning.
 */
import { CONSUMER_METRIC_DEFS } from '../client/client-metrics';
import { Consumer } from '../client/consumer';
import type { ConsumerRecord, RecordView } from '../client/consumer';
import { formatMetricsTable } from './print-metrics';
import { ConsumerPerfProgress, consumerPerfHeader, formatConsumerProgress, formatConsumerSummary } from './consumer-perf-format';
import { CliIo, UsageError, errorMessage, integerArg, loadClientProperties, newProgram, parseBootstrapServers, parseCommandLine, printUsageError, processIo, runMain, withByteSerdes } from './options';

const TOOL_NAME = 'samsa-consumer-perf-test';
const POLL_MS = 100;

export interface ConsumerPerfOptions {
  topic: string;
  messages: number;
  timeoutMs: number;
  reportingIntervalMs: number;
  showDetailedStats: boolean;
  hideHeader: boolean;
  printMetrics: boolean;
  consumerProps: Record<string, string>;
}

function buildProgram(io: CliIo) {
  return newProgram(TOOL_NAME, 'Measure consumer throughput.', io)
    .requiredOption('--bootstrap-server <host:port>', 'REQUIRED: the broker(s) to connect to.')
    .requiredOption('--topic <topic>', 'REQUIRED: the topic to consume from.')
    .requiredOption('--messages <n>', 'REQUIRED: the number of messages to consume.', integerArg(1))
    .option('--timeout <ms>', 'The maximum allowed time in milliseconds between returned records.', integerArg(0), 10000)
    .option('--from-latest', 'Start with the latest message present in the log rather than the earliest.')
    .option('--show-detailed-stats', 'Report stats for each reporting interval.')
    .option('--reporting-interval <ms>', 'Interval in milliseconds at which to print progress info.', integerArg(1), 5000)
    .option('--consumer.config <file>', 'Consumer config properties file.')
    .option('--fetch-size <bytes>', 'The amount of data to fetch per partition in a single request.', integerArg(1), 1024 * 1024)
    .option('--group <group>', 'The consumer group id to join (default: perf-consumer-<random number>).')
    .option('--hide-header', 'Skip printing the header for the stats.')
    .option('--print-metrics', 'Print the consumer\'s metrics at the end (Kafka\'s layout).');
}

export function parseConsumerPerfArgs(argv: readonly string[], io: CliIo): { ok: true; options: ConsumerPerfOptions } | { ok: false; exitCode: number } {
  const parsed = parseCommandLine(buildProgram(io), argv, io);
  if (!parsed.ok) return parsed;
  try {
    const o = parsed.opts;
    const props = loadClientProperties(o['consumer.config'] as string | undefined);
    props['bootstrap.servers'] = parseBootstrapServers(o.bootstrapServer as string);
    props['auto.offset.reset'] = o.fromLatest === true ? 'latest' : 'earliest';
    props['max.partition.fetch.bytes'] = String(o.fetchSize);
    props['client.id'] ??= 'perf-consumer-client';
    props['group.id'] = (o.group as string | undefined) ?? `perf-consumer-${Math.floor(Math.random() * 100000)}`;
    return {
      ok: true,
      options: {
        topic: o.topic as string,
        messages: o.messages as number,
        timeoutMs: o.timeout as number,
        reportingIntervalMs: o.reportingInterval as number,
        showDetailedStats: o.showDetailedStats === true,
        hideHeader: o.hideHeader === true,
        printMetrics: o.printMetrics === true,
        consumerProps: props,
      },
    };
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    printUsageError(io, TOOL_NAME, err.message);
    return { ok: false, exitCode: 1 };
  }
}

export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  const parsed = parseConsumerPerfArgs(argv, io);
  if (!parsed.ok) return parsed.exitCode;
  const opts = parsed.options;
  let consumer: Consumer;
  try {
    consumer = Consumer.fromProperties(withByteSerdes(opts.consumerProps));
  } catch (err) {
    printUsageError(io, TOOL_NAME, errorMessage(err));
    return 1;
  }
  if (!opts.hideHeader) io.out(`${consumerPerfHeader(opts.showDetailedStats)}\n`);
  const startMs = Date.now();
  try {
    // Subscribed first, so connect()'s metadata request covers the topic and the group leader's
    // assignment needs no second one (held back by the metadata refresh backoff).
    const join = subscribeTimingJoins(consumer, opts.topic);
    await consumer.connect();
    const { messages, bytes } = await consume(consumer, opts, io, join);
    const endMs = Date.now();
    const joinTimeMs = join.totalMs;
    if (!opts.showDetailedStats) io.out(`${formatConsumerSummary({ startMs, endMs, bytes, messages, joinTimeMs })}\n`);
    if (opts.printMetrics) io.out(formatMetricsTable(CONSUMER_METRIC_DEFS, consumer.metrics(), opts.consumerProps['client.id']));
    return 0;
  } catch (err) {
    io.err(`Error: ${errorMessage(err)}\n`);
    return 1;
  } finally {
    await consumer.close().catch(() => undefined);
  }
}

/** Time spent joining the group: in total, and since the last progress line. */
interface JoinTime {
  totalMs: number;
  inIntervalMs: number;
}

/** Subscribes with Kafka's rebalance listener: a join runs from revocation (or the start) to assignment. */
function subscribeTimingJoins(consumer: Consumer, topic: string): JoinTime {
  const join: JoinTime = { totalMs: 0, inIntervalMs: 0 };
  let joinStartMs = Date.now();
  consumer.subscribe([topic], {
    onPartitionsRevoked: () => {
      joinStartMs = Date.now();
    },
    onPartitionsAssigned: () => {
      const ms = Date.now() - joinStartMs;
      join.totalMs += ms;
      join.inIntervalMs += ms;
    },
  });
  return join;
}

/** Kafka's consume loop: counts key+value bytes, prints a progress line per reporting interval. */
async function consume(consumer: Consumer, opts: ConsumerPerfOptions, io: CliIo, join: JoinTime): Promise<{ messages: number; bytes: number }> {
  let messages = 0;
  let bytes = 0;
  let now = Date.now();
  let lastConsumedMs = now;
  const progress: ConsumerPerfProgress = {
    threadId: 0,
    bytesRead: 0,
    lastBytesRead: 0,
    messagesRead: 0,
    lastMessagesRead: 0,
    startMs: now,
    endMs: now,
    joinTimeMsInInterval: 0,
  };
  const count = (keyBytes: number, valueBytes: number): void => {
    messages += 1;
    bytes += keyBytes + valueBytes;
    if (now - progress.startMs >= opts.reportingIntervalMs) {
      if (opts.showDetailedStats) {
        io.out(`${formatConsumerProgress({ ...progress, bytesRead: bytes, messagesRead: messages, endMs: now, joinTimeMsInInterval: join.inIntervalMs })}\n`);
      }
      join.inIntervalMs = 0;
      Object.assign(progress, { startMs: now, lastMessagesRead: messages, lastBytesRead: bytes });
    }
  };
  // The cheapest path an application has: pollEach() builds no record objects, and the sizes
  // Kafka's tool adds up are read off each record without making Buffers. Interceptors (from
  // --consumer.config) work on ConsumerRecords, so with them it is poll().
  const visit = (r: RecordView): void => count(Math.max(0, r.keySize), Math.max(0, r.valueSize));
  const pollOnce = (opts.consumerProps['interceptor.classes'] ?? '').trim() === ''
    ? (): Promise<number> => consumer.pollEach(POLL_MS, visit)
    : async (): Promise<number> => {
      const records: ConsumerRecord[] = await consumer.poll(POLL_MS);
      for (const r of records) count(r.key?.length ?? 0, r.value?.length ?? 0);
      return records.length;
    };
  while (messages < opts.messages && now - lastConsumedMs <= opts.timeoutMs) {
    const n = await pollOnce();
    now = Date.now();
    if (n > 0) lastConsumedMs = now;
  }
  if (messages < opts.messages) {
    io.out(
      `WARNING: Exiting before consuming the expected number of messages: timeout (${opts.timeoutMs} ms) exceeded. ` +
        'You can use the --timeout option to increase the timeout.\n',
    );
  }
  return { messages, bytes };
}

if (require.main === module) runMain((argv) => main(argv));
