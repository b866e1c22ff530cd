/**
 * One scenario run, inside the control namespace (started by run.ts, which owns the network and
 * cleans up after it): starts the ZooKeeper ensemble and the brokers, creates the topics, starts
 * the workload in the client namespace, runs the scenario, heals, lets the cluster recover and go
 * quiet, reads every partition to its end, checks, and writes <dir>/result.json.
 *
 * Usage: node scenario-main.js <scenario> <seed> <hold-s> <dir> <nodes-json>
 */
import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { Admin } from '../lib/client/admin';
import { Consumer } from '../lib/client/consumer';
import { AckLine, check, CheckInput, ConsumedLine, LogEntry, SendErrorLine } from './checker';
import { ChaosCluster, waitFor, ZkView } from './cluster';
import { dropFrom, healAll, inNamespace, NetNode } from './netns';
import { Rng } from './rng';
import { scenarioByName, ScenarioContext } from './scenarios';
import { Timeline } from './timeline';
import { CHECKED_TOPIC, CONTROL_TOPIC } from './workload';

const PARTITIONS = 6;
const CONTROL_PARTITIONS = 3;
const MIN_ISR = 2;
const RATE_PER_PRODUCER = 40;

export interface ScenarioResult {
  scenario: string;
  seed: number;
  holdSeconds: number;
  startedAt: string;
  finishedAt: string;
  ok: boolean;
  report: ReturnType<typeof check>;
  scenarioViolations: string[];
  marks: Record<string, unknown>;
  timeline: Timeline['events'];
  settings: Record<string, string | number>;
}

