import { expect } from 'chai';
import { ControllerZk } from '../../lib/controller/controller-zk';
import { UncleanElectionConfig } from '../../lib/controller/unclean-election-config';

/** The two reads the config cache makes, backed by maps, counting topic-config reads. */
function stubZk(configs: Record<string, Record<string, string>>, changes: Record<string, string>): { zk: ControllerZk; reads: string[] } {
  const reads: string[] = [];
  const zk = {
    topicConfig: async (topic: string) => (reads.push(topic), configs[topic] ?? {}),
    readConfigChange: async (name: string) => changes[name] ?? null,
  };
  return { zk: zk as unknown as ControllerZk, reads };
}

const KEY = 'unclean.leader.election.enable';

describe('controller/unclean-election-config', () => {
  it('uses the broker default unless the topic overrides it, reading each topic once', async () => {
    const { zk, reads } = stubZk({ lossy: { [KEY]: 'TRUE' }, strict: { [KEY]: 'false' }, odd: { [KEY]: 'maybe' } }, {});
    const config = new UncleanElectionConfig(zk, () => false);
    await config.load(['lossy', 'strict', 'odd', 'plain', 'lossy']);
    await config.load(['lossy']);
    expect(['lossy', 'strict', 'odd', 'plain'].map((t) => config.get(t))).to.deep.equal([true, false, false, false]);
    expect(reads.sort()).to.deep.equal(['lossy', 'odd', 'plain', 'strict']);
    expect(new UncleanElectionConfig(zk, () => true).get('never-loaded')).to.equal(true);
  });

  it('reads the broker default at each use (a dynamic broker config), for loaded topics without an override too', async () => {
    const { zk } = stubZk({ strict: { [KEY]: 'false' } }, {});
    let brokerDefault = false;
    const config = new UncleanElectionConfig(zk, () => brokerDefault);
    await config.load(['plain', 'strict']);
    brokerDefault = true;
    expect([config.get('plain'), config.get('strict')]).to.deep.equal([true, false]);
  });

  it('drops the cached value of topics named by config change notifications newer than the tenure', async () => {
    const configs: Record<string, Record<string, string>> = { t: { [KEY]: 'false' } };
    const { zk, reads } = stubZk(configs, {
      config_change_0000000001: 'topics/t',
      config_change_0000000002: 'topics/t',
      config_change_0000000003: 'brokers/1',
    });
    const config = new UncleanElectionConfig(zk, () => false);
    config.start(['config_change_0000000001']);
    await config.load(['t']);
    configs.t = { [KEY]: 'true' };
    expect(await config.onChanges(['config_change_0000000001'])).to.deep.equal([]);
    expect(await config.onChanges(['config_change_0000000001', 'config_change_0000000002', 'config_change_0000000003'])).to.deep.equal(['t']);
    expect(await config.onChanges(['config_change_0000000002'])).to.deep.equal([]);
    await config.load(['t']);
    expect(config.get('t')).to.equal(true);
    expect(reads).to.deep.equal(['t', 't']);
  });
});
