import { expect } from 'chai';
import { committedOffsetLags, GROUP_STATES, groupStateCounts, GroupView } from '../../lib/http/group-metrics';

const group = (groupId: string, state: GroupView['state'], committed: Array<[string, number, number]> = []): GroupView => ({
  groupId, state, committed: () => committed.map(([topic, partition, offset]) => ({ topic, partition, offset })),
});

describe('http/group-metrics', () => {
  it('counts groups per state, every state present even at 0', () => {
    const counts = groupStateCounts([group('a', 'Stable'), group('b', 'Stable'), group('c', 'Empty')]);
    expect([...counts.keys()]).to.deep.equal([...GROUP_STATES]);
    expect(counts.get('Stable')).to.equal(2);
    expect(counts.get('Empty')).to.equal(1);
    expect(counts.get('PreparingRebalance')).to.equal(0);
  });

  it('reports lag against the high watermark of partitions led here only, never below 0', () => {
    const partitions = [
      { topic: 't', partition: 0, isLeader: true, highWatermark: 10 },
      { topic: 't', partition: 1, isLeader: false, highWatermark: 7 },
      { topic: 'u', partition: 0, isLeader: true, highWatermark: 3 },
    ];
    const lags = committedOffsetLags([group('g', 'Stable', [['t', 0, 4], ['t', 1, 0], ['u', 0, 5], ['gone', 0, 1]])], partitions);
    expect(lags).to.deep.equal([
      { groupId: 'g', topic: 't', partition: 0, lag: 6 },
      { groupId: 'g', topic: 'u', partition: 0, lag: 0 },
    ]);
  });
});
