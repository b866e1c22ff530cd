import { expect } from 'chai';
import { NOT_APPENDED, PendingTxnOffsets } from '../../lib/group/pending-txn-offsets';

const value = (offset: number) => ({ offset, leaderEpoch: -1, metadata: '', commitTimestamp: 1, expireTimestamp: -1 });

describe('group/pending-txn-offsets', () => {
  it('holds a prepared offset as pending until its append returns, then completes it at the commit marker', () => {
    const p = new PendingTxnOffsets();
    p.prepare(7, 't', 0, value(5));
    expect(p.hasPartition('t', 0)).to.equal(true);
    expect(p.hasPartition('t', 1)).to.equal(false);
    expect(p.all()[0].value.recordOffset).to.equal(NOT_APPENDED);
    p.appended(7, 't', 0, value(5), 12);
    expect(p.all()[0].value.recordOffset).to.equal(12);
    const done = p.complete(7, true, 13);
    expect(done.map((c) => [c.topic, c.partition, c.value.offset, c.value.recordOffset])).to.deep.equal([['t', 0, 5, 12]]);
    expect(p.isEmpty).to.equal(true);
  });

  it('drops everything of the producer on abort and returns nothing', () => {
    const p = new PendingTxnOffsets();
    p.prepare(7, 't', 0, value(5));
    p.appended(7, 't', 0, value(5), 3);
    p.prepare(8, 't', 0, value(6));
    p.appended(8, 't', 0, value(6), 4);
    expect(p.complete(7, false, 10)).to.deep.equal([]);
    expect(p.hasProducer(7)).to.equal(false);
    // Another producer's offsets for the same partition are untouched.
    expect(p.hasPartition('t', 0)).to.equal(true);
    expect(p.complete(8, true, 11).map((c) => c.value.offset)).to.deep.equal([6]);
  });

  it('takes a failed append back, but not a later commit of the same partition', () => {
    const p = new PendingTxnOffsets();
    p.prepare(7, 't', 0, value(5));
    p.failed(7, 't', 0, value(5));
    expect(p.isEmpty).to.equal(true);
    p.prepare(7, 't', 0, value(5));
    p.prepare(7, 't', 0, value(6));
    p.failed(7, 't', 0, value(5));
    expect(p.all().map((e) => e.value.offset)).to.deep.equal([6]);
    // The stale append of the replaced value does not give the newer one its log offset.
    p.appended(7, 't', 0, value(5), 9);
    expect(p.all()[0].value.recordOffset).to.equal(NOT_APPENDED);
  });

  it('keeps offsets appended after the marker for the next transaction and drops in-flight ones', () => {
    const p = new PendingTxnOffsets();
    p.prepare(7, 't', 0, value(1));
    p.appended(7, 't', 0, value(1), 20);
    p.prepare(7, 't', 1, value(2));
    expect(p.complete(7, true, 15)).to.deep.equal([]);
    expect(p.all().map((e) => `${e.topic}-${e.partition}`)).to.deep.equal(['t-0']);
  });

  it('replays loaded records: the last one per partition wins and a tombstone removes', () => {
    const p = new PendingTxnOffsets();
    p.loaded(7, 't', 0, { ...value(1), recordOffset: 1 });
    p.loaded(7, 't', 0, { ...value(2), recordOffset: 2 });
    p.loaded(7, 't', 1, { ...value(3), recordOffset: 3 });
    p.loaded(7, 't', 1, null);
    expect(p.complete(7, true, 4).map((c) => [c.partition, c.value.offset])).to.deep.equal([[0, 2]]);
  });
});
