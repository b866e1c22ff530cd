import { expect } from 'chai';
import { Kafka, logLevel } from 'kafkajs';
import { Admin } from '../../../lib/client/admin';
import { Consumer } from '../../../lib/client/consumer';
import { Producer } from '../../../lib/client/producer';
import { Connection } from '../../../lib/client/connection';
import { Api } from '../../../lib/protocol/api';
import { ErrorCode, SamsaError } from '../../../lib/protocol/errors';
import { runCli } from '../../helpers/run-cli';
import { runKcat } from '../../helpers/kcat';
import { entry, group, topic, useSecuredBroker } from './acl-fixtures';

async function failure(work: Promise<unknown>): Promise<SamsaError> {
  try {
    await work;
  } catch (err) {
    return err as SamsaError;
  }
  throw new Error('expected a failure');
}

/** Runs the console producer with one line on stdin. */
function consoleProduce(bootstrap: string, topicName: string) {
  return runCli('samsa-console-producer', ['--bootstrap-server', bootstrap, '--topic', topicName], { input: 'hello\n', timeoutMs: 60000 });
}

function consoleConsume(bootstrap: string, topicName: string, groupId: string) {
  return runCli('samsa-console-consumer', ['--bootstrap-server', bootstrap, '--topic', topicName, '--group', groupId, '--from-beginning',
    '--max-messages', '1', '--timeout-ms', '20000'], { timeoutMs: 60000 });
}

