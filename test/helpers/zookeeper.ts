/**
 * A real ZooKeeper for integration tests: a fresh JVM on a free port with a temp data dir.
 *
 * Tuned for start time rather than durability (lib/zk/throwaway-zookeeper.ts, shared with
 * samsa/testing). Every server started here is killed and its directory removed when the test
 * process exits, even if a test forgets `stop()`.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { startZooKeeperProcess, ZooKeeperProcess, ZooKeeperStartError } from '../../lib/zk/local-zookeeper';
import { THROWAWAY_JVM_OPTIONS, throwawayZooKeeperProperties } from '../../lib/zk/throwaway-zookeeper';
import { freePort } from '../../lib/testing/free-port';

export interface TestZooKeeper {
  /** `127.0.0.1:<port>`; append a chroot (`/samsa`) if the test wants one. */
  readonly connectString: string;
  readonly port: number;
  readonly dataDir: string;
  /** The JVM's pid (changes after `restart()`). */
  readonly pid: number;
  /** Clean shutdown, then the temp directory is removed. */
  stop(): Promise<void>;
  /** SIGKILL; the data stays so `restart()` brings the same ensemble state back. */
  kill(): Promise<void>;
  /** Starts the server again on the same port and data dir (after `kill()`). */
  restart(): Promise<void>;
  /** SIGSTOP: the server stops answering but keeps its sockets, like a long GC pause. */
  pause(): void;
  /** SIGCONT after `pause()`. */
  resume(): void;
  logTail(lines?: number): string;
}

export interface TestZooKeeperOptions {
  tickTimeMs?: number;
}

export const TEST_JVM_OPTIONS = THROWAWAY_JVM_OPTIONS;

const tempDirs = new Set<string>();
const running = new Set<ZooKeeperProcess>();
let cleanupInstalled = false;

const SIGNAL_EXIT_CODES: Readonly<Record<string, number>> = { SIGHUP: 129, SIGINT: 130, SIGTERM: 143 };

/**
 * local-zookeeper's exit hook SIGKILLs the JVMs on a normal exit; a signal (a CI timeout killing
 * mocha) skips 'exit' handlers, so signals get the same treatment here, then end the process
 * as the default action would have.
 */
function installCleanup(): void {
  if (cleanupInstalled) return;
  cleanupInstalled = true;
  process.once('exit', () => {
    for (const d of tempDirs) fs.rmSync(d, { recursive: true, force: true });
  });
  for (const signal of Object.keys(SIGNAL_EXIT_CODES) as NodeJS.Signals[]) {
    process.once(signal, () => {
      for (const proc of running) {
        try { process.kill(proc.pid, 'SIGKILL'); } catch { /* already gone */ }
      }
      if (process.listenerCount(signal) === 0) process.exit(SIGNAL_EXIT_CODES[signal]);
    });
  }
}

function makeTempDir(): string {
  installCleanup();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'samsa-zk-'));
  tempDirs.add(dir);
  return dir;
}

export { freePort };

async function launch(root: string, port: number, tickTimeMs: number): Promise<ZooKeeperProcess> {
  const proc = await startZooKeeperProcess({
    dataDir: path.join(root, 'data'),
    clientPort: port,
    logDir: root,
    jvmOptions: TEST_JVM_OPTIONS,
    readyTimeoutMs: 30000,
    properties: throwawayZooKeeperProperties(tickTimeMs),
  });
  running.add(proc);
  void proc.exited.then(() => running.delete(proc));
  return proc;
}

export async function startTestZooKeeper(options: TestZooKeeperOptions = {}): Promise<TestZooKeeper> {
  const tickTimeMs = options.tickTimeMs ?? 500;
  const root = makeTempDir();
  let port = 0;
  let proc: ZooKeeperProcess | null = null;
  for (let attempt = 0; proc === null; attempt++) {
    port = await freePort();
    try {
      proc = await launch(root, port, tickTimeMs);
    } catch (err) {
      // Another process may grab the port between freePort() and the JVM binding it.
      const portTaken = err instanceof ZooKeeperStartError && /Address already in use/i.test(err.logTail);
      if (!portTaken || attempt >= 2) throw err;
    }
  }
  let current: ZooKeeperProcess = proc;
  return {
    connectString: `127.0.0.1:${port}`,
    port,
    dataDir: current.dataDir,
    get pid() { return current.pid; },
    async stop() {
      if (current.isRunning()) process.kill(current.pid, 'SIGCONT'); // a paused JVM cannot act on SIGTERM
      await current.stop(10000);
      fs.rmSync(root, { recursive: true, force: true });
      tempDirs.delete(root);
    },
    async kill() {
      await current.kill();
    },
    async restart() {
      if (current.isRunning()) throw new Error('restart() needs the server stopped first (kill())');
      current = await launch(root, port, tickTimeMs);
    },
    pause() {
      if (current.isRunning()) process.kill(current.pid, 'SIGSTOP');
    },
    resume() {
      if (current.isRunning()) process.kill(current.pid, 'SIGCONT');
    },
    logTail(lines = 40) {
      return current.logTail(lines);
    },
  };
}
