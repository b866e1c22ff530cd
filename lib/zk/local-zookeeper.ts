/**
 * Runs a standalone ZooKeeper server as a child JVM: for `bin/zookeeper-server-start`, for
 * `npm start`, and for every integration test (through test/helpers/zookeeper.ts).
 *
 * It merges the config (file, then explicit properties, then dataDir/clientPort), writes the
 * result next to the data, starts Java, and resolves only once the server answers the `srvr`
 * four-letter command with its version. `ruok` is not enough: ZooKeeper's connection factory
 * answers `imok` even when the server thread died during startup. If the server does not come
 * up before the deadline, or exits, the error carries the tail of its log.
 */
import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as path from 'path';
import { formatProperties, mergeProperties, readPropertiesFile } from '../config/properties';
import { sleep } from '../util/time';
import { buildJavaArgs, findZooKeeperInstallation, ZooKeeperInstallation } from './zookeeper-installation';

export { findZooKeeperInstallation } from './zookeeper-installation';

export const GENERATED_CONFIG_NAME = 'zookeeper-effective.cfg';
export const CONSOLE_LOG_NAME = 'zookeeper.out';
const DEFAULT_READY_TIMEOUT_MS = 30000;
const PROBE_INTERVAL_MS = 50;
const TAIL_LINES_KEPT = 200;

export class ZooKeeperStartError extends Error {
  readonly code = 'ZOOKEEPER_START_FAILED';
  readonly retriable = false;

  constructor(detail: string, readonly logTail: string) {
    super(logTail ? `${detail}\n--- last lines of ZooKeeper's log ---\n${logTail}` : detail);
    this.name = 'ZooKeeperStartError';
  }
}

export interface StartZooKeeperOptions {
  /** A zoo.cfg / zookeeper.properties file; relative dataDir in it is resolved against the cwd. */
  configFile?: string;
  /** Properties layered over the file. */
  properties?: Readonly<Record<string, string | number | boolean>>;
  dataDir?: string;
  clientPort?: number;
  /** Directory for the console log (`zookeeper.out`); without it the output is kept in memory. */
  logDir?: string;
  /** Without `logDir`: also copy ZooKeeper's output here (e.g. process.stdout in the foreground). */
  echoTo?: NodeJS.WritableStream;
  jvmOptions?: readonly string[];
  logLevel?: string;
  systemProperties?: Readonly<Record<string, string>>;
  readyTimeoutMs?: number;
  /** Run in its own process group so it outlives this process (`-daemon`). */
  detached?: boolean;
  installation?: ZooKeeperInstallation;
}

export interface ZooKeeperExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ZooKeeperProcess {
  readonly pid: number;
  readonly clientPort: number;
  readonly dataDir: string;
  /** The merged config the server runs with. */
  readonly configPath: string;
  readonly logFile: string | null;
  readonly exited: Promise<ZooKeeperExit>;
  isRunning(): boolean;
  logTail(lines?: number): string;
  /** SIGTERM (ZooKeeper shuts down cleanly), SIGKILL after `timeoutMs`. */
  stop(timeoutMs?: number): Promise<ZooKeeperExit>;
  /** SIGKILL: a crash, as far as ZooKeeper and its clients can tell. */
  kill(): Promise<ZooKeeperExit>;
  /** Lets this process exit while the server keeps running (daemon mode). */
  detach(): void;
}

export interface EffectiveConfig {
  properties: Map<string, string>;
  dataDir: string;
  clientPort: number;
}

