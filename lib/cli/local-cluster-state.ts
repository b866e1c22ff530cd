/**
 * What a `samsa-local-cluster` started, and the process plumbing around it: the state file
 * (`local-cluster.json` in the cluster's directory), whether a recorded pid is still our process,
 * free-port checks, stopping with a grace period, and the last lines of a log.
 *
 * A pid alone is not proof: after a reboot or a long time another process may have it. Each
 * process is therefore recognised by its command line, which names a file inside the cluster's
 * directory (the ZooKeeper's generated config, the broker's server.properties), the same guard
 * zookeeper-server-stop uses.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as path from 'path';
import { sleep } from '../util/time';

export const STATE_FILE_NAME = 'local-cluster.json';
const STATE_VERSION = 1;

export interface ProcessRecord {
  role: 'zookeeper' | 'broker';
  id: number;
  pid: number;
  /** The client port (ZooKeeper) or native listener port (broker). */
  port: number;
  /** For a broker: its HTTP port (/ready, console). */
  httpPort?: number;
  /** A string the process's command line contains, proving the pid is still ours. */
  marker: string;
  logFile: string;
}

export interface ClusterState {
  version: number;
  startedAt: string;
  zookeeperConnect: string;
  bootstrapServers: string;
  processes: ProcessRecord[];
}

export function stateFile(dir: string): string {
  return path.join(dir, STATE_FILE_NAME);
}

export function writeState(dir: string, state: Omit<ClusterState, 'version'>): void {
  fs.mkdirSync(dir, { recursive: true });
  const file = stateFile(dir);
  const tmp = `${file}.tmp`;
  fs.writeFileSync(tmp, `${JSON.stringify({ version: STATE_VERSION, ...state }, null, 2)}\n`);
  fs.renameSync(tmp, file);
}

/** The recorded cluster, or null when there is none; a damaged file is an error that names it. */
export function readState(dir: string): ClusterState | null {
  const file = stateFile(dir);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  let state: ClusterState;
  try {
    state = JSON.parse(text) as ClusterState;
  } catch (err) {
    throw new Error(`${file} is not valid JSON (${(err as Error).message}); remove it if no cluster runs there`);
  }
  if (state.version !== STATE_VERSION || !Array.isArray(state.processes)) {
    throw new Error(`${file} is not a samsa-local-cluster state file of version ${STATE_VERSION}; remove it if no cluster runs there`);
  }
  return state;
}

export function removeState(dir: string): void {
  fs.rmSync(stateFile(dir), { force: true });
}

/** True when `pid` is alive and its command line contains `marker`. */
export function isOurProcess(pid: number, marker: string): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    // EPERM: alive but someone else's, so not ours.
    return false;
  }
  let cmdline: string;
  try {
    cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch {
    try {
      cmdline = execFileSync('ps', ['-ww', '-p', String(pid), '-o', 'args='], { encoding: 'utf8' });
    } catch {
      return false;
    }
  }
  return cmdline.includes(marker);
}

/**
 * SIGTERM, then SIGKILL if the process is still there after `graceMs`. Resolves true when it
 * went within the grace period. A process that is not (or no longer) ours is left alone.
 */
export async function terminate(record: ProcessRecord, graceMs: number): Promise<boolean> {
  if (!isOurProcess(record.pid, record.marker)) return true;
  signal(record.pid, 'SIGCONT'); // a stopped (SIGSTOP) process cannot act on SIGTERM
  signal(record.pid, 'SIGTERM');
  if (await waitForExit(record, graceMs)) return true;
  signal(record.pid, 'SIGKILL');
  await waitForExit(record, 5000);
  return false;
}

export async function waitForExit(record: ProcessRecord, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (isOurProcess(record.pid, record.marker)) {
    if (Date.now() >= deadline) return false;
    await sleep(100);
  }
  return true;
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // Gone meanwhile.
  }
}

/** Resolves null when `port` can be bound on `host` right now, else the error code (EADDRINUSE, EACCES). */
export function portUnavailable(host: string, port: number): Promise<string | null> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.unref();
    server.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolve(null)));
  });
}

