/**
 * Kafka's DescribeUserScramCredentials and AlterUserScramCredentials (v0, flexible) over the
 * native handlers: the two protocols carry the same fields, so the request goes through as it
 * is. A request that fails as a whole gets Kafka's getErrorResponse shape.
 */
import { Api } from '../../protocol/api';
import { KafkaAlterUserScramCredentials, KafkaDescribeUserScramCredentials } from '../../protocol/kafka/messages/scram-credentials';
import { ApiDispatcher } from '../api-dispatcher';
import { alterErrorResponse, describeErrorResponse } from '../handlers/scram-credentials';
import { KafkaDispatcher } from './kafka-dispatcher';
import { callNative, nativeHandler } from './native-handlers';

export function registerScramCredentialApis(kafka: KafkaDispatcher, native: ApiDispatcher): void {
  const describe = nativeHandler(native, Api.DescribeUserScramCredentials);
  const alter = nativeHandler(native, Api.AlterUserScramCredentials);
  kafka
    .register(KafkaDescribeUserScramCredentials, (req, ctx) => callNative(describe, req, ctx), describeErrorResponse)
    .register(KafkaAlterUserScramCredentials, (req, ctx) => callNative(alter, req, ctx), alterErrorResponse);
}
