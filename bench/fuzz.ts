/**
 * `npm run fuzz`: a long fuzz run of the native protocol against a live broker.
 *
 * Starts a real ZooKeeper and one broker process through bin/samsa-server-start (a child process,
 * so its memory is measured alone), creates a topic for the fuzz seeds and a `canary` topic no
 * seed names, then sends mutated frames (test/helpers/frame-mutator.ts) over many connections in
 * parallel. At the end the broker must still be running, answer ApiVersions and Metadata, and
 * complete a produce + fetch round trip on the canary; otherwise the run fails (exit 1).
 * Broker RSS is read from /proc/<pid>/status before, at the end, and after a settle period.
 *
 *   npm run fuzz -- [--frames N] [--concurrency N] [--seed N] [--idle-ms N] [--settle-ms N] [--include-known-issues]
 */
import * as fs from 'fs';
import * as path from 'path';
import { Connection } from '../lib/client/connection';
import { Api } from '../lib/protocol/api';
import { decodeRecordBatches, encodeRecordBatch } from '../lib/record/record-batch';
import { BrokerProcess, spawnBroker, tempDir } from '../test/helpers/cluster';
import { FrameMutator, MutatedFrame, MUTATION_KINDS, MutationKind } from '../test/helpers/frame-mutator';
import { buildSeedFrames } from '../test/helpers/fuzz-seeds';
import { startTestZooKeeper } from '../test/helpers/zookeeper';
import { emptyCounters, FuzzCounters, runLane } from './fuzz-lane';
import { knownIssue } from './fuzz-known-issues';

interface FuzzOptions {
  frames: number;
  concurrency: number;
  seed: number;
  idleMs: number;
  settleMs: number;
  includeKnownIssues: boolean;
}

const FUZZ_TOPIC = 'fuzz';
const CANARY_TOPIC = 'canary';

function parseArgs(argv: string[]): FuzzOptions {
  const o: FuzzOptions = { frames: 1_000_000, concurrency: 32, seed: 1, idleMs: 300, settleMs: 15000, includeKnownIssues: false };
  const names: Record<string, Exclude<keyof FuzzOptions, 'includeKnownIssues'>> = {
    '--frames': 'frames', '--concurrency': 'concurrency', '--seed': 'seed', '--idle-ms': 'idleMs', '--settle-ms': 'settleMs',
  };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--include-known-issues') {
      o.includeKnownIssues = true;
      continue;
    }
    const key = names[argv[i]];
    const value = Number(argv[i + 1]);
    if (!key || !Number.isInteger(value) || value < 0) throw new Error(`usage: fuzz [--frames N] [--concurrency N] [--seed N] [--idle-ms N] [--settle-ms N] [--include-known-issues] (bad: ${argv[i]} ${argv[i + 1] ?? ''})`);
    o[key] = value;
    i++;
  }
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

/** ApiVersions, Metadata, then produce one record to the canary and fetch it back. Throws with the reason on any failure. */
async function checkServes(port: number, marker: string): Promise<string> {
  const conn = new Connection({ host: '127.0.0.1', port, clientId: 'fuzz-check', requestTimeoutMs: 10000 });
  try {
    const versions = await conn.send(Api.ApiVersions, {});
    if (versions.errorCode !== 0) throw new Error(`ApiVersions answered error ${versions.errorCode}`);
    const md = await conn.send(Api.Metadata, { topics: [CANARY_TOPIC], allowAutoTopicCreation: false });
    const partition = md.topics[0]?.partitions[0];
    if (md.topics[0]?.errorCode !== 0 || partition?.leaderId !== 1) throw new Error(`Metadata for ${CANARY_TOPIC}: ${JSON.stringify(md.topics)}`);
    const records = encodeRecordBatch([{ key: null, value: Buffer.from(marker) }], {});
    const produced = await conn.send(Api.Produce, {
      transactionalId: null, acks: -1, timeoutMs: 10000, topics: [{ name: CANARY_TOPIC, partitions: [{ index: 0, records }] }],
    });
    const p = produced.topics[0].partitions[0];
    if (p.errorCode !== 0) throw new Error(`Produce to ${CANARY_TOPIC} answered error ${p.errorCode} ${p.errorMessage}`);
    const fetched = await conn.send(Api.Fetch, {
      replicaId: -1, maxWaitMs: 0, minBytes: 0, maxBytes: 1 << 20, isolationLevel: 0,
      topics: [{ name: CANARY_TOPIC, partitions: [{ partition: 0, currentLeaderEpoch: -1, fetchOffset: p.baseOffset, logStartOffset: -1, partitionMaxBytes: 1 << 20 }] }],
    });
    const f = fetched.topics[0].partitions[0];
    if (f.errorCode !== 0 || !f.records) throw new Error(`Fetch from ${CANARY_TOPIC} answered error ${f.errorCode}`);
    const value = decodeRecordBatches(f.records).batches[0]?.records[0]?.value?.toString();
    if (value !== marker) throw new Error(`Fetch at offset ${p.baseOffset} returned ${JSON.stringify(value)}, expected ${JSON.stringify(marker)}`);
    return `ApiVersions (${versions.apiKeys.length} APIs), Metadata, produce at offset ${p.baseOffset} and fetch back: ok`;
  } finally {
    conn.close();
  }
}

