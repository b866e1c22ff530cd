/**
 * `samsa-console-producer`: Kafka's kafka-console-producer — one record per line of stdin.
 *
 * Lines become records through LineMessageReader (`--property parse.key=true` etc.). Sends are
 * asynchronous and bounded by a SendWindow, except with `--sync`, which waits for each record's
 * acknowledgement before reading the next line. At EOF (or SIGINT/SIGTERM) everything sent is
 * flushed before exit 0; a failed send is reported Kafka-style and the tool exits 1. The `>`
 * prompt appears only when a person is typing (stdin is a TTY). With
 * `--producer-property transactional.id=<id>` each line batch (the lines of one stdin read) is
 * committed as one transaction (console-producer-transactions.ts).
 */
import * as readline from 'readline';
import { Producer } from '../client/producer';
import type { ProducerRecord } from '../client/producer';
import { LineMessageReader, LineParseError } from './line-message-reader';
import { SendWindow } from './send-window';
import { produceTransactionally } from './console-producer-transactions';
import {
  CliIo,
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
} from './options';

const TOOL_NAME = 'samsa-console-producer';
const COMPRESSION_CODECS = ['none', 'gzip', 'snappy', 'lz4', 'zstd'];
const ACKS_VALUES = ['0', '1', '-1', 'all'];
const MAX_OUTSTANDING_SENDS = 10000;

export interface ConsoleProducerOptions {
  topic: string;
  sync: boolean;
  readerProps: Record<string, string>;
  producerProps: Record<string, string>;
}

function buildProgram(io: CliIo) {
  return newProgram(TOOL_NAME, 'Read data from standard input and publish it to a topic, one record per line.', io)
    .requiredOption('--bootstrap-server <host:port>', 'REQUIRED: the broker(s) to connect to.')
    .requiredOption('--topic <topic>', 'REQUIRED: the topic to produce messages to.')
    .option('--property <prop=value>', 'Line reader properties: parse.key, key.separator, parse.headers, ignore.error, null.marker, ... (repeatable).', collect)
    .option('--request-required-acks <acks>', 'The required acks of the producer requests: 0, 1, -1 or all (default -1).')
    .option('--compression-codec [codec]', "Compression codec: 'none', 'gzip', 'snappy', 'lz4' or 'zstd'; without a value, 'gzip'.")
    .option('--producer-property <prop=value>', 'A producer config property, overriding --producer.config (repeatable).', collect)
    .option('--producer.config <file>', 'Producer config properties file.')
    .option('--batch-size <bytes>', 'batch.size: bytes batched per partition before sending (default 16384).', integerArg(1))
    .option('--timeout <ms>', 'linger.ms: how long a record may wait for its batch to fill (default 1000).', integerArg(0))
    .option('--sync', 'Send each record synchronously, waiting for its acknowledgement.');
}

/** Parses argv into options, or returns the exit code after printing help or an error. */
export function parseConsoleProducerArgs(argv: readonly string[], io: CliIo): ToolArgs<ConsoleProducerOptions> {
  return parseToolArgs(buildProgram(io), argv, io, TOOL_NAME, toOptions);
}

function toOptions(o: Record<string, unknown>): ConsoleProducerOptions {
  return {
    topic: o.topic as string,
    sync: o.sync === true,
    readerProps: parseKeyValueArgs((o.property as string[] | undefined) ?? []),
    producerProps: buildProducerProperties(o),
  };
}

/**
 * Kafka's precedence: the config file, then --producer-property, then the dedicated flags when
 * given; a tool default applies only where nothing above set the key.
 */
export function buildProducerProperties(o: Record<string, unknown>): Record<string, string> {
  const props = loadClientProperties(o['producer.config'] as string | undefined, (o.producerProperty as string[] | undefined) ?? []);
  props['bootstrap.servers'] = parseBootstrapServers(o.bootstrapServer as string);
  const merge = (key: string, flag: unknown, fallback?: string): void => {
    if (flag !== undefined) props[key] = String(flag);
    else if (props[key] === undefined && fallback !== undefined) props[key] = fallback;
  };
  const acks = o.requestRequiredAcks as string | undefined;
  if (acks !== undefined && !ACKS_VALUES.includes(acks)) {
    throw new UsageError(`Invalid value ${acks} for --request-required-acks: expected one of 0, 1, -1, all`);
  }
  merge('acks', acks, '-1');
  merge('compression.type', compressionCodec(o.compressionCodec));
  // --sync waits for every record, so lingering would only add linger.ms to each line.
  merge('linger.ms', o.timeout, o.sync === true ? '0' : '1000');
  merge('batch.size', o.batchSize);
  merge('client.id', undefined, 'console-producer');
  return props;
}

