/** Every Kafka API definition Samsa serves, by key: the codec tests and the fuzzer walk this table. */
import { AnyKafkaApiDef } from './kafka-api';
import { KafkaCreateAcls, KafkaDeleteAcls, KafkaDescribeAcls } from './messages/acls';
import { KafkaAlterConfigs, KafkaIncrementalAlterConfigs } from './messages/alter-configs';
import { KafkaCreatePartitions, KafkaCreateTopics, KafkaDeleteTopics, KafkaDescribeConfigs } from './messages/admin';
import { KafkaDeleteRecords } from './messages/delete-records';
import { KafkaDeleteGroups, KafkaDescribeGroups, KafkaListGroups } from './messages/group-admin';
import { KafkaFindCoordinator, KafkaHeartbeat, KafkaJoinGroup, KafkaLeaveGroup, KafkaSyncGroup } from './messages/group-membership';
import { KafkaOffsetCommit, KafkaOffsetDelete, KafkaOffsetFetch } from './messages/group-offsets';
import { KafkaAlterReplicaLogDirs, KafkaDescribeLogDirs } from './messages/log-dirs';
import { KafkaApiVersions, KafkaMetadata } from './messages/metadata';
import { KafkaFetch, KafkaListOffsets, KafkaProduce } from './messages/produce-fetch';
import { KafkaInitProducerId } from './messages/producer-id';
import { KafkaTxnOffsetCommit } from './messages/txn-offset-commit';
import { KafkaSaslAuthenticate, KafkaSaslHandshake } from './messages/sasl';
import {
  KafkaAlterPartitionReassignments, KafkaElectLeaders, KafkaListPartitionReassignments, KafkaOffsetForLeaderEpoch,
} from './messages/replication';
import { KafkaAlterClientQuotas, KafkaDescribeClientQuotas } from './messages/client-quotas';
import { KafkaAlterUserScramCredentials, KafkaDescribeUserScramCredentials } from './messages/scram-credentials';
import { KafkaAddOffsetsToTxn, KafkaAddPartitionsToTxn, KafkaDescribeTransactions, KafkaEndTxn, KafkaListTransactions } from './messages/txn-coordinator';
import { KafkaDescribeProducers, KafkaWriteTxnMarkers } from './messages/txn-markers';

const ALL: AnyKafkaApiDef[] = [
  KafkaProduce, KafkaFetch, KafkaListOffsets, KafkaMetadata, KafkaApiVersions,
  KafkaFindCoordinator, KafkaJoinGroup, KafkaSyncGroup, KafkaHeartbeat, KafkaLeaveGroup,
  KafkaOffsetCommit, KafkaOffsetFetch, KafkaOffsetDelete, KafkaDescribeGroups, KafkaListGroups, KafkaDeleteGroups,
  KafkaInitProducerId, KafkaCreateTopics, KafkaDeleteTopics, KafkaCreatePartitions, KafkaDescribeConfigs,
  KafkaAlterConfigs, KafkaIncrementalAlterConfigs,
  KafkaOffsetForLeaderEpoch, KafkaElectLeaders, KafkaAlterPartitionReassignments, KafkaListPartitionReassignments,
  KafkaDescribeAcls, KafkaCreateAcls, KafkaDeleteAcls,
  KafkaDescribeUserScramCredentials, KafkaAlterUserScramCredentials,
  KafkaDescribeLogDirs, KafkaAlterReplicaLogDirs,
  KafkaDescribeClientQuotas, KafkaAlterClientQuotas,
  KafkaSaslHandshake, KafkaSaslAuthenticate,
  KafkaDeleteRecords,
  KafkaAddPartitionsToTxn, KafkaAddOffsetsToTxn, KafkaEndTxn, KafkaDescribeTransactions, KafkaListTransactions,
  KafkaTxnOffsetCommit,
  KafkaWriteTxnMarkers, KafkaDescribeProducers,
];

const byKey = new Map(ALL.map((api) => [api.key, api]));

export function kafkaApiByKey(key: number): AnyKafkaApiDef | undefined {
  return byKey.get(key);
}

export function allKafkaApis(): AnyKafkaApiDef[] {
  return [...ALL].sort((a, b) => a.key - b.key);
}
