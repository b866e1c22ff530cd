/** DescribeLogDirs (v0-2) on the Kafka listener, over the native handler: the fields are the same. */
import { Api } from '../../protocol/api';
import { KafkaDescribeLogDirs } from '../../protocol/kafka/messages/log-dirs';
import { ApiDispatcher } from '../api-dispatcher';
import { KafkaDispatcher } from './kafka-dispatcher';
import { callNative, nativeHandler } from './native-handlers';

export function registerLogDirApis(kafka: KafkaDispatcher, native: ApiDispatcher): void {
  const describe = nativeHandler(native, Api.DescribeLogDirs);
  // A request that fails as a whole (Kafka's getErrorResponse) lists no directories.
  kafka.register(KafkaDescribeLogDirs, (req, ctx) => callNative(describe, req, ctx), () => ({ throttleTimeMs: 0, results: [] }));
}
