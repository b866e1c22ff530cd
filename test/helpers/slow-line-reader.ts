/**
 * A deliberately slow reader for the far end of a shell pipe (`tool | node slow-line-reader.js
 * out.txt`): it reads stdin a few KiB at a time and sleeps between reads, so the writer keeps
 * finding the pipe full and has to queue its output, which is when an early `process.exit()`
 * loses data. Everything read is copied to the file named by the first argument.
 *
 * Settings come from the environment: SLOW_READER_CHUNK_BYTES (default 4096) and
 * SLOW_READER_PAUSE_MS (default 4).
 */
import * as fs from 'fs';

const chunkBytes = Number(process.env.SLOW_READER_CHUNK_BYTES ?? 4096);
const pauseMs = Number(process.env.SLOW_READER_PAUSE_MS ?? 4);
const target = process.argv[2];
if (target === undefined) throw new Error('usage: slow-line-reader <output file>');

// Atomics.wait is a real sleep for a synchronous loop: no event loop means no read-ahead by Node.
const sleeper = new Int32Array(new SharedArrayBuffer(4));
const sleep = (ms: number): void => void Atomics.wait(sleeper, 0, 0, ms);

const out = fs.openSync(target, 'w');
const buffer = Buffer.alloc(chunkBytes);
for (;;) {
  let n: number;
  try {
    n = fs.readSync(0, buffer, 0, chunkBytes, null);
  } catch (err) {
    // A non-blocking stdin has nothing yet; a blocking one never says this.
    if ((err as NodeJS.ErrnoException).code === 'EAGAIN') {
      sleep(pauseMs);
      continue;
    }
    throw err;
  }
  if (n === 0) break;
  fs.writeSync(out, buffer, 0, n);
  sleep(pauseMs);
}
fs.closeSync(out);
