import { expect } from 'chai';
import { ErrorCode } from '../../lib/protocol/errors';
import { ProducePurgatory } from '../../lib/broker/produce-purgatory';

describe('broker/produce-purgatory', () => {
  it('completes a waiter once the high watermark covers its offset, not before', async () => {
    const purgatory = new ProducePurgatory();
    let outcome: unknown = null;
    const waiting = purgatory.wait('t-0', 10, 10_000).then((o) => { outcome = o; });
    purgatory.highWatermarkReached('t-0', 9);
    await Promise.resolve();
    expect(outcome).to.equal(null);
    purgatory.highWatermarkReached('t-0', 10);
    await waiting;
    expect(outcome).to.deep.equal({ kind: 'replicated' });
    expect(purgatory.size).to.equal(0);
  });

  it('times out a waiter whose offset is never replicated', async () => {
    const purgatory = new ProducePurgatory();
    expect(await purgatory.wait('t-0', 10, 5)).to.deep.equal({ kind: 'timeout' });
    expect(purgatory.size).to.equal(0);
  });

  it('fails every waiter of a partition whose leadership moved, leaving other partitions waiting', async () => {
    const purgatory = new ProducePurgatory();
    const a = purgatory.wait('t-0', 10, 10_000);
    const b = purgatory.wait('t-1', 10, 10_000);
    purgatory.failAll('t-0', ErrorCode.NOT_LEADER_FOR_PARTITION, 'moved');
    const outcome = await a;
    expect(outcome.kind).to.equal('failed');
    expect(purgatory.size).to.equal(1);
    purgatory.shutdown();
    expect((await b).kind).to.equal('failed');
  });

  it('reports no room once the bound is reached', () => {
    const purgatory = new ProducePurgatory(2);
    void purgatory.wait('t-0', 1, 10_000);
    expect(purgatory.hasRoom()).to.equal(true);
    void purgatory.wait('t-0', 2, 10_000);
    expect(purgatory.hasRoom()).to.equal(false);
    purgatory.shutdown();
    expect(purgatory.hasRoom()).to.equal(true);
  });

  it('completes every waiter a high-watermark move covers, in any order, and leaves the rest waiting', async () => {
    const purgatory = new ProducePurgatory();
    const outcomes = new Map<number, string>();
    const waits = [12, 5, 30, 8, 20].map((offset) => purgatory.wait('t-0', offset, 10_000).then((o) => { outcomes.set(offset, o.kind); }));
    purgatory.highWatermarkReached('t-0', 12);
    await Promise.all(waits.slice(0, 2).concat(waits[3]));
    expect([...outcomes.keys()].sort((a, b) => a - b)).to.deep.equal([5, 8, 12]);
    expect(purgatory.size).to.equal(2);
    purgatory.highWatermarkReached('t-0', 12);
    expect(purgatory.size).to.equal(2);
    purgatory.failAll('t-0', ErrorCode.NOT_LEADER_FOR_PARTITION, 'moved');
    await Promise.all(waits);
    expect(outcomes.get(20)).to.equal('failed');
    expect(outcomes.get(30)).to.equal('failed');
    expect(purgatory.size).to.equal(0);
    expect(purgatory.hasRoom()).to.equal(true);
  });
});
