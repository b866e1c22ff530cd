/**
 * `samsa-producer-perf-test`: Kafka's kafka-producer-perf-test — send N records of a given size
 * (or drawn from a payload file) as fast as allowed, reporting throughput and latency every 5 s
 * and a final line with percentiles, in Kafka's exact format (see producer-perf-stats.ts).
 *
 * Sends are pipelined: the loop keeps at most a buffer.memory's worth of records unacknowledged
 * (SendWindow) and yields to the event loop regularly so the producer's sockets make progress
 * while the loop runs. With fixed-size records every send shares one callback (Kafka's
 * send(record, callback), the cheapest path an application has): a record's latency is its ack
 * time minus its timestamp, which the producer stamps at send() (the topic's LogAppendTime, if
 * it uses that, would make it ack minus append time). Other payloads keep a callback per record
 * that remembers its send time and size. `--throughput` throttles like Kafka's ThroughputThrottler. With
 * `--transaction-duration-ms N` > 0 (Kafka's ProducerPerformance flags) the records go out in
 * transactions under `--transactional-id`, each committed once it is N ms old. `--warmup-records N`
 * (Kafka 4.1, KIP-1052) adds a steady-state summary of the records sent after the first N.
 */
import * as fs from 'fs';
import * as path from 'path';
import { PRODUCER_METRIC_DEFS } from '../client/client-metrics';
import { Producer, RecordMetadata } from '../client/producer';
import { PRODUCER_DEFAULTS } from '../client/producer-options';
import { formatMetricsTable } from './print-metrics';
import { WarmupSplitStats } from './producer-perf-stats';
import { SendWindow } from './send-window';
import { ThroughputThrottler } from './throughput-throttler';
import { CliIo, UsageError, errorMessage, integerArg, loadClientProperties, newProgram, numberArg, openClient, parseToolArgs, ToolArgs, processIo, runMain, withByteSerdes } from './options';

const TOOL_NAME = 'samsa-producer-perf-test';
/** Distinct random payloads cycled through, so compression sees varied data without a per-record RNG cost. */
const PAYLOAD_POOL_SIZE = 1000;
const YIELD_EVERY_RECORDS = 1000;
/** Acks timed with one clock read (see runTest). */
const ACK_CLOCK_READS = 128;

export interface ProducerPerfOptions {
  topic: string;
  numRecords: number;
  recordSize?: number;
  payloadFile?: string;
  payloadDelimiter: string;
  payloadMonotonic: boolean;
  throughput: number;
  producerProps: Record<string, string>;
  printMetrics: boolean;
  /** 0: no transactions. */
  transactionDurationMs: number;
  /** 0: no warm-up; else less than numRecords. */
  warmupRecords: number;
}

/** Kafka's ProducerPerformance default for --transactional-id. */
const DEFAULT_TRANSACTIONAL_ID = 'performance-producer-default-transactional-id';

function buildProgram(io: CliIo) {
  return newProgram(TOOL_NAME, 'Measure producer throughput and latency.', io)
    .requiredOption('--topic <topic>', 'REQUIRED: produce messages to this topic.')
    .requiredOption('--num-records <n>', 'REQUIRED: number of messages to produce.', integerArg())
    .option('--record-size <bytes>', 'Message size in bytes (exactly one of --record-size, --payload-file, --payload-monotonic).', integerArg())
    .option('--payload-file <file>', 'UTF-8 file of payloads, split by --payload-delimiter; one is picked at random per record.')
    .option('--payload-delimiter <text>', 'Delimiter between payloads in --payload-file.', '\\n')
    .option('--payload-monotonic', 'Payload is the record number as text.')
    .requiredOption('--throughput <n>', 'REQUIRED: throttle to about this many messages/sec; -1 disables throttling.', numberArg)
    .option('--producer-props <prop=value...>', 'Producer config properties (bootstrap.servers, acks, ...); override --producer.config.')
    .option('--producer.config <file>', 'Producer config properties file.')
    .option('--print-metrics', 'Print producer metrics at the end of the test.')
    .option('--transactional-id <id>', 'The transactionalId to use if transaction-duration-ms is > 0. Useful when testing the performance of concurrent transactions.', DEFAULT_TRANSACTIONAL_ID)
    .option('--transaction-duration-ms <ms>', 'The max age of each transaction. The commitTransaction will be called after this time has elapsed. Transactions are only enabled if this value is positive.', integerArg(0), 0)
    .option('--warmup-records <n>', 'The number of records to treat as warmup; these initial records will not be included in steady-state statistics. ' +
      'An additional summary line will be printed describing the steady-state statistics.', integerArg(), 0);
}

export function parseProducerPerfArgs(argv: readonly string[], io: CliIo): ToolArgs<ProducerPerfOptions> {
  return parseToolArgs(buildProgram(io), argv, io, TOOL_NAME, toOptions);
}

