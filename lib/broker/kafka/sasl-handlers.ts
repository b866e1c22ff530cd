/**
 * Kafka's SaslHandshake v0-1 and SaslAuthenticate v0-2 over the native SASL handlers (same state
 * machine). After a v0 handshake the client sends bare tokens instead of SaslAuthenticate
 * requests (Kafka before 1.0; librdkafka also requires v0 to be listed): those are fed to the
 * same SaslAuthenticate handler through the session's raw token exchange.
 */
import { Api } from '../../protocol/api';
import { KafkaSaslAuthenticate, KafkaSaslHandshake } from '../../protocol/kafka/messages/sasl';
import { ApiDispatcher } from '../api-dispatcher';
import { KafkaDispatcher } from './kafka-dispatcher';
import { callNative, nativeHandler } from './native-handlers';

export function registerSaslApis(kafka: KafkaDispatcher, native: ApiDispatcher): void {
  const handshake = nativeHandler(native, Api.SaslHandshake);
  const authenticate = nativeHandler(native, Api.SaslAuthenticate);
  kafka
    .register(KafkaSaslHandshake, async (req, ctx) => {
      const answer = await callNative(handshake, req, ctx);
      if (ctx.header.apiVersion === 0 && answer.errorCode === 0) {
        ctx.session.rawTokenExchange = async (token) => {
          const result = await callNative(authenticate, { authBytes: token }, ctx);
          if (result.errorCode !== 0) return null;
          if (ctx.session.authenticated) ctx.session.rawTokenExchange = null;
          return result.authBytes;
        };
      }
      return answer;
    })
    .register(KafkaSaslAuthenticate, (req, ctx) => callNative(authenticate, req, ctx));
}
