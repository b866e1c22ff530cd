/**
 * `zookeeper-server start [-daemon] [zookeeper.properties]` and `zookeeper-server stop [file]`:
 * the logic behind bin/zookeeper-server-start and bin/zookeeper-server-stop.
 *
 * Like Kafka's scripts, start runs ZooKeeper in the foreground unless `-daemon` is given, in
 * which case it detaches and writes the console output to $LOG_DIR/zookeeper.out. Unlike them,
 * start waits until the server answers before returning (or reports why it did not), and stop
 * only signals servers this launcher started: each JVM carries a `-Dsamsa.zookeeper.config=`
 * marker and its pid is kept in `<dataDir>/zookeeper_server.pid`, so test servers and unrelated
 * ZooKeepers on the same machine are left alone.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { sleep } from '../util/time';
import { SAMSA_VERSION } from '../util/version';
import { findZooKeeperInstallation, resolveZooKeeperConfig, startZooKeeperProcess, ZooKeeperProcess } from '../zk/local-zookeeper';
import { runMain } from './options';

const USAGE = 'USAGE: zookeeper-server-start [-daemon] [zookeeper.properties]\n       zookeeper-server-stop [zookeeper.properties]';
const MARKER = 'samsa.zookeeper.config';
export const PID_FILE_NAME = 'zookeeper_server.pid';
const STOP_TIMEOUT_MS = 30000;
const SAMSA_HOME = path.resolve(__dirname, '..', '..', '..');

export interface ZooKeeperServerArgs {
  command: 'start' | 'stop';
  daemon: boolean;
  configFile: string | null;
}

export function parseZooKeeperServerArgs(argv: readonly string[]): ZooKeeperServerArgs {
  const [command, ...rest] = argv;
  if (command !== 'start' && command !== 'stop') throw new Error(USAGE);
  let daemon = false;
  let configFile: string | null = null;
  for (const arg of rest) {
    if (arg === '-daemon' || arg === '--daemon') {
      if (command === 'stop') throw new Error(`-daemon only applies to start\n${USAGE}`);
      daemon = true;
    } else if (arg === '-h' || arg === '--help') {
      throw new Error(USAGE);
    } else if (arg.startsWith('-')) {
      throw new Error(`unknown option ${arg}\n${USAGE}`);
    } else if (configFile === null) {
      configFile = arg;
    } else {
      throw new Error(`unexpected argument ${arg}\n${USAGE}`);
    }
  }
  return { command, daemon, configFile };
}

function defaultConfigFile(): string {
  return path.join(SAMSA_HOME, 'config', 'zookeeper.properties');
}

function splitOpts(value: string | undefined, fallback: string[]): string[] {
  return value === undefined ? fallback : value.split(/\s+/).filter(Boolean);
}

/** True when `pid` is alive and is a ZooKeeper JVM (guards against recycled pids). */
export function isZooKeeperPid(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('QuorumPeerMain');
  } catch {
    try {
      return execFileSync('ps', ['-ww', '-p', String(pid), '-o', 'args='], { encoding: 'utf8' }).includes('QuorumPeerMain');
    } catch {
      return false;
    }
  }
}

