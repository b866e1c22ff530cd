import { expect } from 'chai';
import { Admin } from '../../lib/client/admin';
import { Producer } from '../../lib/client/producer';
import { Connection } from '../../lib/client/connection';
import { Api } from '../../lib/protocol/api';
import { BrokerProcess, spawnBroker } from '../helpers/cluster';
import { runCli } from '../helpers/run-cli';
import { startTestZooKeeper, TestZooKeeper } from '../helpers/zookeeper';

/**
 * A broker restarted after SIGKILL waits for ZooKeeper to expire its previous session before it
 * can register. Its listener is open meanwhile, and clients that reach it then must not be told
 * that their topic does not exist.
 */
describe('system/restart-readiness', function () {
  this.timeout(120000);
  let zk: TestZooKeeper;
  let broker: BrokerProcess | null = null;

  before(async () => {
    zk = await startTestZooKeeper();
  });

  after(async () => {
    await broker?.stop('SIGKILL');
    await zk?.stop();
  });

  it('serves consumers started while it restarts after SIGKILL, instead of saying the topic does not exist', async () => {
    broker = await spawnBroker({ brokerId: 1, zkConnect: zk.connectString });
    const bootstrap = `127.0.0.1:${broker.port}`;
    const admin = new Admin({ bootstrapServers: bootstrap });
    await admin.createTopic({ topic: 'restarted', numPartitions: 2, replicationFactor: 1 });
    await admin.close();
    const producer = new Producer({ bootstrapServers: bootstrap, acks: 1 });
    await Promise.all([...Array(200).keys()].map((i) => producer.send({ topic: 'restarted', key: `k${i}`, value: `v${i}` })));
    await producer.close();

    const { logDir, port } = broker;
    await broker.stop('SIGKILL');
    // Started while nothing listens: it must keep trying, then wait for the restarted broker.
    const whileDown = runCli('samsa-console-consumer',
      ['--bootstrap-server', bootstrap, '--topic', 'restarted', '--from-beginning', '--max-messages', '200', '--timeout-ms', '60000'],
      { timeoutMs: 90000 });
    broker = await spawnBroker({ brokerId: 1, zkConnect: zk.connectString, logDir, port });
    // The listener is open now, but the previous session (10 s) has not expired yet.
    const startedAt = Date.now();
    const whileStarting = runCli('samsa-console-consumer',
      ['--bootstrap-server', bootstrap, '--topic', 'restarted', '--from-beginning', '--max-messages', '200', '--timeout-ms', '60000'],
      { timeoutMs: 90000 });
    const listed = runCli('samsa-topics', ['--bootstrap-server', bootstrap, '--list'], { timeoutMs: 90000 });

    for (const [name, result] of [['while down', await whileDown], ['while starting', await whileStarting]] as const) {
      expect(result.stderr, `${name}: ${result.stderr}`).to.not.contain('does not exist');
      expect(result.code, `${name}: ${result.stderr}`).to.equal(0);
      const lines = result.stdout.split('\n').filter((l) => l !== '');
      expect(lines, name).to.have.length(200);
      expect(new Set(lines).size).to.equal(200);
      expect(result.stderr).to.contain('Processed a total of 200 messages');
    }
    const topics = await listed;
    expect(topics.code, topics.stderr).to.equal(0);
    expect(topics.stdout.split('\n')).to.include('restarted');
    // The old session had to expire first, so the answers really were held, not served empty.
    expect(Date.now() - startedAt).to.be.greaterThan(3000);
    expect(broker.output()).to.not.match(/Error|exception/i);
  });

  it('answers ApiVersions at once while it waits for its registration, and Metadata only once it knows the cluster', async () => {
    const { logDir, port } = broker!;
    await broker!.stop('SIGKILL');
    broker = await spawnBroker({ brokerId: 1, zkConnect: zk.connectString, logDir, port });
    const conn = new Connection({ host: '127.0.0.1', port, requestTimeoutMs: 60000 });
    try {
      const sentAt = Date.now();
      const versions = await conn.send(Api.ApiVersions, {});
      expect(Date.now() - sentAt).to.be.below(2000);
      expect(versions.apiKeys.map((k) => k.apiKey)).to.include.members([Api.Produce.key, Api.Fetch.key, Api.Metadata.key]);
      const metadata = await conn.send(Api.Metadata, { topics: ['restarted'], allowAutoTopicCreation: false });
      // Held until the controller's first UpdateMetadata, which follows the old session's expiry.
      expect(Date.now() - sentAt).to.be.above(3000);
      expect(metadata.brokers.map((b) => b.nodeId)).to.deep.equal([1]);
      expect(metadata.topics[0]).to.include({ name: 'restarted', errorCode: 0 });
      expect(metadata.topics[0].partitions).to.have.length(2);
    } finally {
      conn.close();
    }
  });
});
