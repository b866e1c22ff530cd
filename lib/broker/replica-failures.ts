/**
 * How the replica manager reports a failure while opening, changing or deleting a replica's log
 * (LeaderAndIsr, StopReplica): the error code the controller gets, and the log line.
 */
import { ErrorCode, toErrorCode } from '../protocol/errors';
import { isAssertionError } from '../util/assert';

/**
 * UNKNOWN_SERVER_ERROR for a bug (an AssertionError), a SamsaError's own code, otherwise a disk
 * fault (KAFKA_STORAGE_ERROR).
 */
export function storageErrorCode(err: unknown): number {
  if (isAssertionError(err)) return ErrorCode.UNKNOWN_SERVER_ERROR.code;
  const code = toErrorCode(err);
  return code === ErrorCode.UNKNOWN_SERVER_ERROR.code ? ErrorCode.KAFKA_STORAGE_ERROR.code : code;
}

/** A bug gets its stack in the log; an expected failure its message. */
export function describeFailure(err: unknown): string {
  return isAssertionError(err) ? String(err.stack) : (err as Error).message;
}
