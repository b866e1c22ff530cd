import { expect } from 'chai';
import * as crypto from 'crypto';
import { ErrorCode } from '../../../lib/protocol/errors';
import { AlterUserScramCredentialsRequestData } from '../../../lib/protocol/messages/scram-credentials';
import { alterUserScramCredentials, describeUserScramCredentials } from '../../../lib/security/scram/scram-credential-admin';
import { clientKey, hash, parseCredential, saltedPassword, serverKey } from '../../../lib/security/scram/scram-credential';
import { UserCredentialsStore } from '../../../lib/security/scram/user-credentials-store';
import { ClusterStore } from '../../../lib/zk/cluster-store';
import { ZkClient } from '../../../lib/zk/zk-client';
import { startTestZooKeeper, TestZooKeeper } from '../../helpers/zookeeper';

const SHA256 = 1;
const SHA512 = 2;

function upsertion(name: string, password: string, mechanism = SHA256, iterations = 8192): AlterUserScramCredentialsRequestData['upsertions'][number] {
  const salt = crypto.randomBytes(16);
  const mech = mechanism === SHA256 ? 'SCRAM-SHA-256' : 'SCRAM-SHA-512';
  return { name, mechanism, iterations, salt, saltedPassword: saltedPassword(mech, password, salt, iterations) };
}

