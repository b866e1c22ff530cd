/**
 * The other systems' rows of the side-by-side table, and the machine's limits. Each server runs
 * alone (started, measured, stopped before the next), and each producer and consumer is its own
 * process (bench/peers/worker.ts), as Samsa's perf tools are.
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { tempDir } from '../../test/helpers/cluster';
import { runProcess } from '../../test/helpers/run-cli';
import { PeerRow } from './report';
import { INSTALL_HINT, PeerServer, startNats, startRabbitMq, startRedis } from './servers';

const WORKER = path.join(__dirname, 'worker.js');
const WORKER_TIMEOUT_MS = 900000;

interface WorkerResult { records: number; seconds: number }

function lastJsonLine(stdout: string): WorkerResult {
  const line = stdout.trim().split('\n').pop() ?? '';
  const parsed = JSON.parse(line) as WorkerResult;
  if (!(parsed.seconds > 0)) throw new Error(`worker printed no result: ${stdout.slice(-200)}`);
  return parsed;
}

async function runWorker(kind: string, role: string, where: string, records: number, recordSize: number): Promise<number> {
  const r = await runProcess(process.execPath, [WORKER, kind, role, where, String(records), String(recordSize)], { timeoutMs: WORKER_TIMEOUT_MS });
  if (r.code !== 0) throw new Error(`${kind} ${role} failed (${r.code}): ${(r.stderr || r.stdout).slice(-300)}`);
  const result = lastJsonLine(r.stdout);
  return result.records / result.seconds;
}

interface PeerSpec {
  system: string;
  kind: 'redis' | 'nats' | 'rabbitmq';
  install: string;
  durability: string;
  notes: string;
  start(): Promise<PeerServer | null>;
}

export const PEERS: PeerSpec[] = [
  {
    system: 'RabbitMQ streams', kind: 'rabbitmq', install: INSTALL_HINT.rabbitmq, start: startRabbitMq,
    durability: 'publisher confirm: written to the stream segment (page cache)',
    notes: 'rabbitmq-stream-js-client, one stream; 1,000 messages a chunk, 10,000 unconfirmed at most; consumer from the first offset',
  },
  {
    system: 'NATS JetStream', kind: 'nats', install: INSTALL_HINT.nats, start: startNats,
    durability: 'acked publish: stored in the stream\'s file (page cache)',
    notes: 'nats.js, file storage, one stream; async publish, 10,000 unacked at most; ordered consumer',
  },
  {
    system: 'Redis Streams (AOF everysec)', kind: 'redis', install: INSTALL_HINT.redis, start: () => startRedis('aof'),
    durability: 'appendonly yes, appendfsync everysec (up to 1 s lost)',
    notes: 'ioredis, one stream; XADD in pipelines of 100, 10,000 records in flight at most; XREAD COUNT 10000',
  },
  {
    system: 'Redis Streams (no persistence)', kind: 'redis', install: INSTALL_HINT.redis, start: () => startRedis('none'),
    durability: 'appendonly no, no snapshots: memory only',
    notes: 'as above',
  },
];

export async function measurePeer(spec: PeerSpec, records: number, recordSize: number, versions: Record<string, string>): Promise<PeerRow> {
  const row: PeerRow = { system: spec.system, produce: null, consume: null, durability: spec.durability, notes: spec.notes };
  let server: PeerServer | null;
  try {
    server = await spec.start();
  } catch (err) {
    return { ...row, skipped: `failed to start: ${(err as Error).message.slice(0, 300)}` };
  }
  if (!server) return { ...row, skipped: `skipped (not installed: ${spec.install})` };
  try {
    versions[spec.kind] = server.version;
    row.produce = await runWorker(spec.kind, 'produce', String(server.port), records, recordSize);
    row.consume = await runWorker(spec.kind, 'consume', String(server.port), records, recordSize);
    return row;
  } catch (err) {
    return row.produce === null ? { ...row, skipped: (err as Error).message.slice(0, 300) } : { ...row, notes: `${row.notes}; ${(err as Error).message.slice(0, 200)}` };
  } finally {
    await server.stop();
  }
}

/** The receiver prints its port first, then its result once every record arrived. */
async function loopbackTcp(records: number, recordSize: number): Promise<number> {
  const receiver = spawn(process.execPath, [WORKER, 'tcp', 'consume', '0', String(records), String(recordSize)], { stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    let out = '';
    let err = '';
    receiver.stderr!.on('data', (d) => { err += d.toString(); });
    const exited = new Promise<number | null>((resolve) => receiver.once('exit', resolve));
    const port = await new Promise<number>((resolve, reject) => {
      receiver.stdout!.on('data', (d) => {
        out += d.toString();
        const m = /\{"port":(\d+)\}/.exec(out);
        if (m) resolve(Number(m[1]));
      });
      void exited.then((code) => reject(new Error(`tcp receiver exited (${code}): ${err.slice(-300)}`)));
    });
    await runWorker('tcp', 'produce', String(port), records, recordSize);
    const code = await exited;
    if (code !== 0) throw new Error(`tcp receiver failed (${code}): ${err.slice(-300)}`);
    const result = lastJsonLine(out.replace(/\{"port":\d+\}\n?/, ''));
    return result.records / result.seconds;
  } finally {
    if (receiver.exitCode === null) receiver.kill('SIGKILL');
  }
}

async function limitRow(row: PeerRow, measure: () => Promise<void>): Promise<PeerRow> {
  try {
    await measure();
    return row;
  } catch (err) {
    return { ...row, skipped: (err as Error).message.slice(0, 300) };
  }
}

/** Loopback TCP between two Node processes, and sequential file writes (and reads) in the temp dir. */
export async function measureMachineLimits(records: number, recordSize: number): Promise<PeerRow[]> {
  const rows: PeerRow[] = [];
  const tcp: PeerRow = {
    system: 'machine: loopback TCP, Node → Node', produce: null, consume: null, durability: 'none (a socket)',
    notes: `4-byte length + ${recordSize} B per record, 64 KiB writes; the receiver walks every frame; one figure (both columns)`,
  };
  rows.push(await limitRow(tcp, async () => {
    tcp.produce = await loopbackTcp(records, recordSize);
    tcp.consume = tcp.produce;
  }));
  const dir = tempDir('peers-file');
  try {
    const file: PeerRow = {
      system: 'machine: sequential file write / read', produce: null, consume: null, durability: 'fdatasync once, at the end',
      notes: `${recordSize} B records in 64 KiB write()s; consume: read back in 1 MiB read()s (page cache)`,
    };
    rows.push(await limitRow(file, async () => {
      file.produce = await runWorker('file', 'produce', dir, records, recordSize);
      file.consume = await runWorker('file', 'consume', dir, records, recordSize);
    }));
    const synced: PeerRow = {
      system: 'machine: file write, fdatasync each 64 KiB', produce: null, consume: null, durability: 'fdatasync after every 64 KiB write',
      notes: 'the durable ceiling: every write on disk before the next',
    };
    rows.push(await limitRow(synced, async () => {
      synced.produce = await runWorker('file', 'produce-sync', dir, records, recordSize);
    }));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}
