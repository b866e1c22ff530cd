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

/**
 * Kafka's TopicAuthorizationException: the principal may not use these topics. Fatal (no retry
 * changes an ACL's mind); the message is Kafka's, so tools print what Kafka's tools print.
 */
export class TopicAuthorizationError extends SamsaError {
  constructor(readonly unauthorizedTopics: readonly string[]) {
    super(ErrorCode.TOPIC_AUTHORIZATION_FAILED);
    this.name = 'TopicAuthorizationError';
    this.message = `Not authorized to access topics: [${unauthorizedTopics.join(', ')}]`;
  }
}

/** Kafka's GroupAuthorizationException, fatal like the topic one. */
export class GroupAuthorizationError extends SamsaError {
  constructor(readonly groupId: string) {
    super(ErrorCode.GROUP_AUTHORIZATION_FAILED);
    this.name = 'GroupAuthorizationError';
    this.message = `Not authorized to access group: ${groupId}`;
  }
}

/**
 * The typed error for an authorization code about `subject` (a topic for 29, a group for 30);
 * undefined for any other code, which the caller handles as before.
 */
export function authorizationError(code: number, subject: { topic?: string; group?: string }): SamsaError | undefined {
  if (code === ErrorCode.TOPIC_AUTHORIZATION_FAILED.code && subject.topic !== undefined) return new TopicAuthorizationError([subject.topic]);
  if (code === ErrorCode.GROUP_AUTHORIZATION_FAILED.code && subject.group !== undefined) return new GroupAuthorizationError(subject.group);
  if (code === ErrorCode.CLUSTER_AUTHORIZATION_FAILED.code) return userError(ErrorCode.CLUSTER_AUTHORIZATION_FAILED, 'Cluster authorization failed.');
  return undefined;
}

export function unknownTopicError(topic: string): SamsaError {
  return userError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `Topic '${topic}' does not exist.`);
}

/*
 * Client-side errors: the application misused the client, or the client itself failed. Their
 * codes are outside Kafka's range and never travel on the wire, so code-based handling cannot
 * mistake them for a broker's answer.
 */
export const CLIENT_CLOSED: ErrorDefinition = { code: -1001, name: 'CLIENT_CLOSED', retriable: false, message: 'The client is closed.' };
export const INVALID_ARGUMENT: ErrorDefinition = { code: -1002, name: 'INVALID_ARGUMENT', retriable: false, message: 'An argument passed to the client is invalid.' };
export const ILLEGAL_STATE: ErrorDefinition = { code: -1003, name: 'ILLEGAL_STATE', retriable: false, message: 'The client is not in a state that allows this call.' };
export const CLIENT_ERROR: ErrorDefinition = { code: -1004, name: 'CLIENT_ERROR', retriable: false, message: 'The client failed unexpectedly.' };

/** The application used a client (producer, consumer, admin) after close(). */
export class ClientClosedError extends SamsaError {
  constructor(what: string) {
    super(CLIENT_CLOSED, `${what} is closed`);
    this.name = 'ClientClosedError';
    this.message = `${what} is closed`;
  }
}

/** The application passed a value the client cannot use (a negative offset, an unassigned partition). */
export class InvalidArgumentError extends SamsaError {
  constructor(message: string) {
    super(INVALID_ARGUMENT, message);
    this.name = 'InvalidArgumentError';
    this.message = message;
  }
}

/** Kafka's IllegalStateException: a call the client's current mode forbids (subscribe() after assign()). */
export class IllegalStateError extends SamsaError {
  constructor(message: string) {
    super(ILLEGAL_STATE, message);
    this.name = 'IllegalStateError';
    this.message = message;
  }
}

export function closedError(what: string): ClientClosedError {
  return new ClientClosedError(what);
}

/**
 * Wraps anything thrown into a SamsaError, keeping SamsaErrors as they are. What is not a
 * SamsaError was thrown on this side (a listener, a bug), so it is a CLIENT_ERROR: labelling it
 * UNKNOWN_SERVER_ERROR would send the user looking at the broker.
 */
export function asSamsaError(err: unknown): SamsaError {
  if (err instanceof SamsaError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return userError(CLIENT_ERROR, message, err);
}

export const SERIALIZATION_FAILED: ErrorDefinition = { code: -1005, name: 'SERIALIZATION_FAILED', retriable: false, message: 'A record key or value could not be serialized.' };
export const RECORD_DESERIALIZATION_FAILED: ErrorDefinition = {
  code: -1006, name: 'RECORD_DESERIALIZATION_FAILED', retriable: false, message: 'A consumed record could not be deserialized.',
};

/** Kafka's SerializationException: the producer's key or value serializer threw; the record was not sent. */
export class SerializationError extends SamsaError {
  constructor(readonly topic: string, what: 'key' | 'value', cause: unknown) {
    const message = `Can't serialize the ${what} of a record for topic ${topic}: ${cause instanceof Error ? cause.message : String(cause)}`;
    super(SERIALIZATION_FAILED, message, { cause });
    this.name = 'SerializationError';
    this.message = message;
  }
}

/**
 * Kafka's RecordDeserializationException: a deserializer threw on the record at `offset`. The
 * poll that reached it throws; the partition's position stays at that record (each later poll
 * throws again) until the application seeks past it, e.g. `seek(err, err.offset + 1)`.
 */
export class RecordDeserializationError extends SamsaError {
  constructor(readonly topic: string, readonly partition: number, readonly offset: number, readonly part: 'key' | 'value', cause: unknown) {
    const message = `Error deserializing ${part} for partition ${topic}-${partition} at offset ${offset}. `
      + `If needed, please seek past the record to continue consumption.${cause instanceof Error ? ` (${cause.message})` : ''}`;
    super(RECORD_DESERIALIZATION_FAILED, message, { cause });
    this.name = 'RecordDeserializationError';
    this.message = message;
  }
}

/*
 * Transactions (Kafka's KafkaProducer/TransactionManager). A fatal error leaves the producer
 * usable only for close(); any other transactional error lets the application call
 * abortTransaction() and go on.
 */
export const TRANSACTION_ABORTED: ErrorDefinition = {
  code: -1007, name: 'TRANSACTION_ABORTED', retriable: false, message: 'Failing batch since transaction was aborted',
};

/**
 * Kafka's ProducerFencedException: a newer producer with the same transactional id exists (or the
 * coordinator bumped the epoch when this one's transaction timed out). Fatal: close the producer.
 */
export class ProducerFencedError extends SamsaError {
  constructor(readonly transactionalId: string, cause?: unknown) {
    super(ErrorCode.PRODUCER_FENCED, undefined, cause === undefined ? undefined : { cause });
    this.name = 'ProducerFencedError';
    this.message = `There is a newer producer with the same transactionalId '${transactionalId}' which fences the current one; this producer can only be closed.`;
  }
}

/** Kafka's TransactionalIdAuthorizationException: the principal may not Write the transactional id. Fatal. */
export class TransactionalIdAuthorizationError extends SamsaError {
  constructor(readonly transactionalId: string) {
    super(ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED);
    this.name = 'TransactionalIdAuthorizationError';
    this.message = `Transactional Id authorization failed for '${transactionalId}'.`;
  }
}

/** Kafka's TransactionAbortedException: the send's record was dropped by abortTransaction() before it was sent. */
export class TransactionAbortedError extends SamsaError {
  constructor() {
    super(TRANSACTION_ABORTED);
    this.name = 'TransactionAbortedError';
    this.message = TRANSACTION_ABORTED.message;
  }
}
