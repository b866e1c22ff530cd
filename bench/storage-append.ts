/**
 * Storage hot-path benchmark: appends of 16 KiB record batches to one PartitionLog, then a
 * sequential read-back, reporting MB/s and batches/s.
 *
 * Three append modes show what the per-log queue buys: one append at a time (each waits for its
 * write), many in flight (the writer coalesces them into one writev per group), and the same with
 * fsync after every group (flushIntervalMessages = 1). Run: `node dist/bench/storage-append.js
 * [totalMiB]` after `npx tsc -p .`.
 */
import { PartitionLog } from '../lib/storage/partition-log';
import { buildBatch, listBatches, tempDir, testConfig } from '../test/storage/batch-builder';

const BATCH_BYTES = 16 * 1024;
const RECORDS_PER_BATCH = 16;

function template(): Buffer {
  // Aim the whole batch (header + records) at 16 KiB.
  let valueBytes = Math.floor((BATCH_BYTES - 61) / RECORDS_PER_BATCH) - 8;
  let batch = buildBatch({ records: RECORDS_PER_BATCH, valueBytes });
  while (batch.length > BATCH_BYTES) batch = buildBatch({ records: RECORDS_PER_BATCH, valueBytes: --valueBytes });
  return batch;
}

interface Outcome {
  label: string;
  batches: number;
  bytes: number;
  ms: number;
}

function report({ label, batches, bytes, ms }: Outcome): void {
  const seconds = ms / 1000;
  console.log(`${label.padEnd(34)} ${batches} batches, ${(bytes / 1048576).toFixed(0)} MiB in ${ms.toFixed(0)} ms: ` +
    `${(bytes / 1048576 / seconds).toFixed(1)} MB/s, ${Math.round(batches / seconds)} batches/s`);
}

async function appendBench(label: string, batches: number, inFlight: number, flushIntervalMessages: number, withReadBack = false): Promise<void> {
  const { dir, cleanup } = tempDir('samsa-bench-');
  const log = await PartitionLog.open(dir, 'bench', 0, testConfig({ segmentBytes: 256 * 1024 * 1024, indexIntervalBytes: 4096, flushIntervalMessages }));
  const base = template();
  // The log stamps offsets into the buffer it is given, so each in-flight append needs its own copy.
  const pool = Array.from({ length: inFlight }, () => Buffer.from(base));
  let next = 0;
  const started = process.hrtime.bigint();
  const worker = async (slot: number): Promise<void> => {
    while (next < batches) {
      next++;
      await log.append(pool[slot], { leaderEpoch: 0 });
    }
  };
  await Promise.all(pool.map((_, slot) => worker(slot)));
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (log.logEndOffset !== batches * RECORDS_PER_BATCH) throw new Error(`log end offset ${log.logEndOffset}`);
  report({ label, batches, bytes: batches * base.length, ms });
  if (withReadBack) report(await readBench(log));
  await log.close();
  cleanup();
}

async function readBench(log: PartitionLog): Promise<Outcome> {
  let offset = 0;
  let bytes = 0;
  let batches = 0;
  const started = process.hrtime.bigint();
  while (offset < log.logEndOffset) {
    const { records } = await log.read(offset, 1024 * 1024);
    const found = listBatches(records);
    if (found.length === 0) throw new Error(`empty read at ${offset}`);
    const last = found[found.length - 1];
    offset = last.baseOffset + last.lastOffsetDelta + 1;
    bytes += records.length;
    batches += found.length;
  }
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  return { label: 'read, 1 MiB fetches (page cache)', batches, bytes, ms };
}

async function main(): Promise<void> {
  const totalMiB = Number(process.argv[2] ?? 256);
  const batches = Math.floor((totalMiB * 1048576) / BATCH_BYTES);
  console.log(`Appending ${batches} batches of ${template().length} bytes (${totalMiB} MiB) per run`);
  await appendBench('sequential (1 in flight)', batches, 1, Number.MAX_SAFE_INTEGER);
  await appendBench('pipelined (64 in flight)', batches, 64, Number.MAX_SAFE_INTEGER, true);
  await appendBench('pipelined + fsync per group', Math.floor(batches / 4), 64, 1);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
