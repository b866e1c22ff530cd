import { expect } from 'chai';
import { Admin } from '../../../lib/client/admin';
import { Connection } from '../../../lib/client/connection';
import { Consumer } from '../../../lib/client/consumer';
import { Producer } from '../../../lib/client/producer';
import { Api } from '../../../lib/protocol/api';
import { ErrorCode, SamsaError } from '../../../lib/protocol/errors';
import { ClientSecurity } from '../../../lib/security/client-security';
import { ZkClient } from '../../../lib/zk/zk-client';
import { useOneBroker } from '../../helpers/one-broker';
import { waitUntil } from '../../helpers/wait';
import { deleteScramUser, putScramUser, SASL_OVERRIDES, saslSecurity } from './sasl-helpers';

describe('security/sasl native listener', function () {
  this.timeout(120000);
  const fixture = useOneBroker(SASL_OVERRIDES);
  let zk: ZkClient;
  let sasl: string;
  const open: Connection[] = [];

  before(async () => {
    zk = await ZkClient.connect({ connectString: fixture.zk.connectString, sessionTimeoutMs: 6000 });
    await putScramUser(zk, 'alice', 'alice-secret');
    sasl = `127.0.0.1:${fixture.broker.boundPort('SASL_PLAINTEXT')}`;
    await waitUntil('broker ready', () => fixture.broker.isReady);
    const admin = new Admin({ bootstrapServers: fixture.native });
    await admin.createTopic({ topic: 'secured', numPartitions: 1, replicationFactor: 1 });
    await admin.close();
  });

  after(async () => {
    for (const c of open) c.close();
    await zk?.close();
  });

  function connection(security?: ClientSecurity): Connection {
    const conn = new Connection({ host: '127.0.0.1', port: fixture.broker.boundPort('SASL_PLAINTEXT'), requestTimeoutMs: 10000, security });
    open.push(conn);
    return conn;
  }

  async function roundTrip(security: ClientSecurity, value: string): Promise<void> {
    const producer = new Producer({ bootstrapServers: sasl, security, acks: -1 });
    await producer.connect();
    const { offset } = await producer.send({ topic: 'secured', value });
    await producer.close();
    const consumer = new Consumer({ bootstrapServers: sasl, security, autoOffsetReset: 'earliest' });
    await consumer.connect();
    consumer.assign([{ topic: 'secured', partition: 0 }]);
    let found = false;
    const deadline = Date.now() + 20000;
    while (!found && Date.now() < deadline) {
      found = (await consumer.poll(500)).some((r) => r.offset === offset && r.value?.toString() === value);
    }
    await consumer.close();
    expect(found, `record ${value} consumed back`).to.equal(true);
  }

  // Users written to ZooKeeper after the broker started: the change notification makes them known.
  for (const mechanism of ['SCRAM-SHA-256', 'SCRAM-SHA-512'] as const) {
    it(`produces and consumes as a ${mechanism} user from ZooKeeper`, async () => {
      await waitUntil('alice known', async () => connection(saslSecurity(mechanism, 'alice', 'alice-secret')).connect().then(() => true, () => false));
      await roundTrip(saslSecurity(mechanism, 'alice', 'alice-secret'), `hello-${mechanism}`);
    });
  }

  it('produces and consumes as a PLAIN user from the listener JAAS config', async () => {
    await roundTrip(saslSecurity('PLAIN', 'carol', 'carol-secret'), 'hello-plain');
  });

  it('fails a wrong password with the generic message and closes the connection', async () => {
    const conn = connection(saslSecurity('SCRAM-SHA-256', 'alice', 'Pw-guess-42'));
    const error = await conn.connect().then(() => null, (err: unknown) => err);
    expect(error).to.be.instanceOf(SamsaError);
    expect((error as SamsaError).code).to.equal(ErrorCode.SASL_AUTHENTICATION_FAILED.code);
    expect((error as SamsaError).retriable).to.equal(false);
    expect((error as Error).message).to.contain('Authentication failed during authentication due to invalid credentials with SASL mechanism SCRAM-SHA-256');
    expect(conn.isConnected).to.equal(false);
    // An unknown user reads exactly the same to the client.
    const unknown = await connection(saslSecurity('SCRAM-SHA-256', 'mallory', 'wrong')).connect().then(() => null, (err: Error) => err.message);
    expect(unknown).to.equal((error as Error).message);
  });

  it('closes a connection that sends anything but the SASL exchange before authenticating', async () => {
    const conn = connection();
    const error = await conn.send(Api.Metadata, { topics: null, allowAutoTopicCreation: false }).then(() => null, (err: SamsaError) => err);
    expect(error?.code).to.equal(ErrorCode.ILLEGAL_SASL_STATE.code);
    await waitUntil('connection closed', () => !conn.isConnected);
    const versions = await connection().send(Api.ApiVersions, {});
    expect(versions.apiKeys.map((k) => k.apiKey)).to.include.members([17, 36]);
  });

  it('answers an unknown mechanism with UNSUPPORTED_SASL_MECHANISM and the enabled list', async () => {
    const answer = await connection().send(Api.SaslHandshake, { mechanism: 'GSSAPI' });
    expect(answer).to.deep.equal({ errorCode: ErrorCode.UNSUPPORTED_SASL_MECHANISM.code, mechanisms: ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'] });
  });

  it('answers SaslAuthenticate before SaslHandshake with ILLEGAL_SASL_STATE', async () => {
    const answer = await connection().send(Api.SaslAuthenticate, { authBytes: Buffer.from('x') });
    expect(answer.errorCode).to.equal(ErrorCode.ILLEGAL_SASL_STATE.code);
  });

  it('answers SaslHandshake on a PLAINTEXT listener with ILLEGAL_SASL_STATE', async () => {
    const conn = new Connection({ host: '127.0.0.1', port: fixture.broker.port });
    open.push(conn);
    expect((await conn.send(Api.SaslHandshake, { mechanism: 'PLAIN' })).errorCode).to.equal(ErrorCode.ILLEGAL_SASL_STATE.code);
  });

  it('stops accepting a user deleted from ZooKeeper and accepts one added, without a restart', async () => {
    await putScramUser(zk, 'dave', 'dave-secret');
    await deleteScramUser(zk, 'alice');
    const works = (user: string, password: string) => connection(saslSecurity('SCRAM-SHA-256', user, password)).connect().then(() => true, () => false);
    await waitUntil('dave accepted', () => works('dave', 'dave-secret'));
    await waitUntil('alice refused', async () => !(await works('alice', 'alice-secret')));
  });

  it('a client tool reports a refused login at once instead of retrying', async () => {
    const admin = new Admin({ bootstrapServers: sasl, security: saslSecurity('PLAIN', 'carol', 'nope') });
    const started = Date.now();
    const error = await admin.listTopics().then(() => null, (err: SamsaError) => err);
    await admin.close();
    expect(error?.code).to.equal(ErrorCode.SASL_AUTHENTICATION_FAILED.code);
    expect(Date.now() - started).to.be.lessThan(5000);
  });
});
