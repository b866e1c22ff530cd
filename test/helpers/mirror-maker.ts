/**
 * The mirror maker as a separate process (bin/samsa-mirror-maker, as a user runs it), plus the
 * comparisons the mirror tests share: every partition of the target topic holds the source
 * partition's records in the same order with the same key, value, headers and timestamp.
 */
import { ChildProcess, spawn } from 'child_process';
import { expect } from 'chai';
import * as fs from 'fs';
import * as path from 'path';
import type { ConsumerRecord } from '../../lib/client/consumer';
import { readWholeTopic } from '../../lib/mirror/internal-topic-reader';
import { REPO_ROOT, tempDir } from './cluster';

export interface MirrorProcess {
  child: ChildProcess;
  output(): string;
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
}

/** Writes the three config files and starts the mirror maker. */
export function startMirrorMaker(source: string, target: string, group: string, include: string, mm2: Record<string, string>, extraArgs: string[] = [],
  producerProps: Record<string, string> = {}): MirrorProcess {
  const dir = tempDir('mirror-maker');
  const file = (name: string, props: Record<string, string>): string => {
    const p = path.join(dir, name);
    fs.writeFileSync(p, Object.entries(props).map(([k, v]) => `${k}=${v}\n`).join(''));
    return p;
  };
  const args = [
    '--consumer.config', file('source.properties', { 'bootstrap.servers': source, 'group.id': group, 'session.timeout.ms': '10000', 'heartbeat.interval.ms': '1000' }),
    '--producer.config', file('target.properties', { 'bootstrap.servers': target, 'linger.ms': '5', ...producerProps }),
    '--include', include, '--mm2.config', file('mm2.properties', mm2), ...extraArgs,
  ];
  const child = spawn(path.join(REPO_ROOT, 'bin', 'samsa-mirror-maker'), args, { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d) => { out += d.toString(); });
  child.stderr!.on('data', (d) => { out += d.toString(); });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => out, exited };
}

export function byPartition(records: readonly ConsumerRecord[]): Map<number, ConsumerRecord[]> {
  const out = new Map<number, ConsumerRecord[]>();
  for (const r of records) {
    const list = out.get(r.partition) ?? [];
    list.push(r);
    out.set(r.partition, list);
  }
  for (const list of out.values()) list.sort((a, b) => a.offset - b.offset);
  return out;
}

const view = (r: ConsumerRecord) => ({
  offset: r.offset, key: r.key?.toString('hex') ?? null, value: r.value?.toString('hex') ?? null, timestamp: r.timestamp, timestampType: r.timestampType,
  headers: r.headers.map((h) => [h.key, h.value?.toString('hex') ?? null]),
});

/** Asserts the target topic is the source topic record for record, partition by partition; returns the record count. */
export async function expectIdenticalCopy(source: string, sourceTopic: string, target: string, targetTopic: string): Promise<number> {
  const [a, b] = await Promise.all([readWholeTopic({ bootstrapServers: source }, sourceTopic, 120000), readWholeTopic({ bootstrapServers: target }, targetTopic, 120000)]);
  const pa = byPartition(a);
  const pb = byPartition(b);
  expect([...pb.keys()].sort()).to.deep.equal([...pa.keys()].sort());
  for (const [p, list] of pa) {
    const copy = pb.get(p)!;
    expect(copy.length, `partition ${p}: record count`).to.equal(list.length);
    for (let i = 0; i < list.length; i++) {
      const x = view(list[i]);
      const y = view(copy[i]);
      if (JSON.stringify(x) !== JSON.stringify(y)) expect(y, `partition ${p}, record ${i}`).to.deep.equal(x);
    }
  }
  return a.length;
}
