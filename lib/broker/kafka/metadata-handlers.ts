/**
 * Kafka's ApiVersions and Metadata over the native handlers. Metadata answers with the
 * endpoints of the listener the request came in on (the native handler reads it from the
 * request context), as Kafka does.
 */
import { Api } from '../../protocol/api';
import { KafkaApiVersions, KafkaMetadata } from '../../protocol/kafka/messages/metadata';
import { ApiDispatcher } from '../api-dispatcher';
import { KafkaDispatcher } from './kafka-dispatcher';
import { callNative, nativeHandler } from './native-handlers';

export function registerMetadataApis(kafka: KafkaDispatcher, native: ApiDispatcher): void {
  const metadata = nativeHandler(native, Api.Metadata);
  kafka
    .register(KafkaApiVersions, () => ({
      errorCode: 0, apiKeys: kafka.supported(), throttleTimeMs: 0, supportedFeatures: [], finalizedFeaturesEpoch: -1, finalizedFeatures: [],
    }))
    .register(KafkaMetadata, async (req, ctx) => {
      const answer = await callNative(metadata, {
        topics: req.topics === null ? null : req.topics.map((t) => t.name),
        allowAutoTopicCreation: req.allowAutoTopicCreation,
      }, ctx);
      return {
        ...answer,
        throttleTimeMs: 0,
        clusterAuthorizedOperations: -2147483648,
        topics: answer.topics.map((t) => ({ ...t, topicAuthorizedOperations: -2147483648 })),
      };
    });
}
