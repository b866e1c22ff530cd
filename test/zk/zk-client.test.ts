import { expect } from 'chai';
import { ZkClient } from '../../lib/zk/zk-client';
import { ZkError } from '../../lib/zk/zk-errors';
import { NO_EPHEMERAL_OWNER, ZkNodeData, ZkWatchEvent } from '../../lib/zk/zk-types';
import { startTestZooKeeper, TestZooKeeper } from '../helpers/zookeeper';
import { waitUntil } from '../helpers/wait';

async function rejection(promise: Promise<unknown>): Promise<ZkError> {
  try {
    await promise;
  } catch (err) {
    expect(err).to.be.instanceOf(ZkError);
    return err as ZkError;
  }
  throw new Error('expected the operation to fail');
}

describe('zk/zk-client', function () {
  this.timeout(30000);
  let zk: TestZooKeeper;
  let root: ZkClient;
  let client: ZkClient;
  let n = 0;

  before(async () => {
    zk = await startTestZooKeeper();
    root = await ZkClient.connect({ connectString: zk.connectString, sessionTimeoutMs: 6000 });
  });

  beforeEach(async () => {
    client = await ZkClient.connect({ connectString: `${zk.connectString}/test-${++n}`, sessionTimeoutMs: 6000 });
  });

  afterEach(async () => {
    await client.close();
  });

  after(async () => {
    await root?.close();
    await zk?.stop();
  });

  describe('chroot', () => {
    it('creates the chroot node and keeps every path relative to it', async () => {
      await client.create('/a', Buffer.from('x'));
      expect((await root.getData(`/test-${n}/a`)).data?.toString()).to.equal('x');
      expect(await client.getChildren('/')).to.deep.equal(['a']);
      expect(await root.exists('/a')).to.equal(null);
    });

    it('reports chroot-relative paths for sequential nodes, multi results and watch events', async () => {
      await client.create('/q');
      expect(await client.create('/q/item-', null, 'PERSISTENT_SEQUENTIAL')).to.equal('/q/item-0000000000');
      const [created] = await client.multi([{ op: 'create', path: '/q/m-', mode: 'PERSISTENT_SEQUENTIAL' }]);
      expect(created).to.deep.equal({ op: 'create', path: '/q/m-0000000001' });
      const events: ZkWatchEvent[] = [];
      await client.getChildren('/q', (e) => events.push(e));
      await root.create(`/test-${n}/q/from-root`);
      await waitUntil('child watch', () => events.length === 1, 5000);
      expect(events[0]).to.deep.equal({ type: 'NODE_CHILDREN_CHANGED', path: '/q' });
    });

    it('creates nested chroots', async () => {
      const nested = await ZkClient.connect({ connectString: `${zk.connectString}/deep/er/${n}`, sessionTimeoutMs: 6000 });
      try {
        await nested.create('/x');
        expect(await root.exists(`/deep/er/${n}/x`)).to.not.equal(null);
      } finally {
        await nested.close();
      }
    });
  });

  describe('reads and writes', () => {
    it('tells an observer the latency of every request, failed ones included', async () => {
      const latencies: number[] = [];
      client.observe({ zkRequestCompleted: (s) => latencies.push(s), zkSessionExpired: () => undefined });
      await client.create('/observed');
      await client.getData('/observed');
      expect((await rejection(client.getData('/missing'))).code).to.equal('NO_NODE');
      expect(latencies).to.have.length(3);
      for (const s of latencies) expect(s).to.be.within(0, 5);
    });

    it('creates, reads, updates and deletes a node with versions', async () => {
      expect(await client.create('/n', Buffer.from('v0'))).to.equal('/n');
      const first = await client.getData('/n');
      expect(first.data?.toString()).to.equal('v0');
      expect(first.stat.version).to.equal(0);
      expect(first.stat.ephemeralOwner).to.equal(NO_EPHEMERAL_OWNER);
      const stat = await client.setData('/n', Buffer.from('v1'), 0);
      expect(stat.version).to.equal(1);
      expect(stat.czxid).to.equal(first.stat.czxid);
      expect(stat.mzxid > first.stat.mzxid).to.equal(true);
      expect((await rejection(client.setData('/n', Buffer.from('v2'), 0))).code).to.equal('BAD_VERSION');
      expect((await rejection(client.delete('/n', 0))).code).to.equal('BAD_VERSION');
      await client.delete('/n', 1);
      expect(await client.exists('/n')).to.equal(null);
    });

    it('reports missing nodes, existing nodes and non-empty deletes with typed errors', async () => {
      const missing = await rejection(client.getData('/missing'));
      expect(missing.code).to.equal('NO_NODE');
      expect(missing.path).to.equal('/missing');
      await client.create('/p');
      await client.create('/p/c');
      expect((await rejection(client.create('/p'))).code).to.equal('NODE_EXISTS');
      expect((await rejection(client.delete('/p'))).code).to.equal('NOT_EMPTY');
      expect((await rejection(client.create('/none/child'))).code).to.equal('NO_NODE');
    });

    it('rejects malformed paths instead of throwing', async () => {
      const err = await rejection(client.getData('relative'));
      expect(err.code).to.equal('BAD_ARGUMENTS');
      expect((await rejection(client.create('/trailing/'))).code).to.equal('BAD_ARGUMENTS');
    });

    it('keeps null data distinct from empty data', async () => {
      await client.create('/null');
      await client.create('/empty', Buffer.alloc(0));
      expect((await client.getData('/null')).data).to.equal(null);
      expect((await client.getData('/empty')).data).to.deep.equal(Buffer.alloc(0));
    });

    it('creates paths like mkdir -p and deletes trees', async () => {
      await client.createPersistentPath('/a/b/c', Buffer.from('leaf'));
      await client.createPersistentPath('/a/b/c', Buffer.from('ignored'));
      expect((await client.getData('/a/b/c')).data?.toString()).to.equal('leaf');
      expect((await client.getData('/a/b')).data).to.equal(null);
      await client.create('/a/b/d');
      await client.deleteRecursive('/a');
      expect(await client.exists('/a')).to.equal(null);
      await client.deleteRecursive('/a'); // already gone: fine
    });

    it('marks ephemeral nodes with the session id and removes them when the session closes', async () => {
      await client.create('/e', null, 'EPHEMERAL');
      const stat = await root.exists(`/test-${n}/e`);
      expect(client.sessionId).to.match(/^[0-9a-f]{16}$/);
      expect(stat?.ephemeralOwner).to.equal(client.sessionId);
      expect(client.ownsSession(`0x${client.sessionId}`)).to.equal(true);
      expect(root.ownsSession(client.sessionId)).to.equal(false);
      await client.close();
      expect(await root.exists(`/test-${n}/e`)).to.equal(null);
    });
  });

  describe('multi', () => {
    it('applies every operation or none', async () => {
      await client.create('/m', Buffer.from('0'));
      const results = await client.multi([
        { op: 'check', path: '/m', version: 0 },
        { op: 'setData', path: '/m', data: Buffer.from('1'), version: 0 },
        { op: 'create', path: '/m/child', data: Buffer.from('c') },
        { op: 'create', path: '/gone' },
        { op: 'delete', path: '/gone' },
      ]);
      expect(results.map((r) => r.op)).to.deep.equal(['check', 'setData', 'create', 'create', 'delete']);
      expect(results[1].op === 'setData' && results[1].stat.version).to.equal(1);
      const err = await rejection(client.multi([
        { op: 'create', path: '/m/other' },
        { op: 'check', path: '/m', version: 0 },
      ]));
      expect(err.code).to.equal('BAD_VERSION');
      expect(err.failedOpIndex).to.equal(1);
      expect(err.path).to.equal('/m');
      expect(await client.exists('/m/other')).to.equal(null);
    });

    it('honours version 0 in check and setData (a compare-and-set on a fresh node)', async () => {
      await client.create('/fresh', Buffer.from('a'));
      await client.setData('/fresh', Buffer.from('b'));
      const err = await rejection(client.multi([{ op: 'check', path: '/fresh', version: 0 }, { op: 'create', path: '/never' }]));
      expect(err.code).to.equal('BAD_VERSION');
      expect((await rejection(client.multi([{ op: 'setData', path: '/fresh', data: Buffer.from('c'), version: 0 }]))).code).to.equal('BAD_VERSION');
      expect((await client.getData('/fresh')).data?.toString()).to.equal('b');
    });

    it('reports which operation failed', async () => {
      await client.create('/exists');
      const err = await rejection(client.multi([{ op: 'create', path: '/new' }, { op: 'create', path: '/exists' }]));
      expect(err.code).to.equal('NODE_EXISTS');
      expect(err.failedOpIndex).to.equal(1);
    });
  });

  describe('watches', () => {
    it('fires a data watch once per arming', async () => {
      await client.create('/w', Buffer.from('0'));
      const events: ZkWatchEvent[] = [];
      await client.getData('/w', (e) => events.push(e));
      await root.setData(`/test-${n}/w`, Buffer.from('1'));
      await waitUntil('data watch', () => events.length === 1, 5000);
      await root.setData(`/test-${n}/w`, Buffer.from('2'));
      await root.delete(`/test-${n}/w`);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(events).to.deep.equal([{ type: 'NODE_DATA_CHANGED', path: '/w' }]);
    });

    it('fires an exists watch when a missing node is created, and a delete watch when it goes', async () => {
      const events: ZkWatchEvent[] = [];
      expect(await client.exists('/later', (e) => events.push(e))).to.equal(null);
      await root.create(`/test-${n}/later`);
      await waitUntil('creation', () => events.length === 1, 5000);
      expect(await client.exists('/later', (e) => events.push(e))).to.not.equal(null);
      await root.delete(`/test-${n}/later`);
      await waitUntil('deletion', () => events.length === 2, 5000);
      expect(events.map((e) => e.type)).to.deep.equal(['NODE_CREATED', 'NODE_DELETED']);
    });

    it('keeps delivering children and data through watchChildren and watchData', async () => {
      const seenChildren: string[][] = [];
      const seenData: Array<string | null> = [];
      const children = await client.watchChildren('/dir', (c) => { seenChildren.push([...c].sort()); });
      const data = await client.watchData('/dir', (node: ZkNodeData | null) => { seenData.push(node ? String(node.data) : null); });
      expect(seenChildren).to.deep.equal([[]]);
      expect(seenData).to.deep.equal([null]);
      await client.create('/dir', Buffer.from('d1'));
      await waitUntil('dir created', () => seenData.includes('d1'), 5000);
      await client.create('/dir/x');
      await client.create('/dir/y');
      await waitUntil('both children', () => seenChildren.some((c) => c.length === 2), 5000);
      await client.setData('/dir', Buffer.from('d2'));
      await waitUntil('data change', () => seenData.includes('d2'), 5000);
      children.cancel();
      data.cancel();
      const before = seenChildren.length;
      await client.create('/dir/z');
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(seenChildren.length).to.equal(before);
      expect(seenChildren.at(-1)).to.deep.equal(['x', 'y']);
    });
  });

  describe('lifecycle', () => {
    it('rejects operations on a closed client', async () => {
      await client.close();
      expect(client.state).to.equal('CLOSED');
      const err = await rejection(client.getData('/'));
      expect(err.code).to.equal('CLIENT_CLOSED');
      expect((await rejection(client.create('/x'))).code).to.equal('CLIENT_CLOSED');
      await client.close(); // idempotent
    });

    it('fails to connect within the connection timeout when nothing listens', async () => {
      const started = Date.now();
      const err = await rejection(ZkClient.connect({ connectString: '127.0.0.1:1', sessionTimeoutMs: 2000, connectionTimeoutMs: 300 }));
      expect(err.code).to.equal('CONNECTION_LOSS');
      expect(err.message).to.match(/Could not connect to ZooKeeper at 127\.0\.0\.1:1 within 300 ms/);
      expect(Date.now() - started).to.be.lessThan(2000);
    });

    it('rejects an invalid connect string', async () => {
      expect((await rejection(ZkClient.connect({ connectString: 'host:2181/bad/' }))).code).to.equal('BAD_ARGUMENTS');
    });

    it('reports the negotiated session timeout', () => {
      expect(client.state).to.equal('CONNECTED');
      expect(client.sessionTimeoutMs).to.equal(6000);
    });
  });
});
