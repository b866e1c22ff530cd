/**
 * Snappy as Kafka's Java client writes it: the xerial snappy-java stream framing around raw
 * Snappy blocks.
 *
 * Kafka compresses a batch's records with snappy-java's SnappyOutputStream, whose output is a
 * 16-byte header (magic `\x82SNAPPY\0`, int32 version 1, int32 minimum compatible version 1)
 * followed by blocks of `int32 compressedLength | raw snappy block`, each block covering at most
 * 32 KiB of input. SnappyInputStream reads that framing, and falls back to a single raw Snappy
 * block when the magic is absent (librdkafka and some older clients write raw blocks). It also
 * accepts a second header in mid-stream, which appears when two framed streams were concatenated.
 * The xerial framing is *not* the official Snappy framing format (`\xff\x06\0\0sNaPpY`).
 */
import * as snappy from 'snappy';
import { CorruptRecordError } from '../protocol/errors';

const MAGIC = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00]);
const HEADER_SIZE = 16;
const VERSION = 1;
const MINIMUM_COMPATIBLE_VERSION = 1;
/** snappy-java's default block size, which Kafka keeps. */
export const XERIAL_BLOCK_SIZE = 32 * 1024;
/** The magic's first four bytes read as a (negative) int32: a block length that is really a header. */
const MAGIC_HEAD = MAGIC.readInt32BE(0);

/** Compresses `input` into xerial framing, one raw Snappy block per 32 KiB of input. */
export function xerialCompress(input: Buffer): Buffer {
  const blocks: Buffer[] = [];
  let total = HEADER_SIZE;
  for (let start = 0; start < input.length; start += XERIAL_BLOCK_SIZE) {
    const block = snappy.compressSync(input.subarray(start, Math.min(input.length, start + XERIAL_BLOCK_SIZE)));
    blocks.push(block);
    total += 4 + block.length;
  }
  const out = Buffer.allocUnsafe(total);
  MAGIC.copy(out, 0);
  out.writeInt32BE(VERSION, 8);
  out.writeInt32BE(MINIMUM_COMPATIBLE_VERSION, 12);
  let position = HEADER_SIZE;
  for (const block of blocks) {
    out.writeInt32BE(block.length, position);
    block.copy(out, position + 4);
    position += 4 + block.length;
  }
  return out;
}

function hasMagic(input: Buffer, position: number): boolean {
  return input.length - position >= HEADER_SIZE && input.compare(MAGIC, 0, MAGIC.length, position, position + MAGIC.length) === 0;
}

function rawUncompress(block: Buffer): Buffer {
  try {
    return snappy.uncompressSync(block, { asBuffer: true }) as Buffer;
  } catch (err) {
    throw new CorruptRecordError(`snappy block does not decompress: ${(err as Error).message}`);
  }
}

/** Decompresses xerial-framed Snappy, or a single raw Snappy block when the magic is absent. */
export function xerialUncompress(input: Buffer): Buffer {
  if (!hasMagic(input, 0)) return rawUncompress(input);
  const compatible = input.readInt32BE(12);
  if (compatible > VERSION) {
    throw new CorruptRecordError(`xerial snappy stream needs reader version ${compatible}; this reader is version ${VERSION}`);
  }
  const parts: Buffer[] = [];
  let position = HEADER_SIZE;
  while (position < input.length) {
    if (input.length - position < 4) {
      throw new CorruptRecordError(`xerial snappy block length at position ${position} is truncated`);
    }
    const blockLength = input.readInt32BE(position);
    if (blockLength === MAGIC_HEAD && hasMagic(input, position)) {
      position += HEADER_SIZE;
      continue;
    }
    if (blockLength < 0 || blockLength > input.length - position - 4) {
      throw new CorruptRecordError(`xerial snappy block at position ${position} declares ${blockLength} bytes; ${input.length - position - 4} remain`);
    }
    parts.push(rawUncompress(input.subarray(position + 4, position + 4 + blockLength)));
    position += 4 + blockLength;
  }
  return parts.length === 1 ? parts[0] : Buffer.concat(parts);
}
