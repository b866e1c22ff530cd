import { expect } from 'chai';
import { Broker } from '../../lib/broker/broker';
import { ZkClient } from '../../lib/zk/zk-client';
import { startBroker } from '../helpers/cluster';
import { waitUntil } from '../helpers/wait';
import { startTestZooKeeper, TestZooKeeper } from '../helpers/zookeeper';

describe('integration/broker-registration', function () {
  this.timeout(90000);
  let zk: TestZooKeeper;
  let client: ZkClient;
  const brokers: Broker[] = [];

  before(async () => {
    zk = await startTestZooKeeper();
    client = await ZkClient.connect({ connectString: zk.connectString, sessionTimeoutMs: 6000 });
  });

  after(async () => {
    for (const b of brokers) await b.shutdown().catch(() => undefined);
    await client?.close();
    await zk?.stop();
  });

  async function json(path: string): Promise<any> {
    const { data } = await client.getData(path);
    return JSON.parse(data!.toString('utf8'));
  }

  it('registers an ephemeral /brokers/ids/<id> znode in Kafka\'s format', async () => {
    const broker = await startBroker({ brokerId: 1, zkConnect: zk.connectString });
    brokers.push(broker);
    const reg = await json('/brokers/ids/1');
    expect(reg.version).to.equal(5);
    expect(reg.host).to.equal('127.0.0.1');
    expect(reg.port).to.equal(broker.port);
    expect(reg.endpoints).to.deep.equal([`PLAINTEXT://127.0.0.1:${broker.port}`]);
    expect(reg.jmx_port).to.equal(-1);
    expect(reg.timestamp).to.be.a('string');
    expect(Math.abs(Number(reg.timestamp) - Date.now())).to.be.lessThan(60000);
    const stat = await client.exists('/brokers/ids/1');
    expect(String(stat!.ephemeralOwner)).to.not.match(/^(0|0x0+|0+)$/);
  });

  it('is elected controller and bumps /controller_epoch', async () => {
    await waitUntil('broker 1 to become controller', () => brokers[0].isController);
    const controller = await json('/controller');
    expect(controller).to.include({ version: 1, brokerid: 1 });
    const { data } = await client.getData('/controller_epoch');
    expect(Number(data!.toString())).to.be.at.least(1);
    const cluster = await json('/cluster/id');
    expect(cluster.version).to.equal('1');
    expect(cluster.id).to.match(/^[A-Za-z0-9_-]{22}$/);
  });

  it('refuses a second broker with an id registered by a live session', async () => {
    const err = await startBroker({ brokerId: 1, zkConnect: zk.connectString }).catch((e) => e);
    expect(err).to.be.instanceOf(Error);
    expect(err.message).to.match(/already registered/i);
  });

  it('hands the controller to another broker when the controller stops, with a higher epoch', async () => {
    const second = await startBroker({ brokerId: 2, zkConnect: zk.connectString });
    brokers.push(second);
    expect(second.isController).to.equal(false);
    const before = Number((await client.getData('/controller_epoch')).data!.toString());
    await brokers[0].shutdown();
    await waitUntil('broker 2 to take over as controller', () => second.isController, 30000);
    expect(await json('/controller')).to.include({ brokerid: 2 });
    const after = Number((await client.getData('/controller_epoch')).data!.toString());
    expect(after).to.equal(before + 1);
    expect(await client.exists('/brokers/ids/1')).to.equal(null);
  });

  it('lets a restarted broker register again under the same id', async () => {
    const restarted = await startBroker({ brokerId: 1, zkConnect: zk.connectString });
    brokers.push(restarted);
    expect((await json('/brokers/ids/1')).port).to.equal(restarted.port);
  });
});