function compressionCodec(flag: unknown): string | undefined {
  if (flag === undefined) return undefined;
  if (flag === true || flag === '') return 'gzip';
  const codec = String(flag).toLowerCase();
  if (!COMPRESSION_CODECS.includes(codec)) {
    throw new UsageError(`Invalid value ${String(flag)} for --compression-codec: expected one of ${COMPRESSION_CODECS.join(', ')}`);
  }
  return codec;
}

export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  const parsed = parseConsoleProducerArgs(argv, io);
  if (!parsed.ok) return parsed.exitCode;
  const opts = parsed.options;
  let reader!: LineMessageReader;
  const producer = await openClient(io, TOOL_NAME, () => {
    reader = new LineMessageReader(opts.readerProps);
    return Producer.fromProperties(opts.producerProps);
  });
  if (!producer) return 1;
  if (opts.producerProps['transactional.id'] !== undefined) return produceTransactionally(producer, reader, { topic: opts.topic, sendErrorMessage }, io);
  return produceLines(producer, reader, opts, io);
}

/** Reads stdin to EOF (or a signal), sends each line, then flushes; returns the exit code. */
async function produceLines(producer: Producer, reader: LineMessageReader, opts: ConsoleProducerOptions, io: CliIo): Promise<number> {
  const lines = readline.createInterface({ input: io.stdin, crlfDelay: Infinity, terminal: false });
  const stop = (): void => lines.close();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const window = new SendWindow(opts.sync ? 1 : MAX_OUTSTANDING_SENDS);
  let failure: string | undefined;
  const fail = (message: string): void => {
    failure ??= message;
    lines.close();
  };
  let lineNumber = 0;
  try {
    if (io.stdinIsTTY) io.out('>');
    for await (const line of lines) {
      // Lines already buffered when a send failed must not be sent after the failure.
      if (failure !== undefined) break;
      lineNumber += 1;
      const record = toRecord(reader, opts.topic, line, lineNumber, fail);
      if (record) {
        await window.acquire();
        const sent = producer.send(record).then(
          () => window.release(),
          (err: unknown) => {
            window.release();
            fail(sendErrorMessage(record, err));
          },
        );
        if (opts.sync) await sent;
      }
      if (failure !== undefined) break;
      if (io.stdinIsTTY) io.out('>');
    }
    // flush() sends lingering batches now; waiting on the window first would wait out linger.ms.
    await producer.flush();
    await window.drain();
    await producer.close();
  } catch (err) {
    failure ??= `Error: ${errorMessage(err)}`;
    await producer.close().catch(() => undefined);
  } finally {
    process.removeListener('SIGINT', stop);
    process.removeListener('SIGTERM', stop);
    lines.close();
  }
  if (failure === undefined) return 0;
  io.err(`${failure}\n`);
  return 1;
}

function toRecord(reader: LineMessageReader, topic: string, line: string, lineNumber: number, fail: (m: string) => void): ProducerRecord | null {
  try {
    const parsed = reader.parse(line, lineNumber);
    return { topic, key: parsed.key, value: parsed.value, headers: parsed.headers };
  } catch (err) {
    if (!(err instanceof LineParseError)) throw err;
    fail(`Error: ${err.message}`);
    return null;
  }
}

/** Kafka's ErrorLoggingCallback wording: sizes, not contents, of the failed record. */
function sendErrorMessage(record: ProducerRecord, err: unknown): string {
  const size = (v: Buffer | string | null | undefined): string =>
    v === null || v === undefined ? 'null' : `${typeof v === 'string' ? Buffer.byteLength(v) : v.length} bytes`;
  return (
    `Error when sending message to topic ${record.topic} with key: ${size(record.key)}, ` +
    `value: ${size(record.value)} with error: ${errorMessage(err)}`
  );
}

if (require.main === module) runMain((argv) => main(argv));
