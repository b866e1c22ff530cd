// Incremental cooperative rebalancing (KIP-429) against a real broker: when a second member
// joins, only the partitions that must move are revoked, and the first member keeps reading the
// others while the group rebalances.
import { expect } from 'chai';
import { Admin } from '../../lib/client/admin';
import { Consumer, ConsumerRecord, TopicPartition } from '../../lib/client/consumer';
import { Producer } from '../../lib/client/producer';
import { useOneBroker } from '../helpers/one-broker';
import { runCli } from '../helpers/run-cli';
import { waitUntil } from '../helpers/wait';

const TOPIC = 'coop';
const PARTITIONS = 6;
const key = (tp: TopicPartition): string => `${tp.topic}-${tp.partition}`;

describe('integration/consumer-cooperative-rebalance', function () {
  this.timeout(120000);
  const cluster = useOneBroker({ 'group.min.session.timeout.ms': 1000 });
  const consumers: Consumer[] = [];
  let producing = true;

  function member(events: string[], name: string): Consumer {
    const c = new Consumer({
      bootstrapServers: cluster.native, groupId: 'coop-group', clientId: name, autoOffsetReset: 'earliest',
      partitionAssignmentStrategy: ['cooperative-sticky'], sessionTimeoutMs: 6000, heartbeatIntervalMs: 200, fetchMaxWaitMs: 50,
    });
    c.subscribe([TOPIC], {
      onPartitionsRevoked: (tps) => { events.push(`${name} revoked ${tps.map(key).join(',')}`); },
      onPartitionsAssigned: (tps) => { events.push(`${name} assigned ${tps.map(key).join(',')}`); },
      onPartitionsLost: (tps) => { events.push(`${name} lost ${tps.map(key).join(',')}`); },
    });
    consumers.push(c);
    return c;
  }

  afterEach(async () => {
    producing = false;
    for (const c of consumers.splice(0)) await c.close(5000).catch(() => undefined);
  });

  it('revokes only the partitions that move, and keeps consuming the others during the rebalance', async () => {
    const admin = new Admin({ bootstrapServers: cluster.native });
    await admin.createTopic({ topic: TOPIC, numPartitions: PARTITIONS, replicationFactor: 1 });
    await admin.close();
    const producer = new Producer({ bootstrapServers: cluster.native, lingerMs: 0 });
    const production = (async () => {
      for (let i = 0; producing; i++) {
        await producer.send({ topic: TOPIC, partition: i % PARTITIONS, value: `v${i}` });
        if (i % PARTITIONS === 0) await new Promise((r) => setTimeout(r, 5));
      }
      await producer.close();
    })();

    const events: string[] = [];
    const a = member(events, 'a');
    const readByA: Array<{ at: number; record: ConsumerRecord }> = [];
    let pollingA = true;
    const loopA = (async () => {
      while (pollingA) for (const record of await a.poll(50)) readByA.push({ at: Date.now(), record });
    })();
    await waitUntil('a owns every partition and reads', () => a.assignment().length === PARTITIONS && readByA.length > 100, 30000);
    const before = a.assignment().map(key);

    // b joins: two rebalances follow (a revokes what moves, then b receives it).
    const joinedAt = Date.now();
    const b = member(events, 'b');
    let bAssignedAt = 0;
    const loopB = (async () => {
      while (pollingA) {
        await b.poll(50);
        if (bAssignedAt === 0 && b.assignment().length > 0) bAssignedAt = Date.now();
      }
    })();
    await waitUntil('b receives its share', () => bAssignedAt > 0 && a.assignment().length + b.assignment().length === PARTITIONS, 30000);
    pollingA = false;
    await Promise.all([loopA, loopB]);

    const kept = a.assignment().map(key);
    const moved = b.assignment().map(key);
    expect(kept).to.have.length(3);
    expect(moved).to.have.length(3);
    expect(before).to.include.members([...kept, ...moved]);
    // a was told of exactly the partitions that moved, nothing was lost, and a was never revoked wholesale.
    const revocations = events.filter((e) => e.startsWith('a revoked'));
    expect(revocations).to.deep.equal([`a revoked ${[...moved].sort().join(',')}`]);
    expect(events.filter((e) => e.includes(' lost '))).to.deep.equal([]);
    // During the rebalance (b subscribing until b owning partitions) a kept reading its other partitions.
    const during = readByA.filter((r) => r.at >= joinedAt && r.at <= bAssignedAt && kept.includes(key(r.record)));
    expect(during.length, `records a read from kept partitions in ${bAssignedAt - joinedAt} ms of rebalancing`).to.be.greaterThan(0);

    // samsa-consumer-groups shows the strategy the group runs.
    const state = await runCli('samsa-consumer-groups', ['--bootstrap-server', cluster.native, '--describe', '--group', 'coop-group', '--state'], { timeoutMs: 60000 });
    expect(state.code, state.stderr).to.equal(0);
    expect(state.stdout).to.match(/coop-group\s+\S+ \(1\)\s+cooperative-sticky\s+Stable\s+2/);
    producing = false;
    await production;
    for (const c of consumers.splice(0)) await c.close(5000);
  });
});
