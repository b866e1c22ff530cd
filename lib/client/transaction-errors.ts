/**
 * How a transactional producer reads the coordinators' error codes (Kafka's TransactionManager
 * handlers): which codes end the producer (fatal: only close() is left), which let the application
 * abort the transaction and go on, and which are retried. Kept apart from the state machine so
 * the rules can be read, and tested, as one table.
 */
import { ErrorCode, SamsaError, errorForCode } from '../protocol/errors';
import {
  ProducerFencedError, TransactionalIdAuthorizationError, authorizationError, responseError, userError,
} from './client-errors';

/** Kafka's OPERATION_NOT_ATTEMPTED: a partition skipped because another one of the same request failed. */
const OPERATION_NOT_ATTEMPTED = 55;

/**
 * Fatal codes: the producer was fenced (a newer instance, or the coordinator bumped the epoch),
 * may not use its transactional id, or the coordinator and the producer disagree on the
 * transaction for good (Kafka's handlers treat INVALID_TXN_STATE and INVALID_PRODUCER_ID_MAPPING so).
 */
const FATAL_CODES: ReadonlySet<number> = new Set([
  ErrorCode.PRODUCER_FENCED.code, ErrorCode.INVALID_PRODUCER_EPOCH.code, ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED.code,
  ErrorCode.INVALID_TXN_STATE.code, ErrorCode.INVALID_PRODUCER_ID_MAPPING.code, ErrorCode.UNSUPPORTED_VERSION.code,
  ErrorCode.CLUSTER_AUTHORIZATION_FAILED.code,
]);

export function isFatalTransactionCode(code: number): boolean {
  return FATAL_CODES.has(code);
}

/**
 * The one code standing for a response's per-partition codes: a non-retriable one first (it
 * decides the outcome), else a retriable one (the whole request is retried), else 0.
 */
export function worstCode(codes: Iterable<number>): number {
  let retriable = 0;
  for (const code of codes) {
    if (code === 0 || code === OPERATION_NOT_ATTEMPTED) continue;
    if (!errorForCode(code).retriable) return code;
    retriable = code;
  }
  return retriable;
}

/** The typed error for a coordinator's code about `what` (an API name), with the topic or group it concerned. */
export function transactionError(transactionalId: string, code: number, what: string, subject: { topic?: string; group?: string } = {}): SamsaError {
  if (code === ErrorCode.PRODUCER_FENCED.code || code === ErrorCode.INVALID_PRODUCER_EPOCH.code) {
    return new ProducerFencedError(transactionalId, responseError(code, null));
  }
  if (code === ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED.code) return new TransactionalIdAuthorizationError(transactionalId);
  return authorizationError(code, subject) ?? responseError(code, null, `${what} for transactional id '${transactionalId}' failed: ${errorForCode(code).message}`);
}

/**
 * What a transactional call throws while the transaction is in an abortable error: the error's
 * own code, and Kafka's wording, plus what to do about it.
 */
export function abortableStateError(lastError: SamsaError): SamsaError {
  return userError({ code: lastError.code, name: lastError.errorName, retriable: false, message: lastError.message },
    `Cannot execute transactional method because we are in an error state (${lastError.message}); call abortTransaction() to go on.`, lastError);
}