/** Pids of ZooKeepers started by this launcher, optionally only those of one config file. */
export function findLaunchedZooKeepers(configFile?: string): number[] {
  let listing: string;
  try {
    listing = execFileSync('ps', ['-ww', '-eo', 'pid=,args='], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  } catch {
    return [];
  }
  const wanted = configFile ? `-D${MARKER}=${path.resolve(configFile)} ` : `-D${MARKER}=`;
  return listing.split('\n')
    .map((line) => line.trim())
    .filter((line) => line.includes('QuorumPeerMain') && `${line} `.includes(wanted))
    .map((line) => Number(line.split(/\s+/, 1)[0]))
    .filter((pid) => Number.isInteger(pid) && pid !== process.pid);
}

function readPidFile(pidFile: string): number | null {
  try {
    const pid = Number(fs.readFileSync(pidFile, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

async function start(args: ZooKeeperServerArgs): Promise<number> {
  const configFile = path.resolve(args.configFile ?? defaultConfigFile());
  const installation = findZooKeeperInstallation();
  const config = resolveZooKeeperConfig({ configFile });
  const pidFile = path.join(config.dataDir, PID_FILE_NAME);
  const running = readPidFile(pidFile);
  if (running !== null && isZooKeeperPid(running)) {
    process.stderr.write(`error: ZooKeeper is already running for ${config.dataDir} (pid ${running}); stop it with bin/zookeeper-server-stop\n`);
    return 1;
  }
  const logDir = path.resolve(process.env.LOG_DIR ?? 'logs');
  const common = {
    configFile,
    installation,
    jvmOptions: [...splitOpts(process.env.ZOOKEEPER_HEAP_OPTS, ['-Xmx512M', '-Xms512M']), ...splitOpts(process.env.ZOOKEEPER_JVM_OPTS, [])],
    logLevel: process.env.ZOOKEEPER_LOG_LEVEL ?? 'info',
    systemProperties: { [MARKER]: configFile },
    readyTimeoutMs: 60000,
  };
  if (args.daemon) {
    const proc = await startZooKeeperProcess({ ...common, logDir, detached: true });
    fs.writeFileSync(pidFile, `${proc.pid}\n`);
    proc.detach();
    process.stdout.write(`ZooKeeper started (pid ${proc.pid}), serving on port ${proc.clientPort}, data in ${proc.dataDir}; ` +
      `console output in ${proc.logFile}\n`);
    return 0;
  }
  return runInForeground(() => startZooKeeperProcess({ ...common, echoTo: process.stdout }), pidFile);
}

/** Runs the server as our child, passing termination signals on and exiting when it does. */
async function runInForeground(launch: () => Promise<ZooKeeperProcess>, pidFile: string): Promise<number> {
  let proc: ZooKeeperProcess | null = null;
  let stopRequested = false;
  const onSignal = (): void => {
    stopRequested = true;
    void proc?.stop(STOP_TIMEOUT_MS);
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, onSignal);
  proc = await launch();
  fs.writeFileSync(pidFile, `${proc.pid}\n`);
  if (stopRequested) void proc.stop(STOP_TIMEOUT_MS);
  const exit = await proc.exited;
  if (readPidFile(pidFile) === proc.pid) fs.rmSync(pidFile, { force: true });
  // SIGTERM/SIGINT is how ZooKeeper is meant to be stopped: a clean exit.
  const signalled = exit.signal === 'SIGTERM' || exit.signal === 'SIGINT' || exit.code === 143 || exit.code === 130;
  return stopRequested || signalled ? 0 : exit.code ?? 1;
}

async function stop(args: ZooKeeperServerArgs): Promise<number> {
  const pids = new Set<number>();
  const pidFiles: string[] = [];
  if (args.configFile) {
    const config = resolveZooKeeperConfig({ configFile: args.configFile });
    const pidFile = path.join(config.dataDir, PID_FILE_NAME);
    pidFiles.push(pidFile);
    const pid = readPidFile(pidFile);
    if (pid !== null && isZooKeeperPid(pid)) pids.add(pid);
    for (const found of findLaunchedZooKeepers(args.configFile)) pids.add(found);
  } else {
    for (const found of findLaunchedZooKeepers()) pids.add(found);
  }
  if (pids.size === 0) {
    process.stdout.write('No zookeeper server to stop\n');
    return 1;
  }
  for (const pid of pids) {
    try { process.kill(pid, 'SIGTERM'); } catch { /* exited meanwhile */ }
  }
  const deadline = Date.now() + STOP_TIMEOUT_MS;
  let alive = [...pids];
  while (alive.length > 0 && Date.now() < deadline) {
    await sleep(100);
    alive = alive.filter(isZooKeeperPid);
  }
  for (const pidFile of pidFiles) {
    const pid = readPidFile(pidFile);
    if (pid !== null && !isZooKeeperPid(pid)) fs.rmSync(pidFile, { force: true });
  }
  if (alive.length > 0) {
    process.stderr.write(`error: ZooKeeper (pid ${alive.join(', ')}) did not stop within ${STOP_TIMEOUT_MS / 1000} s\n`);
    return 1;
  }
  return 0;
}

export async function main(argv: readonly string[]): Promise<number> {
  // The bin scripts put start/stop first, so `zookeeper-server-start --version` arrives as this.
  if (argv.length === 2 && argv[1] === '--version') {
    process.stdout.write(`${SAMSA_VERSION}\n`);
    return 0;
  }
  try {
    const args = parseZooKeeperServerArgs(argv);
    return args.command === 'start' ? await start(args) : await stop(args);
  } catch (err) {
    // ZooKeeperNotInstalledError and ZooKeeperStartError messages already say what to do.
    process.stderr.write(`error: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}

if (require.main === module) runMain(main);
