import { expect } from 'chai';
import type { BrokerVersionInfo } from '../../lib/client/admin-api-versions';
import { main, versionsText } from '../../lib/cli/broker-api-versions';
import { SamsaError, ErrorCode } from '../../lib/protocol/errors';
import { allApis } from '../../lib/protocol/api';
import { captureIo } from './capture-io';

/** The whole native table as a broker of this build answers it. */
const ALL = allApis().map((a) => ({ apiKey: a.key, minVersion: a.minVersion, maxVersion: a.maxVersion }));

function fakeAdmin(infos: BrokerVersionInfo[]) {
  return () => ({ connect: async () => undefined, listAllBrokerVersionInfo: async () => infos, close: async () => undefined });
}

describe('cli/broker-api-versions', () => {
  it("formats a broker's ranges as Kafka's NodeApiVersions: usable, too new, too old, unknown and unsupported", () => {
    const text = versionsText([
      { apiKey: 0, minVersion: 0, maxVersion: 0 },
      { apiKey: 6, minVersion: 0, maxVersion: 3 },
      { apiKey: 1, minVersion: 5, maxVersion: 7 },
      { apiKey: 999, minVersion: 0, maxVersion: 2 },
    ]);
    const lines = text.split('\n');
    expect(lines[0]).to.equal('(');
    expect(lines[1]).to.equal('\tProduce(0): 0 [usable: 0],');
    expect(lines[2]).to.equal('\tFetch(1): 5 to 7 [unusable: node too new],');
    expect(lines[3]).to.equal('\tListOffsets(2): UNSUPPORTED,');
    expect(text).to.contain('\tUpdateMetadata(6): 0 to 3 [usable: 1],\n');
    expect(text.endsWith('\tUNKNOWN(999): 0 to 2\n)')).to.equal(true);
  });

  it('prints every broker by id, and an unreachable one as ERROR with exit code 1', async () => {
    const io = captureIo();
    const code = await main(['--bootstrap-server', 'localhost:1'], io, fakeAdmin([
      { node: { nodeId: 2, host: 'b', port: 9093, rack: 'r2' }, apiVersions: [], error: new SamsaError(ErrorCode.NETWORK_EXCEPTION, 'connection refused') },
      { node: { nodeId: 1, host: 'a', port: 9092, rack: null }, apiVersions: ALL, error: null },
    ]));
    expect(io.stdoutText()).to.equal(`a:9092 (id: 1 rack: null) -> ${versionsText(ALL)}\nb:9093 (id: 2 rack: r2) -> ERROR: connection refused\n`);
    expect(versionsText(ALL)).to.not.contain('UNSUPPORTED');
    expect(code).to.equal(1);
  });

  it('requires --bootstrap-server', async () => {
    const io = captureIo();
    expect(await main(['--command-config', 'x.properties'], io, fakeAdmin([]))).to.equal(1);
    expect(io.stderrText()).to.equal("Error: Missing required option(s): bootstrap-server\nTry 'samsa-broker-api-versions --help' for more information.\n");
  });
});
