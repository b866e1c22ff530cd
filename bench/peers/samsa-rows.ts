/**
 * Samsa's rows of the side-by-side table, from one broker process with both listeners: its own
 * perf tools with their defaults (acks=1) on the native listener, and kcat (librdkafka, in C) on
 * the Kafka listener, which takes the Node.js client out of the picture and shows the broker's
 * own ceiling. The kcat runs are bench/kafka-listener.ts's, reused.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { freePort, REPO_ROOT, spawnBroker, tempDir } from '../../test/helpers/cluster';
import { runCli } from '../../test/helpers/run-cli';
import { startTestZooKeeper } from '../../test/helpers/zookeeper';
import { kcatConsume, kcatProduce, writeRecordLines } from '../kafka-listener';
import { parseConsumerPerf, parseKcatVersion, parseProducerPerf } from './perf-output';
import { PeerRow } from './report';
import { findExecutable, INSTALL_HINT } from './servers';
import { BENCH_BROKER_SETTINGS } from '../bench-broker';

const PAGE_CACHE = 'acks=1: in the leader\'s page cache (no fsync, Kafka\'s default)';

export interface SamsaMeasurement {
  rows: PeerRow[];
  versions: Record<string, string>;
}

function samsaVersion(): string {
  const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };
  const sha = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: REPO_ROOT, encoding: 'utf8' }).stdout.trim();
  return sha ? `${pkg.version} (${sha})` : pkg.version;
}

async function perfToolsRow(bootstrap: string, records: number, recordSize: number): Promise<PeerRow> {
  const row: PeerRow = {
    system: 'Samsa, its perf tools (native protocol)', produce: null, consume: null, durability: PAGE_CACHE, baseline: true,
    notes: '6 partitions, tool defaults; the tools\' own figures (producer from its first send, consumer incl. group join)',
  };
  const produced = await runCli('samsa-producer-perf-test', ['--topic', 'peers-native', '--num-records', String(records), '--record-size', String(recordSize),
    '--throughput', '-1', '--producer-props', `bootstrap.servers=${bootstrap}`, 'acks=1'], { timeoutMs: 900000 });
  row.produce = parseProducerPerf(produced.stdout)?.recordsPerSec ?? null;
  if (row.produce === null) return { ...row, skipped: `producer perf test failed (${produced.code}): ${(produced.stdout + produced.stderr).slice(-300)}` };
  const consumed = await runCli('samsa-consumer-perf-test', ['--bootstrap-server', bootstrap, '--topic', 'peers-native', '--messages', String(records),
    '--timeout', '60000'], { timeoutMs: 900000 });
  row.consume = parseConsumerPerf(consumed.stdout)?.recordsPerSec ?? null;
  if (row.consume === null) row.notes += `; consumer perf test failed (${consumed.code}): ${(consumed.stdout + consumed.stderr).slice(-200)}`;
  return row;
}

async function kcatRow(bootstrap: string, records: number, recordSize: number, versions: Record<string, string>): Promise<PeerRow> {
  const row: PeerRow = {
    system: 'Samsa, kcat via the Kafka listener', produce: null, consume: null, durability: PAGE_CACHE,
    notes: '6 partitions, librdkafka defaults + acks=1; wall time of the whole kcat command (start-up included)',
  };
  if (!findExecutable('kcat')) return { ...row, skipped: `skipped (not installed: ${INSTALL_HINT.kcat})` };
  const v = parseKcatVersion(spawnSync('kcat', ['-V'], { encoding: 'utf8' }).stdout);
  if (v) {
    versions.kcat = v.kcat;
    versions.librdkafka = v.librdkafka;
    row.notes = row.notes.replace('librdkafka', `librdkafka ${v.librdkafka}`);
  }
  const dir = tempDir('peers-kcat');
  try {
    const input = path.join(dir, 'records.txt');
    writeRecordLines(input, records, recordSize);
    const produce = await kcatProduce(bootstrap, 'peers-kcat', input, ['acks=1']);
    if (!produce.ok) return { ...row, skipped: produce.error.slice(0, 300) };
    row.produce = records / produce.seconds;
    const consume = await kcatConsume(bootstrap, 'peers-kcat', path.join(dir, 'consumed.txt'), records);
    if (consume.ok) row.consume = records / consume.seconds;
    else row.notes += `; ${consume.error.slice(0, 200)}`;
    return row;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export async function measureSamsa(records: number, recordSize: number): Promise<SamsaMeasurement> {
  const versions: Record<string, string> = { samsa: samsaVersion() };
  const zk = await startTestZooKeeper();
  const nativePort = await freePort();
  const kafkaPort = await freePort();
  try {
    const broker = await spawnBroker({
      brokerId: 1, zkConnect: zk.connectString, port: nativePort,
      overrides: { ...BENCH_BROKER_SETTINGS, listeners: `PLAINTEXT://127.0.0.1:${nativePort},KAFKA://127.0.0.1:${kafkaPort}` },
    });
    try {
      const native = `127.0.0.1:${nativePort}`;
      for (const topic of ['peers-native', 'peers-kcat']) {
        await runCli('samsa-topics', ['--bootstrap-server', native, '--create', '--topic', topic, '--partitions', '6', '--replication-factor', '1']);
      }
      const rows = [await perfToolsRow(native, records, recordSize)];
      rows.push(await kcatRow(`127.0.0.1:${kafkaPort}`, records, recordSize, versions));
      return { rows, versions };
    } finally {
      await broker.stop('SIGTERM');
    }
  } finally {
    await zk.stop();
  }
}
