/**
 * bench/results/<YYYY-MM-DD>.json: what a bench run measured and on what. Several benches write
 * the same day's file (the side-by-side table under `peers`, the issue-17 targets under
 * `targets`), so each merges its keys into what is there instead of replacing the file.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

export interface MachineInfo {
  cpuModel: string;
  cores: number;
  memoryGiB: number;
  node: string;
  kernel: string;
  /** 1-minute load average when the run started: a busy machine explains low figures. */
  loadAverage: number;
}

export function machineInfo(): MachineInfo {
  const cpus = os.cpus();
  return {
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    kernel: `${os.type()} ${os.release()}`,
    loadAverage: Number(os.loadavg()[0].toFixed(2)),
  };
}

/** `YYYY-MM-DD` in UTC. */
export function resultsDate(now: Date): string {
  return now.toISOString().slice(0, 10);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `patch` merged into `existing`: objects key by key (recursively), anything else replaced. */
export function mergeResults(existing: Record<string, unknown>, patch: Record<string, unknown>): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...existing };
  for (const [key, value] of Object.entries(patch)) {
    const old = merged[key];
    merged[key] = isObject(old) && isObject(value) ? mergeResults(old, value) : value;
  }
  return merged;
}

/** Merges `patch` into the day's results file under `dir`; returns the file's path. */
export function writeResults(dir: string, now: Date, patch: Record<string, unknown>): string {
  const file = path.join(dir, `${resultsDate(now)}.json`);
  let existing: Record<string, unknown> = {};
  if (fs.existsSync(file)) {
    const parsed: unknown = JSON.parse(fs.readFileSync(file, 'utf8'));
    if (isObject(parsed)) existing = parsed;
  }
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(file, JSON.stringify(mergeResults(existing, patch), null, 2) + '\n');
  return file;
}
