import { expect } from 'chai';
import { readFileSync, utimesSync } from 'fs';
import * as path from 'path';
import { ErrorCode, SamsaError } from '../../lib/protocol/errors';
import { decodeRecordBatches } from '../../lib/record/record-batch';
import { CompressionType } from '../../lib/record/compression';
import { LogConfig } from '../../lib/storage/log-config';
import { segmentFileName } from '../../lib/storage/log-segment';
import { OffsetMap } from '../../lib/storage/offset-map';
import { PartitionLog } from '../../lib/storage/partition-log';
import { buildBatch, tempDir, testConfig } from './batch-builder';
import { KV, T0, allBatches, appendEach, cleanOnce, compacted, keyedBatch, readAll } from './compaction-helpers';

/** Every single-record batch of these tests has this size: two-byte keys, four-byte values. */
const ONE = keyedBatch([['k0', 'v000']]).length;

describe('storage/log-cleaner', () => {
  let dir: string;
  let cleanup: () => void;
  const opened: PartitionLog[] = [];
  beforeEach(() => ({ dir, cleanup } = tempDir()));
  afterEach(async () => {
    for (const log of opened.splice(0)) await log.close();
    cleanup();
  });

  async function open(overrides: Partial<LogConfig> = {}): Promise<PartitionLog> {
    const log = await PartitionLog.open(dir, 'orders', 0, testConfig({ cleanupPolicy: 'compact', segmentBytes: 3 * ONE, ...overrides }));
    opened.push(log);
    return log;
  }

  const segmentFile = (baseOffset: number): string => path.join(dir, segmentFileName(baseOffset, '.log'));
  const cycle = (n: number, keys: number): KV[] => Array.from({ length: n }, (_, i) => [`k${i % keys}`, `v${String(i).padStart(3, '0')}`]);

  it('keeps the latest record of each key at its original offset and leaves the active segment alone', async () => {
    const log = await open();
    await appendEach(log, cycle(20, 4));
    const before = await readAll(log);
    const activeBase = log.segmentsView()[log.segmentCount - 1].baseOffset;
    const activeBytes = readFileSync(segmentFile(activeBase));
    const sizeBefore = log.size;
    const stats = await cleanOnce(log);
    expect(activeBase).to.equal(18);
    expect(stats.endOffset).to.equal(activeBase);
    expect(await readAll(log)).to.deep.equal(compacted(before, activeBase));
    expect(stats.recordsRemoved).to.equal(14);
    expect(log.logStartOffset).to.equal(0);
    expect(log.logEndOffset).to.equal(20);
    expect(log.size).to.equal(sizeBefore - 14 * ONE);
    expect(readFileSync(segmentFile(activeBase))).to.deep.equal(activeBytes);
    // The log keeps taking appends at the next offset.
    expect((await log.append(keyedBatch([['k0', 'v999']]), { leaderEpoch: 0 })).baseOffset).to.equal(20);
  });

  it('merges small cleaned segments into one, within segment.bytes', async () => {
    const log = await open();
    await appendEach(log, cycle(20, 2));
    await cleanOnce(log);
    expect(log.segmentCount).to.equal(7);
    await appendEach(log, cycle(3, 2));
    await cleanOnce(log);
    // Two keys are left below the active segment: their batches now share one segment.
    expect(log.segmentCount).to.equal(3);
    expect((await readAll(log)).map((r) => r.offset)).to.deep.equal([19, 20, 21, 22]);
  });

  it('rewrites compressed batches keeping codec, producer fields, leader epoch, offsets and timestamps', async () => {
    const codecs: CompressionType[] = ['gzip', 'snappy', 'lz4', 'zstd'];
    const records: KV[] = [['a', 'a1'], ['b', 'b1'], ['a', 'a2'], ['c', 'c1'], ['b', 'b2']];
    const batches = codecs.map((compression, i) => keyedBatch(records.map(([k, v]) => [k + i, v]), {
      compression, producerId: 7, producerEpoch: 2, baseSequence: i * 5, now: T0 + i * 100,
    }));
    const log = await open({ segmentBytes: Math.max(...batches.map((b) => b.length)) });
    for (const batch of batches) await log.append(batch, { leaderEpoch: 3 });
    await log.append(keyedBatch([['z', 'z']]), { leaderEpoch: 3 });
    expect(log.segmentCount).to.equal(5);
    const before = await allBatches(log);
    await cleanOnce(log);
    const after = await allBatches(log);
    expect(after).to.have.length(5);
    after.slice(0, 4).forEach((batch, i) => {
      const original = before[i];
      expect(batch.compression).to.equal(codecs[i]);
      expect([batch.baseOffset, batch.lastOffset]).to.deep.equal([original.baseOffset, original.lastOffset]);
      expect([batch.producerId, batch.producerEpoch, batch.baseSequence]).to.deep.equal([7, 2, i * 5]);
      expect(batch.partitionLeaderEpoch).to.equal(3);
      // Within each batch the first a and b are superseded by later ones.
      const kept = original.records.slice(2);
      expect(batch.records.map((r) => [r.offset, r.key?.toString(), r.value?.toString(), r.timestamp]))
        .to.deep.equal(kept.map((r) => [r.offset, r.key?.toString(), r.value?.toString(), r.timestamp]));
      expect(batch.firstTimestamp).to.equal(kept[0].timestamp);
    });
  });

  it('drops batches that lose every record, leaving offset gaps that reads step over', async () => {
    const log = await open({ segmentBytes: ONE });
    await appendEach(log, [['k0', 'v000'], ['k0', 'v001'], ['k1', 'v002'], ['k0', 'v003'], ['k1', 'v004'], ['k2', 'v005']]);
    const stats = await cleanOnce(log);
    expect(stats.batchesDropped).to.equal(3);
    expect((await readAll(log)).map((r) => [r.offset, r.key])).to.deep.equal([[3, 'k0'], [4, 'k1'], [5, 'k2']]);
    // A fetch inside a gap gets the next batch that exists, as Kafka's does.
    const fromGap = decodeRecordBatches((await log.read(1, 1 << 20)).records).batches;
    expect(fromGap[0].baseOffset).to.equal(3);
    expect(log.logStartOffset).to.equal(0);
  });

  it('keeps tombstones until the segment holding them is delete.retention.ms older than the last clean one', async () => {
    const log = await open({ segmentBytes: ONE, deleteRetentionMs: 1_000_000 });
    await appendEach(log, [['k0', 'v000'], ['k0', null], ['k1', 'v002'], ['k2', 'v003']]);
    // The first pass has no clean segment yet, so every tombstone stays.
    await cleanOnce(log);
    expect((await readAll(log)).map((r) => [r.key, r.value])).to.deep.equal([['k0', null], ['k1', 'v002'], ['k2', 'v003']]);
    // The tombstone's segment (and the emptied one before it, which it will merge with) is 100 s older.
    const now = Date.now() / 1000;
    for (const base of [0, 1]) utimesSync(segmentFile(base), now - 100, now - 100);
    utimesSync(segmentFile(2), now, now);
    await appendEach(log, [['k3', 'v004']]);
    await cleanOnce(log);
    expect((await readAll(log)).map((r) => r.key)).to.deep.equal(['k0', 'k1', 'k2', 'k3']);
    // With delete.retention.ms below the 100 s between them, the next pass removes it.
    log.updateConfig({ ...log.config, deleteRetentionMs: 1000 });
    await appendEach(log, [['k4', 'v005']]);
    const stats = await cleanOnce(log);
    expect(stats.tombstonesRemoved).to.equal(1);
    expect((await readAll(log)).map((r) => r.key)).to.deep.equal(['k1', 'k2', 'k3', 'k4']);
  });

  it('keeps an emptied batch while it holds an idempotent producer\'s last sequence', async () => {
    const log = await open({ segmentBytes: ONE });
    await log.append(keyedBatch([['k0', 'v000']], { producerId: 9, producerEpoch: 0, baseSequence: 0 }), { leaderEpoch: 0 });
    await appendEach(log, [['k0', 'v001'], ['k1', 'v002']]);
    await cleanOnce(log);
    const batches = await allBatches(log);
    expect(batches.map((b) => [b.baseOffset, b.producerId, b.recordCount])).to.deep.equal([[0, 9, 0], [1, -1, 1], [2, -1, 1]]);
    expect((await readAll(log)).map((r) => r.offset)).to.deep.equal([1, 2]);
  });

  it('cleans in several passes when the offset map is full, each continuing where the last stopped', async () => {
    const log = await open({ segmentBytes: ONE });
    await appendEach(log, cycle(6, 4).concat([['k9', 'v999']]));
    const ends: number[] = [];
    for (let i = 0; i < 3; i++) ends.push((await cleanOnce(log, { maxMapEntries: 2 })).endOffset);
    expect(ends).to.deep.equal([2, 4, 6]);
    expect(log.cleanerCheckpoint).to.equal(6);
    expect((await readAll(log)).map((r) => r.offset)).to.deep.equal([2, 3, 4, 5, 6]);
  });

  it('never cleans at or past the high watermark', async () => {
    const log = await open({ segmentBytes: ONE });
    await appendEach(log, [['k0', 'v000'], ['k0', 'v001'], ['k0', 'v002'], ['k1', 'v003']]);
    // Segments [0] and [1] lie below the high watermark 2; [2] does not, so its k0 does not count.
    const stats = await cleanOnce(log, { highWatermark: 2 });
    expect(stats.endOffset).to.equal(2);
    expect((await readAll(log)).map((r) => r.offset)).to.deep.equal([1, 2, 3]);
  });

  it('drops records without a key that a follower copied into the cleaned range', async () => {
    const log = await open({ segmentBytes: ONE });
    await log.append(buildBatch({ baseOffset: 0, valueBytes: 4 }), { leaderEpoch: 0, assignOffsets: false });
    await appendEach(log, [['k1', 'v001'], ['k2', 'v002']]);
    const stats = await cleanOnce(log);
    expect(stats.invalidRecords).to.equal(1);
    expect((await readAll(log)).map((r) => r.offset)).to.deep.equal([1, 2]);
  });

  it('refuses leader appends without a key to a compacted topic, and appends nothing', async () => {
    const log = await open();
    await appendEach(log, [['k0', 'v000']]);
    const mixed = keyedBatch([['k1', 'v001']]);
    for (const batch of [buildBatch({ valueBytes: 4 }), Buffer.concat([mixed, buildBatch({ valueBytes: 4 })])]) {
      let error: unknown;
      try {
        await log.append(batch, { leaderEpoch: 0 });
      } catch (err) {
        error = err;
      }
      expect(error).to.be.instanceOf(SamsaError);
      expect((error as SamsaError).code).to.equal(ErrorCode.INVALID_RECORD.code);
      expect((error as Error).message).to.include('Compacted topic cannot accept message without key in topic partition orders-0');
    }
    expect(log.logEndOffset).to.equal(1);
  });

  it('ends a truncated log at the truncation offset when it falls in a compaction gap, and pulls the checkpoint back', async () => {
    const log = await open();
    await appendEach(log, [['k0', 'v000'], ['k1', 'v001'], ['k2', 'v002'], ['k1', 'v003'], ['k2', 'v004'], ['k5', 'v005'], ['k6', 'v006']]);
    await cleanOnce(log);
    expect(log.cleanerCheckpoint).to.equal(6);
    // The first segment now ends after offset 0; offsets 1 and 2 are a gap before the next one.
    await log.truncateTo(2);
    expect(log.logEndOffset).to.equal(2);
    expect(log.cleanerCheckpoint).to.equal(2);
    expect((await log.append(keyedBatch([['k5', 'v005']]), { leaderEpoch: 1 })).baseOffset).to.equal(2);
  });
});

describe('storage/offset-map', () => {
  it('keeps the latest offset per key, for short keys and digested long ones', () => {
    const map = new OffsetMap(10);
    const long = Buffer.alloc(40, 1);
    map.put(Buffer.from('a'), 1);
    map.put(long, 2);
    map.put(Buffer.from('a'), 3);
    expect(map.get(Buffer.from('a'))).to.equal(3);
    expect(map.get(Buffer.alloc(40, 1))).to.equal(2);
    expect(map.get(Buffer.from('b'))).to.equal(-1);
    expect([map.size, map.latestOffset]).to.deep.equal([2, 3]);
    expect(map.wouldOverflow(8)).to.equal(false);
    expect(map.wouldOverflow(9)).to.equal(true);
    expect(() => map.put(Buffer.from('c'), 2)).to.throw(/put after/);
  });
});
