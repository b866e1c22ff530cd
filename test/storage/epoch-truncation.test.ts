import { expect } from 'chai';
import * as path from 'path';
import { followerTruncation, TruncationDecision } from '../../lib/storage/epoch-truncation';
import { EpochEntry, endOffsetForEntries } from '../../lib/storage/leader-epoch-cache';
import { PartitionLog } from '../../lib/storage/partition-log';
import { buildBatch, listBatches, tempDir, testConfig } from './batch-builder';

function entries(...pairs: Array<[number, number]>): EpochEntry[] {
  return pairs.map(([epoch, startOffset]) => ({ epoch, startOffset }));
}

/** Runs the fetcher's loop: ask about our latest epoch, re-ask while told to, return the truncation point. */
function negotiate(
  follower: { entries: EpochEntry[]; logEndOffset: number },
  leader: { entries: EpochEntry[]; logEndOffset: number },
): { truncateTo: number; asked: number[] } {
  const asked: number[] = [];
  let epoch = follower.entries[follower.entries.length - 1]?.epoch ?? -1;
  for (let round = 0; round < 10; round++) {
    asked.push(epoch);
    const decision: TruncationDecision = followerTruncation(follower, epoch, endOffsetForEntries(leader.entries, epoch, leader.logEndOffset));
    if ('truncateTo' in decision) return { truncateTo: decision.truncateTo, asked };
    epoch = decision.askAgainWithEpoch;
  }
  throw new Error('no decision after 10 rounds');
}

