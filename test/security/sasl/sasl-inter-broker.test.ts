import { expect } from 'chai';
import { Broker } from '../../../lib/broker/broker';
import { Admin } from '../../../lib/client/admin';
import { Producer } from '../../../lib/client/producer';
import { ZkClient } from '../../../lib/zk/zk-client';
import { startBroker } from '../../helpers/cluster';
import { waitUntil } from '../../helpers/wait';
import { startTestZooKeeper, TestZooKeeper } from '../../helpers/zookeeper';
import { putScramUser } from './sasl-helpers';

/**
 * Three brokers whose inter-broker listener is SASL_PLAINTEXT with SCRAM-SHA-512: the controller
 * channel and the replica fetchers authenticate as the broker user, whose credential is in
 * ZooKeeper before the brokers start (as Kafka requires for SCRAM between brokers).
 */
const INTER_BROKER = {
  listeners: 'PLAINTEXT://127.0.0.1:0,INTERNAL://127.0.0.1:0',
  'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,INTERNAL:SASL_PLAINTEXT',
  'inter.broker.listener.name': 'INTERNAL',
  'sasl.enabled.mechanisms': 'SCRAM-SHA-512',
  'sasl.mechanism.inter.broker.protocol': 'SCRAM-SHA-512',
  'listener.name.internal.scram-sha-512.sasl.jaas.config': 'org.apache.kafka.common.security.scram.ScramLoginModule required username="broker" password="broker-secret";',
  'offsets.topic.replication.factor': 3,
  'offsets.topic.num.partitions': 1,
  'replica.fetch.backoff.ms': 200,
};

describe('security/sasl inter-broker listener', function () {
  this.timeout(120000);
  let zk: TestZooKeeper;
  let client: ZkClient;
  const brokers: Broker[] = [];

  before(async () => {
    zk = await startTestZooKeeper();
    client = await ZkClient.connect({ connectString: zk.connectString, sessionTimeoutMs: 6000 });
    await putScramUser(client, 'broker', 'broker-secret', ['SCRAM-SHA-512']);
    for (const id of [1, 2, 3]) brokers.push(await startBroker({ brokerId: id, zkConnect: zk.connectString, overrides: INTER_BROKER }));
  });

  after(async () => {
    for (const b of brokers) await b.shutdown().catch(() => undefined);
    await client?.close();
    await zk?.stop();
  });

  it('replicates a topic to every broker over the authenticated inter-broker listener', async () => {
    await waitUntil('every broker serving', () => brokers.every((b) => b.isReady), 30000);
    const bootstrap = brokers.map((b) => `127.0.0.1:${b.boundPort('PLAINTEXT')}`).join(',');
    const admin = new Admin({ bootstrapServers: bootstrap });
    await admin.createTopic({ topic: 'replicated', numPartitions: 2, replicationFactor: 3 });
    await admin.close();
    const producer = new Producer({ bootstrapServers: bootstrap, acks: -1 });
    await producer.connect();
    await Promise.all([...Array(50).keys()].map((i) => producer.send({ topic: 'replicated', partition: i % 2, value: `v${i}` })));
    await producer.close();
    await waitUntil('every replica caught up', () => brokers.every((b) => [0, 1].every((p) => b.metadataCache.partition('replicated', p)?.isr.length === 3)), 30000);
    for (const p of [0, 1]) {
      const state = JSON.parse((await client.getData(`/brokers/topics/replicated/partitions/${p}/state`)).data!.toString());
      expect(state.isr.sort()).to.deep.equal([1, 2, 3]);
    }
  });
});