describe('security/scram/user-credentials-store (real ZooKeeper)', function () {
  this.timeout(30000);
  let zk: TestZooKeeper;
  let client: ZkClient;
  let store: UserCredentialsStore;
  let n = 0;

  before(async () => {
    zk = await startTestZooKeeper();
  });

  beforeEach(async () => {
    client = await ZkClient.connect({ connectString: `${zk.connectString}/creds-${++n}`, sessionTimeoutMs: 6000 });
    await new ClusterStore(client).ensureBasePaths();
    store = UserCredentialsStore.forZk(client);
  });

  afterEach(async () => {
    await client.close();
  });

  after(async () => {
    await zk?.stop();
  });

  async function znodeJson(path: string): Promise<unknown> {
    return JSON.parse(((await client.getData(path)).data as Buffer).toString('utf8'));
  }

  async function changes(): Promise<unknown[]> {
    const names = (await client.getChildren('/config/changes')).sort();
    for (const name of names) expect(name).to.match(/^config_change_\d{10}$/);
    return Promise.all(names.map((name) => znodeJson(`/config/changes/${name}`)));
  }

  it("writes Kafka's znode: the mechanism's credential whose keys derive from the password, then one change notification", async () => {
    const answer = await alterUserScramCredentials(store, { deletions: [], upsertions: [upsertion('alice', 'alice-secret')] });
    expect(answer.results).to.deep.equal([{ user: 'alice', errorCode: 0, errorMessage: null }]);
    const json = await znodeJson('/config/users/alice') as { version: number; config: Record<string, string> };
    expect(json.version).to.equal(1);
    expect(Object.keys(json.config)).to.deep.equal(['SCRAM-SHA-256']);
    expect(json.config['SCRAM-SHA-256']).to.match(/^salt=[A-Za-z0-9+/=]+,stored_key=[A-Za-z0-9+/=]+,server_key=[A-Za-z0-9+/=]+,iterations=8192$/);
    const credential = parseCredential(json.config['SCRAM-SHA-256']);
    if (!credential) throw new Error('credential does not parse');
    const salted = saltedPassword('SCRAM-SHA-256', 'alice-secret', credential.salt, 8192);
    expect(credential.storedKey.equals(hash('SCRAM-SHA-256', clientKey('SCRAM-SHA-256', salted)))).to.equal(true);
    expect(credential.serverKey.equals(serverKey('SCRAM-SHA-256', salted))).to.equal(true);
    const wrong = saltedPassword('SCRAM-SHA-256', 'not-alice', credential.salt, 8192);
    expect(credential.storedKey.equals(hash('SCRAM-SHA-256', clientKey('SCRAM-SHA-256', wrong)))).to.equal(false);
    expect(await changes()).to.deep.equal([{ version: 2, entity_path: 'users/alice' }]);
  });

  it('keeps the user’s other config keys, and deleting the last credential leaves an empty config as Kafka does', async () => {
    await client.createPersistentPath('/config/users/bob', Buffer.from('{"version":1,"config":{"consumer_byte_rate":"1024"}}'));
    await alterUserScramCredentials(store, { deletions: [], upsertions: [upsertion('bob', 'b1'), upsertion('bob', 'b2', SHA512, 4096)] });
    let config = (await znodeJson('/config/users/bob') as { config: Record<string, string> }).config;
    expect(Object.keys(config).sort()).to.deep.equal(['SCRAM-SHA-256', 'SCRAM-SHA-512', 'consumer_byte_rate']);
    await alterUserScramCredentials(store, { deletions: [{ name: 'bob', mechanism: SHA512 }, { name: 'bob', mechanism: SHA256 }], upsertions: [] });
    config = (await znodeJson('/config/users/bob') as { config: Record<string, string> }).config;
    expect(config).to.deep.equal({ consumer_byte_rate: '1024' });
    await alterUserScramCredentials(store, { deletions: [], upsertions: [upsertion('carol', 'c')] });
    await alterUserScramCredentials(store, { deletions: [{ name: 'carol', mechanism: SHA256 }], upsertions: [] });
    expect(await znodeJson('/config/users/carol')).to.deep.equal({ version: 1, config: {} });
    expect((await changes()).length).to.equal(4);
  });

  it("refuses bad alterations per user with Kafka's codes and writes nothing for them", async () => {
    await alterUserScramCredentials(store, { deletions: [], upsertions: [upsertion('dave', 'd')] });
    const before = (await changes()).length;
    const answer = await alterUserScramCredentials(store, {
      deletions: [{ name: 'dave', mechanism: SHA512 }, { name: 'mech', mechanism: 9 }],
      upsertions: [
        upsertion('few', 'x', SHA256, 1000), upsertion('many', 'x', SHA256, 20000), upsertion('', 'x'),
        upsertion('twice', 'x'), upsertion('twice', 'y'),
      ],
    });
    const byUser = new Map(answer.results.map((r) => [r.user, r]));
    expect(byUser.get('mech')).to.deep.equal({ user: 'mech', errorCode: ErrorCode.UNSUPPORTED_SASL_MECHANISM.code, errorMessage: 'Unknown SCRAM mechanism' });
    expect(byUser.get('few')).to.deep.equal({ user: 'few', errorCode: ErrorCode.UNACCEPTABLE_CREDENTIAL.code, errorMessage: 'Too few iterations' });
    expect(byUser.get('many')).to.deep.equal({ user: 'many', errorCode: ErrorCode.UNACCEPTABLE_CREDENTIAL.code, errorMessage: 'Too many iterations' });
    expect(byUser.get('')).to.deep.equal({ user: '', errorCode: ErrorCode.UNACCEPTABLE_CREDENTIAL.code, errorMessage: 'Username must not be empty' });
    expect(byUser.get('twice')?.errorCode).to.equal(ErrorCode.DUPLICATE_RESOURCE.code);
    expect(byUser.get('dave')).to.deep.equal({
      user: 'dave', errorCode: ErrorCode.RESOURCE_NOT_FOUND.code, errorMessage: 'Attempt to delete a user credential that does not exist',
    });
    expect(answer.results).to.have.length(6);
    expect((await client.getChildren('/config/users')).sort()).to.deep.equal(['dave']);
    expect(await store.credentialInfos('dave')).to.deep.equal([{ mechanism: 'SCRAM-SHA-256', iterations: 8192 }]);
    expect((await changes()).length).to.equal(before);
  });

  it('describes mechanisms and iterations only, every user when none is named (desanitized), and refuses unknown users', async () => {
    await alterUserScramCredentials(store, { deletions: [], upsertions: [upsertion('erin', 'e', SHA512, 4096), upsertion('erin', 'e'), upsertion('frank smith*', 'f')] });
    await client.createPersistentPath('/config/users/quota-only', Buffer.from('{"version":1,"config":{"producer_byte_rate":"10"}}'));
    expect((await client.getChildren('/config/users')).sort()).to.deep.equal(['erin', 'frank%20smith%2A', 'quota-only']);
    const all = await describeUserScramCredentials(store, null);
    expect(all).to.deep.equal({
      throttleTimeMs: 0, errorCode: 0, errorMessage: null,
      results: [
        { user: 'erin', errorCode: 0, errorMessage: null, credentialInfos: [{ mechanism: SHA256, iterations: 8192 }, { mechanism: SHA512, iterations: 4096 }] },
        { user: 'frank smith*', errorCode: 0, errorMessage: null, credentialInfos: [{ mechanism: SHA256, iterations: 8192 }] },
      ],
    });
    const some = await describeUserScramCredentials(store, ['frank smith*', 'nobody', 'quota-only', '', 'erin', 'erin']);
    expect(some.results.map((r) => [r.user, r.errorCode, r.errorMessage])).to.deep.equal([
      ['frank smith*', 0, null],
      ['nobody', ErrorCode.RESOURCE_NOT_FOUND.code, 'Attempt to describe a user credential that does not exist: nobody'],
      ['quota-only', ErrorCode.RESOURCE_NOT_FOUND.code, 'Attempt to describe a user credential that does not exist: quota-only'],
      ['', ErrorCode.RESOURCE_NOT_FOUND.code, 'Username must not be empty'],
      ['erin', ErrorCode.DUPLICATE_RESOURCE.code, 'Cannot describe SCRAM credentials for the same user twice in a single request: erin'],
    ]);
  });

  it('loses no concurrent change to the same user: each write is a compare-and-set on the znode version', async () => {
    const credential = (iterations: number) => ({ salt: Buffer.from([1]), storedKey: Buffer.from([2]), serverKey: Buffer.from([3]), iterations });
    // Both writers find no znode, race to create it, and the loser retries on the winner's version.
    await Promise.all([
      store.changeCredentials('ivy', { upsert: new Map([['SCRAM-SHA-256', credential(5000)]]) }),
      UserCredentialsStore.forZk(client).changeCredentials('ivy', { upsert: new Map([['SCRAM-SHA-512', credential(6000)]]) }),
    ]);
    await Promise.all([4100, 4200, 4300].map((i) => store.changeCredentials('ivy', { upsert: new Map([['SCRAM-SHA-256', credential(i)]]) })));
    const infos = await store.credentialInfos('ivy');
    expect(infos.map((i) => i.mechanism)).to.deep.equal(['SCRAM-SHA-256', 'SCRAM-SHA-512']);
    expect([4100, 4200, 4300]).to.include(infos[0].iterations);
    expect(infos[1].iterations).to.equal(6000);
    expect((await client.getData('/config/users/ivy')).stat.version).to.equal(4);
  });

  it('answers UNKNOWN_SERVER_ERROR for a user whose stored credential is malformed, without failing the others', async () => {
    await client.createPersistentPath('/config/users/broken', Buffer.from('{"version":1,"config":{"SCRAM-SHA-256":"salt=,iterations=x"}}'));
    await alterUserScramCredentials(store, { deletions: [], upsertions: [upsertion('gina', 'g')] });
    const answer = await describeUserScramCredentials(store, ['broken', 'gina']);
    expect(answer.results.map((r) => r.errorCode)).to.deep.equal([ErrorCode.UNKNOWN_SERVER_ERROR.code, 0]);
  });
});
