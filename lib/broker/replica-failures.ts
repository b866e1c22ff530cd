/**
 * How the replica manager reports a failure while opening, changing or deleting a replica's log
 * (LeaderAndIsr, StopReplica), or while appending: the error code answered, and the log line.
 */
import { ErrorCode, SamsaError, toErrorCode } from '../protocol/errors';
import { isAssertionError } from '../util/assert';
import type { Logger } from '../util/logger';
import type { ProducePartitionResult } from './partition-results';

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

/**
 * The produce answer for an append that failed with `err` (already mapped to an offline-replica
 * error when the log dir failed). A broken invariant is a bug: it answers UNKNOWN_SERVER_ERROR (not
 * retriable) and is logged as one; an unexpected error is logged with its stack.
 */
export function failedAppendResult(err: unknown, where: string, logStartOffset: number, logger: Logger): ProducePartitionResult {
  if (isAssertionError(err)) logger.error(`Bug in append to ${where}: ${err.stack}`);
  else if (!(err instanceof SamsaError)) logger.error(`Append to ${where} failed: ${(err as Error).stack}`);
  const errorMessage = err instanceof SamsaError ? err.message : 'Unexpected error appending to the log';
  return { errorCode: toErrorCode(err), errorMessage, baseOffset: -1, logAppendTimeMs: -1, logStartOffset };
}
