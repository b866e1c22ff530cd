/**
 * Builds the Kafka listener's API table from the native one: each group of Kafka APIs is
 * registered by its own module, over the native handlers already registered (and gated).
 */
import { Logger } from '../../util/logger';
import { ApiDispatcher } from '../api-dispatcher';
import { KafkaCodec } from './kafka-codec';
import { KafkaDispatcher } from './kafka-dispatcher';
import { KafkaGroupServices, registerGroupApis } from './group-handlers';
import { registerMetadataApis } from './metadata-handlers';
import { WireCodec } from '../wire-codec';

/** Services Kafka APIs need beyond the native handlers (APIs the native protocol does not have). */
export type KafkaServices = KafkaGroupServices;

export function buildKafkaDispatcher(native: ApiDispatcher, services: KafkaServices): KafkaDispatcher {
  const kafka = new KafkaDispatcher();
  registerMetadataApis(kafka, native);
  registerGroupApis(kafka, native, services);
  return kafka;
}

/** One codec per accepted connection of a Kafka listener, sharing one API table. */
export function kafkaCodecFactory(native: ApiDispatcher, services: KafkaServices, logger: Logger): (remoteAddress: string) => WireCodec {
  const kafka = buildKafkaDispatcher(native, services);
  return (remoteAddress) => new KafkaCodec(kafka, logger, remoteAddress);
}
