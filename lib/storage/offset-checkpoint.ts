/**
 * Kafka's offset checkpoint files (`recovery-point-offset-checkpoint`, and the same format for
 * `replication-offset-checkpoint` and `log-start-offset-checkpoint`): per-partition offsets that
 * must survive a restart.
 *
 * Format, as in Kafka: line 1 the version `0`, line 2 the entry count, then one
 * `topic partition offset` line per entry. Topic names cannot contain spaces, so splitting on
 * spaces is safe. Writes go to a temporary file that is fsynced and renamed over the old one, so
 * a crash leaves either the old or the new checkpoint, never half of one.
 */
import { promises as fsp, constants as fsConstants } from 'fs';
import * as path from 'path';

export const CHECKPOINT_VERSION = 0;

export interface CheckpointEntry {
  topic: string;
  partition: number;
  offset: number;
}

export class CheckpointFormatError extends Error {
  constructor(file: string, detail: string) {
    super(`malformed checkpoint file ${file}: ${detail}`);
    this.name = 'CheckpointFormatError';
  }
}

export function formatCheckpoint(entries: CheckpointEntry[]): string {
  const lines = [String(CHECKPOINT_VERSION), String(entries.length)];
  for (const e of entries) lines.push(`${e.topic} ${e.partition} ${e.offset}`);
  return lines.join('\n') + '\n';
}

export function parseCheckpoint(text: string, file = 'checkpoint'): CheckpointEntry[] {
  const lines = text.replace(/\r/g, '').replace(/\n+$/, '').split('\n');
  if (lines.length < 2) throw new CheckpointFormatError(file, 'missing version or count line');
  if (lines[0].trim() !== String(CHECKPOINT_VERSION)) throw new CheckpointFormatError(file, `unsupported version ${JSON.stringify(lines[0])}`);
  const count = Number(lines[1].trim());
  if (!Number.isInteger(count) || count < 0) throw new CheckpointFormatError(file, `bad entry count ${JSON.stringify(lines[1])}`);
  if (lines.length - 2 !== count) throw new CheckpointFormatError(file, `expected ${count} entries, found ${lines.length - 2}`);
  return lines.slice(2).map((line, i) => {
    const parts = line.trim().split(/\s+/);
    const partition = Number(parts[1]);
    const offset = Number(parts[2]);
    if (parts.length !== 3 || !Number.isInteger(partition) || partition < 0 || !Number.isSafeInteger(offset)) {
      throw new CheckpointFormatError(file, `bad entry on line ${i + 3}: ${JSON.stringify(line)}`);
    }
    return { topic: parts[0], partition, offset };
  });
}

/** Reads a checkpoint; a missing file is an empty one. Throws CheckpointFormatError when malformed. */
export async function readCheckpoint(file: string): Promise<CheckpointEntry[]> {
  let text: string;
  try {
    text = await fsp.readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  return parseCheckpoint(text, file);
}

/**
 * Reads a checkpoint that the broker can do without: an unreadable one is logged with what
 * ignoring it costs (`consequence`) and yields null instead of stopping startup.
 */
export async function readOptionalCheckpoint(file: string, logger: { warn(message: string): unknown }, consequence: string): Promise<CheckpointEntry[] | null> {
  try {
    return await readCheckpoint(file);
  } catch (err) {
    logger.warn(`Ignoring unreadable ${file}: ${(err as Error).message}. ${consequence}`);
    return null;
  }
}

/** Replaces `file` atomically (write temp, fsync, rename, fsync the directory). */
export async function writeCheckpoint(file: string, entries: CheckpointEntry[]): Promise<void> {
  await writeFileAtomically(file, formatCheckpoint(entries));
}

export async function writeFileAtomically(file: string, text: string): Promise<void> {
  const tmp = `${file}.tmp`;
  const handle = await fsp.open(tmp, fsConstants.O_WRONLY | fsConstants.O_CREAT | fsConstants.O_TRUNC, 0o644);
  try {
    await handle.writeFile(text, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  await fsp.rename(tmp, file);
  const dir = await fsp.open(path.dirname(file), fsConstants.O_RDONLY);
  try {
    await dir.sync();
  } finally {
    await dir.close();
  }
}
