/**
 * Samsa's public client API: the only module applications import. Everything else under lib/
 * is internal and may change without notice.
 */
export { Admin } from './client/admin';
export type {
  BrokerNode, ClusterDescription, ElectionType, NewPartitionReassignment, NewTopic, PartitionInfo, PartitionReassignment, PartitionResult,
  TopicDescription,
} from './client/admin';
export type { BrokerAddress, ClientOptions } from './client/client-options';
export type { ClientLogger } from './client/client-logger';
export type { MetricsRegistry } from './client/client-metrics-registry';
export type { AdminMetrics } from './client/client-metrics';
export { Producer } from './client/producer';
export type { ProducerMetrics, ProducerOptions, ProducerRecord, RecordMetadata } from './client/producer';
export { Consumer } from './client/consumer';
export type {
  CommitCallback, CommittedOffset, ConsumerGroupMetadata, ConsumerMetrics, ConsumerOptions, ConsumerRebalanceListener, ConsumerRecord, RecordView,
  RecordVisitor, TopicPartition, TopicPartitionOffset,
} from './client/consumer';
export type { ConsumerGroupDescription, ConsumerGroupListing, CoordinatorNode, DeleteOffsetsResult, GroupOffset, MemberDescription } from './client/admin-groups';
export type { AccessControlEntry, AclBinding, AclBindingFilter, ResourcePattern } from './security/acl/acl-types';
export { ANY_ACL_FILTER } from './security/acl/acl-filter';
export type {
  ScramCredentialAlteration, ScramCredentialDeletion, ScramCredentialInfo, ScramCredentialUpsertion, UserScramCredentialsDescription,
} from './client/admin-scram';
export type { DeletedRecords, ListOffsetsResultInfo, RecordsToDelete } from './client/admin-records';
export type { OffsetAndTimestamp, OffsetQuery, OffsetSpec, PartitionOffsetAndTimestamp } from './client/list-offsets';
export type {
  AlterConfigOp, AlterConfigOpType, AlterConfigsResult, ConfigEntry, ConfigResource, ConfigResourceType, ConfigSourceName, ConfigSynonym,
} from './client/admin-configs';
export { ConfigResourceError, configResourceKey } from './client/admin-configs';
export type { RecordHeader } from './record/record';
export type { CompressionType } from './record/compression';
export { COMPRESSION_TYPES } from './record/compression';
export { CorruptRecordError, ErrorCode, ProtocolError, SamsaError } from './protocol/errors';
export {
  ClientClosedError, GroupAuthorizationError, IllegalStateError, InvalidArgumentError, ProducerFencedError, RecordDeserializationError,
  SerializationError, TopicAuthorizationError, TransactionAbortedError, TransactionalIdAuthorizationError,
} from './client/client-errors';
export type { ProducerInterceptor } from './client/producer-interceptors';
export type { ConsumerInterceptor } from './client/consumer-interceptors';
export type { ClusterView, Partitioner, PartitionerFunction } from './client/partitioners';
export { DefaultPartitioner, RoundRobinPartitioner, UniformStickyPartitioner } from './client/partitioners';
export type { BytesOrString, Deserializer, Serializer } from './client/serializers';
export {
  BufferDeserializer, BufferSerializer, Int32Deserializer, Int32Serializer, Int64Deserializer, Int64Serializer, JsonDeserializer, JsonSerializer,
  StringDeserializer, StringSerializer,
} from './client/serializers';
export type { ErrorDefinition, ErrorName } from './protocol/errors';
export type { ClientSaslCredentials, ClientSecurity, SaslMechanismName } from './security/client-security';
export { clientSecurityFromProperties } from './security/client-security-config';