describe('security/acl/authorization (every client is User:ANONYMOUS)', function () {
  this.timeout(180000);
  const cluster = useSecuredBroker();

  before(async () => {
    const admin = new Admin({ bootstrapServers: cluster.native });
    for (const name of ['t', 'hidden', 'pre-a', 'other']) await admin.createTopic({ topic: name, numPartitions: 1, replicationFactor: 1 });
    await admin.close();
  });

  it('denies produce and consume without ACLs: the console tools print Kafka\'s message and exit 1', async () => {
    const produced = await consoleProduce(cluster.native, 't');
    expect(produced.code, produced.stderr).to.equal(1);
    expect(produced.stdout + produced.stderr).to.contain('Not authorized to access topics: [t]');
    await cluster.setAcls(group('g'), [entry('Read')]);
    const consumed = await consoleConsume(cluster.native, 't', 'g');
    expect(consumed.code, consumed.stderr).to.equal(1);
    expect(consumed.stdout + consumed.stderr).to.contain('Not authorized to access topics: [t]');
  });

  it('fails a library send at once, not after delivery.timeout.ms, with a typed error naming the topic', async () => {
    const producer = new Producer({ bootstrapServers: cluster.native, deliveryTimeoutMs: 60000, maxBlockMs: 60000 });
    const started = Date.now();
    const err = await failure(producer.send({ topic: 't', value: 'x' }));
    await producer.close();
    expect(err.code).to.equal(ErrorCode.TOPIC_AUTHORIZATION_FAILED.code);
    expect(err.message).to.equal('Not authorized to access topics: [t]');
    expect(Date.now() - started).to.be.below(10000);
  });

  it('lets a Write ACL through to produce while consuming stays denied', async () => {
    await cluster.setAcls(topic('t'), [entry('Write')]);
    const produced = await consoleProduce(cluster.native, 't');
    expect(produced.code, produced.stderr).to.equal(0);
    const consumed = await consoleConsume(cluster.native, 't', 'g');
    expect(consumed.code).to.equal(1);
    expect(consumed.stdout + consumed.stderr).to.contain('Not authorized to access topics: [t]');
  });

  it('lets a DENY beat an ALLOW', async () => {
    await cluster.setAcls(topic('t'), [entry('Write'), entry('Write', 'Deny', 'User:*')]);
    const producer = new Producer({ bootstrapServers: cluster.native, enableIdempotence: false, acks: 1 });
    const err = await failure(producer.send({ topic: 't', value: 'x' }));
    await producer.close();
    expect(err.code).to.equal(ErrorCode.TOPIC_AUTHORIZATION_FAILED.code);
    await cluster.setAcls(topic('t'), [entry('Write')]);
  });

  it('applies PREFIXED ACLs to every topic and group under the prefix, with consume working end to end', async () => {
    await cluster.setAcls(topic('pre-', 'Prefixed'), [entry('Read'), entry('Write')]);
    await cluster.setAcls(group('pre-', 'Prefixed'), [entry('Read')]);
    const produced = await consoleProduce(cluster.native, 'pre-a');
    expect(produced.code, produced.stderr).to.equal(0);
    const consumed = await consoleConsume(cluster.native, 'pre-a', 'pre-group');
    expect(consumed.code, consumed.stderr).to.equal(0);
    expect(consumed.stdout.trim()).to.equal('hello');
  });

  it('hides topics the principal may not Describe from a listing, and names them as unauthorized when asked for', async () => {
    const conn = new Connection({ host: '127.0.0.1', port: cluster.broker.port });
    try {
      const all = await conn.send(Api.Metadata, { topics: null, allowAutoTopicCreation: false });
      expect(all.topics.map((t) => t.name).sort()).to.deep.equal(['pre-a', 't']);
      const named = await conn.send(Api.Metadata, { topics: ['hidden', 'no-such-topic'], allowAutoTopicCreation: true });
      expect(named.topics.map((t) => t.errorCode)).to.deep.equal([ErrorCode.TOPIC_AUTHORIZATION_FAILED.code, ErrorCode.TOPIC_AUTHORIZATION_FAILED.code]);
      const deleted = await conn.send(Api.DeleteTopics, { topicNames: ['hidden'], timeoutMs: 5000 });
      expect(deleted.responses[0].errorCode).to.equal(ErrorCode.TOPIC_AUTHORIZATION_FAILED.code);
    } finally {
      conn.close();
    }
  });

  it('denies a group without Read on it, with a typed error naming the group', async () => {
    await cluster.setAcls(topic('other'), [entry('Read')]);
    const consumer = new Consumer({ bootstrapServers: cluster.native, groupId: 'locked', autoOffsetReset: 'earliest' });
    await consumer.connect();
    consumer.subscribe(['other']);
    const err = await failure(consumer.poll(10000));
    await consumer.close();
    expect(err.code).to.equal(ErrorCode.GROUP_AUTHORIZATION_FAILED.code);
    expect(err.message).to.equal('Not authorized to access group: locked');
  });

  it('gives the same errors on the Kafka listener (kcat)', async () => {
    const produced = await runKcat(['-b', cluster.kafka, '-P', '-t', 'hidden'], { input: 'x\n', timeoutMs: 30000 });
    expect(produced.code).to.not.equal(0);
    expect(produced.stdout + produced.stderr).to.match(/[Aa]uthoriz/);
    const consumed = await runKcat(['-b', cluster.kafka, '-C', '-t', 'hidden', '-o', 'beginning', '-c', '1', '-e'], { timeoutMs: 30000 });
    expect(consumed.stdout + consumed.stderr).to.match(/[Aa]uthoriz/);
    const ok = await runKcat(['-b', cluster.kafka, '-C', '-t', 'pre-a', '-o', 'beginning', '-c', '1', '-e'], { timeoutMs: 30000 });
    expect(ok.stdout.trim()).to.equal('hello');
  });

  it('gives KafkaJS Kafka\'s error types on the Kafka listener: produce and metadata of a topic without ACLs denied', async () => {
    const kafka = new Kafka({ clientId: 'acl-test', brokers: [cluster.kafka], logLevel: logLevel.NOTHING, retry: { retries: 1, initialRetryTime: 100 } });
    const producer = kafka.producer();
    await producer.connect();
    const err = await failure(producer.send({ topic: 'hidden', messages: [{ value: 'x' }] }) as Promise<unknown>);
    await producer.disconnect();
    expect(err.message).to.contain('Not authorized to access topics');
    const admin = kafka.admin();
    await admin.connect();
    const metadataErr = await failure(admin.fetchTopicMetadata({ topics: ['hidden'] }));
    await admin.disconnect();
    expect((metadataErr as unknown as { type?: string }).type).to.equal('TOPIC_AUTHORIZATION_FAILED');
  });

  it('rejects a commit of offsets of a topic without Read, naming the topic, while the group is allowed', async () => {
    await cluster.setAcls(group('pre-', 'Prefixed'), [entry('Read')]);
    await cluster.setAcls(topic('other'), [entry('Read')]);
    const consumer = new Consumer({ bootstrapServers: cluster.native, groupId: 'pre-committer' });
    const err = await failure(consumer.commitSync([{ topic: 'hidden', partition: 0, offset: 0 }], 10000));
    const locked = new Consumer({ bootstrapServers: cluster.native, groupId: 'locked' });
    const groupErr = await failure(locked.commitSync([{ topic: 'other', partition: 0, offset: 0 }], 10000));
    await consumer.close();
    await locked.close();
    expect(err.message).to.equal('Not authorized to access topics: [hidden]');
    expect(err.code).to.equal(ErrorCode.TOPIC_AUTHORIZATION_FAILED.code);
    expect(groupErr.message).to.equal('Not authorized to access group: locked');
  });
});
