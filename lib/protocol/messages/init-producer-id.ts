/**
 * InitProducerId (Kafka's key 22): how a producer gets the producer id and epoch it stamps into
 * its batches. Idempotent producers send a null `transactionalId` (any broker answers, and
 * `transactionTimeoutMs` is ignored); transactional ones send their id and transaction timeout
 * to the id's transaction coordinator, which bumps the epoch on every call.
 */
import { int16, int32, int64, nullableString, struct, Infer } from '../schema';

/** InitProducerId Request (v0) => transactionalId transactionTimeoutMs */
export const InitProducerIdRequest = struct({
  transactionalId: nullableString,
  transactionTimeoutMs: int32,
}, 'InitProducerIdRequest');

/** InitProducerId Response (v0) => throttleTimeMs errorCode producerId producerEpoch */
export const InitProducerIdResponse = struct({
  throttleTimeMs: int32,
  errorCode: int16,
  producerId: int64,
  producerEpoch: int16,
}, 'InitProducerIdResponse');

export type InitProducerIdRequestData = Infer<typeof InitProducerIdRequest>;
export type InitProducerIdResponseData = Infer<typeof InitProducerIdResponse>;