function toOptions(o: Record<string, unknown>): ProducerPerfOptions {
  const payloadSources = ['recordSize', 'payloadFile', 'payloadMonotonic'].filter((k) => o[k] !== undefined);
  if (payloadSources.length !== 1) {
    throw new UsageError('Exactly one of --record-size, --payload-file or --payload-monotonic must be specified.');
  }
  const numRecords = o.numRecords as number;
  if (numRecords <= 0) throw new UsageError('--num-records should be greater than zero');
  // Kafka's ConfigPostProcessor: a negative count means no warm-up (Math.max(warmupRecords, 0)).
  const warmupRecords = Math.max(o.warmupRecords as number, 0);
  if (warmupRecords >= numRecords) {
    throw new UsageError('The value for --warmup-records must be strictly fewer than the number of records in the test, --num-records.');
  }
  const recordSize = o.recordSize as number | undefined;
  if (recordSize !== undefined && recordSize <= 0) throw new UsageError('--record-size should be greater than zero');
  const propArgs = o.producerProps as string[] | undefined;
  const configFile = o['producer.config'] as string | undefined;
  if (propArgs === undefined && configFile === undefined) {
    throw new UsageError('Either --producer-props or --producer.config must be specified.');
  }
  const producerProps = loadClientProperties(configFile, propArgs ?? []);
  producerProps['client.id'] ??= 'perf-producer-client';
  const transactionDurationMs = o.transactionDurationMs as number;
  if (transactionDurationMs > 0) producerProps['transactional.id'] = o.transactionalId as string;
  const delimiter = o.payloadDelimiter as string;
  return {
    topic: o.topic as string,
    numRecords,
    recordSize,
    payloadFile: o.payloadFile as string | undefined,
    payloadDelimiter: delimiter === '\\n' ? '\n' : delimiter,
    payloadMonotonic: o.payloadMonotonic === true,
    throughput: o.throughput as number,
    producerProps,
    printMetrics: o.printMetrics === true,
    transactionDurationMs,
    warmupRecords,
  };
}

/** A payload source: record index → bytes. */
export type PayloadSource = (index: number) => Buffer;

export function payloadSource(opts: ProducerPerfOptions, io: CliIo, random: () => number = Math.random): PayloadSource {
  if (opts.recordSize !== undefined) {
    const size = opts.recordSize;
    const pool = Array.from({ length: Math.min(PAYLOAD_POOL_SIZE, opts.numRecords) }, () => {
      const buf = Buffer.allocUnsafe(size);
      for (let j = 0; j < size; j++) buf[j] = 65 + Math.floor(random() * 26);
      return buf;
    });
    return (i) => pool[i % pool.length];
  }
  if (opts.payloadMonotonic) return (i) => Buffer.from(String(i), 'utf8');
  const payloads = readPayloadFile(opts.payloadFile as string, opts.payloadDelimiter, io);
  return () => payloads[Math.floor(random() * payloads.length)];
}

function readPayloadFile(file: string, delimiter: string, io: CliIo): Buffer[] {
  io.out(`Reading payloads from: ${path.resolve(file)}\n`);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    text = '';
  }
  const payloads = text.split(delimiter).filter((p) => p !== '').map((p) => Buffer.from(p, 'utf8'));
  if (payloads.length === 0) throw new UsageError('File does not exist or empty file provided.');
  io.out(`Number of messages read: ${payloads.length}\n`);
  return payloads;
}

export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  const parsed = parseProducerPerfArgs(argv, io);
  if (!parsed.ok) return parsed.exitCode;
  const opts = parsed.options;
  let payload!: PayloadSource;
  const producer = await openClient(io, TOOL_NAME, () => {
    payload = payloadSource(opts, io);
    return Producer.fromProperties(withByteSerdes(opts.producerProps));
  });
  if (!producer) return 1;
  return runTest(producer, payload, opts, io);
}

