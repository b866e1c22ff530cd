/**
 * Tiny RecordBatch v2 builder for storage tests and the storage benchmark.
 *
 * Storage must not depend on the full record codec (lib/record is written in parallel), so this
 * writes uncompressed batches by hand from the header offsets in batch-header.ts, with a correct
 * CRC-32C, plus helpers to make temp directories and list the batches in a buffer.
 */
import { crc32c } from '@node-rs/crc32';
import { mkdtempSync, rmSync } from 'fs';
import * as os from 'os';
import * as path from 'path';
import {
  ATTRIBUTES_OFFSET, BASE_OFFSET_OFFSET, BASE_SEQUENCE_OFFSET, BATCH_HEADER_SIZE, BATCH_LENGTH_OFFSET, BatchInfo, CRC_OFFSET,
  FIRST_TIMESTAMP_OFFSET, LAST_OFFSET_DELTA_OFFSET, LOG_OVERHEAD, MAGIC_OFFSET, MAX_TIMESTAMP_OFFSET,
  PARTITION_LEADER_EPOCH_OFFSET, PRODUCER_EPOCH_OFFSET, PRODUCER_ID_OFFSET, RECORD_COUNT_OFFSET, forEachBatch, readBatchInfo,
} from '../../lib/record/batch-header';
import { LogConfig } from '../../lib/storage/log-config';
import type { LogSegment } from '../../lib/storage/log-segment';
import type { BatchHeaderView } from '../../lib/storage/segment-scan';

export interface BatchSpec {
  /** Number of records (default 1). */
  records?: number;
  /** Bytes in each record's value (default 10). */
  valueBytes?: number;
  baseOffset?: number;
  partitionLeaderEpoch?: number;
  /** Timestamp of the first record; record i gets firstTimestamp + i (default 1_600_000_000_000). */
  firstTimestamp?: number;
  /** Byte each value is filled with, to tell batches apart (default 0x61). */
  fill?: number;
  /** Key of every record (default null: no key). */
  key?: string;
  /** Idempotent producer fields (default -1: none). */
  producerId?: number;
  producerEpoch?: number;
  baseSequence?: number;
}

function zigzagVarint(value: number): number[] {
  let v = value >= 0 ? value * 2 : -value * 2 - 1;
  const out: number[] = [];
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  out.push(v);
  return out;
}

function encodeRecord(offsetDelta: number, timestampDelta: number, value: Buffer, key?: string): Buffer {
  const keyBytes = key === undefined ? null : Buffer.from(key);
  const body = Buffer.concat([
    Buffer.from([0]), // attributes
    Buffer.from(zigzagVarint(timestampDelta)),
    Buffer.from(zigzagVarint(offsetDelta)),
    ...(keyBytes === null ? [Buffer.from(zigzagVarint(-1))] : [Buffer.from(zigzagVarint(keyBytes.length)), keyBytes]),
    Buffer.from(zigzagVarint(value.length)),
    value,
    Buffer.from(zigzagVarint(0)), // no headers
  ]);
  return Buffer.concat([Buffer.from(zigzagVarint(body.length)), body]);
}

/** An uncompressed batch with a valid CRC. */
export function buildBatch(spec: BatchSpec = {}): Buffer {
  const count = spec.records ?? 1;
  const firstTimestamp = spec.firstTimestamp ?? 1_600_000_000_000;
  const records: Buffer[] = [];
  for (let i = 0; i < count; i++) {
    records.push(encodeRecord(i, i, Buffer.alloc(spec.valueBytes ?? 10, spec.fill ?? 0x61), spec.key));
  }
  const body = Buffer.concat(records);
  const buf = Buffer.alloc(BATCH_HEADER_SIZE + body.length);
  buf.writeBigInt64BE(BigInt(spec.baseOffset ?? 0), BASE_OFFSET_OFFSET);
  buf.writeInt32BE(buf.length - LOG_OVERHEAD, BATCH_LENGTH_OFFSET);
  buf.writeInt32BE(spec.partitionLeaderEpoch ?? -1, PARTITION_LEADER_EPOCH_OFFSET);
  buf.writeInt8(2, MAGIC_OFFSET);
  buf.writeInt16BE(0, ATTRIBUTES_OFFSET);
  buf.writeInt32BE(count - 1, LAST_OFFSET_DELTA_OFFSET);
  buf.writeBigInt64BE(BigInt(firstTimestamp), FIRST_TIMESTAMP_OFFSET);
  buf.writeBigInt64BE(BigInt(firstTimestamp + Math.max(0, count - 1)), MAX_TIMESTAMP_OFFSET);
  buf.writeBigInt64BE(BigInt(spec.producerId ?? -1), PRODUCER_ID_OFFSET);
  buf.writeInt16BE(spec.producerEpoch ?? -1, PRODUCER_EPOCH_OFFSET);
  buf.writeInt32BE(spec.baseSequence ?? -1, BASE_SEQUENCE_OFFSET);
  buf.writeInt32BE(count, RECORD_COUNT_OFFSET);
  body.copy(buf, BATCH_HEADER_SIZE);
  buf.writeUInt32BE(crc32c(buf.subarray(ATTRIBUTES_OFFSET)) >>> 0, CRC_OFFSET);
  return buf;
}

/** The headers of every whole batch in `buf`. */
export function listBatches(buf: Buffer): BatchInfo[] {
  const out: BatchInfo[] = [];
  forEachBatch(buf, (position) => out.push(readBatchInfo(buf, position)));
  return out;
}

/** The segment-level header of the one batch in `buf`, as the log passes it to LogSegment.reserve. */
export function segmentBatchMeta(buf: Buffer): Omit<BatchHeaderView, 'position'> {
  const [info] = listBatches(buf);
  return {
    baseOffset: info.baseOffset, lastOffset: info.baseOffset + info.lastOffsetDelta, maxTimestamp: info.maxTimestamp,
    sizeInBytes: info.sizeInBytes, recordCount: info.recordCount,
  };
}

/** Builds a batch at the segment's next offset and writes it as the log would; returns its bytes. */
export async function writeSegmentBatch(segment: LogSegment, spec: Omit<BatchSpec, 'baseOffset'>, indexIntervalBytes: number): Promise<Buffer> {
  const buf = buildBatch({ ...spec, baseOffset: segment.nextOffset });
  await segment.write([buf], segment.reserve(segmentBatchMeta(buf), indexIntervalBytes, 0));
  return buf;
}

/** A small config: tiny segments and a dense index so tests exercise rolls and lookups. */
export function testConfig(overrides: Partial<LogConfig> = {}): LogConfig {
  return {
    segmentBytes: 1024 * 1024,
    indexIntervalBytes: 256,
    maxMessageBytes: 1024 * 1024,
    segmentMs: 7 * 24 * 3600 * 1000,
    flushIntervalMessages: Number.MAX_SAFE_INTEGER,
    flushIntervalMs: Number.MAX_SAFE_INTEGER,
    indexSizeMaxBytes: 10 * 1024 * 1024,
    ...overrides,
  };
}

/** A fresh temp directory, removed by the returned cleanup function. */
export function tempDir(prefix = 'samsa-storage-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
