/**
 * Busy-loop child processes that keep the CPUs busy while a test runs, so timing-sensitive bugs
 * (output still queued when a tool exits) show up as they do on a loaded machine. Each loop
 * also ends by itself after `maxMs` or when this process goes away, so a crashed test run
 * never leaves a spinning process behind.
 */
import { ChildProcess, spawn } from 'child_process';

export interface CpuLoad {
  stop(): Promise<void>;
}

export function startCpuLoad(processes: number, maxMs: number): CpuLoad {
  const script = `const parent = process.ppid; const end = Date.now() + ${maxMs};
    for (let i = 0; ; i++) { if (i % 100000 === 0 && (Date.now() > end || process.ppid !== parent)) break; }`;
  const children: ChildProcess[] = [];
  for (let i = 0; i < processes; i++) children.push(spawn(process.execPath, ['-e', script], { stdio: 'ignore' }));
  return {
    async stop() {
      await Promise.all(children.map((child) => new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGKILL');
      })));
    },
  };
}
