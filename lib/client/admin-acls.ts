/**
 * The admin client's ACL calls (CreateAcls, DescribeAcls, DeleteAcls), over a connection to any
 * broker: every broker reads and writes the same ZooKeeper ACL store. Wire forms come from
 * lib/security/acl/acl-wire.ts, shared with the broker, so both sides name things alike.
 */
import { Api } from '../protocol/api';
import type { AclBinding, AclBindingFilter } from '../security/acl/acl-types';
import { bindingFromWire, bindingToWire, filterToWire } from '../security/acl/acl-wire';
import { responseError } from './client-errors';
import { Connection } from './connection';

export async function createAcls(conn: Connection, bindings: readonly AclBinding[]): Promise<void> {
  const response = await conn.send(Api.CreateAcls, {
    creations: bindings.map((b) => {
      const { patternType, ...fields } = bindingToWire(b);
      return { ...fields, resourcePatternType: patternType };
    }),
  });
  const failed = response.results.find((r) => r.errorCode !== 0);
  if (failed) throw responseError(failed.errorCode, failed.errorMessage, 'Creating ACLs failed.');
}

export async function describeAcls(conn: Connection, filter: AclBindingFilter): Promise<AclBinding[]> {
  const response = await conn.send(Api.DescribeAcls, filterToWire(filter));
  if (response.errorCode !== 0) throw responseError(response.errorCode, response.errorMessage, 'Describing ACLs failed.');
  return response.resources.flatMap((r) => r.acls.map((acl) => bindingFromWire(r, acl)));
}

export async function deleteAcls(conn: Connection, filters: readonly AclBindingFilter[]): Promise<AclBinding[][]> {
  const response = await conn.send(Api.DeleteAcls, { filters: filters.map(filterToWire) });
  return response.filterResults.map((r) => {
    if (r.errorCode !== 0) throw responseError(r.errorCode, r.errorMessage, 'Deleting ACLs failed.');
    const failed = r.matchingAcls.find((m) => m.errorCode !== 0);
    if (failed) throw responseError(failed.errorCode, failed.errorMessage, 'Deleting ACLs failed.');
    return r.matchingAcls.map((m) => bindingFromWire(m, m));
  });
}
