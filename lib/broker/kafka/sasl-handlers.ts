/** Kafka's SaslHandshake v1 and SaslAuthenticate v0-2 over the native SASL handlers (same state machine). */
import { Api } from '../../protocol/api';
import { KafkaSaslAuthenticate, KafkaSaslHandshake } from '../../protocol/kafka/messages/sasl';
import { ApiDispatcher } from '../api-dispatcher';
import { KafkaDispatcher } from './kafka-dispatcher';
import { callNative, nativeHandler } from './native-handlers';

export function registerSaslApis(kafka: KafkaDispatcher, native: ApiDispatcher): void {
  const handshake = nativeHandler(native, Api.SaslHandshake);
  const authenticate = nativeHandler(native, Api.SaslAuthenticate);
  kafka
    .register(KafkaSaslHandshake, (req, ctx) => callNative(handshake, req, ctx))
    .register(KafkaSaslAuthenticate, (req, ctx) => callNative(authenticate, req, ctx));
}
