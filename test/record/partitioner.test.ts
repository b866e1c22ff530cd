import { expect } from 'chai';
import { StickyPartitioner, partitionForKey } from '../../lib/record/partitioner';

/** Replays `values` as Math.random would return them, then repeats the last one. */
function scripted(values: number[]): () => number {
  let i = 0;
  return () => values[Math.min(i++, values.length - 1)];
}

describe('record/partitioner', () => {
  describe('partitionForKey', () => {
    it('places keys where the Java default partitioner does', () => {
      // toPositive(murmur2("21")) = 1173551340; toPositive(murmur2("foobar")) = 1357151166
      expect(partitionForKey(Buffer.from('21'), 12)).to.equal(1173551340 % 12);
      expect(partitionForKey(Buffer.from('foobar'), 7)).to.equal(1357151166 % 7);
      expect(partitionForKey(Buffer.from('abc'), 100)).to.equal(479470107 % 100);
    });

    it('always returns the same partition for the same key', () => {
      const key = Buffer.from('order-981');
      expect(partitionForKey(key, 48)).to.equal(partitionForKey(Buffer.from('order-981'), 48));
    });

    it('rejects a partition count that is not a positive integer', () => {
      expect(() => partitionForKey(Buffer.from('k'), 0)).to.throw(RangeError);
      expect(() => partitionForKey(Buffer.from('k'), 2.5)).to.throw(RangeError);
    });
  });

  describe('StickyPartitioner', () => {
    it('sticks to one partition until a new batch is started', () => {
      const sticky = new StickyPartitioner(scripted([0.5, 0.1]));
      const first = sticky.partition('t', 4);
      expect(first).to.equal(2);
      for (let i = 0; i < 10; i++) expect(sticky.partition('t', 4)).to.equal(first);
      sticky.onNewBatch('t');
      const next = sticky.partition('t', 4);
      expect(next).to.not.equal(first);
      expect(sticky.partition('t', 4)).to.equal(next);
    });

    it('always moves to a different partition on a new batch, whatever the random draw', () => {
      for (const draw of [0, 0.25, 0.5, 0.74, 0.99999]) {
        const sticky = new StickyPartitioner(scripted([0.5, draw]));
        const first = sticky.partition('t', 4);
        sticky.onNewBatch('t', first);
        expect(sticky.partition('t', 4), `draw ${draw}`).to.not.equal(first);
      }
    });

    it('spreads successive batches over all partitions', () => {
      const sticky = new StickyPartitioner();
      const seen = new Set<number>();
      for (let i = 0; i < 200; i++) {
        seen.add(sticky.partition('t', 5));
        sticky.onNewBatch('t');
      }
      expect([...seen].sort()).to.deep.equal([0, 1, 2, 3, 4]);
    });

    it('chooses only among available partitions when some are listed', () => {
      const sticky = new StickyPartitioner();
      for (let i = 0; i < 50; i++) {
        expect([1, 3]).to.include(sticky.partition('t', 6, [1, 3]));
        sticky.onNewBatch('t');
      }
    });

    it('keeps the only available partition even after a new batch', () => {
      const sticky = new StickyPartitioner();
      expect(sticky.partition('t', 3, [2])).to.equal(2);
      sticky.onNewBatch('t');
      expect(sticky.partition('t', 3, [2])).to.equal(2);
    });

    it('leaves a sticky partition that is no longer available', () => {
      const sticky = new StickyPartitioner(scripted([0, 0]));
      expect(sticky.partition('t', 3)).to.equal(0);
      expect(sticky.partition('t', 3, [1, 2])).to.equal(1);
    });

    it('ignores a stale new-batch notice for a partition it has already left', () => {
      const sticky = new StickyPartitioner(scripted([0, 0.9, 0]));
      const first = sticky.partition('t', 3);
      sticky.onNewBatch('t', first);
      const second = sticky.partition('t', 3);
      sticky.onNewBatch('t', first);
      expect(sticky.partition('t', 3)).to.equal(second);
    });

    it('keeps a separate sticky partition per topic', () => {
      const sticky = new StickyPartitioner(scripted([0.1, 0.9]));
      expect(sticky.partition('a', 10)).to.equal(1);
      expect(sticky.partition('b', 10)).to.equal(9);
      sticky.onNewBatch('b');
      expect(sticky.partition('a', 10)).to.equal(1);
    });
  });
});
