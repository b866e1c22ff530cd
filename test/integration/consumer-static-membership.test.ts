// Static membership (KIP-345) against a real broker: a static member running as its own process
// is SIGKILLed and restarted within session.timeout.ms, and gets its partitions back with no
// rebalance (same generation, the other member never revokes).
import { ChildProcess, spawn } from 'child_process';
import * as path from 'path';
import { expect } from 'chai';
import { Admin } from '../../lib/client/admin';
import type { Broker } from '../../lib/broker/broker';
import { Consumer, TopicPartition } from '../../lib/client/consumer';
import { Producer } from '../../lib/client/producer';
import { REPO_ROOT } from '../helpers/cluster';
import { useOneBroker } from '../helpers/one-broker';
import { runKcat } from '../helpers/kcat';
import { runCli } from '../helpers/run-cli';
import { waitUntil } from '../helpers/wait';

const TOPIC = 'static-topic';
const GROUP = 'static-group';
const key = (tp: TopicPartition): string => `${tp.topic}-${tp.partition}`;

/** The coordinator's view of the group's generation, read from the in-process broker. */
function generationOf(broker: Broker, groupId = GROUP): number | undefined {
  for (const entry of broker['groups']?.loadedGroups() ?? []) if (entry.groupId === groupId) return entry.group.generationId;
  return undefined;
}

