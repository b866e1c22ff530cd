import { expect } from 'chai';
import { LogSegment, SegmentConfig } from '../../lib/storage/log-segment';
import { SegmentTailCache, TailCacheBudget } from '../../lib/storage/segment-tail-cache';
import { tempDir, writeSegmentBatch } from './batch-builder';

/** `n` bytes counting up from `from` (mod 256), so any misplaced byte shows. */
function bytes(from: number, n: number): Buffer {
  const b = Buffer.allocUnsafe(n);
  for (let i = 0; i < n; i++) b[i] = (from + i) & 0xff;
  return b;
}

describe('storage/segment-tail-cache', () => {
  it('serves appended bytes from one block and across blocks, copied into the caller\'s buffer', () => {
    const budget = new TailCacheBudget(64, 16);
    const cache = new SegmentTailCache(budget);
    cache.append([bytes(100, 10), bytes(110, 20)], 100);
    expect(cache.read(105, 8)).to.deep.equal(bytes(105, 8));
    const spanning = cache.read(110, 12)!;
    expect(spanning).to.deep.equal(bytes(110, 12));
    const into = Buffer.alloc(40);
    expect(cache.read(100, 30, into)!.buffer).to.equal(into.buffer);
    expect(cache.read(100, 30, into)).to.deep.equal(bytes(100, 30));
    expect(budget.bytes).to.equal(32);
  });

  it('recycles the memory of evicted blocks: it never holds more than its bound', () => {
    const budget = new TailCacheBudget(64, 16);
    const cache = new SegmentTailCache(budget);
    for (let p = 0; p < 1000; p += 10) cache.append([bytes(p, 10)], p);
    expect(budget.heldBytes).to.equal(64);
    expect(cache.read(950, 50)).to.deep.equal(bytes(950, 50));
    cache.clear();
    expect(budget.bytes).to.equal(0);
    expect(budget.heldBytes).to.equal(64);
  });

  it('answers null for anything not wholly cached', () => {
    const cache = new SegmentTailCache(new TailCacheBudget(64, 16));
    expect(cache.read(0, 1)).to.equal(null);
    cache.append([bytes(50, 10)], 50);
    expect(cache.read(49, 2)).to.equal(null);
    expect(cache.read(55, 6)).to.equal(null);
    expect(cache.read(55, 5)).to.deep.equal(bytes(55, 5));
  });

  it('never changes bytes already handed out, even once their block is reused', () => {
    const budget = new TailCacheBudget(32, 16);
    const cache = new SegmentTailCache(budget);
    cache.append([bytes(0, 10)], 0);
    const view = cache.read(0, 10)!;
    cache.append([bytes(10, 10)], 10);
    cache.append([bytes(20, 10)], 20);
    cache.append([bytes(30, 10)], 30);
    expect(view).to.deep.equal(bytes(0, 10));
    expect(budget.bytes).to.equal(32);
    expect(cache.read(0, 10)).to.equal(null);
    expect(cache.read(26, 14)).to.deep.equal(bytes(26, 14));
  });

  it('evicts the oldest block of any segment past the shared bound', () => {
    const budget = new TailCacheBudget(48, 16);
    const a = new SegmentTailCache(budget);
    const b = new SegmentTailCache(budget);
    a.append([bytes(0, 16)], 0);
    b.append([bytes(0, 16)], 0);
    a.append([bytes(16, 16)], 16);
    b.append([bytes(16, 16)], 16);
    expect(budget.bytes).to.equal(48);
    expect(a.read(0, 4)).to.equal(null);
    expect(a.read(16, 16)).to.deep.equal(bytes(16, 16));
    expect(b.read(0, 32)).to.deep.equal(bytes(0, 32));
  });

  it('starts afresh on a write that does not continue the cached range, and skips one larger than the budget', () => {
    const budget = new TailCacheBudget(64, 16);
    const cache = new SegmentTailCache(budget);
    cache.append([bytes(0, 20)], 0);
    cache.append([bytes(7, 5)], 7);
    expect(cache.read(0, 5)).to.equal(null);
    expect(cache.read(7, 5)).to.deep.equal(bytes(7, 5));
    cache.append([bytes(12, 40)], 12);
    expect(cache.read(12, 1)).to.equal(null);
    expect(budget.bytes).to.equal(0);
    cache.append([bytes(52, 4)], 52);
    expect(cache.read(52, 4)).to.deep.equal(bytes(52, 4));
    cache.clear();
    expect(budget.bytes).to.equal(0);
  });

  it('refuses a bound below one block', () => {
    expect(() => new TailCacheBudget(8, 16)).to.throw(RangeError);
  });
});

describe('storage/log-segment tail cache on the Fetch read path', () => {
  const config: SegmentConfig = { segmentBytes: 1 << 24, segmentMs: 1e9, indexIntervalBytes: 4096, indexSizeMaxBytes: 1 << 16 };
  let dir: string;
  let cleanup: () => void;
  let segment: LogSegment;
  beforeEach(async () => {
    ({ dir, cleanup } = tempDir());
    segment = await LogSegment.create(dir, 0, config);
  });
  afterEach(async () => {
    await segment.close();
    cleanup();
  });

  async function append(count: number): Promise<void> {
    for (let i = 0; i < count; i++) {
      await writeSegmentBatch(segment, { records: 5, valueBytes: 200, fill: 0x41 + (i % 26) }, config.indexIntervalBytes);
    }
  }

  it('serves a pooled read of what was just written from memory, with the same bytes as the file', async () => {
    await append(50);
    expect(segment.readCached(0, 100)).to.deep.equal(await segment.readBytes(0, 100));
    const fromCache = await segment.read(100, 20_000, { pooled: true });
    const fromFile = await segment.read(100, 20_000, { pooled: false });
    expect(Buffer.compare(fromCache!, fromFile!)).to.equal(0);
    expect(fromCache!.length).to.be.greaterThan(10_000);
  });

  it('drops the cache when the file is cut, so no bytes past the cut are served', async () => {
    await append(20);
    const size = segment.size;
    await segment.truncateTo(10);
    expect(segment.size).to.be.lessThan(size);
    expect(segment.readCached(0, 10)).to.equal(null);
    await append(5);
    const fromCache = await segment.read(10, 1 << 20, { pooled: true });
    const fromFile = await segment.read(10, 1 << 20, { pooled: false });
    expect(Buffer.compare(fromCache!, fromFile!)).to.equal(0);
  });
});
