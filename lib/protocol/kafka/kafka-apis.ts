/** Every Kafka API definition Samsa serves, by key: the codec tests and the fuzzer walk this table. */
import { AnyKafkaApiDef } from './kafka-api';
import { KafkaApiVersions, KafkaMetadata } from './messages/metadata';
import { KafkaFetch, KafkaListOffsets, KafkaProduce } from './messages/produce-fetch';

const ALL: AnyKafkaApiDef[] = [KafkaProduce, KafkaFetch, KafkaListOffsets, KafkaMetadata, KafkaApiVersions];

const byKey = new Map(ALL.map((api) => [api.key, api]));

export function kafkaApiByKey(key: number): AnyKafkaApiDef | undefined {
  return byKey.get(key);
}

export function allKafkaApis(): AnyKafkaApiDef[] {
  return [...ALL].sort((a, b) => a.key - b.key);
}
