/**
 * Plumbing shared by every Samsa command-line tool: where output goes, how argv is parsed, and
 * how errors reach the user.
 *
 * Kafka's tools answer bad input with one readable line and exit code 1; a stack trace is never
 * the user's problem. Each tool builds a commander program with `newProgram`, parses with
 * `parseCommandLine`, and funnels runtime failures through `errorMessage`, so the wording rules
 * live here once. Tools write through a `CliIo` rather than `process.stdout` so tests can run
 * `main()` in-process and read what it printed.
 */
import { isAuthenticationError } from '../security/sasl/sasl-errors';
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import type { Writable } from 'stream';
import { SamsaError } from '../protocol/errors';
import { parseHostPort } from '../config/endpoints';
import { mergeProperties, parseOverrides, propertiesToRecord, readPropertiesFile } from '../config/properties';
import type { ClientOptions } from '../client/client-options';
import { clientSecurityFromProperties } from '../security/client-security-config';
import { SAMSA_VERSION } from '../util/version';

/** The process's streams, or test doubles of them. */
export interface CliIo {
  out(chunk: string | Buffer): void;
  err(text: string): void;
  stdin: NodeJS.ReadableStream;
  stdinIsTTY: boolean;
  /** True once the reader of stdout went away (EPIPE, e.g. `| head`): tools stop early. */
  readonly outputClosed: boolean;
  /**
   * Resolves once stdout's buffer is below its high-water mark again (or stdout is gone). Tools
   * that print without end (the console consumer) wait on it, so a slow reader slows them down
   * instead of the unread output piling up in memory.
   */
  outputDrained(): Promise<void>;
}

let sharedProcessIo: CliIo | undefined;

/** The real streams. One instance per process so the EPIPE listeners are installed once. */
export function processIo(): CliIo {
  if (sharedProcessIo) return sharedProcessIo;
  let closed = false;
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    // A closed pipe is a normal way for a reader to say "enough"; anything else is still fatal.
    if (err.code === 'EPIPE') closed = true;
    else throw err;
  });
  process.stderr.on('error', (err: NodeJS.ErrnoException) => {
    // `2>&1 | head`: the final summary has nowhere to go, which is no reason to crash.
    if (err.code !== 'EPIPE') throw err;
  });
  sharedProcessIo = {
    out: (chunk) => {
      if (!closed) process.stdout.write(chunk);
    },
    err: (text) => {
      process.stderr.write(text);
    },
    stdin: process.stdin,
    stdinIsTTY: process.stdin.isTTY === true,
    get outputClosed() {
      return closed;
    },
    outputDrained: () => {
      const stdout = process.stdout;
      if (closed || stdout.destroyed || !stdout.writableNeedDrain) return Promise.resolve();
      return new Promise<void>((resolve) => {
        const done = (): void => {
          stdout.removeListener('drain', done);
          stdout.removeListener('close', done);
          stdout.removeListener('error', done);
          resolve();
        };
        stdout.once('drain', done);
        stdout.once('close', done);
        stdout.once('error', done);
      });
    },
  };
  return sharedProcessIo;
}

/** Bad command-line input: printed with a usage hint, exit code 1. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** A failure the tool reports in its own words (no hint), exit code 1. */
export class CommandError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CommandError';
  }
}

/**
 * A commander program that throws instead of exiting and prints nothing on its own for errors:
 * `parseCommandLine` turns those into our one-line format.
 */
export function newProgram(name: string, description: string, io: CliIo): Command {
  return new Command(name)
    .description(description)
    .version(SAMSA_VERSION, '--version', 'Display Samsa version.')
    .exitOverride()
    .allowExcessArguments(false)
    .configureOutput({
      writeOut: (text) => io.out(text),
      writeErr: (text) => io.err(text),
      outputError: () => undefined,
    });
}

export type ParseResult = { ok: true; opts: Record<string, unknown> } | { ok: false; exitCode: number };

/**
 * Parses user arguments (argv without `node` and the script). Returns the options, or the exit
 * code after help (0) or after printing an error (1). With no arguments at all the tool prints its
 * usage and fails, as Kafka's tools do.
 */
export function parseCommandLine(program: Command, argv: readonly string[], io: CliIo): ParseResult {
  if (argv.length === 0) {
    io.err(program.helpInformation());
    return { ok: false, exitCode: 1 };
  }
  try {
    program.parse([...argv], { from: 'user' });
  } catch (err) {
    if (!(err instanceof CommanderError)) throw err;
    if (err.code === 'commander.helpDisplayed' || err.code === 'commander.help' || err.code === 'commander.version') {
      return { ok: false, exitCode: 0 };
    }
    const reported = err.code === 'commander.missingMandatoryOptionValue' ? errorBehindMissingOption(program, argv) ?? err : err;
    printUsageError(io, program.name(), reported.message.replace(/^error: /, ''));
    return { ok: false, exitCode: 1 };
  }
  return { ok: true, opts: program.opts() };
}

