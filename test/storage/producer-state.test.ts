import { expect } from 'chai';
import { readdirSync, rmSync, writeFileSync } from 'fs';
import * as path from 'path';
import { ErrorCode, SamsaError } from '../../lib/protocol/errors';
import { LogConfig } from '../../lib/storage/log-config';
import { OpenOptions, PartitionLog } from '../../lib/storage/partition-log';
import { formatSnapshot, parseSnapshot, snapshotFileName } from '../../lib/storage/producer-snapshot';
import { incrementSequence } from '../../lib/storage/producer-state';
import { buildBatch, tempDir, testConfig } from './batch-builder';

const PID = 4000;
const MAX_INT32 = 0x7fffffff;

/** One batch of `records` records from producer `pid`, sequences from `seq`. */
function idem(pid: number, epoch: number, seq: number, records = 1): Buffer {
  return buildBatch({ producerId: pid, producerEpoch: epoch, baseSequence: seq, records, valueBytes: 20 });
}

async function expectCode(promise: Promise<unknown>, code: { code: number }): Promise<void> {
  try {
    await promise;
  } catch (err) {
    expect(err).to.be.instanceOf(SamsaError);
    expect((err as SamsaError).code, (err as Error).message).to.equal(code.code);
    return;
  }
  throw new Error(`expected error ${code.code}`);
}

