import { expect } from 'chai';
import * as fs from 'fs';
import * as path from 'path';
import { Broker } from '../../lib/broker/broker';
import { Admin } from '../../lib/client/admin';
import { Consumer } from '../../lib/client/consumer';
import { Producer } from '../../lib/client/producer';
import { startBroker, tempDir } from '../helpers/cluster';
import { runCli } from '../helpers/run-cli';
import { waitUntil } from '../helpers/wait';
import { startTestZooKeeper, TestZooKeeper } from '../helpers/zookeeper';

const OVERRIDES = {
  'offsets.topic.num.partitions': 3,
  'offsets.topic.replication.factor': 1,
  'group.initial.rebalance.delay.ms': 0,
  'group.min.session.timeout.ms': 1000,
};
const HOUR_MS = 3600000;

describe('integration/consumer-groups-offsets-cli', function () {
  this.timeout(120000);
  let zk: TestZooKeeper;
  let broker: Broker;
  let bootstrap: string;
  let admin: Admin;
  const groups = (...args: string[]) => runCli('samsa-consumer-groups', ['--bootstrap-server', bootstrap, ...args]);
  const committed = async (group: string) => (await admin.listConsumerGroupOffsets(group)).map((o) => `${o.topic}-${o.partition}@${o.offset}`);

  before(async () => {
    zk = await startTestZooKeeper();
    broker = await startBroker({ brokerId: 1, zkConnect: zk.connectString, overrides: OVERRIDES });
    bootstrap = `127.0.0.1:${broker.port}`;
    admin = new Admin({ bootstrapServers: bootstrap });
    await admin.createTopic({ topic: 'events', numPartitions: 2, replicationFactor: 1 });
    await admin.createTopic({ topic: 'other', numPartitions: 1, replicationFactor: 1 });
    const producer = new Producer({ bootstrapServers: bootstrap, acks: 1, lingerMs: 0 });
    const now = Date.now();
    // events-0: offsets 0-4 three hours old, 5-9 half an hour old; events-1: two old records.
    for (let i = 0; i < 10; i++) await producer.send({ topic: 'events', partition: 0, value: `e${i}`, timestamp: now - (i < 5 ? 3 * HOUR_MS : HOUR_MS / 2) });
    for (let i = 0; i < 2; i++) await producer.send({ topic: 'events', partition: 1, value: `f${i}`, timestamp: now - 3 * HOUR_MS });
    await producer.send({ topic: 'other', value: 'o0' });
    await producer.close();
  });

  after(async () => {
    await admin?.close();
    await broker?.shutdown();
    await zk?.stop();
  });

  it('deletes every requested offset of an empty group', async () => {
    await admin.alterConsumerGroupOffsets('idle', [{ topic: 'events', partition: 0, offset: 7 }, { topic: 'events', partition: 1, offset: 1 }, { topic: 'other', partition: 0, offset: 1 }]);
    const r = await groups('--delete-offsets', '--group', 'idle', '--topic', 'events');
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.equal([
      'Request succeed for deleting offsets with topic events group idle',
      '',
      'TOPIC                          PARTITION       STATUS         ',
      'events                         0               Successful     ',
      'events                         1               Successful     ',
      '',
    ].join('\n'));
    expect(await committed('idle')).to.deep.equal(['other-0@1']);
  });

  it('refuses the topics an active group subscribes to and deletes the others', async () => {
    await admin.alterConsumerGroupOffsets('active', [{ topic: 'other', partition: 0, offset: 1 }]);
    const member = new Consumer({ bootstrapServers: bootstrap, groupId: 'active', sessionTimeoutMs: 6000, heartbeatIntervalMs: 200 });
    try {
      member.subscribe(['events']);
      await waitUntil('a stable group', async () => {
        await member.poll(50);
        return (await admin.describeConsumerGroups(['active']))[0].state === 'Stable';
      });
      await member.commitSync();
      const refused = await groups('--delete-offsets', '--group', 'active', '--topic', 'events:0', '--topic', 'other', '--topic', 'missing');
      expect(refused.code).to.equal(1);
      expect(refused.stderr).to.equal('\nError: Encounter some partition level error, see the follow-up details:\n');
      const rows = refused.stdout.split('\n').filter((l) => l !== '' && !l.startsWith('TOPIC '));
      expect(rows[0]).to.equal('events                         0               Error: Deleting offsets of a topic is forbidden while the consumer group is actively subscribed to it.');
      expect(rows[1]).to.match(/^missing {24}Not Provided {4}Error: /);
      expect(rows[2]).to.equal('other                          0               Successful     ');
      expect(await committed('active')).not.to.include('other-0@1');
      const nope = await groups('--delete-offsets', '--group', 'never-seen', '--topic', 'other');
      expect(nope.code).to.equal(1);
      expect(nope.stderr).to.equal("\nError: 'never-seen' does not exist.\n");
    } finally {
      await member.close();
    }
  });

  it('resets --by-duration to the first record of the last hour, or the log end', async () => {
    const r = await groups('--reset-offsets', '--group', 'recent', '--topic', 'events', '--by-duration', 'PT1H', '--execute');
    expect(r.code, r.stderr).to.equal(0);
    expect(await committed('recent')).to.deep.equal(['events-0@5', 'events-1@2']);
    const all = await groups('--reset-offsets', '--group', 'recent', '--topic', 'events:0', '--by-duration', 'P1D', '--execute');
    expect(all.code, all.stderr).to.equal(0);
    expect(await committed('recent')).to.deep.equal(['events-0@0', 'events-1@2']);
  });

  it('exports a plan as CSV and applies it back with --from-file', async () => {
    const dry = await groups('--reset-offsets', '--group', 'planned', '--topic', 'events', '--to-offset', '1', '--dry-run', '--export');
    expect(dry.code, dry.stderr).to.equal(0);
    expect(dry.stdout).to.equal('events,0,1\nevents,1,1\n\n');
    expect(await committed('planned')).to.deep.equal([]);
    const file = path.join(tempDir('reset-plan'), 'plan.csv');
    fs.writeFileSync(file, dry.stdout);
    const applied = await groups('--reset-offsets', '--group', 'planned', '--from-file', file, '--execute');
    expect(applied.code, applied.stderr).to.equal(0);
    expect(applied.stdout).to.contain('planned                        events                         1          1');
    expect(await committed('planned')).to.deep.equal(['events-0@1', 'events-1@1']);
    const missing = await groups('--reset-offsets', '--group', 'planned', '--from-file', path.join(path.dirname(file), 'none.csv'), '--execute');
    expect(missing.code).to.equal(1);
    expect(missing.stderr).to.contain('cannot read the reset plan');
  });
});
