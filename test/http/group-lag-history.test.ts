import { expect } from 'chai';
import { GroupLagHistory, MAX_LAG_GROUPS } from '../../lib/http/group-lag-history';

describe('http/group-lag-history', () => {
  const histories: GroupLagHistory[] = [];
  const make = (maxPoints: number) => {
    const history = new GroupLagHistory(async () => new Map(), 3_600_000, maxPoints);
    histories.push(history);
    return history;
  };
  after(() => histories.forEach((h) => h.stop()));

  it('keeps at most maxPoints samples per group, oldest dropped first', () => {
    const history = make(3);
    for (let i = 1; i <= 5; i++) history.record(new Map([['a', i * 10]]), i);
    expect(history.history('a')).to.deep.equal([{ timeMs: 3, totalLag: 30 }, { timeMs: 4, totalLag: 40 }, { timeMs: 5, totalLag: 50 }]);
    expect(history.history('unknown')).to.deep.equal([]);
  });

  it('drops groups that disappear', () => {
    const history = make(10);
    history.record(new Map([['a', 1], ['b', 2]]), 1);
    history.record(new Map([['b', 3]]), 2);
    expect(history.history('a')).to.deep.equal([]);
    expect(history.history('b').map((p) => p.totalLag)).to.deep.equal([2, 3]);
    // A group that comes back starts a fresh history.
    history.record(new Map([['a', 7], ['b', 4]]), 3);
    expect(history.history('a')).to.deep.equal([{ timeMs: 3, totalLag: 7 }]);
  });

  it(`samples at most ${MAX_LAG_GROUPS} groups, the first by name`, () => {
    const history = make(10);
    const lags = new Map<string, number>();
    for (let i = MAX_LAG_GROUPS + 9; i >= 0; i--) lags.set(`g${String(i).padStart(3, '0')}`, i);
    history.record(lags, 1);
    expect(history.history('g000')).to.have.length(1);
    expect(history.history(`g${String(MAX_LAG_GROUPS - 1).padStart(3, '0')}`)).to.have.length(1);
    expect(history.history(`g${String(MAX_LAG_GROUPS).padStart(3, '0')}`)).to.deep.equal([]);
  });

  it('samples on its timer and survives a failing sampler', async () => {
    let calls = 0;
    const history = new GroupLagHistory(async () => {
      calls++;
      if (calls === 1) throw new Error('broker stopping');
      return new Map([['a', 5]]);
    }, 20);
    histories.push(history);
    const deadline = Date.now() + 5_000;
    while (history.history('a').length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(history.history('a')[0].totalLag).to.equal(5);
    expect(calls).to.be.at.least(2);
  });
});
