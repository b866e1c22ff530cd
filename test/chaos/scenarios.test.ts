import { expect } from 'chai';
import { assertBenchmarkAddress } from '../../chaos/netns';
import { topologyNodes } from '../../chaos/cluster';
import { Rng } from '../../chaos/rng';
import { parseChaosArgs } from '../../chaos/run';
import { SCENARIOS } from '../../chaos/scenarios';

describe('chaos suite pieces', () => {
  it('has the six scenarios of the issue', () => {
    expect(SCENARIOS.map((s) => s.name)).to.deep.equal(['zombie-leader', 'controller-isolated', 'follower-isolated', 'zk-quorum', 'client-leader', 'nemesis']);
  });

  it('uses only addresses from 198.18.0.0/15', () => {
    for (const n of topologyNodes({ zookeepers: 3, brokers: 5 })) expect(() => assertBenchmarkAddress(n.address)).not.to.throw();
    for (const bad of ['10.0.0.1', '198.20.0.1', '198.18.0.0', '198.18.1.255', '198.18.0.300']) expect(() => assertBenchmarkAddress(bad)).to.throw(/198.18.0.0\/15/);
  });

  it('repeats the same choices for the same seed', () => {
    const a = new Rng(7);
    const b = new Rng(7);
    const draw = (r: Rng): number[] => [r.int(0, 100), r.int(3000, 10000), ...r.subset([1, 2, 3, 4, 5], 1, 2)];
    expect(draw(a)).to.deep.equal(draw(b));
    expect(draw(new Rng(8))).not.to.deep.equal(draw(new Rng(7)));
  });

  it('parses the runner\'s options and refuses bad ones', () => {
    const o = parseChaosArgs(['--scenario', 'zombie-leader', '--seed', '3', '--duration-s', '20']);
    expect(o).to.include({ seed: 3, durationS: 20 });
    expect((o as { scenarios: string[] }).scenarios).to.deep.equal(['zombie-leader']);
    expect((parseChaosArgs(['--scenario', 'all']) as { scenarios: string[] }).scenarios).to.have.length(6);
    expect(parseChaosArgs(['--scenario', 'nope'])).to.match(/unknown scenario nope/);
    expect(parseChaosArgs(['--duration-s', '0'])).to.match(/--duration-s must be an integer >= 1/);
    expect(parseChaosArgs(['--frobnicate'])).to.match(/unknown option/);
  });
});
