import { expect } from 'chai';
import { Kafka, logLevel } from 'kafkajs';
import { Admin } from '../../../lib/client/admin';
import { KafkaMetadata } from '../../../lib/protocol/kafka/messages/metadata';
import { KafkaSaslAuthenticate, KafkaSaslHandshake } from '../../../lib/protocol/kafka/messages/sasl';
import { ZkClient } from '../../../lib/zk/zk-client';
import * as net from 'net';
import { encodeKafkaRequestFrame } from '../../../lib/protocol/kafka/kafka-frame';
import { FrameDecoder } from '../../../lib/protocol/frame';
import { KafkaWireClient } from '../../helpers/kafka-wire-client';
import { runKcat } from '../../helpers/kcat';
import { useOneBroker } from '../../helpers/one-broker';
import { waitUntil } from '../../helpers/wait';
import { putScramUser, SASL_OVERRIDES } from './sasl-helpers';

/** kcat (librdkafka) and KafkaJS authenticate on a Kafka-protocol SASL_PLAINTEXT listener, unchanged. */
describe('security/sasl Kafka listener', function () {
  this.timeout(120000);
  const fixture = useOneBroker(SASL_OVERRIDES);
  let zk: ZkClient;
  let kafkaSasl: string;
  let port: number;

  before(async () => {
    zk = await ZkClient.connect({ connectString: fixture.zk.connectString, sessionTimeoutMs: 6000 });
    await putScramUser(zk, 'alice', 'alice-secret');
    port = fixture.broker.boundPort('KAFKA_SASL');
    kafkaSasl = `127.0.0.1:${port}`;
    await waitUntil('broker ready', () => fixture.broker.isReady);
    const admin = new Admin({ bootstrapServers: fixture.native });
    await admin.createTopic({ topic: 'kafka-secured', numPartitions: 1, replicationFactor: 1 });
    await admin.close();
  });

  after(async () => {
    await zk?.close();
  });

  const kcatSasl = (mechanism: string, user: string, password: string) => [
    '-b', kafkaSasl, '-X', 'security.protocol=SASL_PLAINTEXT', '-X', `sasl.mechanisms=${mechanism}`, '-X', `sasl.username=${user}`, '-X', `sasl.password=${password}`,
  ];

  for (const [mechanism, user, password] of [['SCRAM-SHA-256', 'alice', 'alice-secret'], ['SCRAM-SHA-512', 'alice', 'alice-secret'], ['PLAIN', 'carol', 'carol-secret']]) {
    it(`kcat produces and consumes with ${mechanism}`, async () => {
      const produced = await runKcat([...kcatSasl(mechanism, user, password), '-P', '-t', 'kafka-secured', '-p', '0'], { input: `via-kcat-${mechanism}\n` });
      expect(produced.code, produced.stderr).to.equal(0);
      const consumed = await runKcat([...kcatSasl(mechanism, user, password), '-C', '-t', 'kafka-secured', '-e', '-q']);
      expect(consumed.code, consumed.stderr).to.equal(0);
      expect(consumed.stdout).to.contain(`via-kcat-${mechanism}`);
    });
  }

  it('kcat with a wrong password fails with the authentication error', async () => {
    const result = await runKcat([...kcatSasl('SCRAM-SHA-256', 'alice', 'nope'), '-L', '-m', '5']);
    expect(result.code).to.not.equal(0);
    expect(result.stderr).to.match(/Authentication failed|SASL authentication error/);
  });

  for (const mechanism of ['scram-sha-256', 'scram-sha-512', 'plain'] as const) {
    it(`KafkaJS produces and consumes with ${mechanism}`, async () => {
      const credentials = mechanism === 'plain' ? { username: 'carol', password: 'carol-secret' } : { username: 'alice', password: 'alice-secret' };
      const kafka = new Kafka({
        clientId: 'kafkajs-sasl', brokers: [kafkaSasl], logLevel: logLevel.NOTHING, retry: { retries: 3, initialRetryTime: 100 },
        sasl: { mechanism, ...credentials } as never,
      });
      const producer = kafka.producer();
      await producer.connect();
      await producer.send({ topic: 'kafka-secured', messages: [{ value: `via-kafkajs-${mechanism}` }] });
      await producer.disconnect();
      const admin = kafka.admin();
      await admin.connect();
      const offsets = await admin.fetchTopicOffsets('kafka-secured');
      await admin.disconnect();
      expect(Number(offsets[0].high)).to.be.greaterThan(0);
    });
  }

  it('KafkaJS with a wrong password fails with SASL_AUTHENTICATION_FAILED', async () => {
    const kafka = new Kafka({
      clientId: 'kafkajs-sasl', brokers: [kafkaSasl], logLevel: logLevel.NOTHING, retry: { retries: 0 },
      sasl: { mechanism: 'scram-sha-256', username: 'alice', password: 'nope' },
    });
    const admin = kafka.admin();
    const error = await admin.connect().then(() => null, (err: Error) => err);
    await admin.disconnect();
    expect(String(error?.message)).to.match(/SASL SCRAM SHA256 authentication failed|Authentication failed/);
  });

  it('closes without an answer a Kafka connection that sends Metadata before authenticating', async () => {
    const client = new KafkaWireClient(port);
    const error = await client.send(KafkaMetadata, 9, { topics: null, allowAutoTopicCreation: false, includeClusterAuthorizedOperations: false, includeTopicAuthorizedOperations: false })
      .then(() => null, (err: Error) => err);
    client.close();
    expect(error?.message).to.contain('closed the connection');
  });

  it('answers SaslHandshake v1 and SaslAuthenticate v2 (flexible) on the wire', async () => {
    const client = new KafkaWireClient(port);
    try {
      const handshake = await client.send(KafkaSaslHandshake, 1, { mechanism: 'PLAIN' });
      expect(handshake).to.deep.equal({ errorCode: 0, mechanisms: ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'] });
      const answer = await client.send(KafkaSaslAuthenticate, 2, { authBytes: Buffer.from('\u0000carol\u0000carol-secret') });
      expect(answer).to.deep.include({ errorCode: 0, errorMessage: null, sessionLifetimeMs: 0 });
      const metadata = await client.send(KafkaMetadata, 9, { topics: null, allowAutoTopicCreation: false, includeClusterAuthorizedOperations: false, includeTopicAuthorizedOperations: false });
      expect(metadata.brokers.map((b) => b.port)).to.deep.equal([port]);
    } finally {
      client.close();
    }
  });

  it('answers a failed exchange with error 58 and the generic message, then closes the connection', async () => {
    const client = new KafkaWireClient(port);
    try {
      expect((await client.send(KafkaSaslHandshake, 1, { mechanism: 'PLAIN' })).errorCode).to.equal(0);
      const answer = await client.send(KafkaSaslAuthenticate, 1, { authBytes: Buffer.from('\u0000nobody\u0000guess') });
      expect(answer).to.deep.include({ errorCode: 58, errorMessage: 'Authentication failed during authentication due to invalid credentials with SASL mechanism PLAIN' });
      const next = await client.send(KafkaSaslHandshake, 1, { mechanism: 'PLAIN' }).then(() => null, (err: Error) => err);
      expect(next?.message).to.contain('closed the connection');
    } finally {
      client.close();
    }
  });

  it('answers an unknown mechanism with 33 and the enabled list, then closes the connection', async () => {
    const client = new KafkaWireClient(port);
    try {
      expect(await client.send(KafkaSaslHandshake, 1, { mechanism: 'OAUTHBEARER' })).to.deep.equal({ errorCode: 33, mechanisms: ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'] });
      const next = await client.send(KafkaSaslHandshake, 1, { mechanism: 'PLAIN' }).then(() => null, (err: Error) => err);
      expect(next?.message).to.contain('closed the connection');
    } finally {
      client.close();
    }
  });

  it('after SaslHandshake v0, exchanges bare token frames (pre-1.0 framing), then serves requests', async () => {
    const frames: Buffer[] = [];
    const decoder = new FrameDecoder(1 << 20);
    const sock = net.connect({ port, host: '127.0.0.1' });
    sock.on('data', (d) => frames.push(...decoder.push(d)));
    sock.on('error', () => undefined);
    const write = (chunks: Buffer[]) => { for (const c of chunks) sock.write(c); };
    const rawFrame = (payload: Buffer) => { const size = Buffer.alloc(4); size.writeInt32BE(payload.length); return [size, payload]; };
    try {
      await new Promise((resolve) => sock.once('connect', resolve));
      write(encodeKafkaRequestFrame(KafkaSaslHandshake, { apiKey: 17, apiVersion: 0, correlationId: 7, clientId: 'old' }, { mechanism: 'PLAIN' }));
      await waitUntil('handshake answer', () => frames.length === 1);
      expect(frames[0].readInt32BE(0)).to.equal(7);
      write(rawFrame(Buffer.from('\u0000carol\u0000carol-secret')));
      await waitUntil('bare token answer', () => frames.length === 2);
      expect(frames[1].length).to.equal(0);
      write(encodeKafkaRequestFrame(KafkaMetadata, { apiKey: 3, apiVersion: 1, correlationId: 8, clientId: 'old' }, { topics: null, allowAutoTopicCreation: true, includeClusterAuthorizedOperations: false, includeTopicAuthorizedOperations: false }));
      await waitUntil('metadata answer', () => frames.length === 3);
      expect(frames[2].readInt32BE(0)).to.equal(8);
    } finally {
      sock.destroy();
    }
  });
});
