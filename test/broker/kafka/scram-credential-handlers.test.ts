import { expect } from 'chai';
import * as crypto from 'crypto';
import { scramCredentialHandlers } from '../../../lib/broker/handlers/scram-credentials';
import { RequestContext } from '../../../lib/broker/request-context';
import { Admin } from '../../../lib/client/admin';
import { ErrorCode } from '../../../lib/protocol/errors';
import { KafkaApiVersions } from '../../../lib/protocol/kafka/messages/metadata';
import { KafkaAlterUserScramCredentials, KafkaDescribeUserScramCredentials } from '../../../lib/protocol/kafka/messages/scram-credentials';
import { clientKey, hash, parseCredential, saltedPassword } from '../../../lib/security/scram/scram-credential';
import { ZkClient } from '../../../lib/zk/zk-client';
import { useOneBroker } from '../../helpers/one-broker';
import { KafkaTestClient } from './kafka-test-client';

describe('broker/kafka DescribeUserScramCredentials and AlterUserScramCredentials', function () {
  this.timeout(30000);
  const fixture = useOneBroker();
  let client: KafkaTestClient;
  let zk: ZkClient;

  before(async () => {
    client = await KafkaTestClient.connect(fixture.broker.boundPort('KAFKA'));
    zk = await ZkClient.connect({ connectString: fixture.zk.connectString, sessionTimeoutMs: 6000 });
  });

  after(async () => {
    client?.close();
    await zk?.close();
  });

  it('advertises both APIs at v0 on the Kafka listener', async () => {
    const { apiKeys } = await client.send(KafkaApiVersions, 3, { clientSoftwareName: 'test', clientSoftwareVersion: '1' });
    expect(apiKeys.filter((k) => k.apiKey === 50 || k.apiKey === 51)).to.deep.equal([
      { apiKey: 50, minVersion: 0, maxVersion: 0 }, { apiKey: 51, minVersion: 0, maxVersion: 0 },
    ]);
  });

  it('stores a credential a Kafka client upserts with a salted password, and describes it without secrets', async () => {
    const salt = crypto.randomBytes(24);
    const salted = saltedPassword('SCRAM-SHA-512', 'kafka-secret', salt, 4096);
    const altered = await client.send(KafkaAlterUserScramCredentials, 0, {
      deletions: [{ name: 'kafka-user', mechanism: 1 }],
      upsertions: [{ name: 'kafka-user', mechanism: 2, iterations: 4096, salt, saltedPassword: salted }, { name: 'other', mechanism: 0, iterations: 4096, salt, saltedPassword: salted }],
    });
    expect(altered.results).to.deep.equal([
      { user: 'other', errorCode: ErrorCode.UNSUPPORTED_SASL_MECHANISM.code, errorMessage: 'Unknown SCRAM mechanism' },
      { user: 'kafka-user', errorCode: ErrorCode.RESOURCE_NOT_FOUND.code, errorMessage: 'Attempt to delete a user credential that does not exist' },
    ]);
    const ok = await client.send(KafkaAlterUserScramCredentials, 0, {
      deletions: [], upsertions: [{ name: 'kafka-user', mechanism: 2, iterations: 4096, salt, saltedPassword: salted }],
    });
    expect(ok.results).to.deep.equal([{ user: 'kafka-user', errorCode: 0, errorMessage: null }]);
    const stored = JSON.parse(((await zk.getData('/config/users/kafka-user')).data as Buffer).toString('utf8')) as { config: Record<string, string> };
    const credential = parseCredential(stored.config['SCRAM-SHA-512']);
    expect(credential?.salt.equals(salt)).to.equal(true);
    expect(credential?.storedKey.equals(hash('SCRAM-SHA-512', clientKey('SCRAM-SHA-512', salted)))).to.equal(true);

    const described = await client.send(KafkaDescribeUserScramCredentials, 0, { users: [{ name: 'kafka-user' }, { name: 'ghost' }] });
    expect(described).to.deep.equal({
      throttleTimeMs: 0, errorCode: 0, errorMessage: null,
      results: [
        { user: 'kafka-user', errorCode: 0, errorMessage: null, credentialInfos: [{ mechanism: 2, iterations: 4096 }] },
        { user: 'ghost', errorCode: ErrorCode.RESOURCE_NOT_FOUND.code, errorMessage: 'Attempt to describe a user credential that does not exist: ghost', credentialInfos: [] },
      ],
    });
    const all = await client.send(KafkaDescribeUserScramCredentials, 0, { users: null });
    expect(all.results.map((r) => r.user)).to.include('kafka-user');
  });

  it('serves the same APIs on the native listener through the Admin client, which never sends the password', async () => {
    const admin = new Admin({ bootstrapServers: fixture.native });
    try {
      const results = await admin.alterUserScramCredentials([
        { user: 'native-user', mechanism: 'SCRAM-SHA-256', password: 'native-secret', iterations: 8192 },
        { user: 'native-user', mechanism: 'SCRAM-SHA-512', password: 'native-secret' },
        { user: 'gone', mechanism: 'SCRAM-SHA-256', delete: true },
      ]);
      expect(results.get('native-user')).to.equal(null);
      expect(results.get('gone')?.errorName).to.equal('RESOURCE_NOT_FOUND');
      const stored = ((await zk.getData('/config/users/native-user')).data as Buffer).toString('utf8');
      expect(stored).to.not.contain('native-secret');
      const [described] = await admin.describeUserScramCredentials(['native-user']);
      expect(described).to.deep.equal({
        user: 'native-user', error: null,
        credentialInfos: [{ mechanism: 'SCRAM-SHA-256', iterations: 8192 }, { mechanism: 'SCRAM-SHA-512', iterations: 4096 }],
      });
    } finally {
      await admin.close();
    }
  });

  it('answers CLUSTER_AUTHORIZATION_FAILED for the whole request when the authorizer says no, without touching the store', async () => {
    const handlers = scramCredentialHandlers(() => { throw new Error('the store must not be used'); }, () => false);
    const ctx = {} as RequestContext;
    const denied = ErrorCode.CLUSTER_AUTHORIZATION_FAILED;
    expect(await handlers.describe({ users: [{ name: 'a' }] }, ctx)).to.deep.equal({
      throttleTimeMs: 0, errorCode: denied.code, errorMessage: denied.message,
      results: [{ user: 'a', errorCode: denied.code, errorMessage: denied.message, credentialInfos: [] }],
    });
    expect(await handlers.alter({ deletions: [{ name: 'a', mechanism: 1 }], upsertions: [] }, ctx)).to.deep.equal({
      throttleTimeMs: 0, results: [{ user: 'a', errorCode: denied.code, errorMessage: denied.message }],
    });
  });
});
