/**
 * The peers' servers, started by the side-by-side benchmark when their Debian package is
 * installed: each on free ports, with a temp data dir, in its own process group owned by the
 * bench, and stopped at the end (a failed run and Ctrl-C included: see stopAllOnExit).
 */
import { ChildProcess, spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { freePort, portOpen, tempDir } from '../../test/helpers/cluster';
import { waitUntil } from '../../test/helpers/wait';

export interface PeerServer {
  readonly port: number;
  readonly version: string;
  stop(): Promise<void>;
}

/** What to tell a user when a peer's binary is missing. */
export const INSTALL_HINT = {
  redis: 'apt-get install -y redis-server',
  nats: 'apt-get install -y nats-server',
  rabbitmq: 'apt-get install -y rabbitmq-server',
  kcat: 'apt-get install -y kcat',
} as const;

const live = new Set<ChildProcess>();
const liveDirs = new Set<string>();

function peerDir(prefix: string): string {
  const dir = tempDir(prefix);
  liveDirs.add(dir);
  return dir;
}

function killAll(): void {
  for (const child of live) killGroup(child, 'SIGKILL');
  for (const dir of liveDirs) fs.rmSync(dir, { recursive: true, force: true });
}

/** The absolute path of an executable in `firstDirs`, else on PATH (or in /usr/sbin, /sbin), or null. */
export function findExecutable(name: string, firstDirs: string[] = []): string | null {
  for (const dir of [...firstDirs, ...(process.env.PATH ?? '').split(':'), '/usr/sbin', '/sbin']) {
    if (!dir) continue;
    const file = path.join(dir, name);
    try {
      fs.accessSync(file, fs.constants.X_OK);
      return file;
    } catch { /* not here */ }
  }
  return null;
}

/** The installed Debian package's version, else null (a server built by hand has no package). */
export function debianVersion(pkg: string): string | null {
  const r = spawnSync('dpkg-query', ['-W', '-f=${Version}', pkg], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.trim() ? r.stdout.trim() : null;
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    process.kill(-child.pid!, signal);
  } catch { /* already gone */ }
}

/** Children are leaders of their own process group so that a stop reaches what they spawned. */
function startOwned(command: string, args: string[], env: NodeJS.ProcessEnv, logFile: string): ChildProcess {
  const out = fs.openSync(logFile, 'a');
  const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['ignore', out, out], detached: true });
  fs.closeSync(out);
  live.add(child);
  child.once('exit', () => live.delete(child));
  return child;
}

async function stopOwned(child: ChildProcess, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) {
    killGroup(child, 'SIGKILL');
    return;
  }
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  killGroup(child, 'SIGTERM');
  const timer = setTimeout(() => killGroup(child, 'SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
  killGroup(child, 'SIGKILL');
}

/** A process that exits while we wait for its port fails the wait with its log's tail. */
async function waitForPort(name: string, child: ChildProcess, port: number, logFile: string, timeoutMs: number): Promise<void> {
  await waitUntil(`${name} to listen on ${port}`, async () => {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`${name} exited while starting:\n${fs.readFileSync(logFile, 'utf8').slice(-2000)}`);
    }
    return portOpen(port);
  }, timeoutMs, 100);
}

/** Kills every server still running, and removes its data dir, when the bench exits or is interrupted. */
export function stopAllOnExit(): void {
  process.once('exit', killAll);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      killAll();
      process.exit(130);
    });
  }
}

function ownedServer(port: number, version: string, children: ChildProcess[], dir: string, graceMs = 10000): PeerServer {
  return {
    port,
    version,
    async stop() {
      for (const child of children) await stopOwned(child, graceMs);
      fs.rmSync(dir, { recursive: true, force: true });
      liveDirs.delete(dir);
    },
  };
}

