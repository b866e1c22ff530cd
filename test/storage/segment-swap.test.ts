import { expect } from 'chai';
import { copyFileSync, cpSync, readdirSync, renameSync, writeFileSync } from 'fs';
import * as path from 'path';
import { CleanerAbortedError } from '../../lib/storage/log-cleaner';
import { LogConfig } from '../../lib/storage/log-config';
import { segmentFileName } from '../../lib/storage/log-segment';
import { PartitionLog } from '../../lib/storage/partition-log';
import { tempDir, testConfig } from './batch-builder';
import { KV, StoredRecord, appendEach, cleanOnce, compacted, keyedBatch, readAll } from './compaction-helpers';

const ONE = keyedBatch([['k0', 'v000']]).length;

describe('storage/segment-swap', () => {
  let root: string;
  let cleanup: () => void;
  const opened: PartitionLog[] = [];
  beforeEach(() => ({ dir: root, cleanup } = tempDir()));
  afterEach(async () => {
    for (const log of opened.splice(0)) await log.close();
    cleanup();
  });

  async function open(dir: string, overrides: Partial<LogConfig> = {}): Promise<PartitionLog> {
    const log = await PartitionLog.open(dir, 'orders', 0, testConfig({ cleanupPolicy: 'compact', segmentBytes: ONE, ...overrides }));
    opened.push(log);
    return log;
  }

  async function close(log: PartitionLog): Promise<void> {
    await log.close();
    opened.splice(opened.indexOf(log), 1);
  }

  const cycle = (n: number, keys: number): KV[] => Array.from({ length: n }, (_, i) => [`k${i % keys}`, `v${String(i).padStart(3, '0')}`]);
  const name = (baseOffset: number, suffix: string): string => segmentFileName(baseOffset, suffix);

  /**
   * A log of one-batch segments in `dir`, and in `cleanedDir` the same log after a pass that
   * merged every cleanable segment into one. Returns the cleaned log's records.
   */
  async function logAndItsCleanedCopy(dir: string, cleanedDir: string): Promise<StoredRecord[]> {
    const log = await open(dir);
    await appendEach(log, cycle(8, 3));
    await close(log);
    cpSync(dir, cleanedDir, { recursive: true });
    const copy = await open(cleanedDir, { segmentBytes: 100 * ONE });
    await cleanOnce(copy);
    expect(copy.segmentCount).to.equal(2);
    const records = await readAll(copy);
    await close(copy);
    return records;
  }

  it('deletes the .cleaned files of an unfinished pass on open', async () => {
    const dir = path.join(root, 'log');
    const log = await open(dir);
    await appendEach(log, cycle(4, 2));
    const before = await readAll(log);
    await close(log);
    for (const suffix of ['.log.cleaned', '.index.cleaned', '.timeindex.cleaned']) writeFileSync(path.join(dir, name(0, suffix)), 'partial');
    const reopened = await open(dir);
    expect(readdirSync(dir).filter((f) => f.includes('.cleaned'))).to.deep.equal([]);
    expect(await readAll(reopened)).to.deep.equal(before);
  });

  for (const oldState of ['still live', 'already renamed .deleted']) {
    it(`finishes a swap that a crash interrupted with the replaced segments ${oldState}`, async () => {
      const dir = path.join(root, 'log');
      const cleanedDir = path.join(root, 'cleaned');
      const expected = await logAndItsCleanedCopy(dir, cleanedDir);
      // The crash came after the cleaned segment was renamed .swap (step 1 of the swap).
      for (const suffix of ['.log', '.index', '.timeindex']) copyFileSync(path.join(cleanedDir, name(0, suffix)), path.join(dir, name(0, suffix + '.swap')));
      if (oldState !== 'still live') {
        for (const file of readdirSync(dir).filter((f) => /^\d{20}\.(log|index|timeindex)$/.test(f) && !f.startsWith(name(7, '')))) {
          renameSync(path.join(dir, file), path.join(dir, file + '.deleted'));
        }
      }
      const log = await open(dir);
      expect(await readAll(log)).to.deep.equal(expected);
      expect(log.segmentCount).to.equal(2);
      expect(readdirSync(dir).filter((f) => f.endsWith('.swap') || f.endsWith('.deleted'))).to.deep.equal([]);
      // The swapped-in segment got fresh indexes and takes part in lookups.
      expect((await log.read(expected[1].offset, 1 << 20)).records.length).to.be.greaterThan(0);
    });
  }

  it('lets a read that picked a replaced segment keep reading it after the swap', async () => {
    const log = await open(path.join(root, 'log'), { fileDeleteDelayMs: 60_000 });
    await appendEach(log, cycle(4, 1));
    const old = log.segmentsView()[1];
    const oldBytes = await old.read(1, 1 << 20);
    await cleanOnce(log);
    expect(log.segmentsView()).to.not.include(old);
    expect(old.isRetired).to.equal(true);
    expect(await old.read(1, 1 << 20)).to.deep.equal(oldBytes);
  });

  it('abandons a pass whose segments retention deleted meanwhile, and removes its .cleaned files', async () => {
    const dir = path.join(root, 'log');
    const log = await open(dir, { cleanupPolicy: 'compact,delete', retentionMs: 1000, fileDeleteDelayMs: 60_000 });
    await appendEach(log, cycle(6, 2));
    const pass = cleanOnce(log);
    // Queued before the pass's first swap: every segment but the active one is older than retention.ms.
    const retention = log.deleteRetentionExpiredSegments(Date.now() + 10 * 365 * 86400_000, { highWatermark: 5 });
    let error: unknown;
    await pass.catch((err) => {
      error = err;
    });
    expect((await retention).segmentsDeleted).to.equal(5);
    expect(error).to.be.instanceOf(CleanerAbortedError);
    expect(readdirSync(dir).filter((f) => f.includes('.cleaned') || f.includes('.swap'))).to.deep.equal([]);
    expect((await readAll(log)).map((r) => r.offset)).to.deep.equal([5]);
  });

  it('keeps serving reads and taking appends while a pass runs, and ends compacted', async () => {
    const log = await open(path.join(root, 'log'), { segmentBytes: 5 * ONE, fileDeleteDelayMs: 0 });
    await appendEach(log, cycle(200, 10));
    const original = await readAll(log);
    const byOffset = new Map(original.map((r) => [r.offset, r]));
    const latest = compacted(original, 200).map((r) => r.offset);
    let cleaning = true;
    const reads = (async () => {
      let rounds = 0;
      while (cleaning || rounds === 0) {
        const seen = await readAll(log);
        const offsets = seen.map((r) => r.offset);
        expect(offsets).to.deep.equal([...offsets].sort((a, b) => a - b));
        for (const r of seen) if (r.offset < 200) expect(r).to.deep.equal(byOffset.get(r.offset));
        expect(offsets).to.include.members(latest);
        rounds++;
      }
      return rounds;
    })();
    const appends = appendEach(log, cycle(20, 10).map(([k]) => [k, 'new!'] as KV));
    await cleanOnce(log).finally(() => {
      cleaning = false;
    });
    await Promise.all([reads, appends]);
    const after = await readAll(log);
    expect(after.filter((r) => r.offset < 195)).to.deep.equal(compacted(original, 195).filter((r) => r.offset < 195));
    expect(after.filter((r) => r.offset >= 200).map((r) => r.value)).to.deep.equal(Array(20).fill('new!'));
  });
});
