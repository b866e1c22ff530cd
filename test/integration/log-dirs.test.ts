/**
 * Several log.dirs on real broker processes (Kafka's JBOD): partitions spread over a broker's
 * directories, samsa-log-dirs reports them in Kafka's format, and a directory that fails takes
 * only its partitions offline: the controller moves their leadership to another broker while the
 * broker keeps serving the partitions in its other directory.
 *
 * The failure is a real ENOSPC: broker 1's second directory is a small tmpfs that the test fills.
 * chmod does not stop root, and tests run as root here, so this needs mount(2) (CAP_SYS_ADMIN).
 */
import { expect } from 'chai';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { Admin } from '../../lib/client/admin';
import { Consumer } from '../../lib/client/consumer';
import { Producer } from '../../lib/client/producer';
import { ZkClient } from '../../lib/zk/zk-client';
import { BrokerProcess, spawnBroker, tempDir } from '../helpers/cluster';
import { runCli } from '../helpers/run-cli';
import { waitUntil } from '../helpers/wait';
import { startTestZooKeeper, TestZooKeeper } from '../helpers/zookeeper';

const TOPIC = 'spread';
const PARTITIONS = 4;

describe('integration/log-dirs: several log.dirs per broker and a failing one', function () {
  this.timeout(120000);
  let zk: TestZooKeeper;
  let zkClient: ZkClient;
  let root: string;
  let dirA: string;
  let dirB: string;
  let mounted = false;
  const brokers: BrokerProcess[] = [];
  let common: Record<string, number | boolean> = {};
  /** The partition the move test takes from dir-a to dir-b. */
  let moved = -1;

  const bootstrap = (): string => brokers.map((b) => `127.0.0.1:${b.port}`).join(',');

  async function state(partition: number): Promise<{ leader: number; isr: number[] }> {
    return JSON.parse((await zkClient.getData(`/brokers/topics/${TOPIC}/partitions/${partition}/state`)).data!.toString());
  }

  before(async () => {
    root = tempDir('log-dirs');
    dirA = path.join(root, 'dir-a');
    dirB = path.join(root, 'dir-b');
    fs.mkdirSync(dirA);
    fs.mkdirSync(dirB);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', dirB]);
    mounted = true;
    zk = await startTestZooKeeper();
    zkClient = await ZkClient.connect({ connectString: zk.connectString, sessionTimeoutMs: 10000 });
    common = { 'zookeeper.session.timeout.ms': 6000, 'replica.lag.time.max.ms': 4000, 'replica.fetch.backoff.ms': 200, 'auto.leader.rebalance.enable': false };
    brokers.push(await spawnBroker({ brokerId: 1, zkConnect: zk.connectString, logDir: path.join(root, 'b1'), overrides: { ...common, 'log.dirs': `${dirA},${dirB}` } }));
    for (const id of [2, 3]) brokers.push(await spawnBroker({ brokerId: id, zkConnect: zk.connectString, overrides: common }));
    await waitUntil('3 brokers registered', async () => (await zkClient.getChildren('/brokers/ids')).length === 3, 30000, 100);
    const admin = new Admin({ bootstrapServers: bootstrap() });
    try {
      // Broker 1 leads every partition, so the failure must move leadership.
      const replicaAssignment = Object.fromEntries(Array.from({ length: PARTITIONS }, (_, p) => [p, [1, 2, 3]]));
      await admin.createTopic({ topic: TOPIC, replicaAssignment, configs: { 'min.insync.replicas': '1' } });
    } finally {
      await admin.close();
    }
    await waitUntil('every partition fully in sync', async () => {
      for (let p = 0; p < PARTITIONS; p++) {
        const s = await state(p).catch(() => null);
        if (!s || s.leader !== 1 || s.isr.length !== 3) return false;
      }
      return true;
    }, 30000, 100);
  });

  after(async () => {
    for (const b of brokers) await b.stop('SIGKILL');
    await zkClient?.close();
    await zk?.stop();
    if (mounted) execFileSync('umount', ['-l', dirB]);
    if (root) fs.rmSync(root, { recursive: true, force: true });
  });

  /** Which of broker 1's directories holds each partition, from the disk. */
  function placement(): Map<number, string> {
    const found = new Map<number, string>();
    for (const dir of [dirA, dirB]) for (let p = 0; p < PARTITIONS; p++) if (fs.existsSync(path.join(dir, `${TOPIC}-${p}`))) found.set(p, dir);
    return found;
  }

  it('spreads new partitions evenly over the directories, each with its own meta.properties', () => {
    const where = placement();
    expect(where.size).to.equal(PARTITIONS);
    expect([...where.values()].filter((d) => d === dirA)).to.have.length(2);
    expect([...where.values()].filter((d) => d === dirB)).to.have.length(2);
    for (const dir of [dirA, dirB]) expect(fs.readFileSync(path.join(dir, 'meta.properties'), 'utf8')).to.match(/^broker\.id=1$/m);
  });

  it('samsa-log-dirs --describe prints Kafka\'s lines and JSON', async () => {
    const result = await runCli('samsa-log-dirs', ['--bootstrap-server', bootstrap(), '--describe', '--broker-list', '1', '--topic-list', TOPIC]);
    expect(result.code, result.stderr).to.equal(0);
    const where = placement();
    const partitionsIn = (dir: string) => [...where].filter(([, d]) => d === dir).map(([p]) => p).sort()
      .map((p) => `{"partition":"${TOPIC}-${p}","size":0,"offsetLag":0,"isFuture":false}`).join(',');
    expect(result.stdout).to.equal('Querying brokers for log directories information\n'
      + 'Received log directory information from brokers 1\n'
      + `{"version":1,"brokers":[{"broker":1,"logDirs":[{"logDir":"${dirA}","error":null,"partitions":[${partitionsIn(dirA)}]},`
      + `{"logDir":"${dirB}","error":null,"partitions":[${partitionsIn(dirB)}]}]}]}\n`);
    const all = await runCli('samsa-log-dirs', ['--bootstrap-server', bootstrap(), '--describe']);
    expect(all.code, all.stderr).to.equal(0);
    expect(all.stdout.split('\n')[1]).to.equal('Received log directory information from brokers 1,2,3');
    expect(JSON.parse(all.stdout.split('\n')[2]).brokers.map((b: { logDirs: unknown[] }) => b.logDirs.length)).to.deep.equal([2, 1, 1]);
  });

  it('refuses a bad broker list and a missing --describe with exit code 1', async () => {
    const bad = await runCli('samsa-log-dirs', ['--bootstrap-server', bootstrap(), '--describe', '--broker-list', 'x']);
    expect(bad.code).to.equal(1);
    expect(bad.stderr).to.contain("Invalid broker id 'x' in --broker-list");
    const noDescribe = await runCli('samsa-log-dirs', ['--bootstrap-server', bootstrap()]);
    expect(noDescribe.code).to.equal(1);
    expect(noDescribe.stderr).to.contain('Missing required option(s): describe');
  });

  it('moves a replica to the other directory with samsa-reassign-partitions "log_dirs", keeping its data and serving throughout', async () => {
    moved = [...placement()].find(([, d]) => d === dirA)![0];
    const producer = new Producer({ bootstrapServers: bootstrap(), acks: 'all', lingerMs: 0 });
    try {
      for (let i = 0; i < 50; i++) await producer.send({ topic: TOPIC, partition: moved, value: Buffer.from(`before-${i}`) });
      const json = path.join(root, 'move.json');
      fs.writeFileSync(json, JSON.stringify({ version: 1, partitions: [{ topic: TOPIC, partition: moved, replicas: [1, 2, 3], log_dirs: [dirB, 'any', 'any'] }] }));
      const result = await runCli('samsa-reassign-partitions', ['--bootstrap-server', bootstrap(), '--execute', '--reassignment-json-file', json]);
      expect(result.code, result.stderr).to.equal(0);
      expect(result.stdout).to.contain(`Successfully started log directory move for: ${TOPIC}-${moved}-1\n`);
      // Appends go on while the replica moves.
      for (let i = 0; i < 50; i++) await producer.send({ topic: TOPIC, partition: moved, value: Buffer.from(`during-${i}`) });
      await waitUntil('the replica to be in dir-b only', () => placement().get(moved) === dirB && !fs.existsSync(path.join(dirA, `${TOPIC}-${moved}`)), 30000, 100);
      expect((await producer.send({ topic: TOPIC, partition: moved, value: Buffer.from('after') })).offset).to.equal(100);
    } catch (err) {
      throw new Error(`${(err as Error).message}\nbroker 1 output:\n${brokers[0].output()}`);
    } finally {
      await producer.close();
    }
    const described = await runCli('samsa-log-dirs', ['--bootstrap-server', bootstrap(), '--describe', '--broker-list', '1', '--topic-list', TOPIC]);
    const dirs = JSON.parse(described.stdout.split('\n')[2]).brokers[0].logDirs as Array<{ logDir: string; partitions: Array<{ partition: string; size: number; isFuture: boolean }> }>;
    const entry = dirs[1].partitions.find((p) => p.partition === `${TOPIC}-${moved}`);
    expect(entry?.isFuture).to.equal(false);
    expect(entry!.size).to.be.greaterThan(0);
    expect(dirs[0].partitions.map((p) => p.partition)).to.not.include(`${TOPIC}-${moved}`);
    // Every record is still there, read from broker 1 (the leader) out of its new directory.
    const consumer = new Consumer({ bootstrapServers: bootstrap(), autoOffsetReset: 'earliest' });
    try {
      consumer.assign([{ topic: TOPIC, partition: moved }]);
      const values: string[] = [];
      await waitUntil('all 101 records', async () => {
        for (const r of await consumer.poll(500)) values.push(r.value!.toString());
        return values.length >= 101;
      }, 30000, 0);
      expect(values[0]).to.equal('before-0');
      expect(values[50]).to.equal('during-0');
      expect(values[100]).to.equal('after');
    } finally {
      await consumer.close();
    }
  });

  it('takes a full directory offline alone: its partitions move to other leaders, the other directory keeps serving', async () => {
    const where = placement();
    const inB = [...where].filter(([, d]) => d === dirB).map(([p]) => p);
    const target = inB.find((p) => p !== moved)!;
    const inA = [...where].filter(([, d]) => d === dirA).map(([p]) => p);
    // Fill the tmpfs: the next append to a log in it fails with ENOSPC.
    try {
      execFileSync('dd', ['if=/dev/zero', `of=${path.join(dirB, 'filler')}`, 'bs=64k'], { stdio: 'ignore' });
    } catch {
      // dd stops with "No space left on device", which is the point.
    }
    const producer = new Producer({ bootstrapServers: bootstrap(), acks: 'all', retries: 100, requestTimeoutMs: 10000, deliveryTimeoutMs: 60000 });
    try {
      const value = Buffer.alloc(64 * 1024, 'x');
      const sent = await producer.send({ topic: TOPIC, partition: target, value }).catch((err: Error) => {
        throw new Error(`${err.message}\nbroker 1 output:\n${brokers[0].output()}`);
      });
      expect(sent.offset).to.equal(0);
      // The append on broker 1 failed; the retry went to the new leader.
      await waitUntil('leadership of the failed directory\'s partitions moved away from broker 1', async () => {
        for (const p of inB) {
          const s = await state(p);
          if (s.leader === 1 || s.isr.includes(1)) return false;
        }
        return true;
      }, 30000, 100);
      for (const p of inA) expect((await state(p)).leader).to.equal(1);
      // Broker 1 still leads and serves the partitions of its healthy directory.
      const kept = await producer.send({ topic: TOPIC, partition: inA[0], value: Buffer.from('still served') });
      expect(kept.offset).to.equal(0);
    } finally {
      await producer.close();
    }
    const b1 = brokers[0];
    expect(b1.process.exitCode).to.equal(null);
    expect(b1.output()).to.match(new RegExp(`ERROR.*Error in log dir ${dirB.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: .*ENOSPC.*Stopping serving logs in dir`));
    const admin = new Admin({ bootstrapServers: bootstrap() });
    try {
      expect(await admin.listOffsets(TOPIC, inA[0], 'latest')).to.equal(1);
      expect(await admin.listOffsets(TOPIC, target, 'latest')).to.equal(1);
    } finally {
      await admin.close();
    }
    const described = await runCli('samsa-log-dirs', ['--bootstrap-server', bootstrap(), '--describe', '--broker-list', '1', '--topic-list', TOPIC]);
    expect(described.code, described.stderr).to.equal(0);
    const dirs = JSON.parse(described.stdout.split('\n')[2]).brokers[0].logDirs as Array<{ logDir: string; error: string | null; partitions: unknown[] }>;
    expect(dirs[1]).to.deep.equal({ logDir: dirB, error: 'org.apache.kafka.common.errors.KafkaStorageException', partitions: [] });
    expect(dirs[0].error).to.equal(null);
    expect(dirs[0].partitions).to.have.length(inA.length);
    expect(inA).to.not.include(moved);
  });

  it('restarts with a directory that cannot be used: serves the other, reports it failed, and gets no leadership back for its partitions', async () => {
    const where = placement();
    const inA = [...where].filter(([, d]) => d === dirA).map(([p]) => p);
    const inB = [...where].filter(([, d]) => d === dirB).map(([p]) => p);
    expect(await brokers[0].stop('SIGTERM')).to.equal(0);
    // The disk is gone: where the directory was there is now a file.
    execFileSync('umount', ['-l', dirB]);
    mounted = false;
    fs.rmSync(dirB, { recursive: true, force: true });
    fs.writeFileSync(dirB, 'not a directory');
    brokers[0] = await spawnBroker({ brokerId: 1, zkConnect: zk.connectString, port: brokers[0].port, logDir: path.join(root, 'b1'), overrides: { ...common, 'log.dirs': `${dirA},${dirB}` } });
    await waitUntil('broker 1 back in the ISR of its healthy directory\'s partitions', async () => {
      for (const p of inA) if (!(await state(p)).isr.includes(1)) return false;
      return true;
    }, 30000, 100);
    for (const p of inB) {
      expect((await state(p)).isr, `partition ${p}`).to.not.include(1);
      // Not recreated empty in the healthy directory either (LeaderAndIsr's isNew=false is refused, as Kafka).
      expect(fs.existsSync(path.join(dirA, `${TOPIC}-${p}`)), `partition ${p} in dir-a`).to.equal(false);
    }
    expect(brokers[0].output()).to.match(/ERROR.*Error while loading log dir .*dir-b.*This log dir is offline/);
    const described = await runCli('samsa-log-dirs', ['--bootstrap-server', bootstrap(), '--describe', '--broker-list', '1', '--topic-list', TOPIC]);
    expect(described.code, described.stderr).to.equal(0);
    const dirs = JSON.parse(described.stdout.split('\n')[2]).brokers[0].logDirs as Array<{ logDir: string; error: string | null; partitions: Array<{ partition: string }> }>;
    expect(dirs.map((d) => d.error)).to.deep.equal([null, 'org.apache.kafka.common.errors.KafkaStorageException']);
    expect(dirs[0].partitions.map((p) => p.partition).sort()).to.deep.equal(inA.map((p) => `${TOPIC}-${p}`).sort());
  });
});
