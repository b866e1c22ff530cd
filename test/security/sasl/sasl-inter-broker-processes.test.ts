import { expect } from 'chai';
import { Admin } from '../../../lib/client/admin';
import { Consumer } from '../../../lib/client/consumer';
import { Producer } from '../../../lib/client/producer';
import { ZkClient } from '../../../lib/zk/zk-client';
import { BrokerProcess, freePort, spawnBroker } from '../../helpers/cluster';
import { waitUntil } from '../../helpers/wait';
import { startTestZooKeeper, TestZooKeeper } from '../../helpers/zookeeper';
import { putScramUser, saslSecurity } from './sasl-helpers';

/**
 * Three broker processes started from server.properties files whose inter-broker listener is
 * SASL_PLAINTEXT (SCRAM-SHA-256, the JAAS entry as Kafka writes it): they replicate, and keep
 * serving clients (authenticated on the same listener) when one of them is killed.
 */
describe('security/sasl inter-broker listener (processes)', function () {
  this.timeout(180000);
  let zk: TestZooKeeper;
  let client: ZkClient;
  const brokers = new Map<number, BrokerProcess>();
  const saslPorts = new Map<number, number>();

  before(async () => {
    zk = await startTestZooKeeper();
    client = await ZkClient.connect({ connectString: zk.connectString, sessionTimeoutMs: 6000 });
    await putScramUser(client, 'broker', 'broker-secret', ['SCRAM-SHA-256']);
    await putScramUser(client, 'alice', 'alice-secret', ['SCRAM-SHA-256']);
    const started = [1, 2, 3].map(async (id) => {
      const port = await freePort();
      saslPorts.set(id, await freePort());
      brokers.set(id, await spawnBroker({
        brokerId: id, zkConnect: zk.connectString, port,
        overrides: {
          listeners: `PLAINTEXT://127.0.0.1:${port},SASL_PLAINTEXT://127.0.0.1:${saslPorts.get(id)}`,
          'inter.broker.listener.name': 'SASL_PLAINTEXT',
          'sasl.enabled.mechanisms': 'SCRAM-SHA-256',
          'sasl.mechanism.inter.broker.protocol': 'SCRAM-SHA-256',
          'listener.name.sasl_plaintext.scram-sha-256.sasl.jaas.config':
            'org.apache.kafka.common.security.scram.ScramLoginModule required username="broker" password="broker-secret";',
          'zookeeper.session.timeout.ms': 6000,
          'replica.lag.time.max.ms': 4000,
          'replica.fetch.backoff.ms': 200,
          'offsets.topic.replication.factor': 3,
          'offsets.topic.num.partitions': 1,
        },
      }));
    });
    await Promise.all(started);
    await waitUntil('all brokers registered', async () => (await client.getChildren('/brokers/ids')).length === 3, 30000, 100);
  });

  after(async () => {
    for (const b of brokers.values()) await b.stop('SIGKILL').catch(() => undefined);
    await client?.close();
    await zk?.stop();
  });

  it('replicates over the SASL inter-broker listener and survives the loss of a broker', async () => {
    const bootstrap = [...saslPorts.values()].map((p) => `127.0.0.1:${p}`).join(',');
    const security = saslSecurity('SCRAM-SHA-256', 'alice', 'alice-secret');
    const admin = new Admin({ bootstrapServers: bootstrap, security });
    await admin.createTopic({ topic: 'replicated-sasl', numPartitions: 1, replicationFactor: 3 });
    await admin.close();
    const isr = async () => JSON.parse((await client.getData('/brokers/topics/replicated-sasl/partitions/0/state')).data!.toString()) as { leader: number; isr: number[] };
    const producer = new Producer({ bootstrapServers: bootstrap, security, acks: -1 });
    await producer.connect();
    for (let i = 0; i < 20; i++) await producer.send({ topic: 'replicated-sasl', partition: 0, value: `before-${i}` });
    await waitUntil('all three in the ISR', async () => (await isr()).isr.length === 3, 30000, 100);
    const { leader } = await isr();
    await brokers.get(leader)!.stop('SIGKILL');
    await waitUntil('a new leader', async () => { const s = await isr(); return s.leader !== leader && s.leader !== -1; }, 30000, 100);
    for (let i = 0; i < 20; i++) await producer.send({ topic: 'replicated-sasl', partition: 0, value: `after-${i}` });
    await producer.close();
    const survivors = [...saslPorts.entries()].filter(([id]) => id !== leader).map(([, p]) => `127.0.0.1:${p}`).join(',');
    const consumer = new Consumer({ bootstrapServers: survivors, security, autoOffsetReset: 'earliest' });
    await consumer.connect();
    consumer.assign([{ topic: 'replicated-sasl', partition: 0 }]);
    const values: string[] = [];
    const deadline = Date.now() + 30000;
    while (values.length < 40 && Date.now() < deadline) values.push(...(await consumer.poll(500)).map((r) => r.value!.toString()));
    await consumer.close();
    expect(values).to.deep.equal([...[...Array(20).keys()].map((i) => `before-${i}`), ...[...Array(20).keys()].map((i) => `after-${i}`)]);
  });
});
