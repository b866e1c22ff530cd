/**
 * Mutated Kafka request frames for fuzzing the Kafka listener: seeds from
 * test/helpers/kafka-fuzz-seeds.ts with fields set to edge values, int16/int32 lengths and
 * varints (compact lengths, tagged-field counts) lied about or replaced by runs of 0xff, fake
 * tagged fields spliced in, bytes flipped, bodies truncated or padded, API keys and versions
 * changed (across the flexible boundary too, so a body meets the other encoding), record
 * batches damaged behind a recomputed CRC, pure garbage and lying size prefixes.
 * Deterministic for a given seed, like test/helpers/frame-mutator.ts (whose Prng it shares).
 *
 * Nothing is gated: the Kafka listener serves no controller-only API, so no request can rewrite
 * the broker's view of the cluster.
 */
import { allKafkaApis } from '../../lib/protocol/kafka/kafka-apis';
import { computeBatchCrc } from '../../lib/record/batch-header';
import { FieldSlot } from './fuzz-seeds';
import { Prng, withSize, writeSlot } from './frame-mutator';
import { KafkaSeedFrame, VarintSlot } from './kafka-fuzz-seeds';

export const KAFKA_MUTATION_KINDS = ['valid', 'value', 'length', 'varint', 'tagged', 'flip', 'truncate', 'junk', 'header', 'records', 'garbage', 'size'] as const;
export type KafkaMutationKind = typeof KAFKA_MUTATION_KINDS[number];

/** Relative weights; structure-keeping mutations dominate so the decoders and handlers, not only the framer, see odd input. */
const KIND_WEIGHTS: Readonly<Record<KafkaMutationKind, number>> = {
  valid: 15, value: 20, length: 8, varint: 10, tagged: 5, flip: 10, truncate: 6, junk: 4, header: 8, records: 5, garbage: 4, size: 5,
};

export interface KafkaMutatedFrame {
  kind: KafkaMutationKind;
  /** The seed's API (for garbage: -1). */
  seedApiKey: number;
  bytes: Buffer;
}

export interface KafkaFrameMutatorOptions {
  /** socket.request.max.bytes of the broker under test; 'size' mutations go past it. */
  maxFrameBytes?: number;
}

const INT_EDGES = [0, 1, -1, 2, 0x7f, 0x80, 0xff, 0x7fff, -0x8000, 0xffff, 0x7fffffff, -0x80000000, 1000, 65536, 1 << 24];
/** Varint values worth lying with: null (0), empty (1), small, the int16 and int31 limits. */
const VARINT_EDGES = [0, 1, 2, 3, 0x7f, 0x80, 0x3fff, 0x4000, 0x7fff, 0x8000, 0xffff, 1 << 21, 1 << 28, 0x7fffffff];
/** apiKey + apiVersion + correlationId + clientId length. */
const MIN_HEADER_BYTES = 10;
/** A RecordBatch v2 header is 61 bytes; the magic byte sits at offset 16, the CRC at 17 and covers from 21. */
const BATCH_HEADER_BYTES = 61;

export class KafkaFrameMutator {
  private readonly prng: Prng;
  private readonly kindTable: KafkaMutationKind[] = [];
  /** Seeds grouped by API, so an API with many recorded requests is not picked more often than one with few. */
  private readonly byApi: KafkaSeedFrame[][];
  private readonly withBatch: KafkaSeedFrame[];
  private readonly apiKeys: number[];
  private readonly maxFrameBytes: number;
  private correlationId = 0;

  constructor(seeds: readonly KafkaSeedFrame[], seed: number, options: KafkaFrameMutatorOptions = {}) {
    this.prng = new Prng(seed);
    for (const kind of KAFKA_MUTATION_KINDS) for (let i = 0; i < KIND_WEIGHTS[kind]; i++) this.kindTable.push(kind);
    const groups = new Map<number, KafkaSeedFrame[]>();
    for (const s of seeds) groups.set(s.apiKey, [...(groups.get(s.apiKey) ?? []), s]);
    this.byApi = [...groups.values()];
    this.withBatch = seeds.filter((s) => batchIn(s) !== null);
    if (this.withBatch.length === 0) throw new Error('the seeds need a Produce frame with a record batch');
    this.apiKeys = allKafkaApis().map((a) => a.key);
    this.maxFrameBytes = options.maxFrameBytes ?? 100 * 1024 * 1024;
  }

  next(kind: KafkaMutationKind = this.prng.pick(this.kindTable)): KafkaMutatedFrame {
    const p = this.prng;
    const seed = kind === 'records' ? p.pick(this.withBatch) : p.pick(p.pick(this.byApi));
    const bytes = Buffer.from(seed.bytes);
    bytes.writeInt32BE(++this.correlationId | 0, 8);
    return { kind, seedApiKey: kind === 'garbage' ? -1 : seed.apiKey, bytes: this.mutate(kind, seed, bytes) };
  }

