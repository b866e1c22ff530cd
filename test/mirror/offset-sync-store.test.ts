import { expect } from 'chai';
import { OffsetSyncStore } from '../../lib/mirror/offset-sync-store';

describe('mirror/offset-sync-store', () => {
  it('writes a sync for the first copy, when the delta changes and every offset.lag.max records', () => {
    const store = new OffsetSyncStore(100);
    expect(store.observe('t', 0, 0, 0)).to.deep.equal({ topic: 't', partition: 0, upstreamOffset: 0, downstreamOffset: 0 });
    expect(store.observe('t', 0, 1, 1)).to.equal(null);
    expect(store.observe('t', 0, 99, 99)).to.equal(null);
    expect(store.observe('t', 0, 100, 100)).to.not.equal(null);
    // A gap on the source (compaction): the delta changes, a sync is due at once.
    expect(store.observe('t', 0, 150, 101)).to.deep.include({ upstreamOffset: 150, downstreamOffset: 101 });
    expect(store.observe('t', 0, 151, 102)).to.equal(null);
    expect(store.observe('t', 1, 5, 0)).to.not.equal(null);
  });

  it('translates to the downstream offset of a sync at exactly the committed offset', () => {
    const store = new OffsetSyncStore(100);
    store.add({ topic: 't', partition: 0, upstreamOffset: 0, downstreamOffset: 0 });
    store.add({ topic: 't', partition: 0, upstreamOffset: 100, downstreamOffset: 40 });
    expect(store.translate('t', 0, 100)).to.equal(40);
    expect(store.translate('t', 0, 0)).to.equal(0);
  });

  it('translates past a sync to the sync\'s downstream offset plus one, never further', () => {
    const store = new OffsetSyncStore(100);
    store.add({ topic: 't', partition: 0, upstreamOffset: 0, downstreamOffset: 10 });
    store.add({ topic: 't', partition: 0, upstreamOffset: 100, downstreamOffset: 110 });
    // Group at 57: the last sync at or below is (0, 10); 11 re-reads records 1..56 rather than guess.
    expect(store.translate('t', 0, 57)).to.equal(11);
    expect(store.translate('t', 0, 1000)).to.equal(111);
  });

  it('has no translation below the first sync or for an unknown partition', () => {
    const store = new OffsetSyncStore(100);
    store.add({ topic: 't', partition: 0, upstreamOffset: 50, downstreamOffset: 0 });
    expect(store.translate('t', 0, 49)).to.equal(null);
    expect(store.translate('t', 1, 60)).to.equal(null);
    expect(store.translate('u', 0, 60)).to.equal(null);
  });

  it('drops syncs a rewind superseded (the mirror restarted from an older offset and copied again)', () => {
    const store = new OffsetSyncStore(10);
    for (let u = 0; u <= 30; u++) store.observe('t', 0, u, u);
    // Restart from 20: records 20.. land again after 30.
    expect(store.observe('t', 0, 20, 31)).to.not.equal(null);
    expect(store.translate('t', 0, 25)).to.equal(32);
    expect(store.translate('t', 0, 20)).to.equal(31);
    expect(store.translate('t', 0, 15)).to.equal(11);
  });

  it('never translates to an offset past the copy of the committed record (property over random histories)', () => {
    for (let trial = 0; trial < 50; trial++) {
      const store = new OffsetSyncStore(1 + Math.floor(Math.random() * 20));
      const copyOf = new Map<number, number>();
      let upstream = Math.floor(Math.random() * 5);
      let downstream = 0;
      for (let i = 0; i < 300; i++) {
        copyOf.set(upstream, downstream);
        store.observe('t', 0, upstream, downstream);
        upstream += Math.random() < 0.1 ? 2 + Math.floor(Math.random() * 5) : 1;
        downstream += 1;
      }
      for (const [u, d] of copyOf) {
        const t = store.translate('t', 0, u);
        expect(t).to.not.equal(null);
        expect(t as number).to.be.at.most(d);
      }
    }
  });

  it('knows how far each partition has been copied, from copies and from syncs read back', () => {
    const store = new OffsetSyncStore(100);
    expect(store.copiedUpTo('t', 0)).to.equal(undefined);
    store.add({ topic: 't', partition: 0, upstreamOffset: 40, downstreamOffset: 40 });
    expect(store.copiedUpTo('t', 0)).to.equal(40);
    store.observe('t', 0, 41, 41);
    store.observe('t', 0, 42, 42);
    expect(store.copiedUpTo('t', 0)).to.equal(42);
  });
});
