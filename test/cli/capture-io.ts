/**
 * A CliIo that records what a tool printed, so tests can run a tool's `main()` in-process and
 * assert on its stdout, stderr and exit code.
 */
import { PassThrough } from 'stream';
import type { CliIo } from '../../lib/cli/options';

export interface CapturedIo extends CliIo {
  stdoutText(): string;
  stderrText(): string;
  /** Feeds stdin and ends it. */
  input(text: string): void;
}

export function captureIo(options: { tty?: boolean } = {}): CapturedIo {
  const out: Buffer[] = [];
  const err: string[] = [];
  const stdin = new PassThrough();
  return {
    out: (chunk) => {
      out.push(typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : Buffer.from(chunk));
    },
    err: (text) => {
      err.push(text);
    },
    stdin,
    stdinIsTTY: options.tty === true,
    outputClosed: false,
    outputDrained: () => Promise.resolve(),
    stdoutText: () => Buffer.concat(out).toString('utf8'),
    stderrText: () => err.join(''),
    input: (text) => {
      stdin.end(text);
    },
  };
}
