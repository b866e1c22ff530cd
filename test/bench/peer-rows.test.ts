import { expect } from 'chai';
import { measurePeer, PEERS } from '../../bench/peers/peer-rows';
import { findExecutable, INSTALL_HINT } from '../../bench/peers/servers';

describe('bench/peers/peer-rows', () => {
  it('skips a peer whose server is not installed, naming the package to install', async () => {
    const versions: Record<string, string> = {};
    const row = await measurePeer({ ...PEERS[0], start: async () => null }, 10, 100, versions);
    expect(row.skipped).to.equal(`skipped (not installed: ${INSTALL_HINT.rabbitmq})`);
    expect(row.produce).to.equal(null);
    expect(versions).to.deep.equal({});
  });

  it('reports a server that fails to start instead of failing the whole run', async () => {
    const row = await measurePeer({ ...PEERS[1], start: async () => { throw new Error('nats-server exited while starting:\nboom'); } }, 10, 100, {});
    expect(row.skipped).to.match(/^failed to start: nats-server exited while starting:/);
  });

  it('says which durability each peer was measured with', () => {
    for (const spec of PEERS) expect(spec.durability, spec.system).to.not.equal('');
    expect(PEERS.map((p) => p.kind)).to.include.members(['rabbitmq', 'nats', 'redis']);
  });

  it('finds executables on PATH and returns null for missing ones', () => {
    expect(findExecutable('sh')).to.match(/\/sh$/);
    expect(findExecutable('samsa-no-such-binary-x7')).to.equal(null);
  });
});
