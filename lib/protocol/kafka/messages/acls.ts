/**
 * Kafka's ACL administration APIs on the Kafka listener: DescribeAcls (key 29), CreateAcls (30)
 * and DeleteAcls (31), v0-2, flexible from v2. Field names are the native messages'
 * (lib/protocol/messages/acls.ts), whose v0 is Kafka's v1; Kafka's v0 has no pattern type, which
 * reads as LITERAL (3), the only kind of ACL that version knows.
 */
import { array, int16, int32, int8, nullableString, since, string, struct } from '../../schema';
import { kafkaApi } from '../kafka-api';

/** PatternType LITERAL: what a v0 request means and a v0 response can say. */
const LITERAL = 3;

const filterFields = {
  resourceTypeFilter: int8,
  resourceNameFilter: nullableString,
  patternTypeFilter: since(1, int8, LITERAL),
  principalFilter: nullableString,
  hostFilter: nullableString,
  operation: int8,
  permissionType: int8,
};

/** DescribeAcls Request (v0-2) => resourceTypeFilter resourceNameFilter patternTypeFilter(v1+) principalFilter hostFilter operation permissionType */
const DescribeAclsRequest = struct(filterFields, 'KafkaDescribeAclsRequest');

/**
 * DescribeAcls Response (v0-2) => throttleTimeMs errorCode errorMessage [resources]
 *   resources => resourceType resourceName patternType(v1+) [acls]
 *   acls => principal host operation permissionType
 */
const DescribeAclsResponse = struct({
  throttleTimeMs: int32,
  errorCode: int16,
  errorMessage: nullableString,
  resources: array(struct({
    resourceType: int8,
    resourceName: string,
    patternType: since(1, int8, LITERAL),
    acls: array(struct({ principal: string, host: string, operation: int8, permissionType: int8 }, 'AclDescription')),
  }, 'DescribeAclsResource')),
}, 'KafkaDescribeAclsResponse');

export const KafkaDescribeAcls = kafkaApi(29, 'DescribeAcls', { min: 0, max: 2, flexibleFrom: 2 }, DescribeAclsRequest, DescribeAclsResponse);

/**
 * CreateAcls Request (v0-2) => [creations]
 *   creations => resourceType resourceName resourcePatternType(v1+) principal host operation permissionType
 */
const CreateAclsRequest = struct({
  creations: array(struct({
    resourceType: int8,
    resourceName: string,
    resourcePatternType: since(1, int8, LITERAL),
    principal: string,
    host: string,
    operation: int8,
    permissionType: int8,
  }, 'AclCreation')),
}, 'KafkaCreateAclsRequest');

/** CreateAcls Response (v0-2) => throttleTimeMs [results]; results => errorCode errorMessage */
const CreateAclsResponse = struct({
  throttleTimeMs: int32,
  results: array(struct({ errorCode: int16, errorMessage: nullableString }, 'AclCreationResult')),
}, 'KafkaCreateAclsResponse');

export const KafkaCreateAcls = kafkaApi(30, 'CreateAcls', { min: 0, max: 2, flexibleFrom: 2 }, CreateAclsRequest, CreateAclsResponse);

/** DeleteAcls Request (v0-2) => [filters]; filters => as DescribeAcls' request */
const DeleteAclsRequest = struct({ filters: array(struct(filterFields, 'DeleteAclsFilter')) }, 'KafkaDeleteAclsRequest');

/**
 * DeleteAcls Response (v0-2) => throttleTimeMs [filterResults]
 *   filterResults => errorCode errorMessage [matchingAcls]
 *   matchingAcls => errorCode errorMessage resourceType resourceName patternType(v1+) principal host operation permissionType
 */
const DeleteAclsResponse = struct({
  throttleTimeMs: int32,
  filterResults: array(struct({
    errorCode: int16,
    errorMessage: nullableString,
    matchingAcls: array(struct({
      errorCode: int16,
      errorMessage: nullableString,
      resourceType: int8,
      resourceName: string,
      patternType: since(1, int8, LITERAL),
      principal: string,
      host: string,
      operation: int8,
      permissionType: int8,
    }, 'DeleteAclsMatchingAcl')),
  }, 'DeleteAclsFilterResult')),
}, 'KafkaDeleteAclsResponse');

export const KafkaDeleteAcls = kafkaApi(31, 'DeleteAcls', { min: 0, max: 2, flexibleFrom: 2 }, DeleteAclsRequest, DeleteAclsResponse);
