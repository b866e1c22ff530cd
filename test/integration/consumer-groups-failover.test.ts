import { expect } from 'chai';
import { ChildProcess, spawn } from 'child_process';
import * as path from 'path';
import { Broker } from '../../lib/broker/broker';
import { Admin } from '../../lib/client/admin';
import type { ConsumerGroupDescription } from '../../lib/client/admin-groups';
import { Producer } from '../../lib/client/producer';
import { REPO_ROOT, startBroker } from '../helpers/cluster';
import { waitUntil } from '../helpers/wait';
import { startTestZooKeeper, TestZooKeeper } from '../helpers/zookeeper';

const SESSION_TIMEOUT_MS = 6000;
const OVERRIDES = {
  'offsets.topic.num.partitions': 3,
  'offsets.topic.replication.factor': 1,
  'group.initial.rebalance.delay.ms': 0,
};

interface ConsoleConsumer {
  child: ChildProcess;
  output(): string;
}

describe('integration/consumer-groups-failover', function () {
  this.timeout(120000);
  let zk: TestZooKeeper;
  let broker: Broker;
  let bootstrap: string;
  let admin: Admin;
  const children: ConsoleConsumer[] = [];

  /** A `samsa-console-consumer --group fo` process printing every record it reads. */
  function startConsoleConsumer(): ConsoleConsumer {
    const child = spawn(path.join(REPO_ROOT, 'bin', 'samsa-console-consumer'), [
      '--bootstrap-server', bootstrap, '--topic', 'six', '--group', 'fo', '--from-beginning',
      '--consumer-property', `session.timeout.ms=${SESSION_TIMEOUT_MS}`, '--consumer-property', 'heartbeat.interval.ms=500',
    ], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout!.on('data', (d) => { out += d.toString(); });
    child.stderr!.on('data', () => undefined);
    const handle = { child, output: () => out };
    children.push(handle);
    return handle;
  }

  async function describeGroup(): Promise<ConsumerGroupDescription> {
    return (await admin.describeConsumerGroups(['fo']))[0];
  }

  async function waitForShares(what: string, counts: number[], timeoutMs: number): Promise<ConsumerGroupDescription> {
    let last!: ConsumerGroupDescription;
    await waitUntil(what, async () => {
      last = await describeGroup();
      const shares = last.members.map((m) => m.assignment.length).sort();
      return last.state === 'Stable' && JSON.stringify(shares) === JSON.stringify(counts);
    }, timeoutMs, 100);
    return last;
  }

  async function produce(prefix: string, count: number): Promise<string[]> {
    const producer = new Producer({ bootstrapServers: bootstrap, lingerMs: 0 });
    const values = Array.from({ length: count }, (_, i) => `${prefix}${i}`);
    await Promise.all(values.map((value, i) => producer.send({ topic: 'six', value, partition: i % 6 })));
    await producer.close();
    return values;
  }

  before(async () => {
    zk = await startTestZooKeeper();
    broker = await startBroker({ brokerId: 1, zkConnect: zk.connectString, overrides: OVERRIDES });
    bootstrap = `127.0.0.1:${broker.port}`;
    admin = new Admin({ bootstrapServers: bootstrap });
    await admin.createTopic({ topic: 'six', numPartitions: 6, replicationFactor: 1 });
  });

  after(async () => {
    for (const c of children) c.child.kill('SIGKILL');
    await admin?.close();
    await broker?.shutdown();
    await zk?.stop();
  });

  it('shares 6 partitions 2-2-2, moves a killed member\'s share to the others within the session timeout, and gives a newcomer a share', async () => {
    const [a, b, c] = [startConsoleConsumer(), startConsoleConsumer(), startConsoleConsumer()];
    const three = await waitForShares('three members with two partitions each', [2, 2, 2], 30000);
    const owned = new Set(three.members.flatMap((m) => m.assignment.map((tp) => tp.partition)));
    expect([...owned].sort()).to.deep.equal([0, 1, 2, 3, 4, 5]);
    const first = await produce('first-', 30);
    await waitUntil('every record to be printed once', () => first.every((v) => [a, b, c].some((x) => x.output().split('\n').includes(v))));

    const killedAt = Date.now();
    c.child.kill('SIGKILL');
    await waitForShares('two members with three partitions each', [3, 3], SESSION_TIMEOUT_MS + 10000);
    const takeoverMs = Date.now() - killedAt;
    expect(takeoverMs).to.be.below(SESSION_TIMEOUT_MS + 6000);
    const second = await produce('second-', 30);
    await waitUntil('the survivors to print every new record', () => second.every((v) => [a, b].some((x) => x.output().split('\n').includes(v))), 20000);

    const d = startConsoleConsumer();
    await waitForShares('a third member again', [2, 2, 2], 30000);
    const third = await produce('third-', 30);
    await waitUntil('every record after the newcomer joined to be printed', () => third.every((v) => [a, b, d].some((x) => x.output().split('\n').includes(v))), 20000);
    expect(third.some((v) => d.output().split('\n').includes(v))).to.equal(true);
  });
});
