import { expect } from 'chai';
import * as fc from 'fast-check';
import { assignReplicasToBrokers } from '../../lib/controller/replica-assignment';
import { ErrorCode, SamsaError } from '../../lib/protocol/errors';

function asObject(assignment: Map<number, number[]>): Record<number, number[]> {
  return Object.fromEntries(assignment);
}

describe('controller/replica-assignment', () => {
  it("reproduces Kafka's known layout for 5 brokers, 10 partitions, replication factor 3 from index 0", () => {
    // The expected map is Kafka's AdminTest.testReplicaAssignment fixture.
    expect(asObject(assignReplicasToBrokers([0, 1, 2, 3, 4], 10, 3, 0))).to.deep.equal({
      0: [0, 1, 2],
      1: [1, 2, 3],
      2: [2, 3, 4],
      3: [3, 4, 0],
      4: [4, 0, 1],
      5: [0, 2, 3],
      6: [1, 3, 4],
      7: [2, 4, 0],
      8: [3, 0, 1],
      9: [4, 1, 2],
    });
  });

  it('places brokers by sorted id whatever order they are given in', () => {
    expect(asObject(assignReplicasToBrokers([3, 1, 2], 3, 2, 0))).to.deep.equal(asObject(assignReplicasToBrokers([1, 2, 3], 3, 2, 0)));
    expect(asObject(assignReplicasToBrokers([30, 10, 20], 2, 1, 0))).to.deep.equal({ 0: [10], 1: [20] });
  });

  it('continues an existing assignment when given the next partition id (adding partitions)', () => {
    const full = assignReplicasToBrokers([0, 1, 2, 3], 7, 2, 1);
    const added = assignReplicasToBrokers([0, 1, 2, 3], 3, 2, 1, 4);
    expect([...added.keys()]).to.deep.equal([4, 5, 6]);
    for (const [p, replicas] of added) expect(replicas).to.deep.equal(full.get(p));
  });

  it('draws the start index and replica shift from the random source when no index is fixed', () => {
    const draws = [0.99, 0.0];
    const assignment = assignReplicasToBrokers([0, 1, 2], 2, 2, undefined, undefined, () => draws.shift() as number);
    // start index 2 (0.99 * 3), replica shift 0: leaders 2 then 0, followers one step further on.
    expect(asObject(assignment)).to.deep.equal({ 0: [2, 0], 1: [0, 1] });
  });

  it('gives every partition distinct replicas from the broker list', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 0, max: 1000 }), { minLength: 1, maxLength: 9 }),
        fc.integer({ min: 1, max: 60 }),
        fc.integer({ min: 1, max: 9 }),
        fc.integer({ min: -1, max: 8 }),
        (brokers, partitions, rfWish, start) => {
          const rf = Math.min(rfWish, brokers.length);
          const assignment = assignReplicasToBrokers(brokers, partitions, rf, start);
          expect(assignment.size).to.equal(partitions);
          for (const replicas of assignment.values()) {
            expect(replicas).to.have.length(rf);
            expect(new Set(replicas).size).to.equal(rf);
            for (const b of replicas) expect(brokers).to.include(b);
          }
        },
      ),
      { numRuns: 100 },
    );
  });

  it('spreads leaders and replicas evenly when partitions are a multiple of the broker count', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 8 }), fc.integer({ min: 1, max: 5 }), fc.nat(), (n, rounds, rfSeed) => {
        const brokers = Array.from({ length: n }, (_, i) => i + 1);
        const rf = 1 + (rfSeed % n);
        const assignment = assignReplicasToBrokers(brokers, n * rounds, rf);
        const leaders = new Map<number, number>();
        const replicas = new Map<number, number>();
        for (const list of assignment.values()) {
          leaders.set(list[0], (leaders.get(list[0]) ?? 0) + 1);
          for (const b of list) replicas.set(b, (replicas.get(b) ?? 0) + 1);
        }
        for (const b of brokers) {
          expect(leaders.get(b)).to.equal(rounds);
          expect(replicas.get(b)).to.equal(rounds * rf);
        }
      }),
      { numRuns: 100 },
    );
  });

  it('spreads leaders within one of each other for any partition count', () => {
    const assignment = assignReplicasToBrokers([1, 2, 3, 4], 7, 2);
    const counts = [1, 2, 3, 4].map((b) => [...assignment.values()].filter((r) => r[0] === b).length);
    expect(Math.max(...counts) - Math.min(...counts)).to.be.at.most(1);
  });

  it('rejects a replication factor larger than the number of brokers with the broker-side message', () => {
    let caught: unknown;
    try {
      assignReplicasToBrokers([1], 1, 3);
    } catch (err) {
      caught = err;
    }
    expect(caught).to.be.instanceOf(SamsaError);
    expect((caught as SamsaError).code).to.equal(ErrorCode.INVALID_REPLICATION_FACTOR.code);
    expect((caught as SamsaError).message).to.contain('Replication factor: 3 larger than available brokers: 1.');
  });

  it('rejects zero partitions and a zero replication factor', () => {
    expect(() => assignReplicasToBrokers([1, 2], 0, 1)).to.throw(SamsaError, /partitions must be larger than 0/);
    expect(() => assignReplicasToBrokers([1, 2], 1, 0)).to.throw(SamsaError, /Replication factor must be larger than 0/);
  });
});
