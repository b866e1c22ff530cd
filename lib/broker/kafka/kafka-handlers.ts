/**
 * Builds the Kafka listener's API table from the native one: each group of Kafka APIs is
 * registered by its own module, over the native handlers already registered (and gated).
 */
import { Logger } from '../../util/logger';
import { ApiDispatcher } from '../api-dispatcher';
import { registerAdminApis } from './admin-handlers';
import { KafkaCodec } from './kafka-codec';
import { KafkaDispatcher } from './kafka-dispatcher';
import { registerDataApis } from './data-handlers';
import { registerMetadataApis } from './metadata-handlers';
import { WireCodec } from '../wire-codec';

export function buildKafkaDispatcher(native: ApiDispatcher, logger: Logger): KafkaDispatcher {
  const kafka = new KafkaDispatcher();
  registerMetadataApis(kafka, native);
  registerDataApis(kafka, native, logger);
  registerAdminApis(kafka, native);
  return kafka;
}

/** One codec per accepted connection of a Kafka listener, sharing one API table. */
export function kafkaCodecFactory(native: ApiDispatcher, logger: Logger): (remoteAddress: string) => WireCodec {
  const kafka = buildKafkaDispatcher(native, logger);
  return (remoteAddress) => new KafkaCodec(kafka, logger, remoteAddress);
}
