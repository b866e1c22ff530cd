/**
 * DescribeLogDirs (key 35, v0-2, flexible from v2) and AlterReplicaLogDirs (key 34, v0-1) on the
 * Kafka listener: Kafka 2.8's shapes are the native messages' (lib/protocol/messages/log-dirs.ts);
 * v1 of each differs from v0 only in throttling behaviour.
 */
import {
  AlterReplicaLogDirsRequest, AlterReplicaLogDirsResponse, DescribeLogDirsRequest, DescribeLogDirsResponse,
} from '../../messages/log-dirs';
import { kafkaApi } from '../kafka-api';

export const KafkaDescribeLogDirs = kafkaApi(35, 'DescribeLogDirs', { min: 0, max: 2, flexibleFrom: 2 }, DescribeLogDirsRequest, DescribeLogDirsResponse);

export const KafkaAlterReplicaLogDirs = kafkaApi(34, 'AlterReplicaLogDirs', { min: 0, max: 1 }, AlterReplicaLogDirsRequest, AlterReplicaLogDirsResponse);
