import { expect } from 'chai';
import { ControllerContext } from '../../lib/controller/controller-context';

function context(): ControllerContext {
  const ctx = new ControllerContext();
  for (const id of [1, 2, 3]) ctx.liveBrokers.set(id, { id, host: 'h', port: 1, endpoints: [], rack: null, epoch: id });
  ctx.setAssignment('t', new Map([[0, [1, 2]], [1, [2, 3]], [2, [3, 1]], [3, [1]]]));
  ctx.setState({ topic: 't', partition: 0 }, { leader: 1, leaderEpoch: 0, isr: [1, 2], controllerEpoch: 1, zkVersion: 0 });
  ctx.setState({ topic: 't', partition: 1 }, { leader: 2, leaderEpoch: 0, isr: [2, 3], controllerEpoch: 1, zkVersion: 0 });
  ctx.setState({ topic: 't', partition: 2 }, { leader: -1, leaderEpoch: 3, isr: [3], controllerEpoch: 1, zkVersion: 2 });
  return ctx;
}

const names = (tps: Array<{ topic: string; partition: number }>) => tps.map((tp) => `${tp.topic}-${tp.partition}`);

describe('controller/controller-context', () => {
  it('lists partitions with no leader, a departed leader or a departed ISR member as needing an election', () => {
    const ctx = context();
    expect(names(ctx.partitionsNeedingElection())).to.deep.equal(['t-2']);
    ctx.liveBrokers.delete(3);
    expect(names(ctx.partitionsNeedingElection())).to.deep.equal(['t-1', 't-2']);
  });

  it('counts a broker in controlled shutdown as present for elections but not as a leader candidate', () => {
    const ctx = context();
    ctx.shuttingDownBrokers.add(1);
    expect(names(ctx.partitionsNeedingElection())).to.deep.equal(['t-2']);
    expect(ctx.isLive(1)).to.equal(false);
    expect(ctx.isRegistered(1)).to.equal(true);
  });

  it('lists partitions never elected as new, except for topics being deleted', () => {
    const ctx = context();
    expect(names(ctx.newPartitions())).to.deep.equal(['t-3']);
    ctx.topicsToDelete.set('t', new Set([1]));
    expect(ctx.newPartitions()).to.deep.equal([]);
    expect(ctx.partitionsNeedingElection()).to.deep.equal([]);
  });

  it('finds partitions by replica and by leader', () => {
    const ctx = context();
    expect(names(ctx.partitionsOnBrokers([3]))).to.deep.equal(['t-1', 't-2']);
    expect(names(ctx.partitionsLedBy(1))).to.deep.equal(['t-0']);
  });

  it('keeps its own copy of an ISR it is given', () => {
    const ctx = context();
    const isr = [1, 2];
    ctx.setState({ topic: 't', partition: 3 }, { leader: 1, leaderEpoch: 0, isr, controllerEpoch: 1, zkVersion: 0 });
    isr.push(3);
    expect(ctx.state({ topic: 't', partition: 3 })!.isr).to.deep.equal([1, 2]);
  });
});
