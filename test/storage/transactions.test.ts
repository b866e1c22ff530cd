import { expect } from 'chai';
import { readdirSync, rmSync, utimesSync } from 'fs';
import * as path from 'path';
import { encodeEndTxnMarkerBatch } from '../../lib/record/control-record';
import { decodeRecordBatches } from '../../lib/record/record-batch';
import { LogConfig } from '../../lib/storage/log-config';
import { segmentFileName } from '../../lib/storage/log-segment';
import { PartitionLog } from '../../lib/storage/partition-log';
import { formatSnapshot, parseSnapshot } from '../../lib/storage/producer-snapshot';
import { abortedTransactionsIn } from '../../lib/storage/txn-reads';
import { tempDir, testConfig } from './batch-builder';
import { KV, T0, cleanOnce, keyedBatch, readAll } from './compaction-helpers';

const leader = { leaderEpoch: 0 };

/** A transactional batch of keyed records from `producerId`. */
function txn(producerId: number, seq: number, records: KV[], epoch = 0): Buffer {
  return keyedBatch(records, { producerId, producerEpoch: epoch, baseSequence: seq, transactional: true });
}

function marker(producerId: number, committed: boolean, opts: { epoch?: number; coordinatorEpoch?: number; timestamp?: number } = {}): Buffer {
  return encodeEndTxnMarkerBatch({ producerId, producerEpoch: opts.epoch ?? 0, committed, coordinatorEpoch: opts.coordinatorEpoch ?? 0, timestamp: opts.timestamp ?? T0 });
}

