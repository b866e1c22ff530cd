/**
 * The `.log` part of `samsa-dump-log`: walks a segment file batch by batch, offline, and prints
 * what Kafka's DumpLogSegments prints for it — one line per batch, and with --deep-iteration one
 * `| offset: ...` line per record (key and payload too with --print-data-log).
 *
 * The tool exists to look at segments that may be damaged, so nothing here trusts the file: a
 * batch whose CRC does not match is printed with `isvalid: false` (its records are still decoded
 * when they can be), and bytes at the end that do not form a whole plausible batch are counted
 * and reported, never thrown.
 */
import { controlRecordType, formatEndTxnMarker, parseEndTxnMarker } from '../record/control-record';
import { promises as fsp } from 'fs';
import type { FileHandle } from 'fs/promises';
import {
  BATCH_HEADER_SIZE, BATCH_LENGTH_OFFSET, COMPRESSION_CODEC_MASK, CONTROL_FLAG_MASK, CRC_OFFSET, LOG_OVERHEAD, MAGIC_OFFSET,
  PRODUCER_EPOCH_OFFSET, PRODUCER_ID_OFFSET, RECORDS_OFFSET, TIMESTAMP_TYPE_MASK, TRANSACTIONAL_FLAG_MASK, computeBatchCrc, readBaseSequence, readBatchInfo,
} from '../record/batch-header';
import { COMPRESSION_TYPES, decompress } from '../record/compression';
import type { ConsumedRecord } from '../record/record';
import { RecordContext, readRecord } from '../record/record-codec';
import { ByteCursor } from '../record/varint';
import { readAt } from '../storage/segment-scan';

export interface DumpLogOptions {
  printDataLog: boolean;
  deepIteration: boolean;
  skipRecordMetadata: boolean;
}

/** What the run collects for the summary Kafka prints on stderr after all files. */
export interface LogDumpFindings {
  /** Pairs (previous, next) of record offsets that do not follow each other. */
  nonConsecutive: Array<[number, number]>;
}

const INT32_MAX = 0x7fffffff;

/** Kafka's DefaultRecordBatch.incrementSequence: sequences wrap at Int.MaxValue. */
function addSequence(base: number, delta: number): number {
  if (base < 0) return -1;
  return base > INT32_MAX - delta ? delta - (INT32_MAX - base) - 1 : base + delta;
}

/** Prints the dump of the `.log` file at `file`; `baseOffset` comes from its name. */
export async function dumpLogFile(file: string, baseOffset: number, opts: DumpLogOptions, out: (line: string) => void): Promise<LogDumpFindings> {
  out(`Starting offset: ${baseOffset}`);
  const findings: LogDumpFindings = { nonConsecutive: [] };
  const handle = await fsp.open(file, 'r');
  try {
    const fileSize = (await handle.stat()).size;
    let position = 0;
    let lastOffset = -1;
    for (;;) {
      const batch = await readBatchAt(handle, position, fileSize);
      if (batch === null) break;
      out(batchLine(batch, position));
      if (opts.deepIteration) {
        for (const line of recordLines(batch, opts, (offset) => {
          if (lastOffset !== -1 && offset !== lastOffset + 1) findings.nonConsecutive.push([lastOffset, offset]);
          lastOffset = offset;
        })) out(line);
      }
      position += batch.length;
    }
    if (fileSize > position) out(`Found ${fileSize - position} invalid bytes at the end of ${baseName(file)}`);
  } finally {
    await handle.close();
  }
  return findings;
}

function baseName(file: string): string {
  const slash = file.lastIndexOf('/');
  return slash < 0 ? file : file.slice(slash + 1);
}

/**
 * The whole batch at `position`, or null where iteration ends: fewer bytes than a header, a size
 * below the header or past the end of the file, or a magic other than 2 (the only format Samsa
 * writes) — Kafka's FileLogInputStream stops at the first two as well.
 */
async function readBatchAt(handle: FileHandle, position: number, fileSize: number): Promise<Buffer | null> {
  if (fileSize - position < BATCH_HEADER_SIZE) return null;
  const header = await readAt(handle, position, BATCH_HEADER_SIZE);
  if (header.length < BATCH_HEADER_SIZE) return null;
  const size = header.readInt32BE(BATCH_LENGTH_OFFSET) + LOG_OVERHEAD;
  if (size < BATCH_HEADER_SIZE || size > fileSize - position || header.readInt8(MAGIC_OFFSET) !== 2) return null;
  const batch = await readAt(handle, position, size);
  return batch.length === size ? batch : null;
}

function timestampType(attributes: number): string {
  return (attributes & TIMESTAMP_TYPE_MASK) !== 0 ? 'LogAppendTime' : 'CreateTime';
}

function isValid(batch: Buffer): boolean {
  return batch.readUInt32BE(CRC_OFFSET) === computeBatchCrc(batch, 0, batch.length);
}