function readJsonl<T>(file: string): T[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  const out: T[] = [];
  for (const line of text.split('\n')) {
    if (!line) continue;
    try {
      out.push(JSON.parse(line) as T);
    } catch {
      // a line cut short by a kill: ignore
    }
  }
  return out;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function createTopics(cluster: ChaosCluster, pureFollower: boolean): Promise<void> {
  const admin = new Admin({ bootstrapServers: cluster.bootstrapServers, requestTimeoutMs: 30000 });
  try {
    const ids = cluster.brokers.map((b) => cluster.brokerId(b));
    const replicaAssignment: Record<number, number[]> = {};
    for (let p = 0; p < PARTITIONS; p++) {
      if (pureFollower) {
        // The last broker follows every partition and leads none; leaders rotate over the others.
        const leaders = ids.slice(0, -1);
        replicaAssignment[p] = [leaders[p % leaders.length], leaders[(p + 1) % leaders.length], ids[ids.length - 1]];
      } else {
        replicaAssignment[p] = [0, 1, 2].map((k) => ids[(p + k) % ids.length]);
      }
    }
    const configs = { 'min.insync.replicas': String(MIN_ISR), 'unclean.leader.election.enable': 'false' };
    await admin.createTopic({ topic: CHECKED_TOPIC, replicaAssignment, configs });
    await admin.createTopic({ topic: CONTROL_TOPIC, numPartitions: CONTROL_PARTITIONS, replicationFactor: 3, configs });
  } finally {
    await admin.close();
  }
}

async function readAll(cluster: ChaosCluster, topic: string): Promise<Map<number, LogEntry[]>> {
  const admin = new Admin({ bootstrapServers: cluster.bootstrapServers, requestTimeoutMs: 20000 });
  const consumer = new Consumer({ bootstrapServers: cluster.bootstrapServers, requestTimeoutMs: 20000, autoOffsetReset: 'earliest' });
  const out = new Map<number, LogEntry[]>();
  try {
    const [desc] = await admin.describeTopics([topic]);
    const ends = new Map<number, number>();
    for (const p of desc.partitions) {
      ends.set(p.partition, await admin.listOffsets(topic, p.partition, 'latest'));
      out.set(p.partition, []);
    }
    consumer.assign(desc.partitions.map((p) => ({ topic, partition: p.partition })));
    for (const p of desc.partitions) consumer.seek({ topic, partition: p.partition }, 'earliest');
    const deadline = Date.now() + 120000;
    const done = (): boolean => [...ends].every(([p, end]) => {
      const list = out.get(p) ?? [];
      return end === 0 || (list.length > 0 && list[list.length - 1].o >= end - 1);
    });
    while (!done()) {
      if (Date.now() > deadline) throw new Error(`chaos: could not read ${topic} to its end within 120 s`);
      for (const r of await consumer.poll(1000)) out.get(r.partition)?.push({ o: r.offset, v: r.value?.toString('utf8') ?? '' });
    }
  } finally {
    await consumer.close(5000).catch(() => undefined);
    await admin.close().catch(() => undefined);
  }
  return out;
}

async function main(): Promise<void> {
  const [name, seedArg, holdArg, dir, nodesJson] = process.argv.slice(2);
  const scenario = scenarioByName(name);
  if (!scenario) throw new Error(`unknown scenario ${name}`);
  const seed = Number(seedArg);
  const holdMs = Number(holdArg) * 1000;
  const nodes = JSON.parse(nodesJson) as NetNode[];
  const cluster = new ChaosCluster(nodes, dir);
  const timeline = new Timeline();
  const startedAt = new Date().toISOString();
  let workload: ChildProcess | null = null;
  const shutdown = async (): Promise<void> => {
    timeline.stop();
    workload?.kill('SIGKILL');
    await cluster.stopAll();
  };
  process.once('SIGTERM', () => void shutdown().then(() => process.exit(143)));
  process.once('SIGINT', () => void shutdown().then(() => process.exit(130)));

  try {
    timeline.add('setup', `starting ${cluster.zookeepers.length} ZooKeeper(s) and ${cluster.brokers.length} broker(s)`);
    await cluster.startZooKeepers();
    await cluster.startBrokers();
    await createTopics(cluster, scenario.pureFollower === true);
    const zk = await ZkView.connect(cluster.zookeeperConnect);
    await waitFor(async () => (await zk.partitions(CHECKED_TOPIC)).every((s) => s.leader >= 0 && s.isr.length === 3), 60000, 'the topic\'s ISRs');
    timeline.watch(zk, CHECKED_TOPIC);

    const client = cluster.node('client');
    const argv = inNamespace(client, [process.execPath, path.join(__dirname, 'workload.js'), cluster.bootstrapServers, dir, String(RATE_PER_PRODUCER)]);
    const wlog = fs.openSync(path.join(dir, 'workload.log'), 'a');
    workload = spawn(argv[0], argv.slice(1), { stdio: ['ignore', wlog, wlog], env: { ...process.env, SAMSA_LOG_LEVEL: 'warn' } });
    const workloadExit = new Promise<void>((resolve) => workload?.once('exit', () => resolve()));
    const acks = (): AckLine[] => readJsonl<AckLine>(path.join(dir, 'acks.jsonl'));
    const ackedPartitionsSince = (t: number): Set<number> => new Set(acks().filter((a) => a.t >= t).map((a) => a.p));
    const warmupFrom = Date.now();
    await waitFor(async () => ackedPartitionsSince(warmupFrom).size === PARTITIONS, 90000, 'the workload to write to every partition');
    await sleep(3000);
    timeline.add('workload', 'acks=all writes acknowledged on every partition; starting the scenario');

    const rng = new Rng(seed);
    const ctx: ScenarioContext = {
      cluster, timeline, rng, holdMs,
      partitionStates: () => zk.partitions(CHECKED_TOPIC),
      controller: () => zk.controller(),
      controllerEpoch: () => zk.controllerEpoch(),
      cut(from, to, twoWay, why) {
        for (const t of to) for (const f of from) {
          dropFrom(t, f);
          if (twoWay) dropFrom(f, t);
        }
        timeline.add('partition', why);
      },
      heal() {
        healAll(cluster.nodes);
        timeline.add('heal', 'all DROP rules removed');
      },
      async kill(id) {
        await cluster.kill9(`b${id}`);
        timeline.add('kill', `broker ${id} killed with SIGKILL`);
      },
      async restart(id) {
        cluster.startBroker(id);
        timeline.add('restart', `broker ${id} restarted`);
      },
      sleep,
      acks,
    };
    const marks = await scenario.run(ctx);
    ctx.heal();
    for (const b of cluster.brokers) if (!cluster.isRunning(b.name)) await ctx.restart(cluster.brokerId(b));
    const healedAt = timeline.last('heal')?.t ?? Date.now();

    // Recovery: keep writing until every partition has acknowledged a write since the heal.
    await waitFor(async () => ackedPartitionsSince(healedAt).size === PARTITIONS, 120000, 'writes to every partition after healing').catch((err: Error) => {
      timeline.add('not-recovered', err.message.split('\n')[0]);
    });
    await sleep(3000);
    workload.kill('SIGTERM');
    await Promise.race([workloadExit, sleep(90000)]);
    workload.kill('SIGKILL');
    timeline.add('workload', 'workload stopped');

    // Quiet period: wait for full ISRs (followers caught up), at most 90 s.
    await waitFor(async () => (await zk.partitions(CHECKED_TOPIC)).every((s) => s.isr.length === 3), 90000, 'full ISRs').catch(() => {
      timeline.add('quiet', 'ISRs still not full after 90 s');
    });
    await sleep(2000);
    timeline.stop();
    const finalLog = await readAll(cluster, CHECKED_TOPIC);
    const controlLog = await readAll(cluster, CONTROL_TOPIC);
    const finalPartitions = await zk.partitions(CHECKED_TOPIC);
    const input: CheckInput = {
      acks: acks(),
      sendErrors: readJsonl<SendErrorLine>(path.join(dir, 'errors.jsonl')),
      consumed: readJsonl<ConsumedLine>(path.join(dir, 'consumed.jsonl')),
      finalLog,
      control: {
        acks: readJsonl<AckLine>(path.join(dir, 'control-acks.jsonl')),
        sendErrors: readJsonl<SendErrorLine>(path.join(dir, 'control-errors.jsonl')),
        finalLog: controlLog,
      },
      finalPartitions,
      minInsyncReplicas: MIN_ISR,
      healedAt,
    };
    const report = check(input);
    const scenarioViolations = scenario.verify(report, marks, ctx);
    await zk.close().catch(() => undefined);
    const result: ScenarioResult = {
      scenario: scenario.name, seed, holdSeconds: holdMs / 1000, startedAt, finishedAt: new Date().toISOString(),
      ok: report.violations.length === 0 && scenarioViolations.length === 0,
      report, scenarioViolations, marks, timeline: timeline.events,
      settings: {
        zookeepers: cluster.zookeepers.length, brokers: cluster.brokers.length, partitions: PARTITIONS, replicationFactor: 3,
        minInsyncReplicas: MIN_ISR, zookeeperSessionTimeoutMs: 10000, replicaLagTimeMaxMs: 10000, producersAcksAll: 2, recordsPerSecondPerProducer: RATE_PER_PRODUCER,
      },
    };
    fs.writeFileSync(path.join(dir, 'result.json'), `${JSON.stringify(result, null, 2)}\n`);
  } finally {
    await shutdown();
  }
  process.exit(0);
}

if (require.main === module) {
  main().catch((err) => {
    process.stderr.write(`chaos scenario failed: ${String((err as Error).stack ?? err)}\n`);
    process.exit(1);
  });
}
