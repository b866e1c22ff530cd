import { expect } from 'chai';
import { Broker } from '../../lib/broker/broker';
import { Admin } from '../../lib/client/admin';
import { Consumer } from '../../lib/client/consumer';
import { Producer } from '../../lib/client/producer';
import { startBroker } from '../helpers/cluster';
import { waitUntil } from '../helpers/wait';
import { runCli } from '../helpers/run-cli';
import { startTestZooKeeper, TestZooKeeper } from '../helpers/zookeeper';

const OVERRIDES = {
  'offsets.topic.num.partitions': 3,
  'offsets.topic.replication.factor': 1,
  'group.initial.rebalance.delay.ms': 0,
  'group.min.session.timeout.ms': 1000,
};

/** The data rows of a `--describe` table, as column arrays (header and blank lines dropped). */
function table(stdout: string): string[][] {
  return stdout.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('GROUP ')).map((l) => l.trim().split(/\s+/));
}

describe('integration/consumer-groups-cli', function () {
  this.timeout(120000);
  let zk: TestZooKeeper;
  let broker: Broker;
  let bootstrap: string;
  let admin: Admin;

  const groups = (...args: string[]) => runCli('samsa-consumer-groups', ['--bootstrap-server', bootstrap, ...args]);
  const consume = (...args: string[]) => runCli('samsa-console-consumer', ['--bootstrap-server', bootstrap, '--topic', 'lagged', ...args]);

  before(async () => {
    zk = await startTestZooKeeper();
    broker = await startBroker({ brokerId: 1, zkConnect: zk.connectString, overrides: OVERRIDES });
    bootstrap = `127.0.0.1:${broker.port}`;
    admin = new Admin({ bootstrapServers: bootstrap });
    await admin.createTopic({ topic: 'lagged', numPartitions: 2, replicationFactor: 1 });
    const producer = new Producer({ bootstrapServers: bootstrap, lingerMs: 0 });
    await Promise.all(Array.from({ length: 10 }, (_, i) => producer.send({ topic: 'lagged', value: `m${i}`, partition: i % 2 })));
    await producer.close();
  });

  after(async () => {
    await admin?.close();
    await broker?.shutdown();
    await zk?.stop();
  });

  it('shows lag before and after consuming, replays after a reset to earliest, and deletes the group', async () => {
    // A reset creates the (so far unknown) group's offsets at the start: all 10 records are lag.
    const init = await groups('--reset-offsets', '--group', 'lag-g', '--topic', 'lagged', '--to-earliest', '--execute');
    expect(init.code, init.stderr).to.equal(0);
    expect(table(init.stdout)).to.deep.equal([['lag-g', 'lagged', '0', '0'], ['lag-g', 'lagged', '1', '0']]);
    const before = await groups('--describe', '--group', 'lag-g');
    expect(before.code, before.stderr).to.equal(0);
    expect(before.stderr).to.contain("Consumer group 'lag-g' has no active members.");
    expect(table(before.stdout)).to.deep.equal([
      ['lag-g', 'lagged', '0', '0', '5', '5', '-', '-', '-'],
      ['lag-g', 'lagged', '1', '0', '5', '5', '-', '-', '-'],
    ]);

    const partly = await consume('--group', 'lag-g', '--max-messages', '4');
    expect(partly.code, partly.stderr).to.equal(0);
    expect(partly.stdout.trim().split('\n')).to.have.length(4);
    const middle = table((await groups('--describe', '--group', 'lag-g', '--offsets')).stdout);
    expect(middle.reduce((sum, row) => sum + Number(row[5]), 0)).to.equal(6);

    const rest = await consume('--group', 'lag-g', '--max-messages', '6');
    expect(rest.code, rest.stderr).to.equal(0);
    const printed = [...partly.stdout.trim().split('\n'), ...rest.stdout.trim().split('\n')].sort();
    expect(printed).to.deep.equal(Array.from({ length: 10 }, (_, i) => `m${i}`).sort());
    const after = table((await groups('--describe', '--group', 'lag-g')).stdout);
    expect(after.map((row) => row.slice(2, 6))).to.deep.equal([['0', '5', '5', '0'], ['1', '5', '5', '0']]);

    const reset = await groups('--reset-offsets', '--group', 'lag-g', '--all-topics', '--to-earliest', '--execute');
    expect(reset.code, reset.stderr).to.equal(0);
    const replay = await consume('--group', 'lag-g', '--max-messages', '10');
    expect(replay.stdout.trim().split('\n').sort()).to.deep.equal(printed);

    const listed = await groups('--list');
    expect(listed.stdout.split('\n')).to.include('lag-g');
    const deleted = await groups('--delete', '--group', 'lag-g');
    expect(deleted.stdout).to.equal("Deletion of requested consumer groups ('lag-g') was successful.\n");
    const gone = await groups('--describe', '--group', 'lag-g');
    expect(gone.code).to.equal(1);
    expect(gone.stderr).to.contain("Error: Consumer group 'lag-g' does not exist.");
  });

  it('refuses to reset the offsets of a group with active members and describes its state and members', async () => {
    const member = new Consumer({ bootstrapServers: bootstrap, groupId: 'busy-g', clientId: 'busy-client', sessionTimeoutMs: 6000, heartbeatIntervalMs: 200 });
    try {
      member.subscribe(['lagged']);
      await waitUntil('a stable group', async () => {
        await member.poll(50);
        return (await admin.describeConsumerGroups(['busy-g']))[0].state === 'Stable';
      });
      // Heartbeats keep the member in the group between polls.
      const refused = await groups('--reset-offsets', '--group', 'busy-g', '--all-topics', '--to-earliest', '--execute');
      expect(refused.code).to.equal(1);
      expect(refused.stderr).to.contain("Error: Assignments can only be reset if the group 'busy-g' is inactive, but the current state is Stable.");
      const state = await groups('--describe', '--group', 'busy-g', '--state');
      expect(table(state.stdout)).to.deep.equal([['busy-g', `127.0.0.1:${broker.port}`, '(1)', 'range', 'Stable', '1']]);
      const members = await groups('--describe', '--group', 'busy-g', '--members', '--verbose');
      const [row] = table(members.stdout);
      expect(row.slice(2)).to.deep.equal(['/127.0.0.1', 'busy-client', '2', 'lagged(0,1)']);
    } finally {
      await member.close();
    }
  });
});
