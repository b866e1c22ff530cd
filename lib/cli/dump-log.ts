/**
 * `samsa-dump-log`: Kafka's kafka-dump-log (DumpLogSegments) — print the contents of segment
 * files (`.log`), offset indexes (`.index`), time indexes (`.timeindex`), aborted-transaction
 * indexes (`.txnindex`) and producer snapshots (`.snapshot`) straight from disk, with no broker running, to debug a segment that looks corrupt.
 *
 * Output follows Kafka's line for line: `Dumping <file>` per file, then its batches or entries;
 * problems found while checking indexes against the log are summarised on stderr at the end.
 * A file that cannot be read (missing, or failing --index-sanity-check) is reported on stderr and
 * the tool goes on with the others, then exits 1.
 */
import { promises as fsp } from 'fs';
import * as path from 'path';
import { parseSnapshot, SNAPSHOT_FILE_SUFFIX } from '../storage/producer-snapshot';
import { INDEX_FILE_SUFFIX, LOG_FILE_SUFFIX, TIME_INDEX_FILE_SUFFIX, TXN_INDEX_FILE_SUFFIX } from '../storage/segment-files';
import { TransactionIndex } from '../storage/transaction-index';
import { dumpOffsetIndex, dumpTimeIndex, emptyIndexFindings, indexFindingsText } from './dump-log-index';
import { dumpLogFile } from './dump-log-segment';
import { CliIo, UsageError, errorMessage, integerArg, newProgram, parseToolArgs, processIo, runMain } from './options';

const TOOL_NAME = 'samsa-dump-log';
/** Kafka's default for --max-message-size. */
const DEFAULT_MAX_MESSAGE_SIZE = 5 * 1024 * 1024;

interface DumpLogCommandOptions {
  files: string[];
  printDataLog: boolean;
  deepIteration: boolean;
  skipRecordMetadata: boolean;
  verifyOnly: boolean;
  indexSanityOnly: boolean;
  maxMessageSize: number;
}

function buildProgram(io: CliIo) {
  return newProgram(TOOL_NAME, 'This tool helps to parse a log file and dump its contents to the console, useful for debugging a seemingly corrupt log segment.', io)
    .option('--files <file1,file2,...>', 'REQUIRED: The comma separated list of data and index log files to be dumped (.log, .index, .timeindex, .txnindex, .snapshot).')
    .option('--print-data-log', 'if set, printing the messages content (keys and payloads as UTF-8) when dumping data logs.')
    .option('--deep-iteration', 'if set, uses deep instead of shallow iteration. Automatically set if print-data-log is enabled.')
    .option('--skip-record-metadata', 'Whether to skip printing metadata for each record.')
    .option('--verify-index-only', 'if set, just verify the index log without printing its content.')
    .option('--index-sanity-check', 'if set, just checks the index sanity without printing its content. This is the same check that is executed on broker startup to determine if an index needs rebuilding or not.')
    .option('--max-message-size <size>', `Size of largest message. (default: ${DEFAULT_MAX_MESSAGE_SIZE})`, integerArg(1, 0x7fffffff));
}

function toOptions(o: Record<string, unknown>): DumpLogCommandOptions {
  if (o.files === undefined) throw new UsageError('Missing required argument "[files]"');
  const files = String(o.files).split(',').map((f) => f.trim()).filter((f) => f !== '');
  if (files.length === 0) throw new UsageError('--files needs at least one file name');
  const printDataLog = o.printDataLog === true;
  return {
    files,
    printDataLog,
    deepIteration: o.deepIteration === true || printDataLog,
    skipRecordMetadata: o.skipRecordMetadata === true,
    verifyOnly: o.verifyIndexOnly === true,
    indexSanityOnly: o.indexSanityCheck === true,
    maxMessageSize: (o.maxMessageSize as number | undefined) ?? DEFAULT_MAX_MESSAGE_SIZE,
  };
}

/** The segment's base offset from its file name (`00000000000000000042.log` → 42). */
function baseOffsetOf(file: string): number {
  const stem = path.basename(file).split('.')[0];
  if (!/^\d+$/.test(stem) || !Number.isSafeInteger(Number(stem))) {
    throw new Error(`cannot read a base offset from the file name '${path.basename(file)}': segment files are named <20-digit offset>.log|.index|.timeindex|.txnindex`);
  }
  return Number(stem);
}

