/**
 * ACL administration: DescribeAcls (key 29), CreateAcls (30) and DeleteAcls (31), defined once
 * with Kafka's versions. Kafka's v0 has no resource pattern type, which reads as LITERAL (3), the
 * only kind of ACL that version knows; Samsa's native v0 carries Kafka's v1 fields (with the
 * pattern type) under the same names, so both listeners hand their decoded requests to the same
 * handlers. Wire codes of resource types, pattern types, operations and permissions are Kafka's
 * (lib/security/acl/acl-types.ts).
 */
import { array, atVersion, int16, int32, int8, nullableString, since, string, struct, Infer } from '../schema';

/** PatternType LITERAL: what a Kafka v0 request means and a v0 response can say. */
const LITERAL = 3;
/** The Kafka version whose fields Samsa's native v0 carries. */
const NATIVE_AS_KAFKA_VERSION = 1;

/**
 * The filter both DescribeAcls and DeleteAcls carry:
 *   resourceTypeFilter resourceNameFilter patternTypeFilter(v1+) principalFilter hostFilter operation permissionType
 * A null string matches everything, as do the codes ANY (1) and, for patterns, MATCH (2).
 */
const filterFields = {
  resourceTypeFilter: int8,
  resourceNameFilter: nullableString,
  patternTypeFilter: since(1, int8, LITERAL),
  principalFilter: nullableString,
  hostFilter: nullableString,
  operation: int8,
  permissionType: int8,
};

/** DescribeAcls Request (v0-2) => the filter above */
export const DescribeAclsVersions = struct(filterFields, 'DescribeAclsRequest');

/**
 * DescribeAcls Response (v0-2) => throttleTimeMs errorCode errorMessage [resources]
 *   resources => resourceType resourceName patternType(v1+) [acls]
 *   acls => principal host operation permissionType
 */
export const DescribeAclsResponseVersions = struct({
  throttleTimeMs: int32,
  errorCode: int16,
  errorMessage: nullableString,
  resources: array(struct({
    resourceType: int8,
    resourceName: string,
    patternType: since(1, int8, LITERAL),
    acls: array(struct({ principal: string, host: string, operation: int8, permissionType: int8 }, 'AclDescription')),
  }, 'DescribeAclsResource')),
}, 'DescribeAclsResponse');

/**
 * CreateAcls Request (v0-2) => [creations]
 *   creations => resourceType resourceName resourcePatternType(v1+) principal host operation permissionType
 */
export const CreateAclsVersions = struct({
  creations: array(struct({
    resourceType: int8,
    resourceName: string,
    resourcePatternType: since(1, int8, LITERAL),
    principal: string,
    host: string,
    operation: int8,
    permissionType: int8,
  }, 'AclCreation')),
}, 'CreateAclsRequest');

/** CreateAcls Response (v0-2) => throttleTimeMs [results]; results => errorCode errorMessage (one per creation, in order) */
export const CreateAclsResponseVersions = struct({
  throttleTimeMs: int32,
  results: array(struct({ errorCode: int16, errorMessage: nullableString }, 'AclCreationResult')),
}, 'CreateAclsResponse');

/** DeleteAcls Request (v0-2) => [filters]; filters => as DescribeAcls' request */
export const DeleteAclsVersions = struct({ filters: array(struct(filterFields, 'DeleteAclsFilter')) }, 'DeleteAclsRequest');

/**
 * DeleteAcls Response (v0-2) => throttleTimeMs [filterResults]   (one per filter, in order)
 *   filterResults => errorCode errorMessage [matchingAcls]
 *   matchingAcls => errorCode errorMessage resourceType resourceName patternType(v1+) principal host operation permissionType
 */
export const DeleteAclsResponseVersions = struct({
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
}, 'DeleteAclsResponse');

/** The native protocol's v0 of each: Kafka's v1 bytes. */
export const DescribeAclsRequest = atVersion(DescribeAclsVersions, NATIVE_AS_KAFKA_VERSION);
export const DescribeAclsResponse = atVersion(DescribeAclsResponseVersions, NATIVE_AS_KAFKA_VERSION);
export const CreateAclsRequest = atVersion(CreateAclsVersions, NATIVE_AS_KAFKA_VERSION);
export const CreateAclsResponse = atVersion(CreateAclsResponseVersions, NATIVE_AS_KAFKA_VERSION);
export const DeleteAclsRequest = atVersion(DeleteAclsVersions, NATIVE_AS_KAFKA_VERSION);
export const DeleteAclsResponse = atVersion(DeleteAclsResponseVersions, NATIVE_AS_KAFKA_VERSION);

export type AclFilterData = Infer<typeof DescribeAclsRequest>;
export type DescribeAclsResponseData = Infer<typeof DescribeAclsResponse>;
export type CreateAclsRequestData = Infer<typeof CreateAclsRequest>;
export type CreateAclsResponseData = Infer<typeof CreateAclsResponse>;
export type DeleteAclsRequestData = Infer<typeof DeleteAclsRequest>;
export type DeleteAclsResponseData = Infer<typeof DeleteAclsResponse>;
