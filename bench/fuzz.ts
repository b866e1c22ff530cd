/**
 * `npm run fuzz`: a long fuzz run of both wire protocols against one live broker.
 *
 * Starts a real ZooKeeper and one broker process through bin/samsa-server-start (a child process,
 * so its memory is measured alone) with a native and a Kafka listener, creates a topic for the
 * fuzz seeds and a `canary` topic no seed names, then sends mutated frames over many
 * connections in parallel: native ones (test/helpers/frame-mutator.ts) to the native listener
 * and Kafka ones (test/helpers/kafka-frame-mutator.ts) to the Kafka listener, at the same time.
 * At the end the broker must still be running and serve both listeners (version tables,
 * Metadata, a produce + fetch round trip on the canary); otherwise the run fails (exit 1).
 * Broker RSS is read from /proc/<pid>/status before, at the end, and after a settle period.
 *
 *   npm run fuzz -- [--frames N] [--protocols native,kafka] [--concurrency N] [--seed N]
 *                   [--idle-ms N] [--settle-ms N] [--include-known-issues]
 */
import * as fs from 'fs';
import * as path from 'path';
import { Connection } from '../lib/client/connection';
import { Api } from '../lib/protocol/api';
import { allKafkaApis } from '../lib/protocol/kafka/kafka-apis';
import { BrokerProcess, freePort, portOpen, spawnBroker, tempDir } from '../test/helpers/cluster';
import { FrameMutator, MUTATION_KINDS } from '../test/helpers/frame-mutator';
import { buildSeedFrames } from '../test/helpers/fuzz-seeds';
import { KAFKA_MUTATION_KINDS, KafkaFrameMutator } from '../test/helpers/kafka-frame-mutator';
import { kafkaProfile, nativeProfile, ServedVersions, WireProfile } from '../test/helpers/fuzz-wire-profiles';
import { buildKafkaSeedFrames, KafkaSeedFrame } from '../test/helpers/kafka-fuzz-seeds';
import { waitUntil } from '../test/helpers/wait';
import { startTestZooKeeper } from '../test/helpers/zookeeper';
import { CANARY_TOPIC, checkKafkaServes, checkNativeServes, FUZZ_TOPIC, hostedTopics, kafkaServedVersions } from './fuzz-checks';
import { knownIssue, knownKafkaIssue } from './fuzz-known-issues';
import { emptyCounters, FuzzCounters, LaneFrame, runLane } from './fuzz-lane';

const PROTOCOLS = ['native', 'kafka'] as const;
type Protocol = typeof PROTOCOLS[number];

interface FuzzOptions {
  frames: number;
  protocols: Protocol[];
  concurrency: number;
  seed: number;
  idleMs: number;
  settleMs: number;
  includeKnownIssues: boolean;
}

const USAGE = 'usage: fuzz [--frames N] [--protocols native,kafka] [--concurrency N] [--seed N] [--idle-ms N] [--settle-ms N] [--include-known-issues]';

function parseArgs(argv: string[]): FuzzOptions {
  const o: FuzzOptions = { frames: 1_000_000, protocols: [...PROTOCOLS], concurrency: 32, seed: 1, idleMs: 300, settleMs: 15000, includeKnownIssues: false };
  const names: Record<string, 'frames' | 'concurrency' | 'seed' | 'idleMs' | 'settleMs'> = {
    '--frames': 'frames', '--concurrency': 'concurrency', '--seed': 'seed', '--idle-ms': 'idleMs', '--settle-ms': 'settleMs',
  };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--include-known-issues') {
      o.includeKnownIssues = true;
      continue;
    }
    if (argv[i] === '--protocols') {
      const list = (argv[i + 1] ?? '').split(',').filter((p) => p !== '');
      if (list.length === 0 || list.some((p) => !(PROTOCOLS as readonly string[]).includes(p))) throw new Error(`${USAGE} (bad: --protocols ${argv[i + 1] ?? ''})`);
      o.protocols = [...new Set(list)] as Protocol[];
      i++;
      continue;
    }
    const key = names[argv[i]];
    const value = Number(argv[i + 1]);
    if (!key || !Number.isInteger(value) || value < 0) throw new Error(`${USAGE} (bad: ${argv[i]} ${argv[i + 1] ?? ''})`);
    o[key] = value;
    i++;
  }
  if (o.concurrency < o.protocols.length) throw new Error(`--concurrency must be at least ${o.protocols.length}, one lane per protocol`);
  return o;
}

/** VmRSS and VmHWM (peak) of a process, in KiB. */
function memoryOf(pid: number): { rssKiB: number; peakKiB: number } {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const field = (name: string): number => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rssKiB: field('VmRSS'), peakKiB: field('VmHWM') };
}

