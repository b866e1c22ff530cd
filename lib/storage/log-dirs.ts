/**
 * Log directories' rules, after Kafka's LogManager: the names of partition directories, which
 * directory a new log goes to, and what counts as a failed directory.
 *
 * What counts as a failed log directory: Kafka takes a directory offline on any IOException from
 * its logs (LogDirFailureChannel); Node reports I/O failures as errno codes, and these are the
 * ones that mean the disk or filesystem under the directory is broken, full or read-only, not a
 * bug or a race with a log being deleted (ENOENT), so only they take a whole directory offline.
 */
import { promises as fsp } from 'fs';
import { ErrorCode, SamsaError } from '../protocol/errors';

const DIR_FAILURE_CODES = new Set(['EIO', 'ENOSPC', 'EROFS', 'EDQUOT', 'EACCES', 'EPERM', 'ENOTDIR', 'EFBIG', 'ENXIO', 'ENODEV']);

/** True for an error that means the log directory it came from can no longer be written. */
export function isLogDirFailure(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  return typeof code === 'string' && DIR_FAILURE_CODES.has(code);
}

/** The error every request for a replica in a failed directory gets (Kafka's KafkaStorageException). */
export function offlineReplicaError(topic: string, partition: number, dir: string | undefined, closing?: Promise<void>): SamsaError {
  // A log opened in a directory that failed meanwhile is closed, come what may.
  closing?.catch(() => undefined);
  const where = dir === undefined ? 'an offline log directory' : `offline log directory ${dir}`;
  return new SamsaError(ErrorCode.KAFKA_STORAGE_ERROR, `replica ${topic}-${partition} is in ${where}`);
}

/** Runs `work` over `items` with at most `limit` in flight; the first failure rejects after all settle. */
export async function forEachLimited<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const errors: unknown[] = [];
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next++];
      await work(item).catch((err) => errors.push(err));
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  if (errors.length > 0) throw errors[0];
}

/** Splits `<topic>-<partition>` at the last '-': topic names may themselves contain '-' and '.'. */
export function parseLogDirName(name: string): { topic: string; partition: number } | null {
  const dash = name.lastIndexOf('-');
  if (dash <= 0) return null;
  const partitionText = name.slice(dash + 1);
  if (!/^\d+$/.test(partitionText)) return null;
  return { topic: name.slice(0, dash), partition: Number(partitionText) };
}

/**
 * Kafka's LogManager.nextLogDirs: the directory holding the fewest partitions (logs being created
 * included), the first in log.dirs order on a tie. `dirs` are the live directories; `logDirs` has
 * one entry per log, naming its directory.
 */
export function nextLogDir(dirs: readonly string[], logDirs: readonly string[]): string {
  const counts = new Map(dirs.map((d) => [d, 0]));
  for (const d of logDirs) if (counts.has(d)) counts.set(d, counts.get(d)! + 1);
  let best = dirs[0];
  for (const d of dirs) if (counts.get(d)! < counts.get(best)!) best = d;
  return best;
}

export async function exists(file: string): Promise<boolean> {
  try {
    await fsp.access(file);
    return true;
  } catch {
    return false;
  }
}

/** Creates `dir` if missing; a file in its place fails as ENOTDIR, a disk failure like any other. */
export async function ensureDirectory(dir: string): Promise<void> {
  try {
    await fsp.mkdir(dir, { recursive: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    throw Object.assign(new Error(`${dir} is not a directory`), { code: 'ENOTDIR' });
  }
}
