import { expect } from 'chai';
import * as fc from 'fast-check';
import {
  bumpLeaderEpoch, electControlledShutdownLeader, electOfflinePartitionLeader, electPreferredLeader, electReassignedPartitionLeader,
  initialLeaderIsr,
} from '../../lib/controller/partition-leader-election';

const liveSet = (...ids: number[]) => (id: number) => ids.includes(id);

describe('controller/partition-leader-election', () => {
  describe('initialLeaderIsr', () => {
    it('makes the first live replica leader and the live replicas the ISR, at epoch 0', () => {
      expect(initialLeaderIsr([3, 1, 2], liveSet(1, 2))).to.deep.equal({ leader: 1, leaderEpoch: 0, isr: [1, 2] });
    });

    it('returns null when no replica is live', () => {
      expect(initialLeaderIsr([1, 2], liveSet(3))).to.equal(null);
    });
  });

  describe('electOfflinePartitionLeader', () => {
    it('picks the first replica in assignment order that is live and in the ISR', () => {
      const next = electOfflinePartitionLeader([1, 2, 3], { leader: 1, leaderEpoch: 4, isr: [3, 1, 2] }, liveSet(2, 3), false);
      expect(next).to.deep.equal({ leader: 2, leaderEpoch: 5, isr: [3, 2] });
    });

    it('keeps a live leader and only drops dead members from the ISR, bumping the epoch', () => {
      const next = electOfflinePartitionLeader([1, 2, 3], { leader: 1, leaderEpoch: 2, isr: [1, 2, 3] }, liveSet(1, 2), false);
      expect(next).to.deep.equal({ leader: 1, leaderEpoch: 3, isr: [1, 2] });
    });

    it('returns null when nothing changes', () => {
      expect(electOfflinePartitionLeader([1, 2], { leader: 1, leaderEpoch: 2, isr: [1, 2] }, liveSet(1, 2), false)).to.equal(null);
    });

    it('does not elect a live replica outside the ISR when unclean election is disabled', () => {
      const next = electOfflinePartitionLeader([1, 2], { leader: 1, leaderEpoch: 0, isr: [1] }, liveSet(2), false);
      expect(next).to.deep.equal({ leader: -1, leaderEpoch: 1, isr: [1] });
    });

    it('elects any live replica as sole ISR member when unclean election is enabled', () => {
      const next = electOfflinePartitionLeader([1, 2, 3], { leader: 1, leaderEpoch: 0, isr: [1] }, liveSet(3, 2), true);
      expect(next).to.deep.equal({ leader: 2, leaderEpoch: 1, isr: [2] });
    });

    it('keeps the last leader in the ISR when every ISR member is dead', () => {
      const next = electOfflinePartitionLeader([1, 2, 3], { leader: 2, leaderEpoch: 7, isr: [1, 2] }, liveSet(3), false);
      expect(next).to.deep.equal({ leader: -1, leaderEpoch: 8, isr: [2] });
    });

    it('lets the last ISR member lead again when it returns', () => {
      const next = electOfflinePartitionLeader([1, 2], { leader: -1, leaderEpoch: 8, isr: [2] }, liveSet(1, 2), false);
      expect(next).to.deep.equal({ leader: 2, leaderEpoch: 9, isr: [2] });
    });

    it('never empties the ISR and always leads from live replicas (property)', () => {
      const ids = fc.integer({ min: 0, max: 5 });
      fc.assert(fc.property(
        fc.uniqueArray(ids, { minLength: 1, maxLength: 5 }), fc.uniqueArray(ids, { maxLength: 6 }), fc.boolean(), fc.nat(100),
        (assignment, live, unclean, epoch) => {
          const isr = assignment.slice(0, Math.max(1, Math.floor(assignment.length / 2)));
          const current = { leader: isr[0], leaderEpoch: epoch, isr };
          const next = electOfflinePartitionLeader(assignment, current, (id) => live.includes(id), unclean) ?? current;
          expect(next.isr.length).to.be.greaterThan(0);
          if (next.leader !== -1) {
            expect(live).to.include(next.leader);
            expect(next.isr).to.include(next.leader);
            if (!unclean) expect(isr).to.include(next.leader);
          }
          if (next !== current) expect(next.leaderEpoch).to.equal(epoch + 1);
        },
      ), { numRuns: 300 });
    });
  });

  describe('electControlledShutdownLeader', () => {
    it('moves leadership to another live ISR member and drops the leaving broker from the ISR', () => {
      const r = electControlledShutdownLeader([1, 2, 3], { leader: 1, leaderEpoch: 0, isr: [1, 2, 3] }, liveSet(2, 3), new Set([1]));
      expect(r).to.deep.equal({ moved: true, result: { leader: 2, leaderEpoch: 1, isr: [2, 3] } });
    });

    it('shrinks a follower that is leaving out of the ISR without moving the leader', () => {
      const r = electControlledShutdownLeader([1, 2], { leader: 1, leaderEpoch: 3, isr: [1, 2] }, liveSet(1), new Set([2]));
      expect(r).to.deep.equal({ moved: true, result: { leader: 1, leaderEpoch: 4, isr: [1] } });
    });

    it('reports a partition it cannot move when no other ISR member is live', () => {
      const r = electControlledShutdownLeader([1, 2], { leader: 1, leaderEpoch: 0, isr: [1] }, liveSet(2), new Set([1]));
      expect(r).to.deep.equal({ moved: false, result: null });
    });
  });

  describe('electPreferredLeader', () => {
    it('moves leadership back to the first replica when it is live and in sync', () => {
      expect(electPreferredLeader([1, 2], { leader: 2, leaderEpoch: 5, isr: [2, 1] }, liveSet(1, 2)))
        .to.deep.equal({ leader: 1, leaderEpoch: 6, isr: [2, 1] });
    });

    it('does nothing when the preferred replica already leads or is out of sync', () => {
      expect(electPreferredLeader([1, 2], { leader: 1, leaderEpoch: 5, isr: [1, 2] }, liveSet(1, 2))).to.equal(null);
      expect(electPreferredLeader([1, 2], { leader: 2, leaderEpoch: 5, isr: [2] }, liveSet(1, 2))).to.equal(null);
    });
  });

  describe('electReassignedPartitionLeader', () => {
    it('hands leadership from a leaving leader to the first live in-sync replica of the target', () => {
      expect(electReassignedPartitionLeader([3, 4], { leader: 1, leaderEpoch: 2, isr: [1, 4, 3] }, liveSet(1, 3, 4)))
        .to.deep.equal({ leader: 3, leaderEpoch: 3, isr: [4, 3] });
    });

    it('keeps a leader that stays, still bumping the epoch for the new replica list', () => {
      expect(electReassignedPartitionLeader([2, 3], { leader: 2, leaderEpoch: 7, isr: [1, 2, 3] }, liveSet(1, 2, 3)))
        .to.deep.equal({ leader: 2, leaderEpoch: 8, isr: [2, 3] });
    });

    it('moves away from a staying leader that is offline', () => {
      expect(electReassignedPartitionLeader([2, 3], { leader: 2, leaderEpoch: 1, isr: [2, 3] }, liveSet(3)))
        .to.deep.equal({ leader: 3, leaderEpoch: 2, isr: [2, 3] });
    });

    it('never empties the ISR: with no target replica in sync the leader is none and the last member stays', () => {
      expect(electReassignedPartitionLeader([3], { leader: 1, leaderEpoch: 1, isr: [1] }, liveSet(1, 3)))
        .to.deep.equal({ leader: -1, leaderEpoch: 2, isr: [1] });
    });
  });

  it('bumpLeaderEpoch keeps leader and ISR under the next epoch', () => {
    expect(bumpLeaderEpoch({ leader: 2, leaderEpoch: 4, isr: [2, 1] })).to.deep.equal({ leader: 2, leaderEpoch: 5, isr: [2, 1] });
  });
});