/**
 * Commander checks required options before unknown ones, so `--topc t` would be reported as
 * "required option '--topic' not specified" and the "(Did you mean --topic?)" hint lost. A typo
 * explains the missing option, so this parses again with nothing required and returns the error
 * that parse finds, if any. The program is thrown away afterwards, so the second parse's side
 * effects (accumulated option values) do not matter.
 */
function errorBehindMissingOption(program: Command, argv: readonly string[]): CommanderError | null {
  for (const option of program.options) option.makeOptionMandatory(false);
  try {
    program.parse([...argv], { from: 'user' });
    return null;
  } catch (err) {
    return err instanceof CommanderError ? err : null;
  }
}

/** Prints every line of the message (commander's second line carries "(Did you mean ...?)"), then the hint. */
export function printUsageError(io: CliIo, toolName: string, message: string): void {
  const text = message.endsWith('\n') ? message : `${message}\n`;
  io.err(`Error: ${text}Try '${toolName} --help' for more information.\n`);
}

/**
 * The message a user should see for any thrown value. SamsaError prefixes messages with the wire
 * error name (`TOPIC_ALREADY_EXISTS: Topic 'x' already exists.`); users want only the sentence.
 */
export function errorMessage(err: unknown): string {
  if (err instanceof SamsaError) {
    const prefix = `${err.errorName}: `;
    const message = err.message.startsWith(prefix) ? err.message.slice(prefix.length) : err.message;
    return isAuthenticationError(err) && !message.startsWith('Authentication failed') ? `Authentication failed: ${message}` : message;
  }
  if (err instanceof Error) return err.message;
  return String(err);
}

/** Commander accumulator for repeatable options (`--config a=1 --config b=2`). */
export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** A commander argument parser for integers within [min, max]; rejects `1.5`, `abc`, `10x`. */
export function integerArg(min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER): (value: string) => number {
  return (value: string): number => {
    const text = value.trim();
    if (!/^[-+]?\d+$/.test(text)) throw new InvalidArgumentError('Not an integer.');
    const n = Number(text);
    if (!Number.isSafeInteger(n)) throw new InvalidArgumentError('Integer out of range.');
    if (n < min) throw new InvalidArgumentError(`Must be at least ${min}.`);
    if (n > max) throw new InvalidArgumentError(`Must be at most ${max}.`);
    return n;
  };
}

/** A commander argument parser for decimal numbers (`--throughput 1500.5`, `-1`). */
export function numberArg(value: string): number {
  const text = value.trim();
  const n = Number(text);
  if (text === '' || !Number.isFinite(n)) throw new InvalidArgumentError('Not a number.');
  return n;
}

/** Validates `host:port[,host:port...]` and returns it normalised (trimmed, no empty entries). */
export function parseBootstrapServers(text: string): string {
  const entries = text.split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (entries.length === 0) throw new UsageError(`Invalid bootstrap server list '${text}': expected host:port[,host:port...]`);
  for (const entry of entries) {
    const parsed = parseHostPort(entry);
    if (!parsed.ok) throw new UsageError(`Invalid bootstrap server list '${text}': ${parsed.reason}`);
    if (parsed.value.port === 0) throw new UsageError(`Invalid bootstrap server list '${text}': port 0 is not connectable`);
  }
  return entries.join(',');
}

/**
 * Client properties from an optional file (`--command-config`, `--producer.config`, ...) with
 * `key=value` flags layered on top, the precedence Kafka's tools use.
 */
export function loadClientProperties(file: string | undefined, overrides: readonly string[] = []): Record<string, string> {
  try {
    const fromFile = file === undefined ? undefined : readPropertiesFile(file);
    return propertiesToRecord(mergeProperties(fromFile, parseOverrides(overrides)));
  } catch (err) {
    throw new UsageError(errorMessage(err));
  }
}

/** Parses `key=value` arguments (`--property`) into a record; a missing `=` is a usage error. */
export function parseKeyValueArgs(args: readonly string[]): Record<string, string> {
  try {
    return propertiesToRecord(parseOverrides(args));
  } catch (err) {
    throw new UsageError(errorMessage(err));
  }
}

const CLIENT_NUMBER_KEYS: ReadonlyArray<[string, keyof ClientOptions]> = [
  ['request.timeout.ms', 'requestTimeoutMs'],
  ['socket.connection.setup.timeout.ms', 'connectTimeoutMs'],
  ['retry.backoff.ms', 'retryBackoffMs'],
  ['reconnect.backoff.ms', 'reconnectBackoffMs'],
  ['reconnect.backoff.max.ms', 'reconnectBackoffMaxMs'],
  ['metadata.max.age.ms', 'metadataMaxAgeMs'],
];

