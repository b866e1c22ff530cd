import { expect } from 'chai';
import * as http from 'http';
import { Admin } from '../../lib/client/admin';
import { Consumer } from '../../lib/client/consumer';
import { Producer } from '../../lib/client/producer';
import type { Broker } from '../../lib/broker/broker';
import { freePort, SINGLE_BROKER_GROUPS, startBroker } from '../helpers/cluster';
import { expectIdenticalCopy, MirrorProcess, startMirrorMaker } from '../helpers/mirror-maker';
import { runCli } from '../helpers/run-cli';
import { readWholeTopic } from '../../lib/mirror/internal-topic-reader';
import { waitUntil } from '../helpers/wait';
import { startTestZooKeeper, TestZooKeeper } from '../helpers/zookeeper';

const RECORDS = 3000;
const BASE_TS = 1_600_000_000_000;

function get(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    http.get(url, (res) => {
      let body = '';
      res.on('data', (d) => { body += d; });
      res.on('end', () => resolve(body));
    }).on('error', reject);
  });
}

async function produce(bootstrap: string, topic: string, from: number, to: number): Promise<void> {
  const producer = new Producer({ bootstrapServers: bootstrap, lingerMs: 5 });
  try {
    await Promise.all(Array.from({ length: to - from }, (_, j) => {
      const i = from + j;
      return producer.send({ topic, key: `k${i % 97}`, value: `v${i}`, headers: { trace: `t${i}`, empty: null }, timestamp: BASE_TS + i });
    }));
  } finally {
    await producer.close();
  }
}

/**
 * Two one-broker clusters (two chroots of one ZooKeeper) and samsa-mirror-maker as a separate
 * process with source.cluster.alias=A: topics created and grown on the target with the source's
 * configs, records copied identically, checkpoints letting a group fail over with
 * `samsa-consumer-groups --reset-offsets --to-translated`, and a clean stop on SIGTERM.
 */