function sibling(file: string, suffix: string): string {
  return path.join(path.dirname(file), path.basename(file).split('.')[0] + suffix);
}

export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  const parsed = parseToolArgs(buildProgram(io), argv, io, TOOL_NAME, toOptions);
  if (!parsed.ok) return parsed.exitCode;
  const opts = parsed.options;
  const out = (line: string): void => io.out(`${line}\n`);
  const indexFindings = emptyIndexFindings();
  const nonConsecutive = new Map<string, Array<[number, number]>>();
  let exitCode = 0;
  for (const file of opts.files) {
    out(`Dumping ${file}`);
    const suffix = path.extname(file);
    try {
      if (suffix === LOG_FILE_SUFFIX) {
        const found = await dumpLogFile(file, baseOffsetOf(file), opts, out);
        if (found.nonConsecutive.length > 0) nonConsecutive.set(path.resolve(file), found.nonConsecutive);
      } else if (suffix === INDEX_FILE_SUFFIX) {
        await dumpOffsetIndex(file, sibling(file, LOG_FILE_SUFFIX), baseOffsetOf(file), opts, indexFindings, out);
      } else if (suffix === TIME_INDEX_FILE_SUFFIX) {
        await dumpTimeIndex(file, sibling(file, LOG_FILE_SUFFIX), sibling(file, INDEX_FILE_SUFFIX), baseOffsetOf(file), opts, indexFindings, out);
      } else if (suffix === TXN_INDEX_FILE_SUFFIX) {
        await dumpTxnIndex(file, io);
      } else if (suffix === SNAPSHOT_FILE_SUFFIX) {
        await dumpSnapshot(file, baseOffsetOf(file), io);
      } else {
        io.err(`Ignoring unknown file ${file}\n`);
      }
    } catch (err) {
      io.err(`Error: ${fileError(err)}\n`);
      exitCode = 1;
    }
  }
  io.err(indexFindingsText(indexFindings));
  for (const [file, pairs] of nonConsecutive) {
    io.err(`Non-consecutive offsets in ${file}\n`);
    for (const [first, second] of pairs) io.err(`  ${first} is followed by ${second}\n`);
  }
  return exitCode;
}

/** Kafka's dumpTxnIndex: one line per aborted transaction of a `.txnindex` file (transaction-index.ts). */
async function dumpTxnIndex(file: string, io: CliIo): Promise<void> {
  for (const t of TransactionIndex.parse(file, await fsp.readFile(file))) {
    io.out(`version: 0 producerId: ${t.producerId} firstOffset: ${t.firstOffset} lastOffset: ${t.lastOffset} lastStableOffset: ${t.lastStableOffset}\n`);
  }
}

/**
 * One line per producer, in Kafka's words (currentTxnFirstOffset as Scala prints an Option); the
 * batch shown is the producer's latest, and a producer whose epoch a marker bumped has none.
 */
async function dumpSnapshot(file: string, offset: number, io: CliIo): Promise<void> {
  const producers = parseSnapshot(await fsp.readFile(file, 'utf8'), offset);
  if (producers === null) {
    io.err(`Snapshot ${file} is corrupt (its CRC or contents do not check out)\n`);
    return;
  }
  for (const [producerId, e] of producers) {
    const b = e.batches[e.batches.length - 1];
    const txn = e.currentTxnFirstOffset >= 0 ? `Some(${e.currentTxnFirstOffset})` : 'None';
    const batch = b === undefined ? ''
      : `firstSequence: ${b.firstSeq} lastSequence: ${b.lastSeq} lastOffset: ${b.lastOffset} offsetDelta: ${b.lastOffset - b.firstOffset} timestamp: ${e.lastTimestamp}`;
    io.out(`producerId: ${producerId} producerEpoch: ${e.epoch} coordinatorEpoch: ${e.coordinatorEpoch} currentTxnFirstOffset: ${txn} ${batch}\n`);
  }
}

function fileError(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  if (e.code === 'ENOENT') return `${e.path ?? 'file'} does not exist`;
  if (e.code === 'EACCES') return `${e.path ?? 'file'} cannot be read (permission denied)`;
  return errorMessage(err);
}

if (require.main === module) runMain((argv) => main(argv));
