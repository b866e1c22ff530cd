import { expect } from 'chai';
import { getLogger } from '../../../lib/util/logger';
import { parseUserConfig, ScramCredentialCache } from '../../../lib/security/scram/credential-cache';
import { ConfigChangeListener } from '../../../lib/zk/config-change-listener';
import { createCredential, formatCredential } from '../../../lib/security/scram/scram-credential';
import { ZkClient } from '../../../lib/zk/zk-client';
import { waitUntil } from '../../helpers/wait';
import { startTestZooKeeper, TestZooKeeper } from '../../helpers/zookeeper';
import { putScramUser } from '../sasl/sasl-helpers';

describe('security/scram/credential-cache', function () {
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

  it('ignores config keys other than SCRAM credentials and skips a malformed credential', () => {
    const good = formatCredential(createCredential('SCRAM-SHA-512', 'pw'));
    const warnings: string[] = [];
    const parsed = parseUserConfig(Buffer.from(JSON.stringify({ version: 1, config: { 'SCRAM-SHA-256': 'salt=,iterations=x', 'SCRAM-SHA-512': good, consumer_byte_rate: '10' } })), (w) => warnings.push(w));
    expect([...parsed.keys()]).to.deep.equal(['SCRAM-SHA-512']);
    expect(warnings).to.deep.equal(['malformed SCRAM-SHA-256 credential']);
    expect(parseUserConfig(Buffer.from('nope'), () => undefined).size).to.equal(0);
  });

  it('loads users present at start and follows users/<u> notifications, ignoring other entity types', async () => {
    await putScramUser(client, 'bob@example.com', 'pw', ['SCRAM-SHA-256']);
    const changes = new ConfigChangeListener(client, getLogger('test'));
    const cache = new ScramCredentialCache(client, getLogger('test'));
    await cache.start(changes);
    await changes.start();
    try {
      expect(cache.credential('SCRAM-SHA-256', 'bob@example.com')).to.not.equal(undefined);
      expect(cache.credential('SCRAM-SHA-512', 'bob@example.com')).to.equal(undefined);
      await client.create('/config/changes/config_change_', Buffer.from('{"version":2,"entity_path":"topics/t"}'), 'PERSISTENT_SEQUENTIAL');
      await putScramUser(client, 'a*b c', 'pw');
      await waitUntil('a*b c known', () => cache.credential('SCRAM-SHA-512', 'a*b c') !== undefined);
      expect(await client.exists('/config/users/a%2Ab%20c')).to.not.equal(null);
      await client.delete('/config/users/a%2Ab%20c');
      await client.create('/config/changes/config_change_', Buffer.from('{"version":2,"entity_path":"users/a%2Ab%20c"}'), 'PERSISTENT_SEQUENTIAL');
      await waitUntil('a*b c forgotten', () => cache.credential('SCRAM-SHA-512', 'a*b c') === undefined);
    } finally {
      changes.stop();
    }
  });
});
