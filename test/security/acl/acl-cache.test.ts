import { expect } from 'chai';
import { getLogger } from '../../../lib/util/logger';
import { ZkClient } from '../../../lib/zk/zk-client';
import { AclCache } from '../../../lib/security/acl/acl-cache';
import { AccessControlEntry, ResourcePattern } from '../../../lib/security/acl/acl-types';
import { ACL_CHANGE_PREFIX, changesRoot } from '../../../lib/security/acl/acl-zk-format';
import { writeAcls } from './acl-fixtures';
import { startTestZooKeeper, TestZooKeeper } from '../../helpers/zookeeper';
import { waitUntil } from '../../helpers/wait';

const READ: AccessControlEntry = { principal: 'User:alice', host: '*', operation: 'Read', permissionType: 'Allow' };
const WRITE: AccessControlEntry = { principal: 'User:bob', host: '*', operation: 'Write', permissionType: 'Allow' };

const principals = (cache: AclCache, name: string) => cache.matching({ resourceType: 'Topic', name }).map((b) => b.entry.principal).sort();

describe('security/acl/acl-cache', function () {
  this.timeout(60000);
  let server: TestZooKeeper;
  let zk: ZkClient;
  let cache: AclCache | undefined;

  before(async () => {
    server = await startTestZooKeeper();
    zk = await ZkClient.connect({ connectString: server.connectString, sessionTimeoutMs: 10000 });
  });
  afterEach(() => cache?.stop());
  after(async () => {
    await zk?.close();
    await server?.stop();
  });

  it('loads every ACL present at start, literal and prefixed, and finds those matching a resource', async () => {
    await writeAcls(zk, { resourceType: 'Topic', name: 'orders', patternType: 'Literal' }, [READ], false);
    await writeAcls(zk, { resourceType: 'Topic', name: 'ord', patternType: 'Prefixed' }, [WRITE], false);
    await writeAcls(zk, { resourceType: 'Group', name: 'orders', patternType: 'Literal' }, [WRITE], false);
    cache = new AclCache(zk, getLogger('test'));
    await cache.start();
    expect(principals(cache, 'orders')).to.deep.equal(['User:alice', 'User:bob']);
    expect(principals(cache, 'order-history')).to.deep.equal(['User:bob']);
    expect(principals(cache, 'payments')).to.deep.equal([]);
    expect(await zk.exists('/kafka-acl-extended/prefixed/TransactionalId')).to.not.equal(null);
  });

  it('follows adds, changes and removals announced by change nodes, without restart', async () => {
    cache = new AclCache(zk, getLogger('test'));
    await cache.start();
    const star: ResourcePattern = { resourceType: 'Topic', name: '*', patternType: 'Literal' };
    await writeAcls(zk, star, [{ ...READ, principal: 'User:*' }]);
    await waitUntil('the wildcard ACL to arrive', () => principals(cache!, 'payments').includes('User:*'));
    await writeAcls(zk, { resourceType: 'Topic', name: 'orders', patternType: 'Literal' }, []);
    await waitUntil('the literal ACL to go', () => !principals(cache!, 'orders').includes('User:alice'));
    await writeAcls(zk, { resourceType: 'Topic', name: 'pay', patternType: 'Prefixed' }, [WRITE]);
    await waitUntil('the prefixed ACL to arrive', () => principals(cache!, 'payments').includes('User:bob'));
    expect(principals(cache, 'orders')).to.deep.equal(['User:*', 'User:bob']);
  });

  it('reloads everything when a change node cannot be decoded', async () => {
    cache = new AclCache(zk, getLogger('test'));
    await cache.start();
    await writeAcls(zk, { resourceType: 'Topic', name: 'silent', patternType: 'Literal' }, [READ], false);
    expect(principals(cache, 'silent')).to.not.include('User:alice');
    await zk.create(`${changesRoot('Literal')}/${ACL_CHANGE_PREFIX}`, Buffer.from('NoSuchType:x'), 'PERSISTENT_SEQUENTIAL');
    await waitUntil('the full reload', () => principals(cache!, 'silent').includes('User:alice'));
  });

  it('deletes change nodes older than the expiry, as Kafka does after 15 minutes', async () => {
    cache = new AclCache(zk, getLogger('test'), { changeExpirationMs: 0, now: () => Date.now() + 1000 });
    await cache.start();
    await writeAcls(zk, { resourceType: 'Topic', name: 'expiring', patternType: 'Literal' }, [READ]);
    await waitUntil('the change to be applied', () => principals(cache!, 'expiring').includes('User:alice'));
    await waitUntil('old change nodes to be purged', async () => (await zk.getChildren(changesRoot('Literal'))).length === 0);
  });
});
