import { expect } from 'chai';
import { Broker } from '../../lib/broker/broker';
import { allApis } from '../../lib/protocol/api';
import { startBroker } from '../helpers/cluster';
import { runCli } from '../helpers/run-cli';
import { waitUntil } from '../helpers/wait';
import { startTestZooKeeper, TestZooKeeper } from '../helpers/zookeeper';

/** samsa-broker-api-versions, run as its own process, against a real two-broker cluster. */
describe('integration/broker-api-versions', function () {
  this.timeout(60000);
  let zk: TestZooKeeper;
  const brokers: Broker[] = [];

  before(async () => {
    zk = await startTestZooKeeper();
    for (const id of [1, 2]) brokers.push(await startBroker({ brokerId: id, zkConnect: zk.connectString }));
    await waitUntil('both brokers in each other\'s metadata', () => brokers.every((b) => b.metadataCache.liveBrokers().length === 2));
  });

  after(async () => {
    for (const b of brokers) await b.shutdown();
    await zk?.stop();
  });

  it("prints every broker's API ranges in Kafka's format, bootstrapped from one of them", async () => {
    const result = await runCli('samsa-broker-api-versions', ['--bootstrap-server', `127.0.0.1:${brokers[1].port}`]);
    expect(result.stderr).to.equal('');
    expect(result.code).to.equal(0);
    const body = allApis().map((a) => `\t${a.name}(${a.key}): ${a.minVersion === a.maxVersion ? a.minVersion : `${a.minVersion} to ${a.maxVersion}`} [usable: ${a.maxVersion}]`).join(',\n');
    const expected = brokers.map((b) => `127.0.0.1:${b.port} (id: ${b.brokerId} rack: null) -> (\n${body}\n)\n`).join('');
    expect(result.stdout).to.equal(expected);
    // Fixed lines of the native table, as a reader would grep them.
    expect(result.stdout).to.contain('\tProduce(0): 0 [usable: 0],\n\tFetch(1): 0 to 1 [usable: 1],\n');
    expect(result.stdout).to.contain('\tUpdateMetadata(6): 0 to 1 [usable: 1],\n');
    expect(result.stdout).to.contain('\tDeleteRecords(21): 0 [usable: 0],\n');
  });

  it('fails with exit code 1 when no broker can be reached', async () => {
    const result = await runCli('samsa-broker-api-versions', ['--bootstrap-server', '127.0.0.1:1', '--command-config', '/dev/null']);
    expect(result.code).to.equal(1);
    expect(result.stderr).to.match(/^Error: /);
  });
});
