import { expect } from 'chai';
import { Admin } from '../../lib/client/admin';
import { Consumer } from '../../lib/client/consumer';
import { Producer } from '../../lib/client/producer';
import type { Broker } from '../../lib/broker/broker';
import { SINGLE_BROKER_GROUPS, startBroker } from '../helpers/cluster';
import { expectIdenticalCopy, MirrorProcess, startMirrorMaker } from '../helpers/mirror-maker';
import { ReplicatedCluster } from '../helpers/replicated-cluster';
import { runCli } from '../helpers/run-cli';
import { waitUntil } from '../helpers/wait';

const TOPIC = 'orders';
const PARTITIONS = 3;
const RECORDS = 100000;

async function sumLatest(admin: Admin, topic: string): Promise<number> {
  let n = 0;
  for (let p = 0; p < PARTITIONS; p++) n += await admin.listOffsets(topic, p, 'latest');
  return n;
}

/**
 * The acceptance test: samsa-mirror-maker (a separate process) copies 100,000 keyed records
 * from cluster A (3 broker processes, RF=3) to cluster B (one broker in a ZooKeeper chroot of A's
 * ZooKeeper) while the leader of one source partition is SIGKILLed; B ends up identical per
 * partition, and a group that consumed half on A resumes on B from its translated offsets
 * without skipping a record.
 */
