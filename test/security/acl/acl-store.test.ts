import { expect } from 'chai';
import { ANY_ACL_FILTER } from '../../../lib/security/acl/acl-filter';
import { AclStore } from '../../../lib/security/acl/acl-store';
import { AccessControlEntry, AclBinding, ResourcePattern } from '../../../lib/security/acl/acl-types';
import { ZkClient } from '../../../lib/zk/zk-client';
import { startTestZooKeeper, TestZooKeeper } from '../../helpers/zookeeper';

const topic = (name: string, patternType: 'Literal' | 'Prefixed' = 'Literal'): ResourcePattern => ({ resourceType: 'Topic', name, patternType });
const allow = (principal: string, operation: AccessControlEntry['operation']): AccessControlEntry =>
  ({ principal, host: '*', operation, permissionType: 'Allow' });

describe('security/acl/acl-store', function () {
  this.timeout(30000);
  let zk: TestZooKeeper;
  const clients: ZkClient[] = [];
  let n = 0;

  async function connect(): Promise<{ client: ZkClient; store: AclStore }> {
    const client = await ZkClient.connect({ connectString: `${zk.connectString}/acl-${++n}`, sessionTimeoutMs: 6000 });
    clients.push(client);
    const store = new AclStore(client);
    await store.ensureRoots();
    return { client, store };
  }

  async function second(): Promise<{ client: ZkClient; store: AclStore }> {
    const client = await ZkClient.connect({ connectString: `${zk.connectString}/acl-${n}`, sessionTimeoutMs: 6000 });
    clients.push(client);
    return { client, store: new AclStore(client) };
  }

  before(async () => {
    zk = await startTestZooKeeper();
  });
  afterEach(async () => {
    for (const c of clients.splice(0)) await c.close();
  });
  after(async () => {
    await zk?.stop();
  });

  it('creates Kafka\'s roots', async () => {
    const { client } = await connect();
    for (const path of ['/kafka-acl/Topic', '/kafka-acl/Group', '/kafka-acl/Cluster', '/kafka-acl/TransactionalId',
      '/kafka-acl-extended/prefixed/Topic', '/kafka-acl-changes', '/kafka-acl-extended-changes']) {
      expect(await client.exists(path), path).to.not.equal(null);
    }
  });

  it('writes the resource znode in Kafka\'s JSON and a change node per write', async () => {
    const { client, store } = await connect();
    await store.create([{ pattern: topic('orders'), entry: allow('User:alice', 'Read') }]);
    await store.create([{ pattern: topic('orders'), entry: allow('User:bob', 'Write') }, { pattern: topic('pay', 'Prefixed'), entry: allow('User:bob', 'Write') }]);
    const { data } = await client.getData('/kafka-acl/Topic/orders');
    expect(JSON.parse(String(data))).to.deep.equal({
      version: 1,
      acls: [
        { principal: 'User:alice', permissionType: 'Allow', operation: 'Read', host: '*' },
        { principal: 'User:bob', permissionType: 'Allow', operation: 'Write', host: '*' },
      ],
    });
    const literalChanges = (await client.getChildren('/kafka-acl-changes')).sort();
    expect(literalChanges).to.have.length(2);
    for (const c of literalChanges) {
      expect(c).to.match(/^acl_changes_\d{10}$/);
      expect(String((await client.getData(`/kafka-acl-changes/${c}`)).data)).to.equal('Topic:orders');
    }
    const extended = await client.getChildren('/kafka-acl-extended-changes');
    expect(extended).to.have.length(1);
    expect(JSON.parse(String((await client.getData(`/kafka-acl-extended-changes/${extended[0]}`)).data)))
      .to.deep.equal({ version: 1, resourceType: 'Topic', name: 'pay', patternType: 'PREFIXED' });
    expect(JSON.parse(String((await client.getData('/kafka-acl-extended/prefixed/Topic/pay')).data)).acls).to.have.length(1);
  });

  it('adds an ACL already present only once and announces nothing for a no-op', async () => {
    const { client, store } = await connect();
    const b: AclBinding = { pattern: topic('t'), entry: allow('User:alice', 'Read') };
    await store.create([b, b]);
    await store.create([b]);
    expect(JSON.parse(String((await client.getData('/kafka-acl/Topic/t')).data)).acls).to.have.length(1);
    expect(await client.getChildren('/kafka-acl-changes')).to.have.length(1);
  });

  it('describes by filter and deletes matching ACLs, removing the znode with the last one', async () => {
    const { client, store } = await connect();
    await store.create([
      { pattern: topic('t'), entry: allow('User:alice', 'Read') },
      { pattern: topic('t'), entry: allow('User:bob', 'Read') },
      { pattern: topic('*'), entry: allow('User:carol', 'Describe') },
      { pattern: topic('t-', 'Prefixed'), entry: allow('User:dave', 'Write') },
      { pattern: { resourceType: 'Group', name: 'g', patternType: 'Literal' }, entry: allow('User:alice', 'Read') },
    ]);
    expect(await store.describe(ANY_ACL_FILTER)).to.have.length(5);
    const matched = await store.describe({ ...ANY_ACL_FILTER, resourceType: 'Topic', name: 't-1', patternType: 'Match' });
    expect(matched.map((b) => b.entry.principal).sort()).to.deep.equal(['User:carol', 'User:dave']);
    expect(await store.describe({ ...ANY_ACL_FILTER, principal: 'User:alice' })).to.have.length(2);

    const removed = await store.delete([
      { ...ANY_ACL_FILTER, resourceType: 'Topic', name: 't', patternType: 'Literal', principal: 'User:alice' },
      { ...ANY_ACL_FILTER, resourceType: 'Topic', name: 't-', patternType: 'Prefixed' },
    ]);
    expect(removed.map((r) => r.map((b) => b.entry.principal))).to.deep.equal([['User:alice'], ['User:dave']]);
    expect(await client.exists('/kafka-acl-extended/prefixed/Topic/t-')).to.equal(null);
    expect(JSON.parse(String((await client.getData('/kafka-acl/Topic/t')).data)).acls).to.deep.equal([
      { principal: 'User:bob', permissionType: 'Allow', operation: 'Read', host: '*' },
    ]);
    await store.delete([{ ...ANY_ACL_FILTER, resourceType: 'Topic', name: 't', patternType: 'Literal' }]);
    expect(await client.exists('/kafka-acl/Topic/t')).to.equal(null);
    expect(await client.exists('/kafka-acl/Topic')).to.not.equal(null);
  });

  it('keeps both ACLs when two writers update the same resource at once', async () => {
    const { client, store } = await connect();
    const other = await second();
    const writes: Promise<void>[] = [];
    for (let i = 0; i < 5; i++) {
      writes.push(store.create([{ pattern: topic('race'), entry: allow(`User:a${i}`, 'Read') }]));
      writes.push(other.store.create([{ pattern: topic('race'), entry: allow(`User:b${i}`, 'Write') }]));
    }
    await Promise.all(writes);
    const acls = JSON.parse(String((await client.getData('/kafka-acl/Topic/race')).data)).acls as unknown[];
    expect(acls).to.have.length(10);
    expect(await client.getChildren('/kafka-acl-changes')).to.have.length(10);
  });

  it('reads ACLs Kafka wrote', async () => {
    const { client, store } = await connect();
    await client.createPersistentPath('/kafka-acl/Cluster/kafka-cluster',
      Buffer.from('{"version":1,"acls":[{"principal":"User:admin","permissionType":"Deny","operation":"Alter","host":"10.0.0.1"}]}'));
    expect(await store.describe({ ...ANY_ACL_FILTER, resourceType: 'Cluster' })).to.deep.equal([{
      pattern: { resourceType: 'Cluster', name: 'kafka-cluster', patternType: 'Literal' },
      entry: { principal: 'User:admin', permissionType: 'Deny', operation: 'Alter', host: '10.0.0.1' },
    }]);
  });
});
