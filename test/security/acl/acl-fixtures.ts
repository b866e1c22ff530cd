/**
 * ACLs written as samsa-acls and Kafka's AclAuthorizer write them (resource znode, then a change
 * node), and a one-broker fixture with the ACL authorizer on, for the authorization tests.
 */
import { Broker } from '../../../lib/broker/broker';
import { RawValue } from '../../../lib/config/config-def';
import { AccessControlEntry, ConcreteOperation, ConcretePermission, ResourcePattern } from '../../../lib/security/acl/acl-types';
import { ACL_CHANGE_PREFIX, changesRoot, encodeAcls, encodeChange, resourcePath } from '../../../lib/security/acl/acl-zk-format';
import { ZkClient } from '../../../lib/zk/zk-client';
import { BOTH_LISTENERS, SINGLE_BROKER_GROUPS, startBroker } from '../../helpers/cluster';
import { waitUntil } from '../../helpers/wait';
import { startTestZooKeeper, TestZooKeeper } from '../../helpers/zookeeper';

/** Replaces the resource's ACLs (none deletes the znode); `notify` writes the change node brokers follow. */
export async function writeAcls(zk: ZkClient, pattern: ResourcePattern, entries: AccessControlEntry[], notify = true): Promise<void> {
  const path = resourcePath(pattern);
  if (entries.length === 0) await zk.delete(path).catch(() => undefined);
  else if (await zk.exists(path)) await zk.setData(path, encodeAcls(entries));
  else await zk.createPersistentPath(path, encodeAcls(entries));
  if (notify) await zk.create(`${changesRoot(pattern.patternType)}/${ACL_CHANGE_PREFIX}`, encodeChange(pattern), 'PERSISTENT_SEQUENTIAL');
}

export function entry(operation: ConcreteOperation, permissionType: ConcretePermission = 'Allow', principal = 'User:ANONYMOUS'): AccessControlEntry {
  return { principal, host: '*', operation, permissionType };
}

export const CLUSTER: ResourcePattern = { resourceType: 'Cluster', name: 'kafka-cluster', patternType: 'Literal' };
export const topic = (name: string, patternType: 'Literal' | 'Prefixed' = 'Literal'): ResourcePattern => ({ resourceType: 'Topic', name, patternType });
export const group = (name: string, patternType: 'Literal' | 'Prefixed' = 'Literal'): ResourcePattern => ({ resourceType: 'Group', name, patternType });

export interface SecuredBroker {
  server: TestZooKeeper;
  zk: ZkClient;
  broker: Broker;
  native: string;
  kafka: string;
  /** Writes ACLs and waits until the broker's cache holds them. */
  setAcls(pattern: ResourcePattern, entries: AccessControlEntry[]): Promise<void>;
}

/**
 * A broker with the ACL authorizer whose clients are all User:ANONYMOUS (PLAINTEXT). Before it
 * starts, ANONYMOUS gets what the brokers' principal needs (ClusterAction: the controller's
 * requests to itself) and Create on the Cluster (so tests can make topics); nothing else.
 */
export function useSecuredBroker(overrides: Record<string, RawValue> = {}): SecuredBroker {
  const fixture = {} as SecuredBroker;
  before(async () => {
    fixture.server = await startTestZooKeeper();
    fixture.zk = await ZkClient.connect({ connectString: fixture.server.connectString, sessionTimeoutMs: 10000 });
    await writeAcls(fixture.zk, CLUSTER, [entry('ClusterAction'), entry('Create')], false);
    fixture.broker = await startBroker({
      brokerId: 1, zkConnect: fixture.server.connectString,
      overrides: { listeners: BOTH_LISTENERS, ...SINGLE_BROKER_GROUPS, 'authorizer.class.name': 'kafka.security.authorizer.AclAuthorizer', ...overrides },
    });
    fixture.native = `127.0.0.1:${fixture.broker.port}`;
    fixture.kafka = `127.0.0.1:${fixture.broker.boundPort('KAFKA')}`;
    fixture.setAcls = async (pattern, entries) => {
      await writeAcls(fixture.zk, pattern, entries);
      const key = (e: AccessControlEntry) => `${e.principal}|${e.host}|${e.operation}|${e.permissionType}`;
      const want = entries.map(key).sort().join(',');
      await waitUntil(`the broker to see the ACLs of ${pattern.resourceType}:${pattern.name}`, () => {
        const have = fixture.broker.acls!.ofType(pattern.resourceType)
          .filter((b) => b.pattern.name === pattern.name && b.pattern.patternType === pattern.patternType).map((b) => key(b.entry)).sort().join(',');
        return have === want;
      });
    };
  });
  after(async () => {
    await fixture.broker?.shutdown();
    await fixture.zk?.close();
    await fixture.server?.stop();
  });
  return fixture;
}
