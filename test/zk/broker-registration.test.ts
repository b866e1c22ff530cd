import { expect } from 'chai';
import { BrokerIdInUseError, registerBroker } from '../../lib/zk/broker-registration';
import { ZkClient } from '../../lib/zk/zk-client';
import { BrokerIdZNode } from '../../lib/zk/znodes';
import { startTestZooKeeper, TestZooKeeper } from '../helpers/zookeeper';

describe('zk/broker-registration', function () {
  this.timeout(30000);
  let zk: TestZooKeeper;
  const clients: ZkClient[] = [];
  let n = 0;

  async function connect(chroot: string): Promise<ZkClient> {
    const client = await ZkClient.connect({ connectString: `${zk.connectString}${chroot}`, sessionTimeoutMs: 6000 });
    clients.push(client);
    return client;
  }

  before(async () => {
    zk = await startTestZooKeeper();
  });

  afterEach(async () => {
    for (const c of clients.splice(0)) await c.close();
  });

  after(async () => {
    await zk?.stop();
  });

  it('writes an ephemeral /brokers/ids/<id> node in Kafka\'s format and returns its czxid as the epoch', async () => {
    const client = await connect(`/reg-${++n}`);
    const before = Date.now();
    const registration = await registerBroker(client, { brokerId: 1, host: 'broker1.local', port: 9092, rack: 'rack-a' });
    const { data, stat } = await client.getData('/brokers/ids/1');
    const json = JSON.parse(String(data));
    expect(json).to.include({ version: 5, host: 'broker1.local', port: 9092, jmx_port: -1, rack: 'rack-a' });
    expect(json.endpoints).to.deep.equal(['PLAINTEXT://broker1.local:9092']);
    expect(json.listener_security_protocol_map).to.deep.equal({ PLAINTEXT: 'PLAINTEXT' });
    expect(Number(json.timestamp)).to.be.within(before, Date.now());
    expect(typeof json.timestamp).to.equal('string');
    expect(stat.ephemeralOwner).to.equal(client.sessionId);
    expect(registration.brokerEpoch).to.equal(stat.czxid);
    expect(registration.brokerId).to.equal(1);
  });

  it('registers every advertised listener', async () => {
    const client = await connect(`/reg-${++n}`);
    await registerBroker(client, { brokerId: 2, host: 'h', port: 9092, listeners: ['PLAINTEXT://h:9092', 'REPLICATION://10.0.0.2:9093'] });
    const info = BrokerIdZNode.decode(2, (await client.getData('/brokers/ids/2')).data);
    expect(info.endpoints.map((e) => `${e.listenerName}@${e.host}:${e.port}`)).to.deep.equal(['PLAINTEXT@h:9092', 'REPLICATION@10.0.0.2:9093']);
  });

  it('refuses a broker id held by another live session', async () => {
    const chroot = `/reg-${++n}`;
    const first = await connect(chroot);
    const second = await connect(chroot);
    await registerBroker(first, { brokerId: 1, host: 'a', port: 1 });
    let caught: unknown;
    await registerBroker(second, { brokerId: 1, host: 'b', port: 2 }).catch((err) => { caught = err; });
    expect(caught).to.be.instanceOf(BrokerIdInUseError);
    expect((caught as Error).message).to.equal(
      `Broker id 1 is already registered by another live session (0x${first.sessionId}) — is another broker running with broker.id=1?`);
    expect(JSON.parse(String((await first.getData('/brokers/ids/1')).data)).host).to.equal('a');
  });

  it('lets the id be taken once the holder\'s session closes', async () => {
    const chroot = `/reg-${++n}`;
    const first = await connect(chroot);
    const second = await connect(chroot);
    await registerBroker(first, { brokerId: 3, host: 'a', port: 1 });
    await first.close();
    const registration = await registerBroker(second, { brokerId: 3, host: 'b', port: 2 });
    expect((await second.exists('/brokers/ids/3'))?.czxid).to.equal(registration.brokerEpoch);
  });

  it('replaces a stale node left by its own session with a new epoch', async () => {
    const client = await connect(`/reg-${++n}`);
    const first = await registerBroker(client, { brokerId: 4, host: 'old', port: 1 });
    const second = await registerBroker(client, { brokerId: 4, host: 'new', port: 2 });
    expect(second.brokerEpoch > first.brokerEpoch).to.equal(true);
    const { data, stat } = await client.getData('/brokers/ids/4');
    expect(JSON.parse(String(data)).host).to.equal('new');
    expect(stat.czxid).to.equal(second.brokerEpoch);
    await first.deregister(); // the superseded handle leaves the current node alone
    expect((await client.exists('/brokers/ids/4'))?.czxid).to.equal(second.brokerEpoch);
  });

  it('reports a persistent node at the broker path as not a live broker', async () => {
    const client = await connect(`/reg-${++n}`);
    await client.createPersistentPath('/brokers/ids/5');
    let caught: unknown;
    await registerBroker(client, { brokerId: 5, host: 'a', port: 1 }).catch((err) => { caught = err; });
    expect(caught).to.be.instanceOf(BrokerIdInUseError);
    expect((caught as Error).message).to.match(/persistent node/);
  });

  it('removes its node on deregister', async () => {
    const client = await connect(`/reg-${++n}`);
    const registration = await registerBroker(client, { brokerId: 6, host: 'a', port: 1 });
    await registration.deregister();
    expect(await client.exists('/brokers/ids/6')).to.equal(null);
  });
});
