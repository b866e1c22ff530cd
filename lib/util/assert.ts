/**
 * Invariant checks whose failure means a bug in Samsa, not bad input or a failing disk.
 *
 * Input errors (a corrupt batch, a torn index file, an fs error) have their own typed errors and
 * wire codes. An `AssertionError` is different: the code broke its own promise, so callers must
 * not dress it up as a retriable disk or network fault. It is never a `SamsaError` (it carries no
 * wire code); handlers that see one report UNKNOWN_SERVER_ERROR and log it as a bug.
 */

/** An invariant of Samsa's own code did not hold. */
export class AssertionError extends Error {
  constructor(message: string) {
    super(`Invariant violated: ${message}`);
    this.name = 'AssertionError';
  }
}

/**
 * Throws AssertionError when `condition` is false. `message` may be a function so that a hot
 * path does not build the string unless the check fails.
 */
export function assert(condition: boolean, message: string | (() => string)): asserts condition {
  if (!condition) throw new AssertionError(typeof message === 'function' ? message() : message);
}

/** For the default branch of an exhaustive switch: the compiler proves it unreachable, this checks it at run time. */
export function assertNever(value: never, what = 'value'): never {
  throw new AssertionError(`unexpected ${what}: ${String(value)}`);
}

export function isAssertionError(err: unknown): err is AssertionError {
  return err instanceof AssertionError;
}
