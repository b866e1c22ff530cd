/**
 * Kafka's WriteTxnMarkers and DescribeProducers over the native handlers
 * (lib/broker/handlers/write-txn-markers.ts, describe-producers.ts): the messages are the same, so
 * each is a straight delegation plus its whole-request error answer.
 */
import { Api } from '../../protocol/api';
import { KafkaDescribeProducers, KafkaWriteTxnMarkers } from '../../protocol/kafka/messages/txn-markers';
import { ApiDispatcher } from '../api-dispatcher';
import { writeTxnMarkersFailure } from '../handlers/write-txn-markers';
import { KafkaDispatcher } from './kafka-dispatcher';
import { callNative, nativeHandler } from './native-handlers';

export function registerTxnMarkerApis(kafka: KafkaDispatcher, native: ApiDispatcher): void {
  const writeTxnMarkers = nativeHandler(native, Api.WriteTxnMarkers);
  const describeProducers = nativeHandler(native, Api.DescribeProducers);
  kafka
    .register(KafkaWriteTxnMarkers, (req, ctx) => callNative(writeTxnMarkers, req, ctx), (req, errorCode) => writeTxnMarkersFailure(req, errorCode))
    .register(KafkaDescribeProducers, (req, ctx) => callNative(describeProducers, req, ctx), (req, errorCode) => ({
      throttleTimeMs: 0,
      topics: req.topics.map((t) => ({
        name: t.name,
        partitions: t.partitionIndexes.map((partitionIndex) => ({ partitionIndex, errorCode, errorMessage: null, activeProducers: [] })),
      })),
    }));
}
