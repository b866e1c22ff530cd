import { expect } from 'chai';
import { ControllerContext } from '../../lib/controller/controller-context';
import { partitionsToRebalance } from '../../lib/controller/leader-imbalance';

/** Broker 1 prefers partitions 0..3 of topic t; `ledBy2` of them are led by broker 2 instead. */
function context(ledBy2: number): ControllerContext {
  const ctx = new ControllerContext();
  for (const id of [1, 2]) ctx.liveBrokers.set(id, { id, host: 'h', port: 1, endpoints: [], rack: null, epoch: id });
  ctx.setAssignment('t', new Map([[0, [1, 2]], [1, [1, 2]], [2, [1, 2]], [3, [1, 2]]]));
  for (let p = 0; p < 4; p++) {
    ctx.setState({ topic: 't', partition: p }, { leader: p < ledBy2 ? 2 : 1, leaderEpoch: 1, isr: [1, 2], controllerEpoch: 1, zkVersion: 1 });
  }
  return ctx;
}

const names = (tps: Array<{ topic: string; partition: number }>) => tps.map((tp) => `${tp.topic}-${tp.partition}`);

describe('controller/leader-imbalance', () => {
  it('moves nothing while the share of partitions led elsewhere is at or under the threshold', () => {
    expect(partitionsToRebalance(context(1), 25)).to.deep.equal([]);
  });

  it('hands every movable partition back once the threshold is passed', () => {
    expect(names(partitionsToRebalance(context(2), 25))).to.deep.equal(['t-0', 't-1']);
  });

  it('moves only partitions whose preferred replica is live and in the ISR', () => {
    const ctx = context(2);
    ctx.setState({ topic: 't', partition: 1 }, { leader: 2, leaderEpoch: 2, isr: [2], controllerEpoch: 1, zkVersion: 2 });
    expect(names(partitionsToRebalance(ctx, 10))).to.deep.equal(['t-0']);
    ctx.shuttingDownBrokers.add(1);
    expect(partitionsToRebalance(ctx, 10)).to.deep.equal([]);
  });

  it('leaves leaders alone while any partition is being reassigned', () => {
    const ctx = context(4);
    ctx.setReassignment({ topic: 't', partition: 0 }, { adding: [3], removing: [] });
    expect(partitionsToRebalance(ctx, 10)).to.deep.equal([]);
  });
});