async function runTest(producer: Producer, payload: PayloadSource, opts: ProducerPerfOptions, io: CliIo): Promise<number> {
  const stats = new WarmupSplitStats((line) => io.out(`${line}\n`), opts.warmupRecords);
  const throttler = new ThroughputThrottler(opts.throughput, Date.now());
  const windowSize = maxOutstanding(opts, payload(0).length);
  const window = new SendWindow(windowSize);
  // A full window is waited on until an eighth of it is free: one wait per many sends.
  const resumeAt = windowSize - Math.max(1, Math.floor(windowSize / 8));
  let failed = 0;
  const onError = (err: unknown): void => {
    failed += 1;
    if (failed === 1) io.err(`Error: send failed: ${errorMessage(err)}\n`);
  };
  const fixedSize = opts.recordSize;
  type Recorder = (latencyMs: number, bytes: number, timeMs: number) => void;
  const recordWarmup: Recorder = (latencyMs, bytes, timeMs) => stats.recordWarmup(latencyMs, bytes, timeMs);
  const recordSteady: Recorder = (latencyMs, bytes, timeMs) => stats.recordSteady(latencyMs, bytes, timeMs);
  // The acks of a Produce response arrive in one synchronous loop: the clock (a read costs 60-120 ns
  // here, as much as the rest of a record's callback) is read once per ACK_CLOCK_READS acks and
  // forgotten at the next microtask, so an ack time is never older than that many callbacks' work.
  let ackClock = 0;
  let ackClockUses = 0;
  let forgetQueued = false;
  const forgetAckClock = (): void => {
    ackClockUses = 0;
    forgetQueued = false;
  };
  const shared = (record: Recorder) => (err: Error | null, metadata?: RecordMetadata): void => {
    if (err) onError(err);
    else {
      if (ackClockUses-- <= 0) {
        ackClock = Date.now();
        ackClockUses = ACK_CLOCK_READS - 1;
        if (!forgetQueued) {
          forgetQueued = true;
          queueMicrotask(forgetAckClock);
        }
      }
      record(ackClock - (metadata as RecordMetadata).timestamp, fixedSize as number, ackClock);
    }
    window.release();
  };
  // Built outside the loop body: a closure created there makes every iteration allocate its scope.
  const perRecordCallback = (value: Buffer, sendStart: number, record: Recorder) => (err: Error | null): void => {
    if (err) onError(err);
    else {
      const now = Date.now();
      record(now - sendStart, value.length, now);
    }
    window.release();
  };
  // Which stats a record counts in is fixed when it is sent (Kafka's callback carries them).
  let record = recordWarmup;
  let sharedCallback = fixedSize === undefined ? null : shared(recordWarmup);
  const transactions = opts.transactionDurationMs > 0;
  // The send time is read only where it is used: a clock read per record is a measurable cost.
  const clocked = sharedCallback === null || transactions || opts.throughput >= 0;
  let transactionSize = 0;
  let transactionStart = 0;
  try {
    // Kafka's first send() blocks until the topic's metadata is known, so one record carries that
    // wait; a Node send() cannot block, and without this every record sent meanwhile would (a
    // paced run's p99.9 was the first 100 ms). Failing here fails as that first send would.
    await producer.partitionsFor(opts.topic);
    if (transactions) await producer.initTransactions();
    for (let i = 0; i < opts.numRecords; i++) {
      const value = payload(i);
      if (!window.tryAcquire()) {
        await window.waitUntilAtMost(resumeAt);
        await window.acquire();
      }
      if (transactions && transactionSize === 0) {
        producer.beginTransaction();
        transactionStart = Date.now();
      }
      if (stats.startsSteadyState(i)) {
        stats.beginSteadyState();
        record = recordSteady;
        if (sharedCallback !== null) sharedCallback = shared(recordSteady);
      }
      const sendStart = clocked ? Date.now() : 0;
      producer.send({ topic: opts.topic, value }, sharedCallback ?? perRecordCallback(value, sendStart, record));
      transactionSize += 1;
      // Kafka's ProducerPerformance: commit once the transaction is transaction-duration-ms old.
      if (transactions && opts.transactionDurationMs <= sendStart - transactionStart) {
        await producer.commitTransaction();
        transactionSize = 0;
      }
      if (throttler.shouldThrottle(i, sendStart)) await throttler.throttle();
      if (i % YIELD_EVERY_RECORDS === YIELD_EVERY_RECORDS - 1) await new Promise<void>((resolve) => setImmediate(resolve));
    }
    if (transactions && transactionSize !== 0) await producer.commitTransaction();
    await producer.flush();
    await window.drain();
  } catch (err) {
    onError(err);
  }
  for (const line of stats.summaryLines()) io.out(`${line}\n`);
  if (opts.printMetrics) io.out(formatMetricsTable(PRODUCER_METRIC_DEFS, producer.metrics(), producerClientId(opts)));
  stats.close();
  await producer.close().catch(onError);
  if (failed === 0) return 0;
  io.err(`Error: ${failed} of ${opts.numRecords} records failed to send.\n`);
  return 1;
}

/** Unacknowledged records that fit in buffer.memory, so memory stays bounded like Kafka's producer. */
function maxOutstanding(opts: ProducerPerfOptions, payloadBytes: number): number {
  const bufferMemory = Number(opts.producerProps['buffer.memory'] ?? PRODUCER_DEFAULTS.bufferMemory);
  const perRecord = payloadBytes + 64;
  const fits = Math.floor((Number.isFinite(bufferMemory) && bufferMemory > 0 ? bufferMemory : PRODUCER_DEFAULTS.bufferMemory) / perRecord);
  return Math.max(100, Math.min(200_000, fits));
}

function producerClientId(opts: ProducerPerfOptions): string {
  return opts.producerProps['client.id'];
}

if (require.main === module) runMain((argv) => main(argv));
