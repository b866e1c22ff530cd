/**
 * ACL administration: DescribeAcls (key 29), CreateAcls (30) and DeleteAcls (31). Samsa's native
 * v0 carries Kafka's v1 fields (with the resource pattern type) under the same names, so the
 * Kafka listener hands its decoded requests to the same handlers. Wire codes of resource types,
 * pattern types, operations and permissions are Kafka's (lib/security/acl/acl-types.ts).
 */
import { array, int16, int32, int8, nullableString, string, struct, Infer } from '../schema';

/**
 * The filter both DescribeAcls and DeleteAcls carry:
 *   resourceTypeFilter resourceNameFilter patternTypeFilter principalFilter hostFilter operation permissionType
 * A null string matches everything, as do the codes ANY (1) and, for patterns, MATCH (2).
 */
const filterFields = {
  resourceTypeFilter: int8,
  resourceNameFilter: nullableString,
  patternTypeFilter: int8,
  principalFilter: nullableString,
  hostFilter: nullableString,
  operation: int8,
  permissionType: int8,
};

/** DescribeAcls Request (v0) => resourceTypeFilter resourceNameFilter patternTypeFilter principalFilter hostFilter operation permissionType */
export const DescribeAclsRequest = struct(filterFields, 'DescribeAclsRequest');

/**
 * DescribeAcls Response (v0) => throttleTimeMs errorCode errorMessage [resources]
 *   resources => resourceType resourceName patternType [acls]
 *   acls => principal host operation permissionType
 */
const AclDescription = struct({ principal: string, host: string, operation: int8, permissionType: int8 }, 'AclDescription');
export const DescribeAclsResponse = struct({
  throttleTimeMs: int32,
  errorCode: int16,
  errorMessage: nullableString,
  resources: array(struct({
    resourceType: int8,
    resourceName: string,
    patternType: int8,
    acls: array(AclDescription),
  }, 'DescribeAclsResource')),
}, 'DescribeAclsResponse');

/**
 * CreateAcls Request (v0) => [creations]
 *   creations => resourceType resourceName resourcePatternType principal host operation permissionType
 */
export const CreateAclsRequest = struct({
  creations: array(struct({
    resourceType: int8,
    resourceName: string,
    resourcePatternType: int8,
    principal: string,
    host: string,
    operation: int8,
    permissionType: int8,
  }, 'AclCreation')),
}, 'CreateAclsRequest');

/** CreateAcls Response (v0) => throttleTimeMs [results]; results => errorCode errorMessage (one per creation, in order) */
const AclResult = struct({ errorCode: int16, errorMessage: nullableString }, 'AclCreationResult');
export const CreateAclsResponse = struct({ throttleTimeMs: int32, results: array(AclResult) }, 'CreateAclsResponse');

/** DeleteAcls Request (v0) => [filters]; filters => as DescribeAcls' request */
export const DeleteAclsRequest = struct({ filters: array(struct(filterFields, 'DeleteAclsFilter')) }, 'DeleteAclsRequest');

/**
 * DeleteAcls Response (v0) => throttleTimeMs [filterResults]   (one per filter, in order)
 *   filterResults => errorCode errorMessage [matchingAcls]
 *   matchingAcls => errorCode errorMessage resourceType resourceName patternType principal host operation permissionType
 */
export const DeleteAclsResponse = struct({
  throttleTimeMs: int32,
  filterResults: array(struct({
    errorCode: int16,
    errorMessage: nullableString,
    matchingAcls: array(struct({
      errorCode: int16,
      errorMessage: nullableString,
      resourceType: int8,
      resourceName: string,
      patternType: int8,
      principal: string,
      host: string,
      operation: int8,
      permissionType: int8,
    }, 'DeleteAclsMatchingAcl')),
  }, 'DeleteAclsFilterResult')),
}, 'DeleteAclsResponse');

export type AclFilterData = Infer<typeof DescribeAclsRequest>;
export type DescribeAclsResponseData = Infer<typeof DescribeAclsResponse>;
export type CreateAclsRequestData = Infer<typeof CreateAclsRequest>;
export type CreateAclsResponseData = Infer<typeof CreateAclsResponse>;
export type DeleteAclsRequestData = Infer<typeof DeleteAclsRequest>;
export type DeleteAclsResponseData = Infer<typeof DeleteAclsResponse>;
