/**
 * DescribeUserScramCredentials (key 50) and AlterUserScramCredentials (key 51) on the Kafka
 * listener. Kafka serves only v0, flexible from v0, and its shape is the native message's, so
 * these are those definitions (grammar in lib/protocol/messages/scram-credentials.ts).
 */
import {
  AlterUserScramCredentialsRequest, AlterUserScramCredentialsResponse, DescribeUserScramCredentialsRequest,
  DescribeUserScramCredentialsResponse,
} from '../../messages/scram-credentials';
import { kafkaApi } from '../kafka-api';

export const KafkaDescribeUserScramCredentials = kafkaApi(50, 'DescribeUserScramCredentials', { min: 0, max: 0, flexibleFrom: 0 },
  DescribeUserScramCredentialsRequest, DescribeUserScramCredentialsResponse);

export const KafkaAlterUserScramCredentials = kafkaApi(51, 'AlterUserScramCredentials', { min: 0, max: 0, flexibleFrom: 0 },
  AlterUserScramCredentialsRequest, AlterUserScramCredentialsResponse);
