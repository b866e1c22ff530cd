/**
 * `samsa-server-start -daemon`: starts the broker as a detached child process and returns only
 * once the outcome is known, so `samsa-server-start -daemon ... && next-step` is safe:
 *   - exit 0 once the broker has registered and serves (the child says so over an IPC channel,
 *     which does not depend on the log level, unlike waiting for a log line);
 *   - exit 1 with the broker's last console lines as soon as it dies while starting;
 *   - exit 1 if it is not ready within SAMSA_DAEMON_START_TIMEOUT_MS (default 60 s). That broker
 *     is left running (it may only be recovering a large log) and the message says how to stop it.
 * The child's console output goes to samsaServer.out in the logs directory (logs.dir, else
 * $LOG_DIR, else ./logs). Being detached, it has its own session: no SIGHUP when the terminal goes.
 */
import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { loadBrokerConfig } from '../config/broker-config';
import { mergeProperties, parseOverrides, readPropertiesFile } from '../config/properties';
import { lastLines } from './file-tail';

/** Set in the child's environment: "report readiness to the parent over IPC". */
const READY_CHANNEL_ENV = 'SAMSA_DAEMON_READY_CHANNEL';
export const START_TIMEOUT_ENV = 'SAMSA_DAEMON_START_TIMEOUT_MS';
const DEFAULT_START_TIMEOUT_MS = 60000;
const CONSOLE_FILE_NAME = 'samsaServer.out';

interface ReadyMessage {
  type: 'samsa-broker-ready';
  port: number;
}

type Outcome =
  | { kind: 'ready'; port: number }
  | { kind: 'exited'; code: number | null; signal: NodeJS.Signals | null }
  | { kind: 'not-started'; error: Error }
  | { kind: 'timeout' };

export async function startDaemon(configFile: string, overrides: readonly string[]): Promise<number> {
  let brokerId: number;
  let outFile: string;
  let timeoutMs: number;
  try {
    // Checked here too, so a bad value is reported in the terminal and not only in a log file.
    brokerId = loadBrokerConfig(configFile, overrides).config.brokerId;
    outFile = path.join(consoleOutputDir(configFile, overrides), CONSOLE_FILE_NAME);
    timeoutMs = startTimeoutMs();
    fs.mkdirSync(path.dirname(outFile), { recursive: true });
  } catch (err) {
    process.stderr.write(`error: ${(err as Error).message}\n`);
    return 1;
  }
  const outFd = fs.openSync(outFile, 'w');
  const child = spawn(process.execPath, [...process.execArgv, path.join(__dirname, 'server-start.js'), configFile,
    ...overrides.flatMap((o) => ['--override', o])], {
    detached: true,
    stdio: ['ignore', outFd, outFd, 'ipc'],
    env: { ...process.env, [READY_CHANNEL_ENV]: '1' },
  });
  fs.closeSync(outFd);
  const outcome = await waitForOutcome(child, timeoutMs);
  // Let this process exit while the broker goes on.
  if (child.connected) child.disconnect();
  child.unref();
  const name = `Samsa broker ${brokerId}`;
  switch (outcome.kind) {
    case 'ready':
      process.stdout.write(`${name} started in the background (pid ${child.pid}), listening on port ${outcome.port}; console output in ${outFile}\n`);
      return 0;
    case 'exited': {
      const how = outcome.signal !== null ? `was killed by ${outcome.signal}` : `exited with code ${outcome.code}`;
      process.stderr.write(`${name} failed to start: it ${how}. Last lines of ${outFile}:\n${lastLines(outFile)}\n`);
      return 1;
    }
    case 'not-started':
      process.stderr.write(`error: could not start ${name}: ${outcome.error.message}\n`);
      return 1;
    case 'timeout':
      process.stderr.write(`${name} (pid ${child.pid}) was not ready within ${timeoutMs / 1000} s; it is still running ` +
        `(stop it with bin/samsa-server-stop --node-id ${brokerId}). Last lines of ${outFile}:\n${lastLines(outFile)}\n`);
      return 1;
  }
}

/**
 * In the broker process, once it serves: tells a waiting `-daemon` parent, then drops the channel
 * so the parent can exit. Does nothing in a broker started in the foreground.
 */
export function reportReadyToDaemonParent(port: number): void {
  if (process.env[READY_CHANNEL_ENV] === undefined || process.send === undefined) return;
  delete process.env[READY_CHANNEL_ENV];
  const message: ReadyMessage = { type: 'samsa-broker-ready', port };
  // The callback also runs with an error when the parent has already gone; either way we are done with it.
  process.send(message, undefined, {}, () => {
    if (process.connected) process.disconnect();
  });
}

function waitForOutcome(child: ChildProcess, timeoutMs: number): Promise<Outcome> {
  return new Promise((resolve) => {
    const finish = (outcome: Outcome): void => {
      clearTimeout(timer);
      child.removeAllListeners('message');
      child.removeAllListeners('exit');
      child.removeAllListeners('error');
      resolve(outcome);
    };
    const timer = setTimeout(() => finish({ kind: 'timeout' }), timeoutMs);
    child.on('message', (m: Partial<ReadyMessage>) => {
      if (m?.type === 'samsa-broker-ready' && typeof m.port === 'number') finish({ kind: 'ready', port: m.port });
    });
    child.once('exit', (code, signal) => finish({ kind: 'exited', code, signal }));
    child.once('error', (error) => finish({ kind: 'not-started', error }));
  });
}

/** logs.dir when configured (where server.log goes too), else $LOG_DIR, else ./logs, as before. */
function consoleOutputDir(configFile: string, overrides: readonly string[]): string {
  const props = mergeProperties(readPropertiesFile(configFile), parseOverrides(overrides));
  const configured = props.get('logs.dir') ?? props.get('log.dir.logs');
  return path.resolve(configured ?? process.env.LOG_DIR ?? 'logs');
}

function startTimeoutMs(): number {
  const raw = process.env[START_TIMEOUT_ENV];
  if (raw === undefined || raw.trim() === '') return DEFAULT_START_TIMEOUT_MS;
  const ms = Number(raw);
  if (!Number.isInteger(ms) || ms <= 0) throw new Error(`${START_TIMEOUT_ENV} must be a positive number of milliseconds, not '${raw}'`);
  return ms;
}

