import { expect } from 'chai';
import { writeFileSync } from 'fs';
import * as path from 'path';
import { IndexCorruptError } from '../../lib/storage/index-file';
import { TimeIndex } from '../../lib/storage/time-index';
import { AssertionError } from '../../lib/util/assert';
import { tempDir } from './batch-builder';

describe('storage/time-index', () => {
  let dir: string;
  let cleanup: () => void;
  beforeEach(() => ({ dir, cleanup } = tempDir()));
  afterEach(() => cleanup());

  function indexWith(entries: Array<[number, number]>, base = 50): TimeIndex {
    const index = new TimeIndex(path.join(dir, 'x.timeindex'), base, 1200);
    for (const [timestamp, offset] of entries) index.maybeAppend(timestamp, offset);
    return index;
  }

  it('returns no timestamp and the base offset when empty', () => {
    expect(indexWith([]).lookup(1_000_000)).to.deep.equal({ timestamp: -1, offset: 50 });
  });

  it('finds the largest entry at or below the target timestamp', () => {
    const index = indexWith([[1000, 55], [2000, 60], [3000, 70]]);
    expect(index.lookup(999)).to.deep.equal({ timestamp: -1, offset: 50 });
    expect(index.lookup(1500)).to.deep.equal({ timestamp: 1000, offset: 55 });
    expect(index.lookup(2999)).to.deep.equal({ timestamp: 2000, offset: 60 });
    expect(index.lookup(9999)).to.deep.equal({ timestamp: 3000, offset: 70 });
  });

  it('returns exact hits', () => {
    const index = indexWith([[1000, 55], [2000, 60], [3000, 70]]);
    expect(index.lookup(2000)).to.deep.equal({ timestamp: 2000, offset: 60 });
    expect(index.lookup(3000)).to.deep.equal({ timestamp: 3000, offset: 70 });
  });

  it('only appends when the timestamp grows', () => {
    const index = indexWith([[1000, 55]]);
    expect(index.maybeAppend(1000, 56)).to.equal(false);
    expect(index.maybeAppend(900, 57)).to.equal(false);
    expect(index.maybeAppend(1001, 58)).to.equal(true);
    expect(index.entries).to.equal(2);
  });

  it('treats an entry whose offset goes backwards as a bug, whatever its timestamp', () => {
    const index = indexWith([[1000, 55]]);
    expect(() => index.maybeAppend(2000, 54)).to.throw(AssertionError, /goes backwards/);
    expect(() => index.maybeAppend(900, 54)).to.throw(AssertionError, /goes backwards/);
    expect(() => index.maybeAppend(2000, 49)).to.throw(AssertionError, /does not fit/);
    expect(index.entries).to.equal(1);
  });

  it('is full after maxIndexBytes / 12 entries', () => {
    const index = new TimeIndex(path.join(dir, 'small.timeindex'), 0, 30);
    expect(index.maxEntries).to.equal(2);
    index.maybeAppend(1, 1);
    index.maybeAppend(2, 2);
    expect(index.isFull).to.equal(true);
  });

  it('truncates entries at or above an offset', () => {
    const index = indexWith([[1000, 55], [2000, 60], [3000, 70]]);
    index.truncateTo(60);
    expect(index.entries).to.equal(1);
    expect(index.lastEntry()).to.deep.equal({ timestamp: 1000, offset: 55 });
  });

  it('round-trips through its file', async () => {
    const index = indexWith([[1000, 55], [2000, 60]]);
    await index.flush(true);
    const loaded = await TimeIndex.load(index.path, 50, 1200);
    expect(loaded.entries).to.equal(2);
    expect(loaded.lookup(2500)).to.deep.equal({ timestamp: 2000, offset: 60 });
  });

  it('treats a file whose length is not whole entries as corrupt', async () => {
    const file = path.join(dir, 'torn.timeindex');
    writeFileSync(file, Buffer.alloc(20));
    let error: unknown;
    await TimeIndex.load(file, 0, 1200).catch((err) => { error = err; });
    expect(error).to.be.instanceOf(IndexCorruptError);
  });
});
