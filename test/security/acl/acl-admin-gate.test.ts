import { expect } from 'chai';
import { Admin } from '../../../lib/client/admin';
import { SamsaError } from '../../../lib/protocol/errors';
import { ANY_ACL_FILTER } from '../../../lib/security/acl/acl-filter';
import { AclStore } from '../../../lib/security/acl/acl-store';
import { AclBinding } from '../../../lib/security/acl/acl-types';
import { ZkClient } from '../../../lib/zk/zk-client';
import { useOneBroker } from '../../helpers/one-broker';
import { waitUntil } from '../../helpers/wait';

const readOnOrders: AclBinding = { pattern: { resourceType: 'Topic', name: 'orders', patternType: 'Literal' }, entry: { principal: 'User:alice', host: '*', operation: 'Read', permissionType: 'Allow' } };

/** The error's code name ('accepted' when the call succeeds). */
async function rejection(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    return (err as SamsaError).errorName;
  }
  return 'accepted';
}

/** Who may administer ACLs: Kafka's SECURITY_DISABLED without an authorizer, Cluster Alter/Describe with one. */
describe('security/acl/acl-admin-gate', function () {
  this.timeout(60000);

  describe('without an authorizer', () => {
    const fixture = useOneBroker();

    it('answers every ACL API with SECURITY_DISABLED and writes nothing', async () => {
      const admin = new Admin({ bootstrapServers: fixture.native, clientId: 'gate' });
      try {
        expect(await rejection(admin.createAcls([readOnOrders]))).to.contain('SECURITY_DISABLED');
        expect(await rejection(admin.describeAcls(ANY_ACL_FILTER))).to.contain('SECURITY_DISABLED');
        expect(await rejection(admin.deleteAcls([ANY_ACL_FILTER]))).to.contain('SECURITY_DISABLED');
      } finally {
        await admin.close();
      }
    });
  });

  describe('with the ACL authorizer', () => {
    const cluster = { resourceType: 'Cluster', name: 'kafka-cluster', patternType: 'Literal' } as const;
    // The broker's own (anonymous, PLAINTEXT) inter-broker requests need ClusterAction, which grants nothing else.
    const fixture = useOneBroker({ 'authorizer.class.name': 'kafka.security.authorizer.AclAuthorizer', 'super.users': 'User:admin' }, async (connectString) => {
      const zk = await ZkClient.connect({ connectString });
      try {
        await new AclStore(zk).create([{ pattern: cluster, entry: { principal: 'User:ANONYMOUS', host: '*', operation: 'ClusterAction', permissionType: 'Allow' } }]);
      } finally {
        await zk.close();
      }
    });

    it('needs Alter on the Cluster to create and delete and Describe on the Cluster to list', async () => {
      const admin = new Admin({ bootstrapServers: fixture.native, clientId: 'gate' });
      const zk = await ZkClient.connect({ connectString: fixture.zk.connectString });
      try {
        expect(await rejection(admin.createAcls([readOnOrders]))).to.contain('CLUSTER_AUTHORIZATION_FAILED');
        expect(await rejection(admin.describeAcls(ANY_ACL_FILTER))).to.contain('CLUSTER_AUTHORIZATION_FAILED');
        await new AclStore(zk).create([{ pattern: cluster, entry: { principal: 'User:ANONYMOUS', host: '*', operation: 'Alter', permissionType: 'Allow' } }]);
        // Alter implies Describe (Kafka's rule), so both calls now pass once every broker has the ACL.
        await waitUntil('the Alter ACL reaches the broker', async () => (await rejection(admin.createAcls([readOnOrders]))) === 'accepted', 20000, 200);
        expect(await admin.describeAcls({ ...ANY_ACL_FILTER, resourceType: 'Topic' })).to.deep.equal([readOnOrders]);
        expect(await rejection(admin.deleteAcls([{ ...ANY_ACL_FILTER, resourceType: 'Topic' }]))).to.equal('accepted');
      } finally {
        await admin.close();
        await zk.close();
      }
    });
  });
});
