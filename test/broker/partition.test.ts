import { expect } from 'chai';
import { MAX_APPEND_MARKS, Partition } from '../../lib/broker/partition';
import { PartitionStateData } from '../../lib/protocol/messages/controller';
import { PartitionLog } from '../../lib/storage/partition-log';
import { AssertionError } from '../../lib/util/assert';
import { buildBatch, tempDir, testConfig } from '../storage/batch-builder';

function state(over: Partial<PartitionStateData>): PartitionStateData {
  return { topicName: 't', partitionIndex: 0, controllerEpoch: 1, leader: 1, leaderEpoch: 0, isr: [1, 2], zkVersion: 0, replicas: [1, 2], isNew: false, ...over };
}

describe('broker/partition', () => {
  let dir: string;
  let cleanup: () => void;
  let log: PartitionLog;

  beforeEach(async () => {
    ({ dir, cleanup } = tempDir());
    log = await PartitionLog.open(dir, 't', 0, testConfig());
  });

  afterEach(async () => {
    await log.close();
    cleanup();
  });

  it('ignores a state with an older leader epoch, or the same epoch and no newer znode version', () => {
    const p = new Partition('t', 0, log, 1);
    expect(p.applyState(state({ leaderEpoch: 3, zkVersion: 5 }), 0)).to.equal('became-leader');
    expect(p.applyState(state({ leaderEpoch: 2, zkVersion: 9, leader: 2 }), 0)).to.equal('stale');
    expect(p.applyState(state({ leaderEpoch: 3, zkVersion: 5, isr: [1] }), 0)).to.equal('stale');
    expect(p.isr).to.deep.equal([1, 2]);
    expect(p.applyState(state({ leaderEpoch: 3, zkVersion: 6, isr: [1] }), 0)).to.equal('updated');
    expect(p.isr).to.deep.equal([1]);
    expect(p.isLeader).to.equal(true);
  });

  it('as leader, records where its epoch starts and holds the high watermark until every ISR member has the data', async () => {
    await log.append(buildBatch({ records: 5 }), { leaderEpoch: 0 });
    const p = new Partition('t', 0, log, 1);
    p.applyState(state({ leaderEpoch: 7 }), 1000);
    expect(p.leaderEpochStartOffset).to.equal(5);
    expect(log.leaderEpochs.latestEpoch).to.equal(7);
    expect(p.maybeIncrementHighWatermark()).to.equal(0);
    const appended = await log.append(buildBatch({ records: 3 }), { leaderEpoch: 7 });
    p.recordLeaderAppend(appended.lastOffset + 1, appended.sizeInBytes);
    p.recordFollowerFetch(2, 5, log.logEndOffset, 1100);
    expect(p.maybeIncrementHighWatermark()).to.be.greaterThan(0);
    expect(p.highWatermark).to.equal(5);
    p.recordFollowerFetch(2, 8, log.logEndOffset, 1200);
    // The bytes reported are those of the batch that became visible.
    expect(p.maybeIncrementHighWatermark()).to.equal(appended.sizeInBytes);
    expect(p.highWatermark).to.equal(8);
  });

  it('as follower, takes the leader high watermark but never beyond its own log end', async () => {
    await log.append(buildBatch({ records: 4 }), { leaderEpoch: 0 });
    const p = new Partition('t', 0, log, 2);
    expect(p.applyState(state({ leader: 1 }), 0)).to.equal('became-follower');
    p.updateFollowerHighWatermark(100);
    expect(p.highWatermark).to.equal(4);
    p.updateFollowerHighWatermark(2);
    expect(p.highWatermark).to.equal(2);
  });

  it('lists ISR followers that stopped catching up, and replicas ready to rejoin', () => {
    const p = new Partition('t', 0, log, 1);
    p.applyState(state({ replicas: [1, 2, 3], isr: [1, 2] }), 0);
    expect(p.outOfSyncReplicas(10_000, 5000)).to.deep.equal([2]);
    p.recordFollowerFetch(3, 0, 0, 10_000);
    expect(p.replicasReadyToJoinIsr()).to.deep.equal([3]);
  });

  it('keeps at most MAX_APPEND_MARKS append marks and reports the bytes of dropped ones late, never lost', async () => {
    await log.append(buildBatch({ records: 3 }), { leaderEpoch: 0 });
    const p = new Partition('t', 0, log, 1);
    p.applyState(state({}), 0);
    for (let end = 1; end <= MAX_APPEND_MARKS + 1; end++) p.recordLeaderAppend(end, 1);
    expect(p.pendingAppendMarks).to.be.at.most(MAX_APPEND_MARKS);
    expect(p.pendingAppendMarks).to.be.greaterThan(0);
    // The mark ending at 1 was dropped when the list filled up: its byte shows up with the next mark.
    p.recordFollowerFetch(2, 1, log.logEndOffset, 10);
    expect(p.maybeIncrementHighWatermark()).to.equal(1);
    p.recordFollowerFetch(2, 2, log.logEndOffset, 20);
    expect(p.maybeIncrementHighWatermark()).to.equal(2);
    expect(p.highWatermark).to.equal(2);
  });

  it('treats a leader high watermark past the log end as a bug', async () => {
    await log.append(buildBatch({ records: 5 }), { leaderEpoch: 0 });
    const p = new Partition('t', 0, log, 1);
    p.applyState(state({ isr: [1], replicas: [1] }), 0);
    expect(p.maybeIncrementHighWatermark()).to.be.greaterThan(0);
    expect(p.highWatermark).to.equal(5);
    // A leader's log never shrinks; if it did, moving the high watermark must not carry on silently.
    await log.truncateTo(2);
    expect(() => p.maybeIncrementHighWatermark()).to.throw(AssertionError, /past the leader's log end/);
  });
});