/** Merges file, properties and explicit options, with the defaults Samsa needs. */
export function resolveZooKeeperConfig(options: StartZooKeeperOptions, cwd = process.cwd()): EffectiveConfig {
  const fromFile = options.configFile ? readPropertiesFile(options.configFile) : undefined;
  const extra = Object.fromEntries(Object.entries(options.properties ?? {}).map(([k, v]) => [k, String(v)]));
  const merged = mergeProperties({ tickTime: '2000', 'admin.enableServer': 'false' }, fromFile, extra);
  if (options.dataDir !== undefined) merged.set('dataDir', options.dataDir);
  if (options.clientPort !== undefined) merged.set('clientPort', String(options.clientPort));
  const dataDirSetting = merged.get('dataDir');
  if (!dataDirSetting) throw new Error(`No dataDir for ZooKeeper: set dataDir in ${options.configFile ?? 'the properties'}`);
  const dataDir = path.resolve(cwd, dataDirSetting);
  merged.set('dataDir', dataDir);
  const logDirSetting = merged.get('dataLogDir');
  if (logDirSetting) merged.set('dataLogDir', path.resolve(cwd, logDirSetting));
  const clientPort = Number(merged.get('clientPort') ?? '2181');
  if (!Number.isInteger(clientPort) || clientPort <= 0 || clientPort > 65535) throw new Error(`Invalid ZooKeeper clientPort '${merged.get('clientPort')}'`);
  merged.set('clientPort', String(clientPort));
  // Readiness is checked with `srvr`; keep it allowed if the file narrows the whitelist.
  const whitelist = merged.get('4lw.commands.whitelist');
  if (whitelist && whitelist.trim() !== '*' && !whitelist.split(',').map((s) => s.trim()).includes('srvr')) {
    merged.set('4lw.commands.whitelist', `${whitelist},srvr`);
  }
  return { properties: merged, dataDir, clientPort };
}

const liveChildren = new Set<ChildProcess>();
let exitHookInstalled = false;

function killChildrenOnExit(child: ChildProcess): void {
  liveChildren.add(child);
  child.once('exit', () => liveChildren.delete(child));
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const c of liveChildren) {
      try { c.kill('SIGKILL'); } catch { /* already gone */ }
    }
  });
}

export async function startZooKeeperProcess(options: StartZooKeeperOptions): Promise<ZooKeeperProcess> {
  if (options.detached && !options.logDir) throw new Error('A detached ZooKeeper needs a logDir: its output cannot go to this process');
  const install = options.installation ?? findZooKeeperInstallation();
  const config = resolveZooKeeperConfig(options);
  fs.mkdirSync(config.dataDir, { recursive: true });
  const configPath = path.join(config.dataDir, GENERATED_CONFIG_NAME);
  const source = options.configFile ? `from ${path.resolve(options.configFile)}` : 'by Samsa';
  fs.writeFileSync(configPath, formatProperties(config.properties, `Generated ${source}; edit that instead. Read by ZooKeeper at startup.`));

  const logFile = options.logDir ? path.join(path.resolve(options.logDir), CONSOLE_LOG_NAME) : null;
  const log = new ConsoleLog(logFile, options.echoTo ?? null);
  const args = buildJavaArgs(install, configPath, {
    jvmOptions: options.jvmOptions, logLevel: options.logLevel, logDir: options.logDir, systemProperties: options.systemProperties,
  });
  const child = spawn(install.javaPath, args, {
    detached: options.detached ?? false,
    stdio: ['ignore', log.stdio(), log.stdio()],
  });
  log.attach(child);
  const exited = new Promise<ZooKeeperExit>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
    // A process that never started emits 'error' and no 'exit'.
    child.once('error', () => { if (child.pid === undefined) resolve({ code: null, signal: null }); });
  });
  const spawnError = new Promise<Error>((resolve) => child.once('error', resolve));
  if (!options.detached) killChildrenOnExit(child);

  const proc = makeHandle(child, config, configPath, logFile, log, exited);
  try {
    await waitUntilServing(config.clientPort, options.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS, exited, spawnError, log);
  } catch (err) {
    if (proc.isRunning()) await proc.kill();
    throw err;
  }
  return proc;
}

