/** Kafka's InitProducerId (key 22) on the Kafka listener, for idempotent producers. */
import { int16, int32, int64, nullableString, since, struct } from '../../schema';
import { kafkaApi } from '../kafka-api';

/**
 * InitProducerId Request (v0-4, flexible v2+) => transactionalId transactionTimeoutMs producerId(v3+) producerEpoch(v3+)
 * producerId/producerEpoch (KIP-360): the producer's current id and epoch, -1/-1 for a new producer.
 */
const InitProducerIdRequest = struct({
  transactionalId: nullableString,
  transactionTimeoutMs: int32,
  producerId: since(3, int64, -1),
  producerEpoch: since(3, int16, -1),
}, 'KafkaInitProducerIdRequest');

/** InitProducerId Response (v0-4) => throttleTimeMs errorCode producerId producerEpoch */
const InitProducerIdResponse = struct({
  throttleTimeMs: int32,
  errorCode: int16,
  producerId: int64,
  producerEpoch: int16,
}, 'KafkaInitProducerIdResponse');

export const KafkaInitProducerId = kafkaApi(22, 'InitProducerId', { min: 0, max: 4, flexibleFrom: 2 }, InitProducerIdRequest, InitProducerIdResponse);