/** Topics and partitions the broker hosts: well-formed creation requests among the fuzzed ones are obeyed. */
async function hostedTopics(port: number): Promise<string> {
  const conn = new Connection({ host: '127.0.0.1', port, clientId: 'fuzz-check', requestTimeoutMs: 10000 });
  try {
    const md = await conn.send(Api.Metadata, { topics: null, allowAutoTopicCreation: false });
    const partitions = md.topics.reduce((n, t) => n + t.partitions.length, 0);
    return `${md.topics.length} topics, ${partitions} partitions (${md.topics.map((t) => t.name).sort().join(', ')})`;
  } catch (err) {
    return `unknown (${(err as Error).message})`;
  } finally {
    conn.close();
  }
}

async function fuzz(broker: BrokerProcess, o: FuzzOptions, counters: FuzzCounters, held: Map<string, number>, crashed: () => boolean): Promise<MutatedFrame[][]> {
  const mutator = new FrameMutator(buildSeedFrames({ topic: FUZZ_TOPIC, group: 'fuzz-group' }), o.seed);
  const next = (kind?: MutationKind): MutatedFrame => {
    for (;;) {
      const frame = mutator.next(kind);
      const issue = o.includeKnownIssues ? null : knownIssue(frame.bytes);
      if (issue === null) return frame;
      held.set(issue, (held.get(issue) ?? 0) + 1);
    }
  };
  let budget = o.frames;
  const take = (): boolean => !crashed() && budget-- > 0;
  const recent: MutatedFrame[][] = [];
  const started = Date.now();
  const progress = setInterval(() => {
    const s = (Date.now() - started) / 1000;
    const { rssKiB } = crashed() ? { rssKiB: NaN } : memoryOf(broker.process.pid!);
    console.log(`  ${s.toFixed(0)} s: ${count(counters.framesSent)} frames (${count(Math.round(counters.framesSent / s))}/s), `
      + `${count(counters.connectionsOpened)} connections, broker RSS ${mib(rssKiB)}`);
  }, 10000);
  try {
    await Promise.all(Array.from({ length: o.concurrency }, () => {
      const lane: MutatedFrame[] = [];
      recent.push(lane);
      return runLane({ port: broker.port, next, counters, take, idleMs: o.idleMs, maxBurst: 8, recent: lane });
    }));
  } finally {
    clearInterval(progress);
  }
  return recent;
}

function reportCrash(broker: BrokerProcess, recent: MutatedFrame[][], logDir: string): void {
  const file = path.join(logDir, 'last-frames.txt');
  const lines = recent.flatMap((lane, i) => lane.map((f) => `lane ${i} kind=${f.kind} seedApiKey=${f.seedApiKey} ${f.bytes.toString('hex')}`));
  fs.writeFileSync(file, lines.join('\n') + '\n');
  console.log(`\nBROKER DIED (exit code ${broker.process.exitCode}, signal ${broker.process.signalCode}).`);
  console.log(`Last frames written by each lane (newest last): ${file}`);
  console.log(`Broker output (tail):\n${broker.output().split('\n').slice(-40).join('\n')}`);
}

