/**
 * The end of a process's console file, for tools that report why a process they started died
 * (server-start -daemon, samsa-local-cluster). Reads only the last 64 KiB, so a huge log costs
 * nothing, and never throws: a report about a failure must not fail itself.
 */
import * as fs from 'fs';

const TAIL_BYTES_MAX = 64 * 1024;

/** The file's last `count` non-empty lines, joined by newlines (no trailing newline). */
export function lastLines(file: string, count = 20): string {
  try {
    const fd = fs.openSync(file, 'r');
    try {
      const size = fs.fstatSync(fd).size;
      const length = Math.min(size, TAIL_BYTES_MAX);
      const buffer = Buffer.alloc(length);
      fs.readSync(fd, buffer, 0, length, size - length);
      const lines = buffer.toString('utf8').split('\n').filter((line) => line.trim() !== '');
      return lines.length === 0 ? '(it is empty)' : lines.slice(-count).join('\n');
    } finally {
      fs.closeSync(fd);
    }
  } catch (err) {
    return `(cannot read it: ${(err as Error).message})`;
  }
}
