/**
 * Builds the Kafka listener's API table from the native one: each group of Kafka APIs is
 * registered by its own module, over the native handlers already registered (and gated).
 */
import { Logger } from '../../util/logger';
import { ApiDispatcher } from '../api-dispatcher';
import { registerAclApis } from './acl-handlers';
import { registerAdminApis } from './admin-handlers';
import { registerConfigApis } from './config-handlers';
import { AccessControl } from '../authorize';
import { BrokerContext } from '../broker-context';
import { KafkaCodec } from './kafka-codec';
import { KafkaDispatcher } from './kafka-dispatcher';
import { registerDataApis } from './data-handlers';
import { registerGroupApis } from './group-handlers';
import { registerMetadataApis } from './metadata-handlers';
import { registerScramCredentialApis } from './scram-credential-handlers';
import { registerLogDirApis } from './log-dir-handlers';
import { registerClientQuotaApis } from './client-quota-handlers';
import { registerSaslApis } from './sasl-handlers';
import { registerTxnCoordinatorApis } from './txn-coordinator-handlers';
import { registerTxnMarkerApis } from './txn-marker-handlers';
import { WireCodec } from '../wire-codec';

/**
 * The broker's services, for the few checks the Kafka adapters make themselves. Called per
 * request: they exist once the broker has connected to ZooKeeper, before any listener is bound.
 */
export type KafkaServices = () => Pick<BrokerContext, 'groups' | 'authorizer' | 'transactions'>;

export function buildKafkaDispatcher(native: ApiDispatcher, logger: Logger, services: KafkaServices): KafkaDispatcher {
  const kafka = new KafkaDispatcher();
  // Most checks happen in the native handlers these adapters call; this is for the few answered here.
  const access: AccessControl & Pick<BrokerContext, 'transactions'> = {
    get authorizer() { return services().authorizer; },
    get transactions() { return services().transactions; },
  };
  registerMetadataApis(kafka, native);
  registerDataApis(kafka, native, logger, access);
  registerAdminApis(kafka, native, access);
  registerConfigApis(kafka, native);
  registerAclApis(kafka, native);
  registerGroupApis(kafka, native);
  registerScramCredentialApis(kafka, native);
  registerLogDirApis(kafka, native);
  registerClientQuotaApis(kafka, native);
  registerSaslApis(kafka, native);
  registerTxnCoordinatorApis(kafka, native);
  registerTxnMarkerApis(kafka, native);
  return kafka;
}

/** One codec per accepted connection of a Kafka listener, sharing one API table. */
export function kafkaCodecFactory(native: ApiDispatcher, logger: Logger, services: KafkaServices): (remoteAddress: string) => WireCodec {
  const kafka = buildKafkaDispatcher(native, logger, services);
  return (remoteAddress) => new KafkaCodec(kafka, logger, remoteAddress);
}