async function main(): Promise<number> {
  const o = parseArgs(process.argv.slice(2));
  const zk = await startTestZooKeeper();
  const logDir = tempDir('fuzz');
  const broker = await spawnBroker({ brokerId: 1, zkConnect: zk.connectString, logDir, overrides: { 'log.level': 'error' } });
  let died = false;
  broker.process.once('exit', () => { died = true; });
  const pid = broker.process.pid!;
  try {
    await createTopics(broker.port);
    await warmUpCoordinator(broker.port);
    console.log(`Broker pid ${pid} on port ${broker.port}; ${o.concurrency} lanes, ${count(o.frames)} frames, seed ${o.seed}; logs in ${logDir}`);
    console.log(`Before: ${await checkServes(broker.port, 'before')}`);
    const before = memoryOf(pid);
    const fdsBefore = openFds(pid);
    const counters = emptyCounters();
    const started = Date.now();
    const held = new Map<string, number>();
    const recent = await fuzz(broker, o, counters, held, () => died);
    const seconds = (Date.now() - started) / 1000;
    if (died) {
      reportCrash(broker, recent, logDir);
      return 1;
    }
    const atEnd = memoryOf(pid);
    let served: string;
    let serves = true;
    try {
      served = await checkServes(broker.port, 'after');
    } catch (err) {
      served = `FAILED: ${(err as Error).message}`;
      serves = false;
    }
    const topics = serves ? await hostedTopics(broker.port) : 'not asked';
    await new Promise((r) => setTimeout(r, o.settleMs));
    const alive = !died;
    const settled = alive ? memoryOf(pid) : { rssKiB: NaN, peakKiB: NaN };
    const fdsAfter = alive ? openFds(pid) : NaN;
    const errorLines = broker.output().split('\n').filter((l) => l.trim() !== '');

    console.log('\n=== Fuzz summary ===');
    console.log(`frames sent:                    ${count(counters.framesSent)} in ${seconds.toFixed(1)} s (${count(Math.round(counters.framesSent / seconds))} frames/s)`);
    console.log(`  by kind:                      ${MUTATION_KINDS.map((k) => `${k} ${count(counters.framesByKind[k])}`).join(', ')}`);
    console.log(`held back (known issues):       ${held.size === 0 ? 'none' : [...held].map(([k, n]) => `${count(n)} x ${k}`).join(', ')}`);
    console.log(`responses received:             ${count(counters.responses)} (${count(counters.errorResponses)} with a header error code)`);
    console.log(`malformed responses:            ${count(counters.malformedResponses)}`);
    console.log(`connections opened:             ${count(counters.connectionsOpened)}`);
    console.log(`  closed by the broker:         ${count(counters.connectionsClosedByBroker)}`);
    console.log(`  dropped by the fuzzer (silent ${o.idleMs} ms): ${count(counters.connectionsAbandoned)}`);
    console.log(`  connect failures:             ${count(counters.connectFailures)}`);
    console.log(`broker crashes:                 ${alive ? 0 : 1}`);
    console.log(`broker error log lines:         ${errorLines.length}`);
    console.log(`still serves:                   ${served}`);
    console.log(`hosted at the end:              ${topics}`);
    console.log(`broker RSS before:              ${mib(before.rssKiB)}`);
    console.log(`broker RSS at end:              ${mib(atEnd.rssKiB)} (peak ${mib(atEnd.peakKiB)})`);
    console.log(`broker RSS after ${o.settleMs / 1000} s settle:   ${mib(settled.rssKiB)} (growth ${mib(settled.rssKiB - before.rssKiB)})`);
    console.log(`broker open fds:                ${fdsBefore} before, ${fdsAfter} after settle`);
    if (errorLines.length > 0) console.log(`\nBroker error output (first 20 lines):\n${errorLines.slice(0, 20).join('\n')}`);
    const ok = alive && serves && counters.malformedResponses === 0 && counters.connectFailures === 0;
    console.log(`\n${ok ? 'PASS' : 'FAIL'}: the broker ${ok ? 'survived and still serves' : 'did not survive the run intact'}`);
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
