import { expect } from 'chai';
import { LogSegment, SegmentConfig } from '../../lib/storage/log-segment';
import { ReadBufferPool, readBufferPool } from '../../lib/storage/read-buffer-pool';
import { listBatches, tempDir, writeSegmentBatch } from './batch-builder';

describe('storage/read-buffer-pool', () => {
  it('lends a slab of at least the asked length and reuses it once released', () => {
    const pool = new ReadBufferPool(1 << 20);
    const a = pool.acquire(100_000);
    expect(a.length).to.be.at.least(100_000);
    expect(pool.isLeased(a)).to.equal(true);
    pool.release(a.subarray(10, 20));
    expect(pool.isLeased(a)).to.equal(false);
    expect(pool.idleSlabBytes).to.equal(a.length);
    const b = pool.acquire(90_000);
    expect(b.buffer).to.equal(a.buffer);
    expect(pool.idleSlabBytes).to.equal(0);
  });

  it('keeps size classes apart: a small read does not take a large idle slab', () => {
    const pool = new ReadBufferPool(8 << 20);
    const big = pool.acquire(2 << 20);
    pool.release(big);
    const small = pool.acquire(1000);
    expect(small.buffer).to.not.equal(big.buffer);
    expect(small.length).to.be.lessThan(big.length);
  });

  it('ignores buffers it never lent and second releases', () => {
    const pool = new ReadBufferPool(1 << 20);
    pool.release(Buffer.alloc(70_000));
    expect(pool.idleSlabBytes).to.equal(0);
    const a = pool.acquire(70_000);
    pool.release(a);
    pool.release(a);
    expect(pool.idleSlabBytes).to.equal(a.length);
    const b = pool.acquire(70_000);
    const c = pool.acquire(70_000);
    expect(b.buffer).to.not.equal(c.buffer);
  });

  it('keeps at most its bound of idle bytes; the rest is left to the garbage collector', () => {
    const pool = new ReadBufferPool(200 * 1024);
    const slabs = [pool.acquire(60_000), pool.acquire(60_000), pool.acquire(60_000), pool.acquire(60_000)];
    pool.releaseChunks(slabs);
    expect(pool.idleSlabBytes).to.equal(3 * 64 * 1024);
    expect(slabs.some((s) => pool.isLeased(s))).to.equal(false);
  });

  it('hands out one-off buffers past its largest class, and does not keep them', () => {
    const pool = new ReadBufferPool(64 << 20);
    const huge = pool.acquire(17 << 20);
    expect(huge.length).to.equal(17 << 20);
    expect(pool.isLeased(huge)).to.equal(false);
    pool.release(huge);
    expect(pool.idleSlabBytes).to.equal(0);
  });
});

describe('storage/segment-read pooled reads', () => {
  const config: SegmentConfig = { segmentBytes: 1 << 24, segmentMs: 1e9, indexIntervalBytes: 4096, indexSizeMaxBytes: 1 << 16 };
  let dir: string;
  let cleanup: () => void;
  let segment: LogSegment;
  const written: Buffer[] = [];
  before(async () => {
    ({ dir, cleanup } = tempDir());
    segment = await LogSegment.create(dir, 0, config);
    for (let i = 0; i < 200; i++) {
      written.push(await writeSegmentBatch(segment, { records: 10, valueBytes: 100, fill: 0x41 + (i % 26) }, config.indexIntervalBytes));
    }
    // Reopened, the segment's tail cache is empty: these reads go to the file.
    await segment.close();
    segment = await LogSegment.open(dir, 0, config, true);
  });
  after(async () => {
    await segment.close();
    cleanup();
  });

  it('returns the same whole batches as an unpooled read, as a view of a leased slab', async () => {
    for (const [start, maxBytes] of [[0, 50_000], [555, 30_000], [1234, 1 << 20], [1990, 100]] as const) {
      const plain = await segment.read(start, maxBytes, { pooled: false });
      const pooled = await segment.read(start, maxBytes, { pooled: true });
      expect(pooled).to.not.equal(null);
      expect(Buffer.compare(pooled!, plain!)).to.equal(0);
      expect(readBufferPool.isLeased(pooled!)).to.equal(pooled!.length >= 4096);
      expect(readBufferPool.isLeased(plain!)).to.equal(false);
      readBufferPool.release(pooled!);
    }
  });

  it('copies a small result out of the slab and gives the slab back', async () => {
    readBufferPool.release(readBufferPool.acquire(64 * 1024));
    const idleBefore = readBufferPool.idleSlabBytes;
    const one = await segment.read(1995, 1, { pooled: true });
    expect(listBatches(one!).map((b) => b.baseOffset)).to.deep.equal([1990]);
    expect(readBufferPool.isLeased(one!)).to.equal(false);
    expect(Buffer.compare(one!, written[199])).to.equal(0);
    expect(readBufferPool.idleSlabBytes).to.equal(idleBefore);
  });

  it('gives the slab back when nothing is returned', async () => {
    readBufferPool.release(readBufferPool.acquire(64 * 1024));
    const idleBefore = readBufferPool.idleSlabBytes;
    const none = await segment.read(500, 10, { pooled: true, maxOffset: 500 });
    expect(none!.length).to.equal(0);
    expect(readBufferPool.idleSlabBytes).to.equal(idleBefore);
  });
});