describe('integration/consumer-static-membership', function () {
  this.timeout(120000);
  const cluster = useOneBroker({ 'group.min.session.timeout.ms': 1000 });
  const children: ChildProcess[] = [];
  let admin: Admin;
  let other: Consumer | undefined;

  /** A separate consumer process with group.instance.id=static-1 (the console consumer). */
  function staticProcess(): ChildProcess {
    const child = spawn(path.join(REPO_ROOT, 'bin', 'samsa-console-consumer'), [
      '--bootstrap-server', cluster.native, '--topic', TOPIC, '--group', GROUP, '--from-beginning',
      '--consumer-property', 'group.instance.id=static-1', '--consumer-property', 'session.timeout.ms=20000',
      '--consumer-property', 'heartbeat.interval.ms=300', '--consumer-property', 'client.id=static-proc',
    ], { cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
    children.push(child);
    return child;
  }

  async function staticMember() {
    const [d] = await admin.describeConsumerGroups([GROUP]);
    return d.state === 'Stable' ? d.members.find((m) => m.groupInstanceId === 'static-1') : undefined;
  }

  before(async () => {
    admin = new Admin({ bootstrapServers: cluster.native });
    await admin.createTopic({ topic: TOPIC, numPartitions: 4, replicationFactor: 1 });
    const producer = new Producer({ bootstrapServers: cluster.native, lingerMs: 0 });
    await Promise.all([...Array(40).keys()].map((i) => producer.send({ topic: TOPIC, partition: i % 4, value: `v${i}` })));
    await producer.close();
  });

  afterEach(async () => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    await other?.close(5000).catch(() => undefined);
    other = undefined;
  });

  after(async () => {
    await admin?.close();
  });

  it('gives a restarted static member its partitions back without a rebalance', async () => {
    const events: string[] = [];
    other = new Consumer({
      bootstrapServers: cluster.native, groupId: GROUP, groupInstanceId: 'static-2', autoOffsetReset: 'earliest',
      sessionTimeoutMs: 20000, heartbeatIntervalMs: 300, fetchMaxWaitMs: 50,
    });
    other.subscribe([TOPIC], {
      onPartitionsRevoked: (tps) => { events.push(`revoked ${tps.map(key).join(',')}`); },
      onPartitionsAssigned: (tps) => { events.push(`assigned ${tps.map(key).join(',')}`); },
    });
    const first = staticProcess();
    const otherConsumer = other;
    const pollOther = async (): Promise<boolean> => { await otherConsumer.poll(50); return true; };
    await waitUntil('both static members share the partitions', async () => (await pollOther()) && otherConsumer.assignment().length === 2
      && (await staticMember())?.assignment.length === 2, 60000);
    const before = (await staticMember())!;
    const generation = generationOf(cluster.broker);
    expect(generation).to.be.a('number');
    const eventsBefore = events.length;

    // SIGKILL: no LeaveGroup, no commit; then a new process with the same instance id, well within the session timeout.
    first.kill('SIGKILL');
    await new Promise((r) => first.once('exit', r));
    const restarted = staticProcess();
    await waitUntil('the restarted process takes its old place', async () => {
      await pollOther();
      const now = await staticMember();
      return now !== undefined && now.memberId !== before.memberId;
    }, 60000);
    const after = (await staticMember())!;
    expect(after.assignment.map(key).sort()).to.deep.equal(before.assignment.map(key).sort());
    expect(after.memberId.startsWith('static-1-')).to.equal(true);
    for (let i = 0; i < 10; i++) await pollOther();
    expect(generationOf(cluster.broker)).to.equal(generation);
    expect(events.slice(eventsBefore)).to.deep.equal([]);
    expect(otherConsumer.assignment()).to.have.length(2);

    // samsa-consumer-groups shows the instance ids, and --verbose the assignments.
    const described = await runCli('samsa-consumer-groups', ['--bootstrap-server', cluster.native, '--describe', '--group', GROUP, '--members', '--verbose'], { timeoutMs: 60000 });
    expect(described.code, described.stderr).to.equal(0);
    const lines = described.stdout.trim().split('\n');
    expect(lines[0]).to.match(/^GROUP\s+CONSUMER-ID\s+GROUP-INSTANCE-ID\s+HOST\s+CLIENT-ID\s+#PARTITIONS\s+ASSIGNMENT$/);
    const staticLine = lines.find((l) => l.includes(after.memberId))!;
    expect(staticLine).to.match(new RegExp(`^${GROUP}\\s+${after.memberId}\\s+static-1\\s+\\S+\\s+static-proc\\s+2\\s+${TOPIC}\\(\\d,\\d\\)$`));

    // The process dies for good; an admin removes it by instance id (LeaveGroup v3) instead of waiting out the session.
    restarted.kill('SIGKILL');
    await new Promise((r) => restarted.once('exit', r));
    const removed = await admin.removeMembersFromConsumerGroup(GROUP, ['static-1', 'nobody']);
    expect(removed.get('static-1')).to.equal(null);
    expect(removed.get('nobody')?.errorName).to.equal('UNKNOWN_MEMBER_ID');
    await waitUntil('the remaining member owns every partition', async () => (await pollOther()) && otherConsumer.assignment().length === 4, 60000);
  });

  it('lets a static librdkafka member (kcat, Kafka listener, JoinGroup v5+) restart without a rebalance', async () => {
    const run = () => runKcat(['-b', cluster.kafka, '-G', 'kcat-static', '-X', 'group.instance.id=kc-1', '-X', 'session.timeout.ms=20000',
      '-X', 'auto.offset.reset=earliest', '-e', '-q', '-f', '%s\\n', TOPIC], { timeoutMs: 60000 });
    const first = await run();
    expect(first.code, first.stderr).to.equal(0);
    expect(first.stdout.trim().split('\n')).to.have.length(40);
    const generation = generationOf(cluster.broker, 'kcat-static');
    expect(generation).to.be.a('number');
    const second = await run();
    expect(second.code, second.stderr).to.equal(0);
    expect(generationOf(cluster.broker, 'kcat-static')).to.equal(generation);
    const [d] = await admin.describeConsumerGroups(['kcat-static']);
    expect(d.members.map((m) => m.groupInstanceId)).to.deep.equal(['kc-1']);
  });

  it('fences the older of two live consumers sharing a group.instance.id, for good', async () => {
    const mk = (): Consumer => {
      const c = new Consumer({ bootstrapServers: cluster.native, groupId: 'fence-group', groupInstanceId: 'dup', sessionTimeoutMs: 20000, heartbeatIntervalMs: 200 });
      c.subscribe([TOPIC]);
      return c;
    };
    const older = mk();
    const newer = mk();
    try {
      await waitUntil('the older one joins', async () => { await older.poll(50); return older.assignment().length === 4; }, 30000);
      await waitUntil('the newer one takes its place', async () => { await newer.poll(50); return newer.assignment().length === 4; }, 30000);
      let fenced: (Error & { errorName?: string }) | undefined;
      await waitUntil('the older one to be fenced', async () => {
        try {
          await older.poll(50);
        } catch (err) {
          fenced = err as Error;
        }
        return fenced !== undefined;
      }, 30000);
      expect(fenced?.errorName).to.equal('FENCED_INSTANCE_ID');
      const again = await older.poll(50).then(() => null, (err: Error & { errorName?: string }) => err.errorName);
      expect(again).to.equal('FENCED_INSTANCE_ID');
      expect(newer.assignment()).to.have.length(4);
    } finally {
      await older.close(5000);
      await newer.close(5000);
    }
  });
});
