/**
 * DescribeLogDirs (key 35) on the Kafka listener: Kafka 2.8 serves v0-2, flexible from v2, and its
 * shape is the native message's (lib/protocol/messages/log-dirs.ts); v1 differs from v0 only in
 * throttling behaviour.
 */
import { DescribeLogDirsRequest, DescribeLogDirsResponse } from '../../messages/log-dirs';
import { kafkaApi } from '../kafka-api';

export const KafkaDescribeLogDirs = kafkaApi(35, 'DescribeLogDirs', { min: 0, max: 2, flexibleFrom: 2 }, DescribeLogDirsRequest, DescribeLogDirsResponse);
