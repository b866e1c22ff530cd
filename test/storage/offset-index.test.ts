import { expect } from 'chai';
import { promises as fsp, writeFileSync } from 'fs';
import * as path from 'path';
import { IndexCorruptError } from '../../lib/storage/index-file';
import { OffsetIndex } from '../../lib/storage/offset-index';
import { AssertionError } from '../../lib/util/assert';
import { tempDir } from './batch-builder';

describe('storage/offset-index', () => {
  let dir: string;
  let cleanup: () => void;
  beforeEach(() => ({ dir, cleanup } = tempDir()));
  afterEach(() => cleanup());

  function indexWith(entries: Array<[number, number]>, base = 100): OffsetIndex {
    const index = new OffsetIndex(path.join(dir, 'x.index'), base, 1024);
    for (const [offset, position] of entries) index.append(offset, position);
    return index;
  }

  it('returns the base offset and position 0 when empty', () => {
    const index = indexWith([]);
    expect(index.lookup(100)).to.deep.equal({ offset: 100, position: 0 });
    expect(index.lookup(5000)).to.deep.equal({ offset: 100, position: 0 });
  });

  it('finds the largest entry at or below the target', () => {
    const index = indexWith([[110, 400], [120, 800], [135, 1200]]);
    expect(index.lookup(109)).to.deep.equal({ offset: 100, position: 0 });
    expect(index.lookup(115)).to.deep.equal({ offset: 110, position: 400 });
    expect(index.lookup(134)).to.deep.equal({ offset: 120, position: 800 });
    expect(index.lookup(10_000)).to.deep.equal({ offset: 135, position: 1200 });
  });

  it('returns exact hits', () => {
    const index = indexWith([[110, 400], [120, 800], [135, 1200]]);
    expect(index.lookup(110)).to.deep.equal({ offset: 110, position: 400 });
    expect(index.lookup(120)).to.deep.equal({ offset: 120, position: 800 });
    expect(index.lookup(135)).to.deep.equal({ offset: 135, position: 1200 });
  });

  it('agrees with a linear scan over many entries', () => {
    const entries: Array<[number, number]> = [];
    for (let i = 1; i <= 100; i++) entries.push([100 + i * 3, i * 50]);
    const index = indexWith(entries);
    for (let target = 100; target < 420; target++) {
      const expected = [...entries].reverse().find(([o]) => o <= target) ?? [100, 0];
      expect(index.lookup(target)).to.deep.equal({ offset: expected[0], position: expected[1] });
    }
  });

  it('treats an entry that does not increase as a bug', () => {
    const index = indexWith([[110, 400]]);
    expect(() => index.append(110, 500)).to.throw(AssertionError, /does not follow/);
    expect(() => index.append(109, 500)).to.throw(AssertionError, /does not follow/);
    expect(() => index.append(111, 400)).to.throw(AssertionError, /does not follow/);
    expect(() => index.append(99, 0)).to.throw(AssertionError, /does not fit/);
    expect(index.entries).to.equal(1);
  });

  it('is full after maxIndexBytes / 8 entries', () => {
    const index = new OffsetIndex(path.join(dir, 'x.index'), 0, 20);
    expect(index.maxEntries).to.equal(2);
    index.append(1, 10);
    expect(index.isFull).to.equal(false);
    index.append(2, 20);
    expect(index.isFull).to.equal(true);
    expect(() => index.append(3, 30)).to.throw(AssertionError, /full/);
  });

  it('truncates by offset and by position', () => {
    const index = indexWith([[110, 400], [120, 800], [135, 1200]]);
    index.truncateTo(121);
    expect(index.entries).to.equal(2);
    index.truncateToPosition(800);
    expect(index.entries).to.equal(1);
    expect(index.lastEntry()).to.deep.equal({ offset: 110, position: 400 });
  });

  it('writes entries to the file and loads them back', async () => {
    const index = indexWith([[110, 400], [120, 800]]);
    await index.flush(true);
    index.append(130, 900);
    await index.flush(false);
    expect((await fsp.stat(index.path)).size).to.equal(24);
    index.truncateTo(120);
    await index.flush(false);
    expect((await fsp.stat(index.path)).size).to.equal(8);
    const loaded = await OffsetIndex.load(index.path, 100, 1024);
    expect(loaded.entries).to.equal(1);
    expect(loaded.lookup(1000)).to.deep.equal({ offset: 110, position: 400 });
  });

  it('treats a file whose length is not whole entries as corrupt', async () => {
    const file = path.join(dir, 'torn.index');
    writeFileSync(file, Buffer.alloc(12));
    try {
      await OffsetIndex.load(file, 0, 1024);
      expect.fail('load should have thrown');
    } catch (err) {
      expect(err).to.be.instanceOf(IndexCorruptError);
      expect((err as Error).message).to.match(/not a multiple/);
    }
  });

  it('treats entries out of order as corrupt', async () => {
    const file = path.join(dir, 'unordered.index');
    const buf = Buffer.alloc(16);
    buf.writeInt32BE(5, 0); buf.writeInt32BE(100, 4);
    buf.writeInt32BE(3, 8); buf.writeInt32BE(200, 12);
    writeFileSync(file, buf);
    let error: unknown;
    await OffsetIndex.load(file, 0, 1024).catch((err) => { error = err; });
    expect(error).to.be.instanceOf(IndexCorruptError);
  });
});