  private mutate(kind: KafkaMutationKind, seed: KafkaSeedFrame, bytes: Buffer): Buffer {
    const p = this.prng;
    switch (kind) {
      case 'valid':
        return bytes;
      case 'value':
        if (seed.values.length === 0) return this.flip(bytes);
        for (let n = 1 + p.int(3); n > 0; n--) this.writeEdge(bytes, p.pick(seed.values));
        return bytes;
      case 'length': {
        if (seed.lengths.length === 0) return this.flip(bytes);
        const slot = p.pick(seed.lengths);
        const current = slot.size === 2 ? bytes.readInt16BE(slot.at) : bytes.readInt32BE(slot.at);
        writeSlot(bytes, slot, p.pick([current + 1, current - 1, current * 2 + 1, 0, -1, -2, ...INT_EDGES]));
        return bytes;
      }
      case 'varint': {
        const slots = [...seed.compactLengths, ...seed.tagVarints];
        return slots.length === 0 ? this.flip(bytes) : this.lieInVarint(bytes, p.pick(slots));
      }
      case 'tagged':
        return seed.tagVarints.length === 0 ? this.flip(bytes) : this.spliceTaggedField(bytes, p.pick(seed.tagVarints));
      case 'flip':
        return this.flip(bytes);
      case 'truncate':
        return withSize(bytes.subarray(4, 4 + p.int(bytes.length - 4)));
      case 'junk':
        return withSize(Buffer.concat([bytes.subarray(4), p.bytes(1 + p.int(16))]));
      case 'header':
        return this.mutateHeader(bytes, seed);
      case 'records':
        return this.mutateBatch(bytes, seed);
      case 'garbage':
        return this.garbage();
      case 'size':
        return this.lieAboutSize(bytes);
    }
  }

  /** Mostly past the size prefix, so the mutation reaches the decoders, not just the framer. */
  private flip(bytes: Buffer): Buffer {
    const p = this.prng;
    const from = p.int(8) === 0 ? 0 : 4;
    for (let n = 1 + p.int(6); n > 0; n--) {
      const at = from + p.int(bytes.length - from);
      bytes[at] = p.int(2) === 0 ? bytes[at] ^ (1 << p.int(8)) : p.int(256);
    }
    return bytes;
  }

  private writeEdge(bytes: Buffer, slot: FieldSlot): void {
    const p = this.prng;
    if (slot.size === 1) {
      bytes[slot.at] = p.pick([0, 1, 2, 0x7f, 0x80, 0xff]);
    } else if (slot.size === 8) {
      bytes.writeInt32BE(p.pick([0, -1, 0x7fffffff, -0x80000000, 0x001fffff, 0x00200000, p.int(65536)]), slot.at);
      bytes.writeUInt32BE(p.pick([0, 1, 0xffffffff, p.int(1 << 30)]), slot.at + 4);
    } else {
      writeSlot(bytes, slot, p.int(4) === 0 ? p.int(1 << 30) * (p.int(2) ? 1 : -1) : p.pick(INT_EDGES));
    }
  }

  /**
   * Replaces a varint with another value (re-encoded, so the frame may grow or shrink), with an
   * over-long encoding of the same value, or with a run of 0xff bytes: a varint that never ends
   * within 5 bytes or does not fit 31 bits.
   */
  private lieInVarint(bytes: Buffer, slot: VarintSlot): Buffer {
    const p = this.prng;
    const current = readVarint(bytes, slot.at);
    let replacement: Buffer;
    switch (p.int(4)) {
      case 0:
        replacement = Buffer.alloc(1 + p.int(7), 0xff);
        break;
      case 1:
        replacement = Buffer.concat([Buffer.alloc(1 + p.int(5), 0xff), Buffer.from([p.pick([0x00, 0x01, 0x0f, 0x7f])])]);
        break;
      case 2:
        replacement = overlongVarint(current, slot.size + 1 + p.int(5));
        break;
      default:
        replacement = encodeVarint(p.pick([current + 1, Math.max(0, current - 1), current * 2 + 1, ...VARINT_EDGES]));
    }
    return withSize(Buffer.concat([bytes.subarray(4, slot.at), replacement, bytes.subarray(slot.at + slot.size)]));
  }