function makeHandle(child: ChildProcess, config: EffectiveConfig, configPath: string, logFile: string | null,
  log: ConsoleLog, exited: Promise<ZooKeeperExit>): ZooKeeperProcess {
  let running = true;
  void exited.then(() => { running = false; });
  const signalAndWait = async (signal: NodeJS.Signals, timeoutMs: number): Promise<ZooKeeperExit> => {
    if (!running) return exited;
    child.kill(signal);
    const timer = setTimeout(() => { if (running) child.kill('SIGKILL'); }, timeoutMs);
    const result = await exited;
    clearTimeout(timer);
    return result;
  };
  return {
    pid: child.pid ?? -1,
    clientPort: config.clientPort,
    dataDir: config.dataDir,
    configPath,
    logFile,
    exited,
    isRunning: () => running,
    logTail: (lines = 40) => log.tail(lines),
    stop: (timeoutMs = 10000) => signalAndWait('SIGTERM', timeoutMs),
    kill: () => signalAndWait('SIGKILL', 5000),
    detach: () => {
      liveChildren.delete(child);
      log.detach();
      child.unref();
    },
  };
}

async function waitUntilServing(port: number, timeoutMs: number, exited: Promise<ZooKeeperExit>, spawnError: Promise<Error>, log: ConsoleLog): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let outcome: string | null = null;
  void exited.then((e) => { outcome = `ZooKeeper exited (${e.signal ?? `code ${e.code}`}) before it started serving on port ${port}`; });
  void spawnError.then((e) => { outcome = `Could not run Java for ZooKeeper: ${e.message}`; });
  while (Date.now() < deadline) {
    if (outcome) throw new ZooKeeperStartError(outcome, log.tail(40));
    const reply = await fourLetterWord('127.0.0.1', port, 'srvr', 1000).catch(() => '');
    if (reply.startsWith('Zookeeper version') && !outcome) return;
    await sleep(PROBE_INTERVAL_MS);
  }
  if (outcome) throw new ZooKeeperStartError(outcome, log.tail(40));
  throw new ZooKeeperStartError(`ZooKeeper did not start serving on port ${port} within ${timeoutMs} ms`, log.tail(40));
}

/** Sends a four-letter command (srvr, ruok, mntr...) and returns the whole reply. */
export function fourLetterWord(host: string, port: number, command: string, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port });
    const chunks: Buffer[] = [];
    socket.setTimeout(timeoutMs, () => socket.destroy(new Error(`no reply to '${command}' within ${timeoutMs} ms`)));
    socket.on('connect', () => socket.end(command));
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}

/** ZooKeeper's console output: appended to a file, or kept (last lines) in memory. */
class ConsoleLog {
  private readonly fd: number | null;
  private lines: string[] = [];
  private partial = '';
  private detached = false;

  constructor(private readonly file: string | null, private readonly echo: NodeJS.WritableStream | null) {
    if (file) fs.mkdirSync(path.dirname(file), { recursive: true });
    this.fd = file ? fs.openSync(file, 'a') : null;
  }

  stdio(): 'pipe' | number {
    return this.fd ?? 'pipe';
  }

  attach(child: ChildProcess): void {
    if (this.fd !== null) {
      fs.closeSync(this.fd); // the child holds its own copy
      return;
    }
    const collect = (chunk: Buffer): void => {
      if (this.detached) return;
      this.echo?.write(chunk);
      const text = this.partial + chunk.toString('utf8');
      const parts = text.split('\n');
      this.partial = parts.pop() ?? '';
      this.lines.push(...parts);
      if (this.lines.length > TAIL_LINES_KEPT) this.lines = this.lines.slice(-TAIL_LINES_KEPT);
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
  }

  detach(): void {
    this.detached = true;
  }

  tail(count: number): string {
    if (this.file) {
      try {
        const text = fs.readFileSync(this.file, 'utf8');
        return text.split('\n').filter((l, i, all) => l !== '' || i < all.length - 1).slice(-count).join('\n');
      } catch {
        return '';
      }
    }
    return [...this.lines, ...(this.partial ? [this.partial] : [])].slice(-count).join('\n');
  }
}
