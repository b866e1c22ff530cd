import { expect } from 'chai';
import { getLogger } from '../../lib/util/logger';
import { CONFIG_CHANGE_EXPIRATION_MS, ConfigChangeListener, EntityConfigChange, parseEntityPath } from '../../lib/zk/config-change-listener';
import { EntityConfigStore } from '../../lib/zk/entity-config';
import { ZkClient } from '../../lib/zk/zk-client';
import { waitUntil } from '../helpers/wait';
import { startTestZooKeeper, TestZooKeeper } from '../helpers/zookeeper';

describe('zk/config-change-listener', function () {
  this.timeout(60000);
  let zk: TestZooKeeper;
  let client: ZkClient;

  before(async () => {
    zk = await startTestZooKeeper();
    client = await ZkClient.connect({ connectString: zk.connectString, sessionTimeoutMs: 6000 });
  });

  after(async () => {
    await client?.close();
    await zk?.stop();
  });

  it('parses entity paths: known types, desanitized single names, nested user+client paths', () => {
    expect(parseEntityPath('topics/orders')).to.deep.equal({ type: 'topics', znodeName: 'orders', name: 'orders' });
    expect(parseEntityPath('users/a%2Ab%20c')).to.deep.equal({ type: 'users', znodeName: 'a%2Ab%20c', name: 'a*b c' });
    expect(parseEntityPath('users/alice/clients/app')).to.deep.equal({ type: 'users', znodeName: 'alice/clients/app', name: null });
    expect(parseEntityPath('brokers/<default>')?.name).to.equal('<default>');
    expect(parseEntityPath('ips/1.2.3.4')).to.equal(undefined);
    expect(parseEntityPath('topics/')).to.equal(undefined);
    expect(parseEntityPath('topics')).to.equal(undefined);
  });

  it('replays present notifications, dispatches new ones by type in order, survives bad ones and a throwing handler, and purges notifications older than 15 minutes', async () => {
    const store = new EntityConfigStore(client);
    await store.updateConfig('topics', 'before-start', () => ({ 'retention.ms': '1' }));
    let now = Date.now();
    const changes = new ConfigChangeListener(client, getLogger('test'), () => now);
    const seen: EntityConfigChange[] = [];
    changes.on('topics', (c) => { seen.push(c); });
    changes.on('topics', () => { throw new Error('handler bug'); });
    changes.on('clients', (c) => { seen.push(c); });
    await changes.start();
    try {
      await waitUntil('replayed', () => seen.length === 1);
      expect(seen[0].name).to.equal('before-start');
      await client.create('/config/changes/config_change_', Buffer.from('not json'), 'PERSISTENT_SEQUENTIAL');
      await client.create('/config/changes/config_change_', Buffer.from('{"version":1,"entity_type":"clients","entity_name":"app%201"}'), 'PERSISTENT_SEQUENTIAL');
      await store.updateConfig('users', 'nobody-listens', () => ({ producer_byte_rate: '10' }));
      await store.updateConfig('topics', 't2', () => ({ 'retention.ms': '2' }));
      await waitUntil('t2 seen', () => seen.some((c) => c.name === 't2'));
      expect(seen.map((c) => `${c.type}:${c.name}`)).to.deep.equal(['topics:before-start', 'clients:app 1', 'topics:t2']);
      expect((await client.getChildren('/config/changes')).length).to.equal(5);
      // Every notification is now older than 15 minutes for the listener's clock: the next one purges them all.
      now += CONFIG_CHANGE_EXPIRATION_MS + 60000;
      await store.updateConfig('topics', 't3', () => ({}));
      await waitUntil('old notifications purged', async () => (await client.getChildren('/config/changes')).length === 0);
      expect(seen.map((c) => c.name)).to.include('t3');
    } finally {
      changes.stop();
    }
  });
});
