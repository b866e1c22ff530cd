import { expect } from 'chai';
import * as path from 'path';
import { Admin } from '../../lib/index';
import { Broker, startBroker } from '../../lib/server';
import { tempDir } from '../helpers/cluster';
import { startTestZooKeeper, TestZooKeeper } from '../helpers/zookeeper';

describe('samsa/server', () => {
  let zk: TestZooKeeper;
  let broker: Broker | undefined;
  before(async () => {
    zk = await startTestZooKeeper();
  });
  after(async () => {
    await broker?.shutdown();
    await zk?.stop();
  });

  it('startBroker starts a broker from Kafka-named properties that serves clients', async () => {
    const dir = tempDir('server-entry');
    broker = await startBroker({
      'broker.id': 7, 'zookeeper.connect': zk.connectString, listeners: 'PLAINTEXT://127.0.0.1:0',
      'log.dirs': dir, 'logs.dir': path.join(dir, 'server-logs'), 'log.level': 'warn',
    });
    expect(broker.brokerId).to.equal(7);
    const admin = new Admin({ bootstrapServers: `127.0.0.1:${broker.port}` });
    try {
      await admin.createTopic({ topic: 'embedded', numPartitions: 2, replicationFactor: 1 });
      expect(await admin.listTopics()).to.include('embedded');
    } finally {
      await admin.close();
    }
  });

  it('startBroker rejects a bad configuration with the offending key', async () => {
    let error: Error | undefined;
    await startBroker({ 'broker.id': 'x', 'zookeeper.connect': zk.connectString }).catch((err: Error) => { error = err; });
    expect(error?.message).to.include('broker.id');
  });
});