/** Admin client options from Kafka-named properties (`--command-config`), security.protocol/ssl.* included; unknown keys are ignored. */
export function clientOptionsFromProperties(props: Readonly<Record<string, string>>, bootstrapServers: string): ClientOptions {
  const options: ClientOptions = { bootstrapServers };
  if (props['client.id'] !== undefined) options.clientId = props['client.id'];
  for (const [key, field] of CLIENT_NUMBER_KEYS) {
    const raw = props[key];
    if (raw === undefined) continue;
    const n = Number(raw.trim());
    if (!Number.isInteger(n) || n < 0) throw new UsageError(`Invalid value ${raw} for configuration ${key}: Not a non-negative integer`);
    (options as unknown as Record<string, unknown>)[field] = n;
  }
  const security = clientSecurityFromProperties(props);
  if (security) options.security = security;
  return options;
}

/**
 * Runs a tool's `main` when its module is the process entry point, then exits with its code.
 * Exiting explicitly matters: a consumer's sockets or stdin would otherwise keep Node alive.
 */
export function runMain(main: (argv: string[]) => Promise<number>): void {
  const io = processIo();
  const argv = process.argv.slice(2);
  // Every tool answers `--version` alone, as Kafka's do; commander-based ones also amid other options.
  if (argv.length === 1 && argv[0] === '--version') {
    io.out(`${SAMSA_VERSION}\n`);
    void exitWhenFlushed(0);
    return;
  }
  main(argv).then(
    (code) => exitWhenFlushed(code),
    (err: unknown) => {
      io.err(`Error: ${errorMessage(err)}\n`);
      return exitWhenFlushed(1);
    },
  );
}

/**
 * Exits once stdout and stderr have handed everything written to the OS. Writes to a pipe are
 * asynchronous in Node: when the reader is slower than the tool, output waits in the stream's
 * buffer, and `process.exit()` would silently drop it (`consumer | wc -l` counting short).
 */
export async function exitWhenFlushed(code: number): Promise<never> {
  await Promise.all([flushed(process.stdout), flushed(process.stderr)]);
  process.exit(code);
}

/**
 * Resolves when what was written to `stream` so far has been written out, or the stream is gone
 * (an EPIPE destroys it, and a reader that left will never take the rest). A write callback runs
 * after all earlier writes, so an empty write marks the end of the queue.
 */
export function flushed(stream: Writable): Promise<void> {
  return new Promise((resolve) => {
    if (stream.destroyed || stream.writableEnded || stream.writableLength === 0) {
      resolve();
      return;
    }
    const done = (): void => {
      stream.removeListener('close', done);
      stream.removeListener('error', done);
      resolve();
    };
    stream.once('close', done);
    stream.once('error', done);
    stream.write('', () => done());
  });
}

export type ToolArgs<T> = { ok: true; options: T } | { ok: false; exitCode: number };

/**
 * Parses a tool's command line and turns it into typed options; a UsageError from `toOptions`
 * is printed with the tool's usage hint and becomes exit code 1.
 */
export function parseToolArgs<T>(program: Command, argv: readonly string[], io: CliIo, toolName: string,
  toOptions: (opts: Record<string, unknown>) => T): ToolArgs<T> {
  const parsed = parseCommandLine(program, argv, io);
  if (!parsed.ok) return parsed;
  try {
    return { ok: true, options: toOptions(parsed.opts) };
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    printUsageError(io, toolName, err.message);
    return { ok: false, exitCode: 1 };
  }
}

interface ToolClient {
  connect(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Builds a tool's client and gets it ready. A bad setting while building is a usage error; a
 * failure while connecting (or in `prepare`) is reported as an error and the client closed.
 * Returns null, after printing, when either fails: the caller exits with code 1.
 */
export async function openClient<C extends ToolClient>(io: CliIo, toolName: string, build: () => C,
  prepare: (client: C) => Promise<void> = (client) => client.connect()): Promise<C | null> {
  let client: C;
  try {
    client = build();
  } catch (err) {
    printUsageError(io, toolName, errorMessage(err));
    return null;
  }
  try {
    await prepare(client);
    return client;
  } catch (err) {
    io.err(`Error: ${errorMessage(err)}\n`);
    await client.close().catch(() => undefined);
    return null;
  }
}

/**
 * The tools read and write raw bytes, so like Kafka's console and perf tools (which force
 * ByteArraySerializer/ByteArrayDeserializer) they drop any (de)serializer given in properties.
 * Interceptors and the partitioner still apply.
 */
export function withByteSerdes(props: Readonly<Record<string, string>>): Record<string, string> {
  const { 'key.serializer': _ks, 'value.serializer': _vs, 'key.deserializer': _kd, 'value.deserializer': _vd, ...rest } = props;
  return rest;
}
