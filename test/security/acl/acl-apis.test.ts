import { expect } from 'chai';
import { AclOperationTypes, AclPermissionTypes, AclResourceTypes, Kafka, logLevel, ResourcePatternTypes } from 'kafkajs';
import { Admin } from '../../../lib/client/admin';
import { KafkaCreateAcls, KafkaDeleteAcls, KafkaDescribeAcls } from '../../../lib/protocol/kafka/messages/acls';
import { ErrorCode } from '../../../lib/protocol/errors';
import { ANY_ACL_FILTER } from '../../../lib/security/acl/acl-filter';
import { AclBinding } from '../../../lib/security/acl/acl-types';
import { ZkClient } from '../../../lib/zk/zk-client';
import { KafkaWireClient } from '../../helpers/kafka-wire-client';
import { useOneBroker } from '../../helpers/one-broker';

const binding = (name: string, principal: string, operation: AclBinding['entry']['operation'], patternType: 'Literal' | 'Prefixed' = 'Literal'): AclBinding => ({
  pattern: { resourceType: 'Topic', name, patternType },
  entry: { principal, host: '*', operation, permissionType: 'Allow' },
});

describe('security/acl/acl-apis', function () {
  this.timeout(60000);
  // ACLs are administered only where an authorizer runs; the tests' anonymous client is a super user.
  const fixture = useOneBroker({ 'authorizer.class.name': 'kafka.security.authorizer.AclAuthorizer', 'super.users': 'User:ANONYMOUS' });
  let admin: Admin;
  let zk: ZkClient;

  before(async () => {
    admin = new Admin({ bootstrapServers: fixture.native, clientId: 'acl-apis' });
    await admin.connect();
    zk = await ZkClient.connect({ connectString: fixture.zk.connectString });
  });
  after(async () => {
    await admin?.close();
    await zk?.close();
  });

  it('creates, describes and deletes ACLs on the native listener, stored in ZooKeeper as Kafka stores them', async () => {
    await admin.createAcls([binding('n1', 'User:alice', 'Read'), binding('n1', 'User:bob', 'Write'), binding('n', 'User:carol', 'Describe', 'Prefixed')]);
    const json = JSON.parse(String((await zk.getData('/kafka-acl/Topic/n1')).data));
    expect(json.acls).to.deep.include({ principal: 'User:alice', permissionType: 'Allow', operation: 'Read', host: '*' });
    expect(await zk.exists('/kafka-acl-extended/prefixed/Topic/n')).to.not.equal(null);

    const matched = await admin.describeAcls({ ...ANY_ACL_FILTER, resourceType: 'Topic', name: 'n1', patternType: 'Match' });
    expect(matched).to.have.deep.members([binding('n1', 'User:alice', 'Read'), binding('n1', 'User:bob', 'Write'), binding('n', 'User:carol', 'Describe', 'Prefixed')]);
    expect(await admin.describeAcls({ ...ANY_ACL_FILTER, resourceType: 'Topic', name: 'n1', patternType: 'Literal', principal: 'User:bob' }))
      .to.deep.equal([binding('n1', 'User:bob', 'Write')]);

    const deleted = await admin.deleteAcls([
      { ...ANY_ACL_FILTER, resourceType: 'Topic', name: 'n1', patternType: 'Literal', operation: 'Read' },
      { ...ANY_ACL_FILTER, resourceType: 'Topic', patternType: 'Prefixed' },
    ]);
    expect(deleted).to.deep.equal([[binding('n1', 'User:alice', 'Read')], [binding('n', 'User:carol', 'Describe', 'Prefixed')]]);
    expect(await admin.describeAcls({ ...ANY_ACL_FILTER, name: 'n1' })).to.deep.equal([binding('n1', 'User:bob', 'Write')]);
  });

  it('refuses invalid creations and filters with INVALID_REQUEST, per item', async () => {
    await expectRejection(admin.createAcls([{ ...binding('x', 'alice', 'Read') }]), /principalType:principalName/);
    await expectRejection(admin.createAcls([{ pattern: { resourceType: 'Cluster', name: 'c', patternType: 'Literal' }, entry: binding('x', 'User:a', 'Alter').entry }]),
      /kafka-cluster/);
    await expectRejection(admin.describeAcls({ ...ANY_ACL_FILTER, operation: 'Unknown' }), /UNKNOWN/);
    expect(await zk.exists('/kafka-acl/Topic/x')).to.equal(null);
  });

  it('answers Kafka clients at v0, v1 and the flexible v2', async () => {
    const client = new KafkaWireClient(fixture.broker.boundPort('KAFKA'));
    try {
      for (const version of [0, 1, 2]) {
        const name = `wire-v${version}`;
        const created = await client.send(KafkaCreateAcls, version, {
          creations: [
            { resourceType: 2, resourceName: name, resourcePatternType: 3, principal: 'User:alice', host: '*', operation: 4, permissionType: 3 },
            { resourceType: 1, resourceName: name, resourcePatternType: 3, principal: 'User:alice', host: '*', operation: 4, permissionType: 3 },
          ],
        });
        expect(created.results.map((r) => r.errorCode)).to.deep.equal([0, ErrorCode.INVALID_REQUEST.code]);
        const described = await client.send(KafkaDescribeAcls, version, {
          resourceTypeFilter: 2, resourceNameFilter: name, patternTypeFilter: 3, principalFilter: null, hostFilter: null, operation: 1, permissionType: 1,
        });
        expect(described.errorCode).to.equal(0);
        expect(described.resources).to.deep.equal([{
          resourceType: 2, resourceName: name, patternType: 3, acls: [{ principal: 'User:alice', host: '*', operation: 4, permissionType: 3 }],
        }]);
        const deleted = await client.send(KafkaDeleteAcls, version, {
          filters: [{ resourceTypeFilter: 2, resourceNameFilter: name, patternTypeFilter: 3, principalFilter: null, hostFilter: null, operation: 1, permissionType: 1 }],
        });
        expect(deleted.filterResults[0].matchingAcls.map((m) => m.resourceName)).to.deep.equal([name]);
      }
    } finally {
      client.close();
    }
  });

  it('serves KafkaJS admin.createAcls, describeAcls and deleteAcls', async () => {
    const kafka = new Kafka({ clientId: 'kjs-acls', brokers: [fixture.kafka], logLevel: logLevel.NOTHING, retry: { retries: 5, initialRetryTime: 100 } });
    const kjs = kafka.admin();
    await kjs.connect();
    try {
      await kjs.createAcls({
        acl: [{
          resourceType: AclResourceTypes.TOPIC, resourceName: 'kjs-', resourcePatternType: ResourcePatternTypes.PREFIXED,
          principal: 'User:kjs', host: '*', operation: AclOperationTypes.WRITE, permissionType: AclPermissionTypes.ALLOW,
        }],
      });
      const described = await kjs.describeAcls({
        resourceType: AclResourceTypes.TOPIC, resourceName: 'kjs-topic', resourcePatternType: ResourcePatternTypes.MATCH,
        operation: AclOperationTypes.ANY, permissionType: AclPermissionTypes.ANY,
      });
      expect(described.resources).to.deep.equal([{
        resourceType: AclResourceTypes.TOPIC, resourceName: 'kjs-', resourcePatternType: ResourcePatternTypes.PREFIXED,
        acls: [{ principal: 'User:kjs', host: '*', operation: AclOperationTypes.WRITE, permissionType: AclPermissionTypes.ALLOW }],
      }]);
      expect(await admin.describeAcls({ ...ANY_ACL_FILTER, principal: 'User:kjs' })).to.deep.equal([binding('kjs-', 'User:kjs', 'Write', 'Prefixed')]);
      const deleted = await kjs.deleteAcls({
        filters: [{
          resourceType: AclResourceTypes.TOPIC, resourceName: 'kjs-', resourcePatternType: ResourcePatternTypes.PREFIXED,
          operation: AclOperationTypes.ANY, permissionType: AclPermissionTypes.ANY,
        }],
      });
      expect(deleted.filterResponses[0].errorCode).to.equal(0);
      expect(deleted.filterResponses[0].matchingAcls).to.have.length(1);
      expect(await zk.exists('/kafka-acl-extended/prefixed/Topic/kjs-')).to.equal(null);
    } finally {
      await kjs.disconnect();
    }
  });
});

async function expectRejection(promise: Promise<unknown>, pattern: RegExp): Promise<void> {
  try {
    await promise;
  } catch (err) {
    expect((err as Error).message).to.match(pattern);
    return;
  }
  expect.fail('expected a rejection');
}