function openFds(pid: number): number {
  return fs.readdirSync(`/proc/${pid}/fd`).length;
}

const mib = (kib: number): string => `${(kib / 1024).toFixed(1)} MiB`;
const count = (n: number): string => n.toLocaleString('en-US');

async function createTopics(port: number): Promise<void> {
  const conn = new Connection({ host: '127.0.0.1', port, clientId: 'fuzz-setup' });
  try {
    const res = await conn.send(Api.CreateTopics, {
      topics: [
        { name: FUZZ_TOPIC, numPartitions: 2, replicationFactor: 1, assignments: [], configs: [] },
        { name: CANARY_TOPIC, numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] },
      ],
      timeoutMs: 15000, validateOnly: false,
    });
    for (const t of res.topics) if (t.errorCode !== 0) throw new Error(`creating ${t.name} failed: error ${t.errorCode} ${t.errorMessage}`);
  } finally {
    conn.close();
  }
}

/**
 * Has the group coordinator create __consumer_offsets now, so its 50 partitions' memory and files
 * count in the "before" figures instead of looking like growth caused by the fuzz run.
 */
async function warmUpCoordinator(port: number): Promise<void> {
  const conn = new Connection({ host: '127.0.0.1', port, clientId: 'fuzz-setup' });
  try {
    const deadline = Date.now() + 30000;
    for (;;) {
      const res = await conn.send(Api.FindCoordinator, { key: 'fuzz-group', keyType: 0 });
      if (res.errorCode === 0) return;
      if (Date.now() > deadline) throw new Error(`FindCoordinator still answers error ${res.errorCode}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  } finally {
    conn.close();
  }
}

/** One protocol's share of the run: its listener, generator, budget, lanes and figures. */
interface ProtocolRun {
  protocol: Protocol;
  port: number;
  profile: WireProfile;
  kinds: readonly string[];
  next: (kind?: 'valid') => LaneFrame;
  frames: number;
  lanes: number;
  counters: FuzzCounters;
  /** Frames held back per known issue. */
  held: Map<string, number>;
  recent: LaneFrame[][];
  seeds: string;
}

/** A generator that skips (and counts) frames hitting a known issue unless they are asked for. */
function filtered(o: FuzzOptions, held: Map<string, number>, next: (kind?: 'valid') => LaneFrame, issue: (frame: Buffer) => string | null): (kind?: 'valid') => LaneFrame {
  return (kind) => {
    for (;;) {
      const frame = next(kind);
      const found = o.includeKnownIssues ? null : issue(frame.bytes);
      if (found === null) return frame;
      held.set(found, (held.get(found) ?? 0) + 1);
    }
  };
}

function describeKafkaSeeds(seeds: readonly KafkaSeedFrame[], served: ServedVersions): string {
  const bySource = new Map<string, number>();
  for (const s of seeds) bySource.set(s.source, (bySource.get(s.source) ?? 0) + 1);
  const defined = new Set(allKafkaApis().map((a) => a.key));
  const undefinedServed = [...served.keys()].filter((k) => !defined.has(k));
  const synthesized = [...new Set(seeds.filter((s) => s.source === 'synthesized').map((s) => s.name))];
  return `${seeds.length} (${[...bySource].map(([k, n]) => `${n} ${k}`).join(', ')}) over ${defined.size} APIs`
    + (synthesized.length > 0 ? `; bodies synthesized from the schema for ${synthesized.join(', ')}` : '')
    + (undefinedServed.length > 0 ? `; WARNING: served without a definition in allKafkaApis(): keys ${undefinedServed.join(', ')}` : '');
}

function planRuns(o: FuzzOptions, broker: BrokerProcess, kafkaPort: number, served: ServedVersions): ProtocolRun[] {
  return o.protocols.map((protocol, i) => {
    const frames = Math.floor(o.frames / o.protocols.length) + (i < o.frames % o.protocols.length ? 1 : 0);
    const lanes = Math.floor(o.concurrency / o.protocols.length) + (i < o.concurrency % o.protocols.length ? 1 : 0);
    const held = new Map<string, number>();
    const names = { topic: FUZZ_TOPIC, group: 'fuzz-group' };
    const base = { protocol, frames, lanes, held, recent: [] as LaneFrame[][] };
    if (protocol === 'native') {
      const seeds = buildSeedFrames(names);
      const mutator = new FrameMutator(seeds, o.seed);
      return {
        ...base, port: broker.port, profile: nativeProfile, kinds: MUTATION_KINDS, counters: emptyCounters(MUTATION_KINDS),
        next: filtered(o, held, (kind) => mutator.next(kind), knownIssue), seeds: `${seeds.length}, one per API`,
      };
    }
    const seeds = buildKafkaSeedFrames(names);
    const mutator = new KafkaFrameMutator(seeds, o.seed);
    return {
      ...base, port: kafkaPort, profile: kafkaProfile(served), kinds: KAFKA_MUTATION_KINDS, counters: emptyCounters(KAFKA_MUTATION_KINDS),
      next: filtered(o, held, (kind) => mutator.next(kind), knownKafkaIssue), seeds: describeKafkaSeeds(seeds, served),
    };
  });
}

async function fuzz(broker: BrokerProcess, o: FuzzOptions, runs: ProtocolRun[], crashed: () => boolean): Promise<void> {
  const started = Date.now();
  const progress = setInterval(() => {
    const s = (Date.now() - started) / 1000;
    const { rssKiB } = crashed() ? { rssKiB: NaN } : memoryOf(broker.process.pid!);
    const perProtocol = runs.map((r) => `${r.protocol} ${count(r.counters.framesSent)} frames / ${count(r.counters.connectionsOpened)} connections`);
    console.log(`  ${s.toFixed(0)} s: ${perProtocol.join(', ')}; broker RSS ${mib(rssKiB)}`);
  }, 10000);
  try {
    await Promise.all(runs.flatMap((run) => {
      let budget = run.frames;
      const take = (): boolean => !crashed() && budget-- > 0;
      return Array.from({ length: run.lanes }, () => {
        const lane: LaneFrame[] = [];
        run.recent.push(lane);
        return runLane({ port: run.port, profile: run.profile, next: run.next, counters: run.counters, take, idleMs: o.idleMs, maxBurst: 8, recent: lane });
      });
    }));
  } finally {
    clearInterval(progress);
  }
}

function reportCrash(broker: BrokerProcess, runs: ProtocolRun[], logDir: string): void {
  const file = path.join(logDir, 'last-frames.txt');
  const lines = runs.flatMap((run) => run.recent.flatMap((lane, i) => lane.map((f) => `${run.protocol} lane ${i} kind=${f.kind} seedApiKey=${f.seedApiKey} ${f.bytes.toString('hex')}`)));
  fs.writeFileSync(file, lines.join('\n') + '\n');
  console.log(`\nBROKER DIED (exit code ${broker.process.exitCode}, signal ${broker.process.signalCode}).`);
  console.log(`Last frames written by each lane (newest last): ${file}`);
  console.log(`Broker output (tail):\n${broker.output().split('\n').slice(-40).join('\n')}`);
}

/** Runs a check; its failure becomes the reported line instead of an exception. */
async function attempt(check: () => Promise<string>): Promise<{ ok: boolean; line: string }> {
  try {
    return { ok: true, line: await check() };
  } catch (err) {
    return { ok: false, line: `FAILED: ${(err as Error).message}` };
  }
}

function printProtocolTable(runs: ProtocolRun[], seconds: number, idleMs: number, crashes: number): void {
  const row = (label: string, cell: (r: ProtocolRun) => string): void => {
    console.log(`${label.padEnd(34)}${runs.map((r) => `${r.protocol}: ${cell(r)}`).join('  |  ')}`);
  };
  row('frames sent', (r) => `${count(r.counters.framesSent)} (${count(Math.round(r.counters.framesSent / seconds))}/s)`);
  for (const r of runs) console.log(`  ${`${r.protocol} by kind`.padEnd(32)}${r.kinds.map((k) => `${k} ${count(r.counters.framesByKind[k] ?? 0)}`).join(', ')}`);
  for (const r of runs) console.log(`  ${`${r.protocol} seeds`.padEnd(32)}${r.seeds}`);
  row('held back (known issues)', (r) => (r.held.size === 0 ? 'none' : [...r.held].map(([k, n]) => `${count(n)} x ${k}`).join(', ')));
  row('responses received', (r) => `${count(r.counters.responses)} (${count(r.counters.refusedResponses)} ${r.protocol === 'native' ? 'with a header error code' : 'KIP-511 fallbacks'})`);
  row('malformed responses', (r) => count(r.counters.malformedResponses));
  row('connections opened', (r) => count(r.counters.connectionsOpened));
  row('  closed by the broker', (r) => count(r.counters.connectionsClosedByBroker));
  row(`  dropped by the fuzzer (${idleMs} ms)`, (r) => count(r.counters.connectionsAbandoned));
  for (const r of runs) {
    const top = [...r.counters.abandonedAfter].sort((a, b) => b[1] - a[1]).slice(0, 6);
    if (top.length > 0) console.log(`    ${`${r.protocol}, after kind/API key`.padEnd(30)}${top.map(([k, n]) => `${k} ${count(n)}`).join(', ')}`);
  }
  row('  connect failures', (r) => count(r.counters.connectFailures));
  row('broker crashes', () => String(crashes));
  for (const r of runs) for (const s of r.counters.malformedSamples) console.log(`  malformed (${r.protocol}): ${s}`);
}

async function startBroker(zkConnect: string, logDir: string): Promise<{ broker: BrokerProcess; kafkaPort: number }> {
  const port = await freePort();
  const kafkaPort = await freePort();
  const broker = await spawnBroker({
    brokerId: 1, zkConnect, logDir, port,
    overrides: { 'log.level': 'error', listeners: `PLAINTEXT://127.0.0.1:${port},KAFKA://127.0.0.1:${kafkaPort}` },
  });
  await waitUntil(`the Kafka listener on ${kafkaPort}`, () => portOpen(kafkaPort), 30000, 50);
  return { broker, kafkaPort };
}

async function main(): Promise<number> {
  const o = parseArgs(process.argv.slice(2));
  const zk = await startTestZooKeeper();
  const logDir = tempDir('fuzz');
  const { broker, kafkaPort } = await startBroker(zk.connectString, logDir);
  let died = false;
  broker.process.once('exit', () => { died = true; });
  const pid = broker.process.pid!;
  try {
    await createTopics(broker.port);
    await warmUpCoordinator(broker.port);
    const runs = planRuns(o, broker, kafkaPort, await kafkaServedVersions(kafkaPort));
    console.log(`Broker pid ${pid}: native listener on ${broker.port}, Kafka listener on ${kafkaPort}; seed ${o.seed}; logs in ${logDir}`);
    for (const r of runs) console.log(`  ${r.protocol}: ${count(r.frames)} frames over ${r.lanes} lanes; seeds ${r.seeds}`);
    console.log(`Before (native): ${await checkNativeServes(broker.port, 'before-native')}`);
    console.log(`Before (kafka):  ${await checkKafkaServes(kafkaPort, 'before-kafka')}`);
    const before = memoryOf(pid);
    const fdsBefore = openFds(pid);
    const started = Date.now();
    await fuzz(broker, o, runs, () => died);
    const seconds = (Date.now() - started) / 1000;
    if (died) {
      reportCrash(broker, runs, logDir);
      return 1;
    }
    const atEnd = memoryOf(pid);
    const nativeServes = await attempt(() => checkNativeServes(broker.port, 'after-native'));
    const kafkaServes = await attempt(() => checkKafkaServes(kafkaPort, 'after-kafka'));
    const topics = nativeServes.ok ? await hostedTopics(broker.port) : 'not asked';
    await new Promise((r) => setTimeout(r, o.settleMs));
    const alive = !died;
    const settled = alive ? memoryOf(pid) : { rssKiB: NaN, peakKiB: NaN };
    const fdsAfter = alive ? openFds(pid) : NaN;
    const errorLines = broker.output().split('\n').filter((l) => l.trim() !== '');
    const total = runs.reduce((n, r) => n + r.counters.framesSent, 0);

    console.log('\n=== Fuzz summary ===');
    console.log(`frames sent in total:             ${count(total)} in ${seconds.toFixed(1)} s (${count(Math.round(total / seconds))} frames/s)`);
    printProtocolTable(runs, seconds, o.idleMs, alive ? 0 : 1);
    console.log(`broker error log lines:           ${errorLines.length}`);
    console.log(`still serves (native listener):   ${nativeServes.line}`);
    console.log(`still serves (Kafka listener):    ${kafkaServes.line}`);
    console.log(`hosted at the end:                ${topics}`);
    console.log(`broker RSS before:                ${mib(before.rssKiB)}`);
    console.log(`broker RSS at end:                ${mib(atEnd.rssKiB)} (peak ${mib(atEnd.peakKiB)})`);
    console.log(`broker RSS after ${o.settleMs / 1000} s settle:     ${mib(settled.rssKiB)} (growth ${mib(settled.rssKiB - before.rssKiB)})`);
    console.log(`broker open fds:                  ${fdsBefore} before, ${fdsAfter} after settle`);
    if (errorLines.length > 0) console.log(`\nBroker error output (first 20 lines):\n${errorLines.slice(0, 20).join('\n')}`);
    const clean = runs.every((r) => r.counters.malformedResponses === 0 && r.counters.connectFailures === 0);
    const ok = alive && nativeServes.ok && kafkaServes.ok && clean;
    console.log(`\n${ok ? 'PASS' : 'FAIL'}: the broker ${ok ? 'survived and still serves both listeners' : 'did not survive the run intact'}`);
    if (ok) fs.rmSync(logDir, { recursive: true, force: true });
    return ok ? 0 : 1;
  } finally {
    await broker.stop('SIGTERM');
    await zk.stop();
  }
}

main().then((code) => process.exit(code), (err) => {
  console.error(err);
  process.exit(1);
});