describe('storage/producer-state', () => {
  let dir: string;
  let cleanup: () => void;
  const opened: PartitionLog[] = [];
  beforeEach(() => ({ dir, cleanup } = tempDir()));
  afterEach(async () => {
    for (const log of opened.splice(0)) await log.close();
    cleanup();
  });

  async function open(config: Partial<LogConfig> = {}, opts: OpenOptions = {}): Promise<PartitionLog> {
    const log = await PartitionLog.open(dir, 'orders', 0, testConfig(config), opts);
    opened.push(log);
    return log;
  }

  async function close(log: PartitionLog): Promise<void> {
    await log.close();
    opened.splice(opened.indexOf(log), 1);
  }

  const snapshotFiles = (): string[] => readdirSync(dir).filter((f) => f.endsWith('.snapshot')).sort();
  const leader = { leaderEpoch: 0 };

  it('wraps sequences from int32 max to 0, as Kafka does', () => {
    expect(incrementSequence(5, 3)).to.equal(8);
    expect(incrementSequence(MAX_INT32, 1)).to.equal(0);
    expect(incrementSequence(MAX_INT32 - 1, 3)).to.equal(1);
  });

  it('accepts an unknown producer at any sequence and then expects the next one', async () => {
    const log = await open();
    expect((await log.append(idem(PID, 0, 7, 3), leader)).baseOffset).to.equal(0);
    expect(log.producerState(PID)).to.deep.include({ epoch: 0, batches: [{ firstSeq: 7, lastSeq: 9, firstOffset: 0, lastOffset: 2 }] });
    await log.append(idem(PID, 0, 10), leader);
    await expectCode(log.append(idem(PID, 0, 12), leader), ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
    await expectCode(log.append(idem(PID, 0, 9), leader), ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
    expect(log.logEndOffset).to.equal(4);
  });

  it('answers a retried batch with the original offsets and appends nothing', async () => {
    const log = await open();
    await log.append(buildBatch({ records: 2 }), leader);
    const first = await log.append(idem(PID, 0, 0, 3), leader);
    const second = await log.append(idem(PID, 0, 3, 2), leader);
    expect(second).to.include({ baseOffset: 5, lastOffset: 6 });
    expect(second.duplicate).to.equal(undefined);
    const retry = await log.append(idem(PID, 0, 0, 3), leader);
    expect(retry).to.deep.equal({ baseOffset: first.baseOffset, lastOffset: first.lastOffset, logAppendTime: -1, recordCount: 0, sizeInBytes: 0, duplicate: true });
    expect((await log.append(idem(PID, 0, 3, 2), leader))).to.include({ baseOffset: 5, duplicate: true });
    expect(log.logEndOffset).to.equal(7);
    expect((await log.append(idem(PID, 0, 5), leader)).baseOffset).to.equal(7);
  });

  it('recognises retries of the last five batches only', async () => {
    const log = await open();
    for (let seq = 0; seq < 6; seq++) await log.append(idem(PID, 0, seq), leader);
    expect((await log.append(idem(PID, 0, 1), leader))).to.include({ baseOffset: 1, duplicate: true });
    await expectCode(log.append(idem(PID, 0, 0), leader), ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
  });

  it('answers a retry that arrives while the original is still queued once the original is written', async () => {
    const log = await open();
    const original = log.append(idem(PID, 0, 0, 4), leader);
    const retry = log.append(idem(PID, 0, 0, 4), leader);
    const [a, b] = await Promise.all([original, retry]);
    expect(b).to.include({ baseOffset: a.baseOffset, lastOffset: a.lastOffset, duplicate: true });
    expect(log.logEndOffset).to.equal(4);
  });

  it('fences an older producer epoch and starts a newer one at sequence 0 only', async () => {
    const log = await open();
    await log.append(idem(PID, 3, 0), leader);
    await expectCode(log.append(idem(PID, 2, 1), leader), ErrorCode.INVALID_PRODUCER_EPOCH);
    await expectCode(log.append(idem(PID, 4, 5), leader), ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
    await log.append(idem(PID, 4, 0, 2), leader);
    expect(log.producerState(PID)).to.deep.include({ epoch: 4, batches: [{ firstSeq: 0, lastSeq: 1, firstOffset: 1, lastOffset: 2 }] });
    // The old epoch's batch is not a duplicate any more; the old epoch is fenced.
    await expectCode(log.append(idem(PID, 3, 0), leader), ErrorCode.INVALID_PRODUCER_EPOCH);
  });

  it('follows a sequence across the int32 wrap', async () => {
    const log = await open();
    await log.append(idem(PID, 0, MAX_INT32 - 1, 2), leader);
    await log.append(idem(PID, 0, 0), leader);
    expect(log.producerState(PID)?.batches.map((b) => [b.firstSeq, b.lastSeq])).to.deep.equal([[MAX_INT32 - 1, MAX_INT32], [0, 0]]);
  });

  it('checks every batch of a request before appending any, and refuses a retry mixed with other batches', async () => {
    const log = await open();
    await log.append(Buffer.concat([idem(PID, 0, 0), idem(PID, 0, 1), idem(PID + 1, 0, 0)]), leader);
    expect(log.logEndOffset).to.equal(3);
    await expectCode(log.append(Buffer.concat([idem(PID, 0, 2), idem(PID, 0, 4)]), leader), ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
    await expectCode(log.append(Buffer.concat([idem(PID, 0, 1), idem(PID, 0, 2)]), leader), ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
    expect(log.logEndOffset).to.equal(3);
    expect(log.producerState(PID)?.batches.at(-1)?.lastSeq).to.equal(1);
  });

  it('records a follower\'s batches without checking them', async () => {
    const log = await open();
    const copy = Buffer.concat([
      buildBatch({ baseOffset: 0, producerId: PID, producerEpoch: 1, baseSequence: 0, records: 2 }),
      buildBatch({ baseOffset: 2, producerId: PID, producerEpoch: 1, baseSequence: 9 }),
    ]);
    await log.append(copy, { leaderEpoch: 0, assignOffsets: false });
    expect(log.producerState(PID)?.batches.map((b) => [b.firstSeq, b.firstOffset])).to.deep.equal([[0, 0], [9, 2]]);
    // Once leader, the state from replication detects retries.
    expect(await log.append(idem(PID, 1, 9), leader)).to.include({ baseOffset: 2, duplicate: true });
  });

  it('keeps the state across a clean restart, from the snapshot written at close', async () => {
    let log = await open();
    for (let seq = 0; seq < 4; seq++) await log.append(idem(PID, 2, seq * 2, 2), leader);
    const before = log.producerState(PID);
    await close(log);
    expect(snapshotFiles()).to.deep.equal([snapshotFileName(8)]);
    log = await open();
    expect(log.producerState(PID)).to.deep.equal(before);
    expect(await log.append(idem(PID, 2, 6, 2), leader)).to.include({ baseOffset: 6, duplicate: true });
  });

  it('starts from a valid snapshot instead of replaying the batches below it', async () => {
    let log = await open();
    await log.append(idem(PID, 0, 0), leader);
    await close(log);
    // A snapshot that disagrees with the log proves which one the state came from.
    const planted = new Map([[PID + 7, { epoch: 5, lastTimestamp: Date.now(), coordinatorEpoch: -1, currentTxnFirstOffset: -1, batches: [{ firstSeq: 40, lastSeq: 41, firstOffset: 0, lastOffset: 0 }] }]]);
    writeFileSync(path.join(dir, snapshotFileName(1)), formatSnapshot(1, planted));
    log = await open();
    expect(log.producerState(PID + 7)?.epoch).to.equal(5);
    expect(log.producerState(PID)).to.equal(undefined);
    await close(log);
    // A torn snapshot fails its CRC and the state is rebuilt from the batch headers.
    writeFileSync(path.join(dir, snapshotFileName(1)), formatSnapshot(1, planted).replace('"epoch":5', '"epoch":6'));
    expect(parseSnapshot(formatSnapshot(1, planted).slice(0, 40), 1)).to.equal(null);
    log = await open();
    expect(log.producerState(PID)?.batches).to.deep.equal([{ firstSeq: 0, lastSeq: 0, firstOffset: 0, lastOffset: 0 }]);
    expect(log.producerState(PID + 7)).to.equal(undefined);
  });

  it('rebuilds the state from segment-roll snapshots and headers after a crash', async () => {
    const size = idem(PID, 0, 0).length;
    let log = await open({ segmentBytes: size * 3 });
    for (let seq = 0; seq < 8; seq++) await log.append(idem(PID + (seq % 2), 0, seq >> 1), leader);
    const before = [log.producerState(PID), log.producerState(PID + 1)];
    await close(log);
    expect(snapshotFiles()).to.deep.equal([snapshotFileName(3), snapshotFileName(6), snapshotFileName(8)]);
    // A crash loses the snapshot a clean close writes: the replay starts at the last roll's.
    rmSync(path.join(dir, snapshotFileName(8)));
    log = await open({ segmentBytes: size * 3 }, { recover: true });
    expect([log.producerState(PID), log.producerState(PID + 1)]).to.deep.equal(before);
  });

  it('rebuilds the state after a truncation and forgets snapshots past it', async () => {
    const size = idem(PID, 0, 0).length;
    const log = await open({ segmentBytes: size * 3 });
    for (let seq = 0; seq < 8; seq++) await log.append(idem(PID, 0, seq), leader);
    await log.truncateTo(4);
    expect(log.logEndOffset).to.equal(4);
    expect(log.producerState(PID)?.batches.at(-1)).to.deep.equal({ firstSeq: 3, lastSeq: 3, firstOffset: 3, lastOffset: 3 });
    expect(snapshotFiles()).to.deep.equal([snapshotFileName(3)]);
    await expectCode(log.append(idem(PID, 0, 8), leader), ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
    expect((await log.append(idem(PID, 0, 4), leader)).baseOffset).to.equal(4);
  });

  it('forgets every producer when the log restarts at a new offset', async () => {
    const log = await open();
    await log.append(idem(PID, 0, 0), leader);
    await close(log);
    const again = await open();
    await again.truncateFullyAndStartAt(50);
    expect(again.producerState(PID)).to.equal(undefined);
    expect(snapshotFiles()).to.deep.equal([]);
    expect((await again.append(idem(PID, 0, 30), leader)).baseOffset).to.equal(50);
  });

  it('expires producers idle for producer.id.expiration.ms on the retention run', async () => {
    const now = 1_600_000_100_000;
    const log = await open({}, { producerIdExpirationMs: 60_000, clock: () => now });
    await log.append(buildBatch({ producerId: PID, producerEpoch: 0, baseSequence: 0, firstTimestamp: now - 70_000 }), leader);
    await log.append(buildBatch({ producerId: PID + 1, producerEpoch: 0, baseSequence: 0, firstTimestamp: now - 10_000 }), leader);
    await log.deleteRetentionExpiredSegments(now);
    expect(log.producerState(PID)).to.equal(undefined);
    expect(log.producerState(PID + 1)).to.not.equal(undefined);
    expect((await log.append(idem(PID, 0, 99), leader)).duplicate).to.equal(undefined);
  });

  it('prunes snapshots older than the log start once retention moves it', async () => {
    const size = idem(PID, 0, 0).length;
    const log = await open({ segmentBytes: size * 3, retentionBytes: size * 3 });
    for (let seq = 0; seq < 10; seq++) await log.append(idem(PID, 0, seq), leader);
    // Rolls at 3, 6 and 9 each wrote a snapshot; the one at 3 is older than the new start's.
    // (The run's time is the batches' own, so the producer does not also expire.)
    await log.deleteRetentionExpiredSegments(1_600_000_001_000);
    expect(log.logStartOffset).to.equal(6);
    expect(snapshotFiles()).to.deep.equal([snapshotFileName(6), snapshotFileName(9)]);
    // The producer outlives its deleted segments.
    expect(await log.append(idem(PID, 0, 9), leader)).to.include({ baseOffset: 9, duplicate: true });
  });
});