/** Redis with AOF `appendfsync everysec` (`aof`) or no persistence at all (`none`). */
export async function startRedis(persistence: 'aof' | 'none'): Promise<PeerServer | null> {
  const bin = findExecutable('redis-server');
  if (!bin) return null;
  const dir = peerDir('peers-redis');
  const port = await freePort();
  const log = path.join(dir, 'redis.log');
  const child = startOwned(bin, ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '',
    '--appendonly', persistence === 'aof' ? 'yes' : 'no', '--appendfsync', 'everysec', '--daemonize', 'no'], {}, log);
  await waitForPort('redis-server', child, port, log, 30000);
  const version = /v=(\S+)/.exec(spawnSync(bin, ['--version'], { encoding: 'utf8' }).stdout)?.[1] ?? 'unknown';
  return ownedServer(port, version, [child], dir);
}

/** nats-server with JetStream, file storage in a temp dir. */
export async function startNats(): Promise<PeerServer | null> {
  const bin = findExecutable('nats-server');
  if (!bin) return null;
  const dir = peerDir('peers-nats');
  const port = await freePort();
  const log = path.join(dir, 'nats.log');
  const child = startOwned(bin, ['-js', '-a', '127.0.0.1', '-p', String(port), '-sd', dir], {}, log);
  await waitForPort('nats-server', child, port, log, 30000);
  const version = /v(\d\S*)/.exec(spawnSync(bin, ['--version'], { encoding: 'utf8' }).stdout)?.[1] ?? 'unknown';
  return ownedServer(port, version, [child], dir);
}

/**
 * A RabbitMQ node of its own (name, data and log dirs, config, and an epmd on a free port, so
 * nothing touches a RabbitMQ the machine may run) with the stream plugin; resolves once the
 * stream port listens. Starting takes 10–30 s.
 */
export async function startRabbitMq(): Promise<PeerServer | null> {
  // Debian's /usr/sbin/rabbitmq-server switches to the rabbitmq user; the script it wraps runs
  // the node as whoever we are, which can write our temp dir.
  const bin = findExecutable('rabbitmq-server', ['/usr/lib/rabbitmq/bin']);
  const epmd = findExecutable('epmd');
  if (!bin || !epmd) return null;
  const dir = peerDir('peers-rabbitmq');
  const [streamPort, amqpPort, distPort, epmdPort] = [await freePort(), await freePort(), await freePort(), await freePort()];
  fs.writeFileSync(path.join(dir, 'rabbitmq.conf'), [
    `listeners.tcp.default = ${amqpPort}`,
    `stream.listeners.tcp.default = ${streamPort}`,
    'stream.advertised_host = 127.0.0.1',
    `stream.advertised_port = ${streamPort}`,
    'loopback_users = none',
    '',
  ].join('\n'));
  fs.writeFileSync(path.join(dir, 'enabled_plugins'), '[rabbitmq_stream].\n');
  const log = path.join(dir, 'rabbitmq.log');
  for (const sub of ['mnesia', 'log']) fs.mkdirSync(path.join(dir, sub));
  // Should the node still run as another user (a layout with only the wrapper), it can write here.
  for (const sub of ['', 'mnesia', 'log']) fs.chmodSync(path.join(dir, sub), 0o777);
  const epmdChild = startOwned(epmd, ['-port', String(epmdPort)], {}, log);
  const env = {
    ERL_EPMD_PORT: String(epmdPort),
    RABBITMQ_NODENAME: `samsa-bench-${process.pid}@localhost`,
    RABBITMQ_MNESIA_BASE: path.join(dir, 'mnesia'),
    RABBITMQ_LOG_BASE: path.join(dir, 'log'),
    RABBITMQ_CONFIG_FILE: path.join(dir, 'rabbitmq.conf'),
    RABBITMQ_ENABLED_PLUGINS_FILE: path.join(dir, 'enabled_plugins'),
    RABBITMQ_DIST_PORT: String(distPort),
    RABBITMQ_PID_FILE: path.join(dir, 'rabbitmq.pid'),
    HOME: process.env.HOME ?? os.homedir(),
  };
  const server = startOwned(bin, [], env, log);
  const owned = ownedServer(streamPort, debianVersion('rabbitmq-server') ?? 'unknown', [server, epmdChild], dir, 30000);
  try {
    await waitForPort('rabbitmq-server', server, streamPort, log, 120000);
  } catch (err) {
    await owned.stop();
    throw err;
  }
  return owned;
}
