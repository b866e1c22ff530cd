import { expect } from 'chai';
import { ClusterStore } from '../../lib/zk/cluster-store';
import { ZkClient } from '../../lib/zk/zk-client';
import { startTestZooKeeper, TestZooKeeper } from '../helpers/zookeeper';

describe('zk/cluster-store controller election', function () {
  this.timeout(30000);
  let zk: TestZooKeeper;
  const clients: ZkClient[] = [];
  let n = 0;
  let chroot = '';

  async function storeFor(): Promise<ClusterStore> {
    const client = await ZkClient.connect({ connectString: `${zk.connectString}${chroot}`, sessionTimeoutMs: 6000 });
    clients.push(client);
    return new ClusterStore(client);
  }

  before(async () => {
    zk = await startTestZooKeeper();
  });

  beforeEach(() => {
    chroot = `/election-${++n}`;
  });

  afterEach(async () => {
    for (const c of clients.splice(0)) await c.close();
  });

  after(async () => {
    await zk?.stop();
  });

  it('elects exactly one of two contenders and bumps the epoch from 0 to 1', async () => {
    const [a, b] = [await storeFor(), await storeFor()];
    const [ra, rb] = await Promise.all([a.tryBecomeController(1), b.tryBecomeController(2)]);
    const winners = [ra, rb].filter((r) => r.won);
    expect(winners).to.have.length(1);
    const winnerId = ra.won ? 1 : 2;
    const loser = ra.won ? rb : ra;
    expect(winners[0]).to.deep.equal({ won: true, epoch: 1, epochZkVersion: 1 });
    expect(loser).to.deep.equal({ won: false, controllerId: winnerId });
    expect(await a.getControllerEpoch()).to.deep.equal({ value: 1, version: 1 });
    const controller = await a.getController();
    expect(controller?.brokerId).to.equal(winnerId);
    expect(controller?.owner).to.equal((ra.won ? a : b).zk.sessionId);
    expect(JSON.parse(String((await a.zk.getData('/controller')).data))).to.include({ version: 1, brokerid: winnerId });
    expect(String((await a.zk.getData('/controller_epoch')).data)).to.equal('1');
  });

  it('lets the other broker win with epoch + 1 once the controller\'s session closes', async () => {
    const [a, b] = [await storeFor(), await storeFor()];
    expect(await a.tryBecomeController(1)).to.deep.equal({ won: true, epoch: 1, epochZkVersion: 1 });
    expect(await b.tryBecomeController(2)).to.deep.equal({ won: false, controllerId: 1 });
    let resolveDeleted: () => void = () => undefined;
    const deleted = new Promise<void>((resolve) => { resolveDeleted = resolve; });
    expect(await b.zk.exists('/controller', (event) => { if (event.type === 'NODE_DELETED') resolveDeleted(); })).to.not.equal(null);
    await a.zk.close();
    await deleted;
    expect(await b.tryBecomeController(2)).to.deep.equal({ won: true, epoch: 2, epochZkVersion: 2 });
    expect((await b.getController())?.brokerId).to.equal(2);
  });

  it('treats a repeated attempt by the sitting controller as won, without a new epoch', async () => {
    const a = await storeFor();
    await a.tryBecomeController(1);
    expect(await a.tryBecomeController(1)).to.deep.equal({ won: true, epoch: 1, epochZkVersion: 1 });
    expect((await a.getControllerEpoch())?.value).to.equal(1);
  });

  it('continues from an existing epoch', async () => {
    const a = await storeFor();
    await a.zk.create('/controller_epoch', Buffer.from('40'));
    expect(await a.setControllerEpoch(41, 0)).to.equal(1);
    expect(await a.tryBecomeController(3)).to.deep.equal({ won: true, epoch: 42, epochZkVersion: 2 });
  });

  it('resigns by deleting /controller only while its fence holds', async () => {
    const [a, b] = [await storeFor(), await storeFor()];
    const won = await a.tryBecomeController(1);
    if (!won.won) throw new Error('expected to win');
    await b.resignController({ epochZkVersion: won.epochZkVersion }); // not b's node: no effect
    expect((await a.getController())?.brokerId).to.equal(1);
    await a.resignController({ epochZkVersion: won.epochZkVersion });
    expect(await a.getController()).to.equal(null);
  });
});
