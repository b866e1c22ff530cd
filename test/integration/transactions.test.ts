import { expect } from 'chai';
import { Admin } from '../../lib/client/admin';
import { ProducerFencedError } from '../../lib/client/client-errors';
import { ConsumerRecord } from '../../lib/client/consumer';
import { Producer, ProducerOptions } from '../../lib/client/producer';
import { useOneBroker } from '../helpers/one-broker';
import { ONE_BROKER_TRANSACTIONS, quietLogger as quiet, readAll, readToEnd } from '../helpers/transactions';

const values = (records: ConsumerRecord[]): string[] => records.map((r) => r.value!.toString());

describe('integration/transactions', function () {
  this.timeout(120000);
  const fixture = useOneBroker(ONE_BROKER_TRANSACTIONS);
  const producers: Producer[] = [];

  function producer(options: Partial<ProducerOptions>): Producer {
    const p = new Producer({ bootstrapServers: fixture.native, lingerMs: 1, logger: quiet, ...options });
    producers.push(p);
    return p;
  }

  before(async () => {
    const admin = new Admin({ bootstrapServers: fixture.native });
    for (const topic of ['tx-three', 'tx-zombie', 'tx-timeout']) await admin.createTopic({ topic, numPartitions: 3, replicationFactor: 1 });
    await admin.close();
  });

  afterEach(async () => {
    for (const p of producers.splice(0)) await p.close().catch(() => undefined);
  });

  it('read_committed sees only committed transactions across 3 partitions; read_uncommitted sees all; nobody sees markers', async () => {
    const p = producer({ transactionalId: 'tx-three-1' });
    await p.initTransactions();
    const outcome = ['commit', 'abort', 'commit', 'abort', 'commit'];
    for (let t = 0; t < outcome.length; t++) {
      p.beginTransaction();
      await Promise.all([0, 1, 2].flatMap((partition) => [0, 1].map((i) => p.send({ topic: 'tx-three', partition, value: `t${t}-p${partition}-${i}` }))));
      if (outcome[t] === 'commit') await p.commitTransaction();
      else await p.abortTransaction();
    }
    // A plain producer's record after the transactions: read_committed must get past every marker to see it.
    const plain = producer({});
    await plain.send({ topic: 'tx-three', partition: 0, value: 'plain' });

    const committed = await readToEnd(fixture.native, 'tx-three', 3, 'read_committed');
    const expected = [0, 2, 4].flatMap((t) => [0, 1, 2].flatMap((partition) => [0, 1].map((i) => `t${t}-p${partition}-${i}`)));
    expect(values(committed).filter((v) => v !== 'plain').sort()).to.deep.equal(expected.sort());
    for (const partition of [0, 1, 2]) {
      const inOrder = values(committed.filter((r) => r.partition === partition));
      expect(inOrder.filter((v) => v !== 'plain'), `partition ${partition} in order`).to.deep.equal(expected.filter((v) => v.includes(`-p${partition}-`)));
    }
    // Each transaction left one marker per partition: 5 transactions x (2 records + 1 marker) before 'plain'.
    expect(committed.find((r) => r.value!.toString() === 'plain')!.offset).to.equal(15);

    const all = await readToEnd(fixture.native, 'tx-three', 3, 'read_uncommitted');
    expect(all).to.have.length(31);
    expect(values(all).filter((v) => v.startsWith('t1-') || v.startsWith('t3-'))).to.have.length(12);
    // Markers are never returned: every record is one of ours, and offsets skip the marker positions.
    expect(values(all).every((v) => v === 'plain' || /^t\d-p\d-\d$/.test(v))).to.equal(true);
    expect(all.filter((r) => r.partition === 1).map((r) => r.offset)).to.deep.equal([0, 1, 3, 4, 6, 7, 9, 10, 12, 13]);
  });

  it('fences a zombie: a new instance with the same transactional id makes the old one\'s commit fail with ProducerFencedError', async () => {
    const zombie = producer({ transactionalId: 'tx-zombie-app' });
    await zombie.initTransactions();
    zombie.beginTransaction();
    await zombie.send({ topic: 'tx-zombie', partition: 0, value: 'from-zombie' });

    const successor = producer({ transactionalId: 'tx-zombie-app' });
    await successor.initTransactions();
    const fenced = await zombie.commitTransaction().then(() => null, (e: Error) => e);
    expect(fenced).to.be.instanceOf(ProducerFencedError);
    expect(() => zombie.beginTransaction()).to.throw(ProducerFencedError);
    await zombie.close();

    successor.beginTransaction();
    await successor.send({ topic: 'tx-zombie', partition: 0, value: 'from-successor' });
    await successor.commitTransaction();
    expect(successor.producerIdAndEpoch!.producerEpoch).to.be.greaterThan(0);
    const committed = await readAll(fixture.native, 'tx-zombie', 1, 'read_committed', (r) => values(r).includes('from-successor'));
    expect(values(committed)).to.deep.equal(['from-successor']);
  });

  it('aborts a transaction left open past its timeout; read_committed then gets past it', async () => {
    const stalled = producer({ transactionalId: 'tx-stalled', transactionTimeoutMs: 3000 });
    await stalled.initTransactions();
    stalled.beginTransaction();
    await stalled.send({ topic: 'tx-timeout', partition: 0, value: 'never-committed' });
    const other = producer({ transactionalId: 'tx-later' });
    await other.initTransactions();
    other.beginTransaction();
    await other.send({ topic: 'tx-timeout', partition: 0, value: 'later' });
    await other.commitTransaction();

    // While the stalled transaction is open, the LSO holds read_committed back before it.
    const blocked = await readAll(fixture.native, 'tx-timeout', 1, 'read_committed', () => false, 800);
    expect(values(blocked)).to.deep.equal([]);
    const after = await readAll(fixture.native, 'tx-timeout', 1, 'read_committed', (r) => values(r).includes('later'));
    expect(values(after)).to.deep.equal(['later']);
    // The coordinator bumped the stalled producer's epoch when it aborted: it is fenced.
    expect(await stalled.commitTransaction().then(() => null, (e: Error) => e)).to.be.instanceOf(ProducerFencedError);
  });
});
