import { expect } from 'chai';
import { AckTracker } from '../../lib/mirror/ack-tracker';

describe('mirror/ack-tracker', () => {
  it('commits only below the first record the target has not acknowledged', () => {
    const copied: Array<[number, number | null]> = [];
    const t = new AckTracker((_topic, _p, u, d) => copied.push([u, d]));
    for (const o of [5, 6, 7, 8]) t.sent('t', 0, o);
    expect(t.pending).to.equal(4);
    t.acknowledged('t', 0, 6, 106);
    t.acknowledged('t', 0, 7, 107);
    expect(t.toCommit()).to.deep.equal([]);
    t.acknowledged('t', 0, 5, 105);
    expect(t.toCommit()).to.deep.equal([{ topic: 't', partition: 0, offset: 8 }]);
    expect(copied).to.deep.equal([[5, 105], [6, 106], [7, 107]]);
    expect(t.pending).to.equal(1);
  });

  it('reports each offset once: markCommitted hides what was committed until it moves again', () => {
    const t = new AckTracker(() => undefined);
    t.sent('t', 1, 0);
    t.acknowledged('t', 1, 0, 0);
    const first = t.toCommit();
    t.markCommitted(first);
    expect(t.toCommit()).to.deep.equal([]);
    t.sent('t', 1, 1);
    t.acknowledged('t', 1, 1, 1);
    expect(t.toCommit()).to.deep.equal([{ topic: 't', partition: 1, offset: 2 }]);
  });

  it('lets a given-up record (null) pass, and restricts commits to the partitions asked for', () => {
    const copied: Array<number | null> = [];
    const t = new AckTracker((_t, _p, _u, d) => copied.push(d));
    t.sent('a', 0, 0);
    t.sent('b', 0, 0);
    t.acknowledged('a', 0, 0, null);
    t.acknowledged('b', 0, 0, 3);
    expect(copied).to.deep.equal([null, 3]);
    expect(t.toCommit(new Set(['b\u00000']))).to.deep.equal([{ topic: 'b', partition: 0, offset: 1 }]);
  });

  it('forgets revoked partitions, with their pending records', () => {
    const t = new AckTracker(() => undefined);
    t.sent('a', 0, 0);
    t.sent('a', 0, 1);
    t.forget([{ topic: 'a', partition: 0 }]);
    expect(t.pending).to.equal(0);
    t.acknowledged('a', 0, 0, 0);
    expect(t.toCommit()).to.deep.equal([]);
  });

  it('keeps up with long runs (compaction of released entries)', () => {
    let n = 0;
    const t = new AckTracker(() => { n++; });
    for (let o = 0; o < 20000; o++) t.sent('t', 0, o);
    for (let o = 0; o < 20000; o++) t.acknowledged('t', 0, o, o);
    expect(n).to.equal(20000);
    expect(t.positions()).to.deep.equal([{ topic: 't', partition: 0, offset: 20000 }]);
  });
});