/** Kafka's printBatchLevel for a magic-2 batch. */
function batchLine(batch: Buffer, position: number): string {
  const info = readBatchInfo(batch, 0);
  const baseSequence = readBaseSequence(batch, 0);
  const codec = COMPRESSION_TYPES[info.attributes & COMPRESSION_CODEC_MASK] ?? `unknown(${info.attributes & COMPRESSION_CODEC_MASK})`;
  return `baseOffset: ${info.baseOffset} lastOffset: ${info.baseOffset + info.lastOffsetDelta} count: ${info.recordCount}` +
    ` baseSequence: ${baseSequence} lastSequence: ${addSequence(baseSequence, info.lastOffsetDelta)}` +
    ` producerId: ${batch.readBigInt64BE(PRODUCER_ID_OFFSET)} producerEpoch: ${batch.readInt16BE(PRODUCER_EPOCH_OFFSET)}` +
    ` partitionLeaderEpoch: ${info.partitionLeaderEpoch} isTransactional: ${(info.attributes & TRANSACTIONAL_FLAG_MASK) !== 0}` +
    ` isControl: ${(info.attributes & CONTROL_FLAG_MASK) !== 0} position: ${position} ${timestampType(info.attributes)}: ${info.maxTimestamp}` +
    ` size: ${batch.length} magic: ${batch.readInt8(MAGIC_OFFSET)} compresscodec: ${codec} crc: ${batch.readUInt32BE(CRC_OFFSET)}` +
    ` isvalid: ${isValid(batch)}`;
}

/**
 * One `| offset: ...` line per record. The records are read even when the CRC does not match
 * (the point is to see what is there); records that cannot be read end the batch with a line
 * saying why instead of a crash.
 */
function recordLines(batch: Buffer, opts: DumpLogOptions, seen: (offset: number) => void): string[] {
  const info = readBatchInfo(batch, 0);
  const baseSequence = readBaseSequence(batch, 0);
  const control = (info.attributes & CONTROL_FLAG_MASK) !== 0;
  const lines: string[] = [];
  try {
    for (const r of decodeRecords(batch)) {
      seen(r.offset);
      // Kafka's spacing, quirks included: "| " opens the metadata or the key, later fields add
      // " name: value", and the payload always brings its own space (so a keyless record under
      // --skip-record-metadata prints " payload: x").
      let line = '';
      let prefix = '| ';
      if (!opts.skipRecordMetadata) {
        line += `${prefix}offset: ${r.offset} ${r.timestampType}: ${r.timestamp} keySize: ${r.key?.length ?? -1} valueSize: ${r.value?.length ?? -1}` +
          ` sequence: ${addSequence(baseSequence, r.offset - info.baseOffset)} headerKeys: [${r.headers.map((h) => h.key).join(',')}]`;
        prefix = ' ';
        if (control) line += controlText(r);
      }
      if (opts.printDataLog && !control) {
        if (r.key !== null) line += `${prefix}key: ${r.key.toString('utf8')}`;
        if (r.value !== null) line += ` payload: ${r.value.toString('utf8')}`;
      }
      lines.push(line);
    }
  } catch (err) {
    lines.push(`| records of the batch at offset ${info.baseOffset} cannot be read: ${(err as Error).message}`);
  }
  return lines;
}

/** Control records (lib/record/control-record.ts): a transaction marker as Kafka prints it, any other type as unknown. */
function controlText(r: ConsumedRecord): string {
  try {
    const marker = parseEndTxnMarker(r.key, r.value);
    if (marker !== null) return ` ${formatEndTxnMarker(marker)}`;
    return ` controlType: UNKNOWN(${controlRecordType(r.key)})`;
  } catch {
    return ` controlType: UNKNOWN(${r.key !== null && r.key.length >= 4 ? r.key.readInt16BE(2) : -1})`;
  }
}

/** The batch's records, decompressed, without the CRC check decodeRecordBatch insists on. */
function decodeRecords(batch: Buffer): ConsumedRecord[] {
  const info = readBatchInfo(batch, 0);
  const codec = COMPRESSION_TYPES[info.attributes & COMPRESSION_CODEC_MASK];
  if (codec === undefined) throw new Error(`unknown compression codec id ${info.attributes & COMPRESSION_CODEC_MASK}`);
  const body = decompress(codec, batch.subarray(RECORDS_OFFSET));
  const cursor: ByteCursor = { buf: body, position: 0, end: body.length };
  const context: RecordContext = {
    baseOffset: info.baseOffset, firstTimestamp: info.firstTimestamp, maxTimestamp: info.maxTimestamp,
    timestampType: timestampType(info.attributes) as 'CreateTime' | 'LogAppendTime', leaderEpoch: info.partitionLeaderEpoch,
  };
  const records: ConsumedRecord[] = [];
  for (let i = 0; i < info.recordCount && cursor.position < cursor.end; i++) records.push(readRecord(cursor, context));
  if (records.length !== info.recordCount) throw new Error(`the batch declares ${info.recordCount} records but holds ${records.length}`);
  return records;
}
