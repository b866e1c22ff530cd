/**
 * The Kafka listener next to the native protocol, in one run on one broker process: the native
 * perf tools against the native listener, and kcat (librdkafka) producing and consuming the
 * same number of records of the same size against the Kafka listener. Each figure is wall time
 * of the whole command, as a user would measure it.
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { spawnBroker, freePort } from '../test/helpers/cluster';
import { runCli } from '../test/helpers/run-cli';
import { startTestZooKeeper } from '../test/helpers/zookeeper';
import { countLines } from './peers/perf-output';
import { BENCH_BROKER_SETTINGS } from './bench-broker';

function timeCommand(command: string, args: string[], stdoutFile: string | null): Promise<{ seconds: number; code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const started = process.hrtime.bigint();
    const child = spawn(command, args, { stdio: ['ignore', stdoutFile ? fs.openSync(stdoutFile, 'w') : 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (d) => { stderr += d.toString(); });
    child.on('error', (err) => resolve({ seconds: 0, code: -1, stderr: err.message }));
    child.on('exit', (code) => resolve({ seconds: Number(process.hrtime.bigint() - started) / 1e9, code, stderr }));
  });
}

/** One kcat run: wall time of the whole command, and why it failed when it did. */
export interface KcatRun {
  ok: boolean;
  seconds: number;
  error: string;
}

/** Writes `records` lines of `recordSize` bytes each (the newline is kcat's separator, not payload). */
export function writeRecordLines(file: string, records: number, recordSize: number): void {
  const line = 'x'.repeat(recordSize) + '\n';
  const perChunk = 10000;
  const chunk = line.repeat(perChunk);
  const fd = fs.openSync(file, 'w');
  try {
    for (let done = 0; done < records; done += perChunk) fs.writeSync(fd, records - done >= perChunk ? chunk : line.repeat(records - done));
  } finally {
    fs.closeSync(fd);
  }
}

/** `kcat -P -l <file>`: every line a record; `props` are librdkafka `-X` settings. */
export async function kcatProduce(bootstrap: string, topic: string, file: string, props: string[]): Promise<KcatRun> {
  const run = await timeCommand('kcat', ['-b', bootstrap, '-P', '-t', topic, ...props.flatMap((p) => ['-X', p]), '-l', file], null);
  return { ok: run.code === 0, seconds: run.seconds, error: run.code === 0 ? '' : `kcat -P failed (${run.code}): ${run.stderr}` };
}

/** `kcat -C -o beginning -e` into `outFile`; ok only if exactly `records` lines arrived. */
export async function kcatConsume(bootstrap: string, topic: string, outFile: string, records: number): Promise<KcatRun> {
  const run = await timeCommand('kcat', ['-b', bootstrap, '-C', '-t', topic, '-o', 'beginning', '-e', '-q'], outFile);
  const lines = fs.existsSync(outFile) ? countLines(fs.readFileSync(outFile)) : 0;
  const ok = run.code === 0 && lines === records;
  return { ok, seconds: run.seconds, error: ok ? '' : `kcat -C read ${lines} of ${records} (${run.code}): ${run.stderr}` };
}

function rate(records: number, recordSize: number, seconds: number): string {
  return `${Math.round(records / seconds).toLocaleString('en-US')} records/s, ${(records * recordSize / seconds / 1048576).toFixed(1)} MB/s (${seconds.toFixed(2)} s)`;
}

export async function kafkaListenerBench(records: number, recordSize: number, section: (title: string) => void): Promise<void> {
  const zk = await startTestZooKeeper();
  const kafkaPort = await freePort();
  const nativePort = await freePort();
  const broker = await spawnBroker({
    brokerId: 1, zkConnect: zk.connectString, port: nativePort,
    overrides: { ...BENCH_BROKER_SETTINGS, listeners: `PLAINTEXT://127.0.0.1:${nativePort},KAFKA://127.0.0.1:${kafkaPort}` },
  });
  const native = `127.0.0.1:${nativePort}`;
  const kafka = `127.0.0.1:${kafkaPort}`;
  const input = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'samsa-kcat-bench-')), 'records.txt');
  writeRecordLines(input, records, recordSize);
  try {
    for (const topic of ['bench-native', 'bench-kcat']) {
      await runCli('samsa-topics', ['--bootstrap-server', native, '--create', '--topic', topic, '--partitions', '6', '--replication-factor', '1']);
    }
    section(`native: samsa-producer-perf-test --num-records ${records} --record-size ${recordSize} acks=1 (native listener)`);
    const produced = await runCli('samsa-producer-perf-test', ['--topic', 'bench-native', '--num-records', String(records), '--record-size', String(recordSize),
      '--throughput', '-1', '--producer-props', `bootstrap.servers=${native}`, 'acks=1', 'linger.ms=5', 'batch.size=65536'], { timeoutMs: 600000 });
    process.stdout.write(produced.stdout + produced.stderr);
    section(`native: samsa-consumer-perf-test --messages ${records} (native listener)`);
    const consumed = await runCli('samsa-consumer-perf-test', ['--bootstrap-server', native, '--topic', 'bench-native', '--messages', String(records), '--timeout', '60000'], { timeoutMs: 600000 });
    process.stdout.write(consumed.stdout + consumed.stderr);

    section(`kafka: kcat -P -l <file of ${records} lines of ${recordSize} bytes> acks=1 linger.ms=5 (Kafka listener)`);
    const produce = await kcatProduce(kafka, 'bench-kcat', input, ['acks=1', 'linger.ms=5', 'batch.size=65536', 'queue.buffering.max.messages=1000000']);
    console.log(produce.ok ? rate(records, recordSize, produce.seconds) : produce.error);
    section(`kafka: kcat -C -e -o beginning (all ${records} records, output to a file) (Kafka listener)`);
    const consume = await kcatConsume(kafka, 'bench-kcat', `${input}.out`, records);
    console.log(consume.ok ? rate(records, recordSize, consume.seconds) : consume.error);
  } finally {
    fs.rmSync(path.dirname(input), { recursive: true, force: true });
    await broker.stop('SIGTERM');
    await zk.stop();
  }
}
