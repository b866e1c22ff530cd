/**
 * The child process that runs a test cluster's ZooKeeper: `node zookeeper-child.js <options json>`.
 *
 * A JVM cannot notice its parent dying, so this small Node process sits between the test runner
 * and Java: when the runner goes away (even by SIGKILL) the IPC channel closes, and this process
 * SIGKILLs the JVM (local-zookeeper's exit hook) and removes the cluster's temp directory, which
 * the brokers (also exiting) no longer need.
 */
import * as fs from 'fs';
import * as path from 'path';
import { startZooKeeperProcess, ZooKeeperProcess, ZooKeeperStartError } from '../zk/local-zookeeper';
import { THROWAWAY_JVM_OPTIONS, throwawayZooKeeperProperties } from '../zk/throwaway-zookeeper';
import { watchParent } from './child-watchdog';
import { freePort } from './free-port';

export interface ZooKeeperChildOptions {
  /** The data dir and console log go under here. */
  dir: string;
  /** Removed when the parent dies without stopping the cluster. */
  cleanupDir: string;
}

const PORT_ATTEMPTS = 3;

function launch(dir: string, port: number): Promise<ZooKeeperProcess> {
  return startZooKeeperProcess({
    dataDir: path.join(dir, 'data'),
    clientPort: port,
    logDir: dir,
    jvmOptions: THROWAWAY_JVM_OPTIONS,
    readyTimeoutMs: 30000,
    properties: throwawayZooKeeperProperties(),
  });
}

async function run(options: ZooKeeperChildOptions): Promise<void> {
  let proc: ZooKeeperProcess | null = null;
  const link = watchParent(() => {
    // process.exit runs local-zookeeper's hook, which SIGKILLs the JVM.
    fs.rmSync(options.cleanupDir, { recursive: true, force: true });
    process.exit(1);
  }, () => {
    // The data is about to be deleted: no need for ZooKeeper's clean shutdown.
    void (proc?.kill() ?? Promise.resolve()).finally(() => process.exit(0));
  });
  try {
    for (let attempt = 1; proc === null; attempt++) {
      const port = await freePort();
      try {
        proc = await launch(options.dir, port);
      } catch (err) {
        // Another process may take the port between freePort() and the JVM binding it.
        const portTaken = err instanceof ZooKeeperStartError && /Address already in use/i.test(err.logTail);
        if (!portTaken || attempt >= PORT_ATTEMPTS) throw err;
      }
    }
  } catch (err) {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    link.send({ type: 'failed', message: err instanceof Error ? err.message : String(err) });
    process.exit(1);
  }
  link.send({ type: 'ready', ports: { client: proc.clientPort }, pid: proc.pid });
  const exit = await proc.exited;
  // The JVM died under us (not stopped by the parent): say so, and end.
  process.stderr.write(`ZooKeeper exited (${exit.signal ?? `code ${exit.code}`})\n`);
  process.exit(1);
}

if (require.main === module) void run(JSON.parse(process.argv[2] ?? '{}') as ZooKeeperChildOptions);
