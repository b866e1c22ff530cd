import { expect } from 'chai';
import {
  FollowerState, newFollowerState, nextHighWatermark, outOfSyncReplicas, recordFollowerFetch, replicasReadyToJoinIsr,
} from '../../lib/broker/replication-rules';

function follower(logEndOffset: number, lastCaughtUpTimeMs = 0): FollowerState {
  return { ...newFollowerState(lastCaughtUpTimeMs), logEndOffset };
}

describe('broker/replication-rules', () => {
  describe('recordFollowerFetch', () => {
    it('marks a follower caught up now when it fetches from the leader log end', () => {
      const next = recordFollowerFetch(newFollowerState(0), 100, 100, 5000);
      expect(next.logEndOffset).to.equal(100);
      expect(next.lastCaughtUpTimeMs).to.equal(5000);
    });

    it('credits the previous fetch time when the follower reached what the leader had back then', () => {
      const first = recordFollowerFetch(newFollowerState(0), 50, 100, 1000);
      expect(first.lastCaughtUpTimeMs).to.equal(0);
      const second = recordFollowerFetch(first, 100, 180, 2000);
      expect(second.lastCaughtUpTimeMs).to.equal(1000);
    });

    it('does not advance the caught-up time for a follower that keeps falling behind', () => {
      const first = recordFollowerFetch(newFollowerState(0), 10, 100, 1000);
      const second = recordFollowerFetch(first, 50, 200, 2000);
      expect(second.lastCaughtUpTimeMs).to.equal(0);
    });
  });

  describe('nextHighWatermark', () => {
    it('is the smallest log end offset in the ISR, the leader included', () => {
      const followers = new Map([[2, follower(70)], [3, follower(90)]]);
      expect(nextHighWatermark(0, 1, 100, [1, 2, 3], followers)).to.equal(70);
    });

    it('ignores followers outside the ISR', () => {
      const followers = new Map([[2, follower(70)], [3, follower(5)]]);
      expect(nextHighWatermark(0, 1, 100, [1, 2], followers)).to.equal(70);
    });

    it('equals the leader log end when the ISR is the leader alone', () => {
      expect(nextHighWatermark(10, 1, 100, [1], new Map())).to.equal(100);
    });

    it('never moves backwards, even when an ISR follower has not been heard from', () => {
      const followers = new Map([[2, newFollowerState(0)]]);
      expect(nextHighWatermark(40, 1, 100, [1, 2], followers)).to.equal(40);
    });
  });

  describe('outOfSyncReplicas', () => {
    it('lists ISR followers not caught up within the lag time, never the leader', () => {
      const followers = new Map([[2, follower(10, 1000)], [3, follower(10, 9000)]]);
      expect(outOfSyncReplicas(1, [1, 2, 3], followers, 12000, 5000)).to.deep.equal([2]);
    });

    it('treats an ISR member the leader has no state for as out of sync', () => {
      expect(outOfSyncReplicas(1, [1, 4], new Map(), 1, 5000)).to.deep.equal([4]);
    });
  });

  describe('replicasReadyToJoinIsr', () => {
    it('admits a replica that reached the high watermark and the leader epoch start', () => {
      const followers = new Map([[2, follower(100)], [3, follower(99)]]);
      expect(replicasReadyToJoinIsr([1, 2, 3], [1], followers, 100, 80)).to.deep.equal([2]);
    });

    it('keeps out a replica that has not reached the current leader epoch start', () => {
      const followers = new Map([[2, follower(50)]]);
      expect(replicasReadyToJoinIsr([1, 2], [1], followers, 40, 60)).to.deep.equal([]);
    });
  });
});