describe('storage/transactions', () => {
  let dir: string;
  let cleanup: () => void;
  const opened: PartitionLog[] = [];
  beforeEach(() => ({ dir, cleanup } = tempDir()));
  afterEach(async () => {
    for (const log of opened.splice(0)) await log.close();
    cleanup();
  });

  async function open(config: Partial<LogConfig> = {}): Promise<PartitionLog> {
    const log = await PartitionLog.open(dir, 'orders', 0, testConfig(config));
    opened.push(log);
    return log;
  }

  async function close(log: PartitionLog): Promise<void> {
    await log.close();
    opened.splice(opened.indexOf(log), 1);
  }

  const writeMarker = (log: PartitionLog, producerId: number, committed: boolean, opts = {}) =>
    log.append(marker(producerId, committed, opts), { leaderEpoch: 0, origin: 'coordinator' });

  it('holds the LSO at the oldest open transaction until its marker is below the high watermark', async () => {
    const log = await open();
    await log.append(keyedBatch([['k', 'plain']]), leader);
    await log.append(txn(1, 0, [['a', '1'], ['a', '2']]), leader);
    await log.append(txn(2, 0, [['b', '1']]), leader);
    expect(log.lastStableOffset(log.logEndOffset)).to.equal(1);
    expect(log.lastStableOffset(1)).to.equal(1);
    expect(log.lastStableOffset(0)).to.equal(0);
    await writeMarker(log, 1, false);
    // Producer 1 is done, but its marker (offset 4) is not replicated yet at high watermark 4.
    expect(log.lastStableOffset(4)).to.equal(1);
    expect(log.lastStableOffset(5)).to.equal(3);
    await writeMarker(log, 2, true);
    expect(log.lastStableOffset(6)).to.equal(6);
    expect(log.producerState(1)).to.deep.include({ currentTxnFirstOffset: -1, coordinatorEpoch: 0 });
    const read = await log.read(0, 1 << 20);
    expect(abortedTransactionsIn(log, 0, read.records)).to.deep.equal([{ producerId: 1, firstOffset: 1 }]);
    expect(abortedTransactionsIn(log, 5, (await log.read(5, 1 << 20)).records)).to.deep.equal([]);
  });

  it('carries open transactions and coordinator epochs through snapshots and a replay', async () => {
    let log = await open({ segmentBytes: 300 });
    await log.append(txn(1, 0, [['a', '1']]), leader);
    await writeMarker(log, 1, false, { coordinatorEpoch: 4 });
    for (let i = 0; i < 5; i++) await log.append(txn(2, i, [['b', String(i)]]), leader);
    expect(log.segmentCount).to.be.greaterThan(1);
    expect(log.lastStableOffset(log.logEndOffset)).to.equal(2);
    const before = [log.producerState(1), log.producerState(2)];
    await close(log);
    log = await open({ segmentBytes: 300 });
    expect([log.producerState(1), log.producerState(2)]).to.deep.equal(before);
    expect(log.lastStableOffset(log.logEndOffset)).to.equal(2);
    await close(log);
    // Without snapshots the state is replayed from the batch headers and the marker records.
    for (const f of readdirSync(dir).filter((n) => n.endsWith('.snapshot'))) rmSync(path.join(dir, f));
    log = await open({ segmentBytes: 300 });
    expect([log.producerState(1), log.producerState(2)]).to.deep.equal(before);
    expect(log.lastStableOffset(log.logEndOffset)).to.equal(2);
  });

  it('round-trips the transaction fields of a snapshot and still reads version 1 files', () => {
    const producers = new Map([[9, { epoch: 2, lastTimestamp: T0, coordinatorEpoch: 5, currentTxnFirstOffset: 40, batches: [] }]]);
    expect(parseSnapshot(formatSnapshot(50, producers), 50)).to.deep.equal(producers);
    const v1 = formatSnapshot(50, producers).split('\n')[1].replace('"version":2', '"version":1').replace(',"coordinatorEpoch":5,"currentTxnFirstOffset":40', '');
    const { crc32c } = require('@node-rs/crc32') as { crc32c: (b: Buffer) => number };
    const text = `${(crc32c(Buffer.from(v1)) >>> 0).toString(16).padStart(8, '0')}\n${v1}`;
    expect(parseSnapshot(text, 50)?.get(9)).to.deep.include({ epoch: 2, coordinatorEpoch: -1, currentTxnFirstOffset: -1 });
  });

  it('reopens a transaction whose marker a truncation removed, and forgets its index entry', async () => {
    const log = await open();
    await log.append(txn(1, 0, [['a', '1']]), leader);
    await writeMarker(log, 1, false);
    expect(log.segmentsView()[0].txnIndex.entries).to.equal(1);
    await log.truncateTo(1);
    expect(log.segmentsView()[0].txnIndex.entries).to.equal(0);
    expect(log.producerState(1)?.currentTxnFirstOffset).to.equal(0);
    expect(log.lastStableOffset(log.logEndOffset)).to.equal(0);
  });

  it('a follower rebuilds the same producer state, LSO and index from the replicated batches', async () => {
    const leaderLog = await open();
    await leaderLog.append(txn(1, 0, [['a', '1']]), leader);
    await leaderLog.append(txn(2, 0, [['b', '1']]), leader);
    await writeMarker(leaderLog, 1, false);
    const bytes = (await leaderLog.read(0, 1 << 20)).records;
    const followerDir = tempDir();
    try {
      const follower = await PartitionLog.open(followerDir.dir, 'orders', 0, testConfig());
      opened.push(follower);
      await follower.append(Buffer.from(bytes), { leaderEpoch: 0, assignOffsets: false });
      expect(follower.lastStableOffset(3)).to.equal(1);
      expect(follower.producerState(2)).to.deep.equal(leaderLog.producerState(2));
      expect(follower.segmentsView()[0].txnIndex.allEntries()).to.deep.equal(leaderLog.segmentsView()[0].txnIndex.allEntries());
    } finally {
      await opened.pop()?.close();
      followerDir.cleanup();
    }
  });

  it('cleans aborted data, keeps committed data, and drops an abort marker once its data is gone and it is past the delete horizon', async () => {
    const log = await open({ cleanupPolicy: 'compact', segmentBytes: 400, deleteRetentionMs: 1000 });
    const fillers = async (from: number, to: number) => {
      for (let i = from; i < to; i++) await log.append(keyedBatch([[`x${i}`, 'filler-filler-filler']]), leader);
    };
    await log.append(txn(1, 0, [['k1', 'aborted-1'], ['k2', 'aborted-2']]), leader);
    await log.append(txn(2, 0, [['k3', 'committed']]), leader);
    await writeMarker(log, 1, false);
    await writeMarker(log, 2, true);
    // Producer 1 goes on, so its aborted batch no longer holds its last sequence (Kafka would keep it, emptied).
    await log.append(txn(1, 2, [['k5', 'later']]), leader);
    await writeMarker(log, 1, true);
    await fillers(0, 6);
    // An open transaction is never cleaned: the LSO bounds the pass.
    await log.append(txn(3, 0, [['k4', 'open']]), leader);
    await fillers(6, 9);
    const markers = async () => (await decodeRecordBatchesOf(log)).filter((b) => b.isControl).map((b) => b.producerId);
    await cleanOnce(log, { highWatermark: log.logEndOffset });
    const values = (await readAll(log)).map((r) => r.value);
    expect(values).to.not.include.members(['aborted-1', 'aborted-2']);
    expect(values).to.include.members(['committed', 'later', 'open']);
    // Every marker stays: each guarded data this pass saw; the abort keeps its index entry with it.
    expect(await markers()).to.deep.equal([1, 2, 1]);
    expect(log.segmentsView()[0].txnIndex.allEntries().map((t) => t.producerId)).to.deep.equal([1]);
    // Once the markers' segment is older than the last clean one by delete.retention.ms, the abort
    // marker (no data left) goes; the commit marker stays while its transaction's data does.
    await writeMarker(log, 3, true);
    await fillers(9, 15);
    utimesSync(path.join(dir, segmentFileName(0, '.log')), new Date(T0), new Date(T0));
    await cleanOnce(log, { highWatermark: log.logEndOffset });
    expect(await markers()).to.deep.equal([2, 1, 3]);
    expect(log.segmentsView()[0].txnIndex.entries).to.equal(0);
    expect((await readAll(log)).map((r) => r.value)).to.include.members(['committed', 'open']);
  });
});

async function decodeRecordBatchesOf(log: PartitionLog) {
  const out = [];
  let offset = log.logStartOffset;
  while (offset < log.logEndOffset) {
    const { batches } = decodeRecordBatches((await log.read(offset, 1 << 20)).records);
    if (batches.length === 0) break;
    out.push(...batches);
    offset = batches[batches.length - 1].lastOffset + 1;
  }
  return out;
}