describe('storage/epoch-truncation', () => {
  describe('scripted epoch histories', () => {
    it('keeps everything when the follower is a prefix of the leader in the same epoch', () => {
      expect(negotiate({ entries: entries([0, 0]), logEndOffset: 5 }, { entries: entries([0, 0]), logEndOffset: 9 }).truncateTo).to.equal(5);
    });

    it('cuts the follower at the end of the epoch on the leader (KIP-101 divergence)', () => {
      // Leader: epoch 0 at [0, 2), epoch 1 from 2. Follower: epoch 0 at [0, 4).
      const result = negotiate({ entries: entries([0, 0]), logEndOffset: 4 }, { entries: entries([0, 0], [1, 2]), logEndOffset: 6 });
      expect(result).to.deep.equal({ truncateTo: 2, asked: [0] });
    });

    it('uses the follower\'s end of the shared epoch when the leader\'s answer names an older epoch (KIP-279)', () => {
      // Leader: epoch 1 at [0, 2), epoch 3 from 2. Follower: epoch 1 at [0, 1), epoch 2 from 1.
      // The leader answers for epoch 2 with (1, 2); the follower's epoch 1 already ended at 1.
      const result = negotiate({ entries: entries([1, 0], [2, 1]), logEndOffset: 3 }, { entries: entries([1, 0], [3, 2]), logEndOffset: 4 });
      expect(result).to.deep.equal({ truncateTo: 1, asked: [2] });
    });

    it('asks again about its own older epoch when the leader answers with an epoch it never had', () => {
      // Follower: 0 at [0, 5), 2 from 5. Leader: 0 at [0, 4), 1 at [4, 6), 3 from 6.
      const follower = { entries: entries([0, 0], [2, 5]), logEndOffset: 8 };
      const leader = { entries: entries([0, 0], [1, 4], [3, 6]), logEndOffset: 9 };
      expect(followerTruncation(follower, 2, { leaderEpoch: 1, endOffset: 6 })).to.deep.equal({ askAgainWithEpoch: 0 });
      expect(negotiate(follower, leader)).to.deep.equal({ truncateTo: 4, asked: [2, 0] });
    });

    it('truncates to the leader\'s end when its epoch predates everything the follower tracks', () => {
      expect(followerTruncation({ entries: entries([5, 100]), logEndOffset: 150 }, 5, { leaderEpoch: 3, endOffset: 120 })).to.deep.equal({ truncateTo: 120 });
    });

    it('falls back to the log start when the leader knows no epoch at or below the requested one', () => {
      const follower = { entries: entries([2, 10], [4, 30]), logEndOffset: 50 };
      expect(followerTruncation(follower, 4, { leaderEpoch: -1, endOffset: -1 })).to.deep.equal({ truncateTo: 10 });
      expect(followerTruncation({ ...follower, logStartOffset: 8 }, 4, { leaderEpoch: -1, endOffset: -1 })).to.deep.equal({ truncateTo: 8 });
      // An answer above the requested epoch is malformed, and treated the same way rather than looping.
      expect(followerTruncation(follower, 4, { leaderEpoch: 6, endOffset: 70 })).to.deep.equal({ truncateTo: 10 });
      expect(followerTruncation({ entries: [], logEndOffset: 0 }, -1, { leaderEpoch: -1, endOffset: -1 })).to.deep.equal({ truncateTo: 0 });
    });

    it('never truncates past its own log end', () => {
      expect(followerTruncation({ entries: entries([0, 0]), logEndOffset: 3 }, 0, { leaderEpoch: 0, endOffset: 10 })).to.deep.equal({ truncateTo: 3 });
      expect(followerTruncation({ entries: entries([0, 0]), logEndOffset: 3 }, 0, { leaderEpoch: -1, endOffset: 10 })).to.deep.equal({ truncateTo: 3 });
    });
  });

  describe('on real partition logs', () => {
    let root: string;
    let cleanup: () => void;
    const opened: PartitionLog[] = [];
    beforeEach(() => ({ dir: root, cleanup } = tempDir()));
    afterEach(async () => {
      for (const log of opened.splice(0)) await log.close();
      cleanup();
    });

    async function replica(name: string): Promise<PartitionLog> {
      const log = await PartitionLog.open(path.join(root, name), 't', 0, testConfig());
      opened.push(log);
      return log;
    }

    async function restart(log: PartitionLog): Promise<PartitionLog> {
      await log.close();
      opened.splice(opened.indexOf(log), 1);
      const again = await PartitionLog.open(log.dir, 't', 0, testConfig());
      opened.push(again);
      return again;
    }

    /** A producer write to the leader: one batch of one record whose value is `fill`. */
    async function produce(leader: PartitionLog, epoch: number, fill: number): Promise<void> {
      await leader.append(buildBatch({ fill }), { leaderEpoch: epoch });
    }

    /** The follower fetches from `from` on, as the replica fetcher does. */
    async function replicate(leader: PartitionLog, follower: PartitionLog, upTo = leader.logEndOffset): Promise<void> {
      while (follower.logEndOffset < upTo) {
        const { records } = await leader.read(follower.logEndOffset, 1 << 20, { maxOffset: upTo });
        await follower.append(Buffer.from(records), { leaderEpoch: leader.leaderEpochs.latestEpoch, assignOffsets: false });
      }
    }

    /** The fetcher's truncation step against `leader`, then catching up. */
    async function becomeFollower(follower: PartitionLog, leader: PartitionLog): Promise<void> {
      let epoch = follower.leaderEpochs.latestEpoch;
      for (;;) {
        const decision = followerTruncation({ entries: follower.leaderEpochs.entries(), logEndOffset: follower.logEndOffset }, epoch, leader.endOffsetForEpoch(epoch));
        if ('askAgainWithEpoch' in decision) {
          epoch = decision.askAgainWithEpoch;
          continue;
        }
        await follower.truncateTo(decision.truncateTo);
        break;
      }
      await replicate(leader, follower);
    }

    /** Every batch (a read stops at a segment end, and reopened logs roll: their batches are years old). */
    async function contents(log: PartitionLog): Promise<Array<{ offset: number; epoch: number; fill: number }>> {
      const found: Array<{ offset: number; epoch: number; fill: number }> = [];
      while ((found.length === 0 ? log.logStartOffset : found[found.length - 1].offset + 1) < log.logEndOffset) {
        const { records } = await log.read(found.length === 0 ? log.logStartOffset : found[found.length - 1].offset + 1, 1 << 20);
        for (const b of listBatches(records)) found.push({ offset: b.baseOffset, epoch: b.partitionLeaderEpoch, fill: records[b.position + b.sizeInBytes - 2] });
      }
      return found;
    }

    it('KIP-101 scenario 1: a restarted follower keeps a message it would have lost by truncating to its high watermark', async () => {
      let a = await replica('a');
      let b = await replica('b');
      await produce(a, 0, 1);
      await produce(a, 0, 2);
      await replicate(a, b);
      // B saw both messages but only high watermark 1 (the HW travels one fetch later). It restarts.
      b = await restart(b);
      await becomeFollower(b, a);
      expect(b.logEndOffset).to.equal(2);
      // A dies; B leads epoch 1 and must still hold m2, which A had acknowledged.
      a = await restart(a);
      b.leaderEpochs.assign(1, b.logEndOffset);
      await produce(b, 1, 3);
      await becomeFollower(a, b);
      expect((await contents(b)).map((r) => r.fill)).to.deep.equal([1, 2, 3]);
      expect(await contents(a)).to.deep.equal(await contents(b));
    });

    it('KIP-101 scenario 2: replicas that diverged after two hard failures converge on the new leader\'s log', async () => {
      let a = await replica('a');
      let b = await replica('b');
      await produce(a, 0, 1);
      await produce(a, 0, 2);
      await replicate(a, b, 1);
      // Both crash. B returns first and leads epoch 1 with only m1; it accepts m3 at offset 1.
      b = await restart(b);
      b.leaderEpochs.assign(1, b.logEndOffset);
      await produce(b, 1, 3);
      // A returns as a follower. Its high watermark (2) would keep m2 at offset 1, diverging from B.
      a = await restart(a);
      await becomeFollower(a, b);
      expect((await contents(a)).map((r) => [r.offset, r.fill])).to.deep.equal([[0, 1], [1, 3]]);
      expect(a.leaderEpochs.entries()).to.deep.equal(b.leaderEpochs.entries());
    });

    it('KIP-279: a follower holding an epoch the leader never had truncates below it', async () => {
      const a = await replica('a');
      const b = await replica('b');
      const c = await replica('c');
      // Epoch 1 on A: m1, m2; B and C copy m1 only.
      await produce(a, 1, 1);
      await produce(a, 1, 2);
      await replicate(a, b, 1);
      await replicate(a, c, 1);
      // Epoch 2: B leads, writes m3 at offset 1 and m4; nobody copies them before it dies.
      b.leaderEpochs.assign(2, b.logEndOffset);
      await produce(b, 2, 3);
      await produce(b, 2, 4);
      // Epoch 3: A leads again (it has m2 at offset 1) and writes m5.
      a.leaderEpochs.assign(3, a.logEndOffset);
      await produce(a, 3, 5);
      // B follows A: asking only about its epoch 2 would return A's start of epoch 3 (2) and keep m3.
      await becomeFollower(b, a);
      await becomeFollower(c, a);
      const expected = [{ offset: 0, epoch: 1, fill: 1 }, { offset: 1, epoch: 1, fill: 2 }, { offset: 2, epoch: 3, fill: 5 }];
      expect(await contents(b)).to.deep.equal(expected);
      expect(await contents(c)).to.deep.equal(expected);
      expect(b.leaderEpochs.entries()).to.deep.equal([{ epoch: 1, startOffset: 0 }, { epoch: 3, startOffset: 2 }]);
    });
  });
});
