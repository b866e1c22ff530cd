import { expect } from 'chai';
import * as fc from 'fast-check';
import {
  isBeingReassigned, originReplicas, planReassignment, reassignTo, targetReplicas, validateTargetReplicas,
} from '../../lib/controller/reassignment-plan';
import { ErrorCode } from '../../lib/protocol/errors';

const settled = (...replicas: number[]) => ({ replicas, adding: [], removing: [] });
const live = (...ids: number[]) => (id: number) => ids.includes(id);

describe('controller/reassignment-plan', () => {
  it('puts the target first, then the original replicas that leave, and names what is added and removed', () => {
    expect(reassignTo(settled(1, 2, 3), [3, 4, 5])).to.deep.equal({ replicas: [3, 4, 5, 1, 2], adding: [4, 5], removing: [1, 2] });
  });

  it('records a pure reorder as no move at all', () => {
    const plan = reassignTo(settled(1, 2), [2, 1]);
    expect(plan).to.deep.equal({ replicas: [2, 1], adding: [], removing: [] });
    expect(isBeingReassigned(plan)).to.equal(false);
  });

  it('replaces a move in progress against the same original replicas, dropping replicas it no longer adds', () => {
    const moving = reassignTo(settled(1, 2), [3, 4]);
    expect(moving).to.deep.equal({ replicas: [3, 4, 1, 2], adding: [3, 4], removing: [1, 2] });
    expect(reassignTo(moving, [2, 5])).to.deep.equal({ replicas: [2, 5, 1], adding: [5], removing: [1] });
  });

  it('cancels by moving back to the original replicas (in their current order, as Kafka), and has nothing to cancel on a settled partition', () => {
    const moving = reassignTo(settled(1, 2), [3, 2]);
    expect(planReassignment(moving, null)).to.deep.equal({ replicas: [2, 1], adding: [], removing: [] });
    expect(planReassignment(settled(1, 2), null)).to.equal(null);
  });

  it('recovers the original and target replicas from any move (property)', () => {
    const ids = fc.uniqueArray(fc.integer({ min: 0, max: 9 }), { minLength: 1, maxLength: 5 });
    fc.assert(fc.property(ids, ids, (origin, target) => {
      const plan = reassignTo(settled(...origin), target);
      expect([...originReplicas(plan)].sort()).to.deep.equal([...origin].sort());
      expect(targetReplicas(plan)).to.deep.equal(target.filter((r) => plan.replicas.includes(r)));
      expect(new Set(plan.replicas).size).to.equal(plan.replicas.length);
      expect(plan.replicas.slice(0, target.length)).to.deep.equal(target);
    }));
  });

  it("rejects empty, duplicate and negative replica lists with Kafka's messages", () => {
    const check = (target: number[]) => validateTargetReplicas(settled(1, 2), target, live(1, 2, 3));
    expect(check([])).to.deep.equal({ error: ErrorCode.INVALID_REPLICA_ASSIGNMENT, message: 'Empty replica list specified in partition reassignment.' });
    expect(check([1, 1])?.message).to.equal('Duplicate replica ids in partition reassignment replica list: [1,1]');
    expect(check([1, -2])?.message).to.equal('Invalid broker id in replica list: [1,-2]');
    expect(check([3, 1])).to.equal(null);
  });

  it('requires the replicas a move adds to be live, but not those already assigned', () => {
    const error = validateTargetReplicas(settled(1, 2), [2, 7], live(2, 3));
    expect(error?.error).to.equal(ErrorCode.INVALID_REPLICA_ASSIGNMENT);
    expect(error?.message).to.match(/brokers that are not alive.*\[7\]/);
    expect(validateTargetReplicas(settled(1, 2), [2, 1], live(2))).to.equal(null);
  });
});