  /**
   * Puts a tagged field (known tag numbers are small, so mostly 0-3) with random contents into a
   * tagged-field section, claiming one more field than before; the sizes claimed may lie too.
   */
  private spliceTaggedField(bytes: Buffer, slot: VarintSlot): Buffer {
    const p = this.prng;
    const count = readVarint(bytes, slot.at);
    const content = p.bytes(p.int(24));
    const size = p.int(5) === 0 ? p.pick([0, content.length + 1, content.length + 100, 0x7fffffff]) : content.length;
    const tag = p.int(4) === 0 ? p.pick([4, 100, 0x7fffffff]) : p.int(4);
    const field = Buffer.concat([encodeVarint(count + 1), encodeVarint(tag), encodeVarint(size), content]);
    return withSize(Buffer.concat([bytes.subarray(4, slot.at), field, bytes.subarray(slot.at + slot.size)]));
  }

  /**
   * Another API key or version: mostly one the listener serves (so the body meets another
   * schema or the other encoding), sometimes just outside the served range, sometimes anything;
   * or a client id length that lies.
   */
  private mutateHeader(bytes: Buffer, seed: KafkaSeedFrame): Buffer {
    const p = this.prng;
    switch (p.int(4)) {
      case 0:
        bytes.writeInt16BE(p.int(3) === 0 ? p.int(65536) - 32768 : p.int(80) - 2, 4);
        return bytes;
      case 1:
        bytes.writeInt16BE(p.pick(this.apiKeys), 4);
        return bytes;
      case 2: {
        const version = p.int(3) === 0 ? p.int(65536) - 32768 : seed.apiVersion + p.pick([-2, -1, 1, 2, 5]);
        bytes.writeInt16BE(version, 6);
        return bytes;
      }
      default:
        bytes.writeInt16BE(p.pick([-1, -2, 0, 3, 5, 0x7fff, -0x8000]), 12);
        return bytes;
    }
  }

  /** Bytes inside a record batch changed, then the CRC recomputed so validation gets past the checksum. */
  private mutateBatch(bytes: Buffer, seed: KafkaSeedFrame): Buffer {
    const p = this.prng;
    const batch = batchIn(seed)!;
    for (let n = 1 + p.int(4); n > 0; n--) {
      const at = batch.at + p.int(batch.size);
      bytes[at] = p.int(2) === 0 ? bytes[at] ^ (1 << p.int(8)) : p.pick([0, 0xff, 0x7f, 0x80, p.int(256)]);
    }
    if (p.int(5) !== 0) {
      const size = Math.min(batch.size, bytes.readInt32BE(batch.at + 8) + 12);
      if (size > 21) bytes.writeUInt32BE(computeBatchCrc(bytes, batch.at, size), batch.at + 17);
    }
    return bytes;
  }

  /** Random bytes; half of them behind a served API key and version, so they reach a body decoder. */
  private garbage(): Buffer {
    const p = this.prng;
    const payload = p.bytes(p.int(300));
    if (payload.length >= 8 && p.int(2) === 0) {
      const seed = p.pick(p.pick(this.byApi));
      payload.writeInt16BE(seed.apiKey, 0);
      payload.writeInt16BE(seed.apiVersion, 2);
      payload.writeInt32BE(++this.correlationId | 0, 4);
    }
    return withSize(payload);
  }

  private lieAboutSize(bytes: Buffer): Buffer {
    const p = this.prng;
    const payload = bytes.length - 4;
    bytes.writeInt32BE(p.pick([
      this.maxFrameBytes + 1, 0x7fffffff, -1, -0x80000000, 0, 1, 7, MIN_HEADER_BYTES - 1,
      Math.max(0, payload - 1 - p.int(8)), payload + 1 + p.int(8),
    ]), 0);
    return bytes;
  }
}

/** The first bytes value of a seed that holds a RecordBatch v2 (magic 2), if any. */
function batchIn(seed: KafkaSeedFrame): { at: number; size: number } | null {
  return seed.blobs.find((b) => b.size >= BATCH_HEADER_BYTES && seed.bytes[b.at + 16] === 2) ?? null;
}


function readVarint(bytes: Buffer, at: number): number {
  let value = 0;
  for (let shift = 0, i = at; i < bytes.length && shift <= 28; shift += 7, i++) {
    value += (bytes[i] & 0x7f) * 2 ** shift;
    if ((bytes[i] & 0x80) === 0) break;
  }
  return value;
}

function encodeVarint(value: number): Buffer {
  const out: number[] = [];
  let v = value >>> 0;
  while (v > 0x7f) {
    out.push((v & 0x7f) | 0x80);
    v >>>= 7;
  }
  out.push(v);
  return Buffer.from(out);
}

/** `value` in `size` bytes, padded with continuation bytes: legal-looking but longer than needed. */
function overlongVarint(value: number, size: number): Buffer {
  const out = Buffer.alloc(size);
  let v = value >>> 0;
  for (let i = 0; i < size; i++) {
    out[i] = (v & 0x7f) | (i < size - 1 ? 0x80 : 0);
    v >>>= 7;
  }
  return out;
}