describe('system/mirror-maker-failover', function () {
  this.timeout(300000);
  const a = new ReplicatedCluster([1, 2, 3]);
  let b: Broker;
  let target: string;
  let mm: MirrorProcess | undefined;
  const committed = new Map<number, number>();

  before(async () => {
    await a.start();
    await a.createTopic(TOPIC, PARTITIONS, { 'min.insync.replicas': '2' });
    b = await startBroker({ brokerId: 1, zkConnect: `${a.zk.connectString}/b`, overrides: SINGLE_BROKER_GROUPS });
    target = `127.0.0.1:${b.port}`;
  });

  after(async () => {
    if (mm && mm.child.exitCode === null) {
      mm.child.kill('SIGKILL');
      await mm.exited;
    }
    await b?.shutdown();
    await a.stop();
  });

  afterEach(function () {
    if (this.currentTest?.state === 'failed' && mm) console.log(`mirror maker output:\n${mm.output()}`);
  });

  it('copies 100,000 records identically per partition while the source leader is SIGKILLed', async () => {
    const producer = new Producer({ bootstrapServers: a.bootstrap, lingerMs: 10, batchSize: 65536 });
    try {
      const sends: Array<Promise<unknown>> = [];
      for (let i = 0; i < RECORDS; i++) {
        sends.push(producer.send({ topic: TOPIC, key: `customer-${i % 1000}`, value: `order-${i}`, headers: { seq: String(i) }, timestamp: 1_600_000_000_000 + i }));
      }
      await Promise.all(sends);
    } finally {
      await producer.close();
    }
    // A group reads half of every partition on A and commits.
    const app = new Consumer({ bootstrapServers: a.bootstrap, groupId: 'app', autoOffsetReset: 'earliest', enableAutoCommit: false });
    try {
      app.assign([0, 1, 2].map((partition) => ({ topic: TOPIC, partition })));
      const read = new Map<number, number>();
      const admin = new Admin({ bootstrapServers: a.bootstrap });
      const halves = await Promise.all([0, 1, 2].map(async (p) => Math.floor((await admin.listOffsets(TOPIC, p, 'latest')) / 2)));
      await admin.close();
      for (const p of [0, 1, 2]) read.set(p, 0);
      while ([0, 1, 2].some((p) => read.get(p)! < halves[p])) {
        for (const r of await app.poll(500)) read.set(r.partition, Math.max(read.get(r.partition)!, r.offset + 1));
        for (const p of [0, 1, 2]) if (read.get(p)! >= halves[p]) app.pause([{ topic: TOPIC, partition: p }]);
      }
      for (const p of [0, 1, 2]) committed.set(p, read.get(p)!);
      await app.commitSync([...committed].map(([partition, offset]) => ({ topic: TOPIC, partition, offset })));
    } finally {
      await app.close();
    }

    mm = startMirrorMaker(a.bootstrap, target, 'mirror', TOPIC, { 'emit.checkpoints.interval.seconds': '1', 'refresh.topics.interval.seconds': '2' },
      ['--offset.commit.interval.ms', '1000', '--progress-interval', '2000']);
    const dst = new Admin({ bootstrapServers: target });
    try {
      await waitUntil('a fifth of the records on B', async () => (await dst.listTopics()).includes(TOPIC) && (await sumLatest(dst, TOPIC)) >= RECORDS / 5, 120000, 100);
      const victim = (await a.partitionState(TOPIC, 0)).leader;
      await a.stopBroker(victim, 'SIGKILL');
      console.log(`      killed broker ${victim} (leader of ${TOPIC}-0) with ${await sumLatest(dst, TOPIC)} records copied`);
      await waitUntil('every record on B', async () => (await sumLatest(dst, TOPIC)) === RECORDS, 180000, 500);
    } finally {
      await dst.close();
    }
    expect(await expectIdenticalCopy(a.bootstrap, TOPIC, target, TOPIC)).to.equal(RECORDS);
    expect(mm.child.exitCode, 'the mirror maker is still running').to.equal(null);
  });

  it('lets the group resume on B from its translated offsets without skipping a record', async () => {
    await waitUntil('checkpoints of every partition of group app', async () => {
      const r = await runCli('samsa-consumer-groups', ['--bootstrap-server', target, '--group', 'app', '--reset-offsets', '--to-translated', '--topic', TOPIC, '--dry-run']);
      return r.code === 0 && r.stderr.trim() === '' && (r.stdout.match(/app\s+orders\s+\d/g) ?? []).length === PARTITIONS;
    }, 60000, 1000);
    const reset = await runCli('samsa-consumer-groups', ['--bootstrap-server', target, '--group', 'app', '--reset-offsets', '--to-translated', '--topic', TOPIC, '--execute']);
    expect(reset.code, reset.stderr).to.equal(0);
    const resumed = new Consumer({ bootstrapServers: target, groupId: 'app', enableAutoCommit: false });
    try {
      const translated = await resumed.committed([0, 1, 2].map((partition) => ({ topic: TOPIC, partition })));
      for (const t of translated) {
        const c = committed.get(t.partition)!;
        expect(t.offset, `partition ${t.partition}`).to.be.a('number');
        expect(t.offset!, `partition ${t.partition}: never past the group's position on A`).to.be.at.most(c);
        expect(c - t.offset!, `partition ${t.partition}: re-reads at most offset.lag.max records`).to.be.below(100);
      }
      resumed.subscribe([TOPIC]);
      const first = new Map<number, { offset: number; value: string }>();
      await waitUntil('records of every partition on B', async () => {
        for (const r of await resumed.poll(500)) if (!first.has(r.partition)) first.set(r.partition, { offset: r.offset, value: r.value!.toString() });
        return first.size === PARTITIONS;
      }, 60000, 10);
      for (const [p, f] of first) expect(f.offset, `partition ${p}`).to.equal(translated.find((t) => t.partition === p)!.offset);
    } finally {
      await resumed.close();
    }
  });

  it('stops on SIGTERM with every copied source offset committed', async () => {
    mm!.child.kill('SIGTERM');
    expect(await mm!.exited, mm!.output()).to.equal(0);
    const src = new Admin({ bootstrapServers: a.bootstrap });
    try {
      const offsets = await src.listConsumerGroupOffsets('mirror');
      expect(offsets).to.have.length(PARTITIONS);
      for (const o of offsets) expect(o.offset, `${TOPIC}-${o.partition}`).to.equal(await src.listOffsets(TOPIC, o.partition, 'latest'));
    } finally {
      await src.close();
    }
  });
});
