/** DescribeLogDirs (v0-2) and AlterReplicaLogDirs (v0-1) on the Kafka listener, over the native handlers: the fields are the same. */
import { Api } from '../../protocol/api';
import { KafkaAlterReplicaLogDirs, KafkaDescribeLogDirs } from '../../protocol/kafka/messages/log-dirs';
import { ApiDispatcher } from '../api-dispatcher';
import { alterReplicaLogDirsErrorResponse } from '../handlers/log-dirs';
import { KafkaDispatcher } from './kafka-dispatcher';
import { callNative, nativeHandler } from './native-handlers';

export function registerLogDirApis(kafka: KafkaDispatcher, native: ApiDispatcher): void {
  const describe = nativeHandler(native, Api.DescribeLogDirs);
  const alter = nativeHandler(native, Api.AlterReplicaLogDirs);
  kafka
    // A request that fails as a whole (Kafka's getErrorResponse) lists no directories.
    .register(KafkaDescribeLogDirs, (req, ctx) => callNative(describe, req, ctx), () => ({ throttleTimeMs: 0, results: [] }))
    .register(KafkaAlterReplicaLogDirs, (req, ctx) => callNative(alter, req, ctx), alterReplicaLogDirsErrorResponse);
}
