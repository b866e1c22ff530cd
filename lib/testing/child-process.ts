/**
 * Starts one of samsa/testing's child processes (ZooKeeper's launcher, a broker) and waits for its
 * 'ready' message. Output is kept (last lines) so a child that fails to start rejects with what it
 * printed. Handles are unref'd: a test suite that forgets `stop()` still exits, and its children
 * follow it through the closed IPC channel (child-watchdog.ts).
 */
import { ChildProcess, spawn } from 'child_process';
import { ChildMessage, ParentMessage } from './child-watchdog';

const TAIL_LINES_KEPT = 200;

export class ChildStartError extends Error {
  readonly code = 'TEST_CLUSTER_START_FAILED';

  constructor(detail: string, readonly output: string) {
    super(output ? `${detail}\n--- last lines of its output ---\n${output}` : detail);
    this.name = 'ChildStartError';
  }
}

export interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface RunningChild {
  readonly pid: number;
  readonly ports: Record<string, number>;
  readonly exited: Promise<ChildExit>;
  isRunning(): boolean;
  output(lines?: number): string;
  /** Asks for a clean stop; SIGKILL after `timeoutMs`. */
  stop(timeoutMs?: number): Promise<ChildExit>;
  /** SIGKILL. */
  kill(): Promise<ChildExit>;
}

/**
 * `startWith`, when given, is awaited after the spawn and its message sent to the child: the child
 * loads meanwhile. If it rejects, the child is killed and the rejection passed on.
 */
export async function startChild(name: string, script: string, args: string[], readyTimeoutMs: number,
  startWith?: Promise<ParentMessage>): Promise<RunningChild> {
  const child = spawn(process.execPath, [script, ...args], {
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    env: { ...process.env, NODE_OPTIONS: '' },
  });
  let lines: string[] = [];
  let partial = '';
  const collect = (chunk: Buffer): void => {
    const parts = (partial + chunk.toString('utf8')).split('\n');
    partial = parts.pop() ?? '';
    lines.push(...parts);
    if (lines.length > TAIL_LINES_KEPT) lines = lines.slice(-TAIL_LINES_KEPT);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const output = (count = 40): string => [...lines, ...(partial ? [partial] : [])].slice(-count).join('\n');
  let running = true;
  const exited = new Promise<ChildExit>((resolve) => {
    child.once('exit', (code, signal) => { running = false; resolve({ code, signal }); });
    child.once('error', () => { if (child.pid === undefined) { running = false; resolve({ code: null, signal: null }); } });
  });
  if (startWith) {
    let message: ParentMessage;
    try {
      message = await startWith;
    } catch (err) {
      child.kill('SIGKILL');
      await exited;
      throw err;
    }
    if (child.connected) child.send(message);
  }
  // Streams and the exit handler must stay attached to the very end, so output() stays complete.
  const ready = await new Promise<{ ports: Record<string, number> }>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new ChildStartError(`${name} was not ready within ${readyTimeoutMs} ms`, output()));
    }, readyTimeoutMs);
    child.on('message', (msg: ChildMessage) => {
      if (msg.type === 'ready') { clearTimeout(timer); resolve({ ports: msg.ports }); }
      if (msg.type === 'failed') { clearTimeout(timer); /* the exit follows; report with the full output then */ }
    });
    void exited.then((e) => {
      clearTimeout(timer);
      reject(new ChildStartError(`${name} exited (${e.signal ?? `code ${e.code}`}) before it was ready`, output()));
    });
  });
  child.unref();
  child.channel?.unref();
  (child.stdout as { unref?: () => void } | null)?.unref?.();
  (child.stderr as { unref?: () => void } | null)?.unref?.();
  const signalAndWait = async (how: () => void, timeoutMs: number): Promise<ChildExit> => {
    if (!running) return exited;
    how();
    const timer = setTimeout(() => { if (running) child.kill('SIGKILL'); }, timeoutMs);
    const result = await exited;
    clearTimeout(timer);
    return result;
  };
  return {
    pid: child.pid ?? -1,
    ports: ready.ports,
    exited,
    isRunning: () => running,
    output,
    stop: (timeoutMs = 10000) => signalAndWait(() => sendStop(child), timeoutMs),
    kill: () => signalAndWait(() => child.kill('SIGKILL'), 5000),
  };
}

function sendStop(child: ChildProcess): void {
  const stopMessage: ParentMessage = { type: 'stop' };
  if (child.connected) child.send(stopMessage);
  else child.kill('SIGTERM');
}
