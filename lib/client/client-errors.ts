/**
 * Turns per-item error codes from responses into the SamsaErrors the client raises to
 * applications. The broker's errorMessage is written for users ("Topic 'foo' already exists."),
 * so when one is present it becomes the error's message as is; `.errorName` keeps the code's name.
 */
import { ErrorCode, ErrorDefinition, SamsaError, errorForCode } from '../protocol/errors';

/** A SamsaError whose message is exactly `message` (no "NAME: " prefix). */
export function userError(definition: ErrorDefinition, message: string, cause?: unknown): SamsaError {
  const err = new SamsaError(definition, message, cause === undefined ? undefined : { cause });
  err.message = message;
  return err;
}

/** The error for a non-zero per-item code; `fallback` is used when the broker sent no message. */
export function responseError(code: number, errorMessage: string | null | undefined, fallback?: string): SamsaError {
  const definition = errorForCode(code);
  return userError(definition, errorMessage ?? fallback ?? definition.message);
}

export function unknownTopicError(topic: string): SamsaError {
  return userError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `Topic '${topic}' does not exist.`);
}

/** Client-side only (never on the wire): the application used a client after close(). */
export const CLIENT_CLOSED: ErrorDefinition = { code: -1, name: 'CLIENT_CLOSED', retriable: false, message: 'The client is closed.' };

export function closedError(what: string): SamsaError {
  return userError(CLIENT_CLOSED, `${what} is closed`);
}

/** Wraps anything thrown into a SamsaError, keeping SamsaErrors as they are. */
export function asSamsaError(err: unknown): SamsaError {
  if (err instanceof SamsaError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new SamsaError(ErrorCode.UNKNOWN_SERVER_ERROR, message, { cause: err });
}