describe('integration/mirror-maker', function () {
  this.timeout(180000);
  let zk: TestZooKeeper;
  let a: Broker;
  let b: Broker;
  let source: string;
  let target: string;
  let mm: MirrorProcess | undefined;
  let metricsPort: number;

  before(async () => {
    zk = await startTestZooKeeper();
    const overrides = { ...SINGLE_BROKER_GROUPS, 'auto.create.topics.enable': false };
    a = await startBroker({ brokerId: 1, zkConnect: `${zk.connectString}/a`, overrides });
    b = await startBroker({ brokerId: 2, zkConnect: `${zk.connectString}/b`, overrides });
    source = `127.0.0.1:${a.port}`;
    target = `127.0.0.1:${b.port}`;
    const admin = new Admin({ bootstrapServers: source });
    await admin.createTopic({ topic: 'orders', numPartitions: 3, replicationFactor: 1, configs: { 'retention.ms': '123456789', 'min.insync.replicas': '1' } });
    await admin.createTopic({ topic: 'other', numPartitions: 1, replicationFactor: 1 });
    await admin.close();
    await produce(source, 'orders', 0, RECORDS);
    metricsPort = await freePort();
  });

  afterEach(function () {
    if (this.currentTest?.state === 'failed' && mm) console.log(`mirror maker output:\n${mm.output()}`);
  });

  after(async () => {
    if (mm && mm.child.exitCode === null) {
      mm.child.kill('SIGKILL');
      await mm.exited;
    }
    await a?.shutdown();
    await b?.shutdown();
    await zk?.stop();
  });

  it('creates A.orders with the source partitions and configs, copies every record identically, and reports progress', async () => {
    mm = startMirrorMaker(source, target, 'mirror', 'orders.*', {
      'source.cluster.alias': 'A', 'emit.checkpoints.interval.seconds': '1', 'refresh.topics.interval.seconds': '1',
      'groups': 'app.*', 'sync.group.offsets.enabled': 'true',
    }, ['--offset.commit.interval.ms', '500', '--progress-interval', '500', '--metrics-port', String(metricsPort), '--num.streams', '2']);
    const admin = new Admin({ bootstrapServers: target });
    try {
      await waitUntil('A.orders on the target', async () => (await admin.listTopics()).includes('A.orders'), 60000, 200);
      await waitUntil('every record copied', async () => {
        let n = 0;
        for (let p = 0; p < 3; p++) n += await admin.listOffsets('A.orders', p, 'latest');
        return n === RECORDS;
      }, 60000, 200);
      const [desc] = await admin.describeTopics(['A.orders']);
      expect(desc.partitions).to.have.length(3);
      expect(desc.configs['retention.ms']).to.equal('123456789');
      expect(desc.configs['min.insync.replicas'], 'a cluster-local config is not copied').to.equal(undefined);
      expect(await admin.listTopics()).to.not.include('A.other');
    } finally {
      await admin.close();
    }
    expect(await expectIdenticalCopy(source, 'orders', target, 'A.orders')).to.equal(RECORDS);
    await waitUntil('a progress line', () => /Mirrored \d+ records \(\d+ bytes\).*lag \d+/.test(mm!.output()), 20000, 100);
    let metrics = '';
    await waitUntil('lag 0 on /metrics', async () => {
      metrics = await get(`http://127.0.0.1:${metricsPort}/metrics`);
      return /samsa_mirror_partition_lag\{topic="orders",partition="2"\} 0\n/.test(metrics);
    }, 20000, 200);
    expect(metrics).to.match(new RegExp(`samsa_mirror_records_total ${RECORDS}`));
    expect(metrics).to.match(/samsa_client_producer_record_send_total/);
  });

  it('adds partitions and config changes on the target when the source changes', async () => {
    const src = new Admin({ bootstrapServers: source });
    const dst = new Admin({ bootstrapServers: target });
    try {
      await src.createPartitions('orders', 4);
      await src.incrementalAlterConfigs([{ resource: { type: 'topic', name: 'orders' }, ops: [{ name: 'retention.ms', op: 'set', value: '99999999' }] }]);
      await waitUntil('A.orders grown and reconfigured', async () => {
        const [d] = await dst.describeTopics(['A.orders']);
        return d.partitions.length === 4 && d.configs['retention.ms'] === '99999999';
      }, 30000, 200);
      await produce(source, 'orders', RECORDS, RECORDS + 400);
      await waitUntil('records of the new partition copied', async () => (await dst.listOffsets('A.orders', 3, 'latest')) === await src.listOffsets('orders', 3, 'latest'), 30000, 200);
    } finally {
      await src.close();
      await dst.close();
    }
  });

  it('lets a group that consumed part of orders on A resume on B from its translated offsets, skipping nothing', async () => {
    // The application reads part of each partition on A and commits.
    const app = new Consumer({ bootstrapServers: source, groupId: 'app', autoOffsetReset: 'earliest', enableAutoCommit: false, maxPollRecords: 50 });
    const committed = new Map<number, number>();
    try {
      app.assign([0, 1, 2].map((partition) => ({ topic: 'orders', partition })));
      // poll() drains one partition at a time (as Kafka's consumer does): pause each partition once
      // a good part of it was read, so that none is read to its end.
      const read = new Map<number, number>();
      while ([0, 1, 2].some((p) => (read.get(p) ?? 0) < RECORDS / 8)) {
        for (const r of await app.poll(1000)) read.set(r.partition, (read.get(r.partition) ?? 0) + 1);
        app.pause([0, 1, 2].filter((p) => (read.get(p) ?? 0) >= RECORDS / 8).map((partition) => ({ topic: 'orders', partition })));
      }
      for (let p = 0; p < 3; p++) committed.set(p, await app.position({ topic: 'orders', partition: p }));
      await app.commitSync([...committed].map(([partition, offset]) => ({ topic: 'orders', partition, offset })));
    } finally {
      await app.close();
    }
    // Failover: the checkpoints on B translate the group's offsets.
    await waitUntil('a checkpoint for every partition', async () => {
      const r = await runCli('samsa-consumer-groups', ['--bootstrap-server', target, '--group', 'app', '--reset-offsets', '--to-translated', '--all-topics', '--dry-run']);
      return r.code === 0 && (r.stdout.match(/A\.orders/g) ?? []).length === 3;
    }, 30000, 500);
    const reset = await runCli('samsa-consumer-groups', ['--bootstrap-server', target, '--group', 'app', '--reset-offsets', '--to-translated', '--all-topics', '--execute']);
    expect(reset.code, reset.stderr).to.equal(0);
    const dst = new Admin({ bootstrapServers: target });
    try {
      const offsets = await dst.listConsumerGroupOffsets('app');
      expect(offsets.map((o) => o.partition).sort()).to.deep.equal([0, 1, 2]);
      for (const o of offsets) {
        const c = committed.get(o.partition)!;
        // Identical partitions (no duplicates on B): never past the committed offset, at most offset.lag.max before it.
        expect(o.offset, `partition ${o.partition}`).to.be.at.most(c);
        expect(c - o.offset, `partition ${o.partition}`).to.be.below(100);
      }
    } finally {
      await dst.close();
    }
    // The group resumes on B: its first records include the one it would have read next on A.
    const resumed = new Consumer({ bootstrapServers: target, groupId: 'app', enableAutoCommit: false });
    try {
      resumed.assign([0, 1, 2].map((partition) => ({ topic: 'A.orders', partition })));
      const firstOffset = new Map<number, number>();
      const seen = new Map<number, Set<number>>();
      await waitUntil('records from every partition', async () => {
        for (const r of await resumed.poll(500)) {
          if (!firstOffset.has(r.partition)) firstOffset.set(r.partition, r.offset);
          const s = seen.get(r.partition) ?? new Set<number>();
          s.add(r.offset);
          seen.set(r.partition, s);
        }
        return [0, 1, 2].every((p) => seen.get(p)?.has(committed.get(p)!));
      }, 30000, 50);
      for (const p of [0, 1, 2]) expect(firstOffset.get(p)!).to.be.at.most(committed.get(p)!);
    } finally {
      await resumed.close();
    }
  });

  it('with sync.group.offsets.enabled, commits translated offsets to an idle group on the target', async () => {
    const src = new Admin({ bootstrapServers: source });
    const dst = new Admin({ bootstrapServers: target });
    try {
      await src.alterConsumerGroupOffsets('app-synced', [{ topic: 'orders', partition: 1, offset: 500 }]);
      await src.alterConsumerGroupOffsets('other-group', [{ topic: 'orders', partition: 1, offset: 500 }]);
      await waitUntil('app-synced committed on the target', async () => (await dst.listConsumerGroupOffsets('app-synced')).length === 1, 30000, 200);
      const [o] = await dst.listConsumerGroupOffsets('app-synced');
      expect(o.topic).to.equal('A.orders');
      expect(o.offset).to.be.at.most(500).and.above(400);
      expect(await dst.listConsumerGroupOffsets('other-group'), 'groups not matching `groups` are left alone').to.deep.equal([]);
    } finally {
      await src.close();
      await dst.close();
    }
  });

  it('stops cleanly on SIGTERM with every copied offset committed on the source', async () => {
    mm!.child.kill('SIGTERM');
    const code = await mm!.exited;
    expect(code, mm!.output()).to.equal(0);
    expect(mm!.output()).to.match(/Mirror maker stopped after copying \d+ records/);
    const src = new Admin({ bootstrapServers: source });
    try {
      const offsets = await src.listConsumerGroupOffsets('mirror');
      for (const o of offsets) expect(o.offset, `orders-${o.partition}`).to.equal(await src.listOffsets('orders', o.partition, 'latest'));
      expect(offsets).to.have.length(4);
    } finally {
      await src.close();
    }
  });

  it('restarted after a clean stop, continues where it committed without duplicating a record', async () => {
    await produce(source, 'orders', RECORDS + 400, RECORDS + 900);
    mm = startMirrorMaker(source, target, 'mirror', 'orders.*', { 'source.cluster.alias': 'A', 'refresh.topics.interval.seconds': '1' },
      ['--offset.commit.interval.ms', '500']);
    const src = new Admin({ bootstrapServers: source });
    const dst = new Admin({ bootstrapServers: target });
    try {
      await waitUntil('the new records copied', async () => {
        for (let p = 0; p < 4; p++) if ((await dst.listOffsets('A.orders', p, 'latest')) !== await src.listOffsets('orders', p, 'latest')) return false;
        return true;
      }, 60000, 200);
    } finally {
      await src.close();
      await dst.close();
    }
    expect(await expectIdenticalCopy(source, 'orders', target, 'A.orders')).to.equal(RECORDS + 900);
    mm.child.kill('SIGTERM');
    expect(await mm.exited, mm.output()).to.equal(0);
  });

  describe('a record the target refuses', () => {
    before(async () => {
      const src = new Admin({ bootstrapServers: source });
      const dst = new Admin({ bootstrapServers: target });
      const producer = new Producer({ bootstrapServers: source });
      try {
        for (const topic of ['big1', 'big2']) {
          await src.createTopic({ topic, numPartitions: 1, replicationFactor: 1 });
          // Not synced (sync.topic.configs.enabled=false): the target's copy takes records of at most 1000 bytes.
          await dst.createTopic({ topic, numPartitions: 1, replicationFactor: 1, configs: { 'max.message.bytes': '1000' } });
          for (const value of ['a', 'b', 'c', 'x'.repeat(5000), 'd', 'e']) await producer.send({ topic, value });
        }
      } finally {
        await producer.close();
        await src.close();
        await dst.close();
      }
    });

    const run = (topic: string, abort: string): MirrorProcess => startMirrorMaker(source, target, `mm-${topic}`, topic,
      { 'sync.topic.configs.enabled': 'false', 'emit.checkpoints.enabled': 'false' },
      ['--abort.on.send.failure', abort, '--offset.commit.interval.ms', '200', '--progress-interval', '300'], { 'batch.size': '1' });

    it('stops the mirror maker (exit code 1) without committing past it, by default', async () => {
      mm = run('big1', 'true');
      expect(await mm.exited, mm.output()).to.equal(1);
      expect(mm.output()).to.match(/Sending big1-0@3 to big1 failed/);
      const src = new Admin({ bootstrapServers: source });
      try {
        expect((await src.listConsumerGroupOffsets('mm-big1')).map((o) => o.offset)).to.deep.equal([3]);
      } finally {
        await src.close();
      }
    });

    it('is skipped and counted with --abort.on.send.failure false', async () => {
      mm = run('big2', 'false');
      await waitUntil('a progress line with the failure and no lag', () => /1 send failures; lag 0: big2-0=0/.test(mm!.output()), 30000, 100);
      mm.child.kill('SIGTERM');
      expect(await mm.exited, mm.output()).to.equal(0);
      const values = (await readWholeTopic({ bootstrapServers: target }, 'big2')).map((r) => r.value!.toString());
      expect(values).to.deep.equal(['a', 'b', 'c', 'd', 'e']);
    });
  });
});
