import { expect } from 'chai';
import { Broker } from '../../lib/broker/broker';
import { Connection } from '../../lib/client/connection';
import { Producer } from '../../lib/client/producer';
import { Admin } from '../../lib/client/admin';
import { Api } from '../../lib/protocol/api';
import { ZkClient } from '../../lib/zk/zk-client';
import { PartitionStateZNode } from '../../lib/zk/znodes';
import { startBroker } from '../helpers/cluster';
import { waitUntil } from '../helpers/wait';
import { startTestZooKeeper, TestZooKeeper } from '../helpers/zookeeper';

/**
 * A broker with two native listeners: clients use PLAINTEXT, the controller and the replica
 * fetchers use INTERNAL (inter.broker.listener.name), and every answer naming a broker gives the
 * endpoint of the listener the request came in on.
 */
const LISTENERS = {
  listeners: 'PLAINTEXT://127.0.0.1:0,INTERNAL://127.0.0.1:0',
  'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,INTERNAL:PLAINTEXT',
  'inter.broker.listener.name': 'INTERNAL',
  'offsets.topic.num.partitions': 1,
};

describe('integration/multiple-listeners', function () {
  this.timeout(120000);
  let zk: TestZooKeeper;
  let client: ZkClient;
  const brokers: Broker[] = [];
  const connections: Connection[] = [];

  before(async () => {
    zk = await startTestZooKeeper();
    client = await ZkClient.connect({ connectString: zk.connectString, sessionTimeoutMs: 6000 });
    brokers.push(await startBroker({ brokerId: 1, zkConnect: zk.connectString, overrides: LISTENERS }));
  });

  after(async () => {
    for (const c of connections) c.close();
    for (const b of brokers) await b.shutdown().catch(() => undefined);
    await client?.close();
    await zk?.stop();
  });

  function connect(port: number): Connection {
    const conn = new Connection({ host: '127.0.0.1', port, clientId: 'listener-test', requestTimeoutMs: 10000 });
    connections.push(conn);
    return conn;
  }

  it('binds every listener on its own port and serves requests on each', async () => {
    const broker = brokers[0];
    const plaintext = broker.boundPort('PLAINTEXT');
    const internal = broker.boundPort('internal');
    expect(plaintext).to.be.greaterThan(0);
    expect(internal).to.be.greaterThan(0).and.not.equal(plaintext);
    expect([...broker.boundPorts.keys()]).to.deep.equal(['PLAINTEXT', 'INTERNAL']);
    expect(broker.port).to.equal(plaintext);
    for (const port of [plaintext, internal]) {
      const versions = await connect(port).send(Api.ApiVersions, {});
      expect(versions.errorCode, `port ${port}`).to.equal(0);
    }
  });

  it('registers every advertised endpoint with its bound port, PLAINTEXT at the top level', async () => {
    const broker = brokers[0];
    const reg = JSON.parse((await client.getData('/brokers/ids/1')).data!.toString('utf8'));
    expect(reg.endpoints).to.deep.equal([`PLAINTEXT://127.0.0.1:${broker.boundPort('PLAINTEXT')}`, `INTERNAL://127.0.0.1:${broker.boundPort('INTERNAL')}`]);
    expect(reg.listener_security_protocol_map).to.deep.equal({ PLAINTEXT: 'PLAINTEXT', INTERNAL: 'PLAINTEXT' });
    expect(reg).to.include({ host: '127.0.0.1', port: broker.boundPort('PLAINTEXT') });
  });

  it("answers Metadata and FindCoordinator with the endpoint of the listener the request came in on", async () => {
    const broker = brokers[0];
    await waitUntil('broker 1 to serve clients', () => broker.isReady);
    for (const name of ['PLAINTEXT', 'INTERNAL']) {
      const conn = connect(broker.boundPort(name));
      const metadata = await conn.send(Api.Metadata, { topics: null, allowAutoTopicCreation: false });
      expect(metadata.brokers, name).to.deep.equal([{ nodeId: 1, host: '127.0.0.1', port: broker.boundPort(name), rack: null }]);
      let coordinator: { errorCode: number; host: string; port: number } | undefined;
      await waitUntil(`a group coordinator on ${name}`, async () => {
        coordinator = await conn.send(Api.FindCoordinator, { key: 'g', keyType: 0 });
        return coordinator.errorCode === 0;
      }, 30000, 100);
      expect(coordinator, name).to.include({ host: '127.0.0.1', port: broker.boundPort(name) });
    }
  });

  it('replicates acks=all between brokers over the inter-broker listener while clients use PLAINTEXT', async () => {
    brokers.push(await startBroker({ brokerId: 2, zkConnect: zk.connectString, overrides: LISTENERS }));
    const [b1, b2] = brokers;
    const bootstrap = `127.0.0.1:${b1.boundPort('PLAINTEXT')}`;
    const admin = new Admin({ bootstrapServers: bootstrap });
    await admin.createTopic({ topic: 'two-listeners', replicaAssignment: { 0: [1, 2] } });
    await admin.close();
    const producer = new Producer({ bootstrapServers: bootstrap, acks: 'all', lingerMs: 0, requestTimeoutMs: 10000 });
    try {
      await waitUntil('both replicas in the ISR', async () => {
        const state = PartitionStateZNode.decode('two-listeners', 0, (await client.getData('/brokers/topics/two-listeners/partitions/0/state')).data);
        return state.isr.length === 2;
      }, 30000, 100);
      const acked = await Promise.all(Array.from({ length: 20 }, (_, i) => producer.send({ topic: 'two-listeners', partition: 0, value: Buffer.from(`v${i}`) })));
      expect(acked.map((r) => r.offset)).to.have.members(Array.from({ length: 20 }, (_, i) => i));
    } finally {
      await producer.close();
    }
    for (const c of connections) c.close();
    // With every client gone, what is left is broker-to-broker traffic: all of it on INTERNAL.
    await waitUntil('client connections to close', () => b1.connectionCount('PLAINTEXT') === 0 && b2.connectionCount('PLAINTEXT') === 0, 10000);
    expect(b1.connectionCount('INTERNAL') + b2.connectionCount('INTERNAL')).to.be.at.least(2);
    const state = (await client.getData('/brokers/topics/two-listeners/partitions/0/state')).data;
    expect(PartitionStateZNode.decode('two-listeners', 0, state).isr).to.have.members([1, 2]);
  });
});
