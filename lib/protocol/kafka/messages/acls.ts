/**
 * Kafka's ACL administration APIs on the Kafka listener: DescribeAcls (key 29), CreateAcls (30)
 * and DeleteAcls (31), v0-2, flexible from v2, over the one versioned definition of each message
 * in lib/protocol/messages/acls.ts (whose native v0 is Kafka's v1).
 */
import {
  CreateAclsResponseVersions, CreateAclsVersions, DeleteAclsResponseVersions, DeleteAclsVersions, DescribeAclsResponseVersions, DescribeAclsVersions,
} from '../../messages/acls';
import { kafkaApi } from '../kafka-api';

const VERSIONS = { min: 0, max: 2, flexibleFrom: 2 };

export const KafkaDescribeAcls = kafkaApi(29, 'DescribeAcls', VERSIONS, DescribeAclsVersions, DescribeAclsResponseVersions);
export const KafkaCreateAcls = kafkaApi(30, 'CreateAcls', VERSIONS, CreateAclsVersions, CreateAclsResponseVersions);
export const KafkaDeleteAcls = kafkaApi(31, 'DeleteAcls', VERSIONS, DeleteAclsVersions, DeleteAclsResponseVersions);
