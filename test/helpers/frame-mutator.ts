/**
 * Mutated request frames for fuzzing a broker: well-formed seeds (test/helpers/fuzz-seeds.ts) with
 * fields rewritten, lengths lied about, bytes flipped, bodies truncated or padded, headers
 * randomised, plus pure garbage and impossible frame sizes. Deterministic for a given seed, so a
 * failing frame can be regenerated from its index.
 *
 * One gate stays shut: whenever a frame's header reads as a controller-only request
 * (LeaderAndIsr, StopReplica, UpdateMetadata, ControlledShutdown), its broker epoch is rewritten
 * to 0 (older than any registration). A controller request with a current epoch is obeyed by
 * design, as in Kafka without an authorizer, and would legitimately rewrite the broker's view of
 * the cluster; the fuzzer is after decoding and handler bugs, not that.
 */
import { Api } from '../../lib/protocol/api';
import { computeBatchCrc } from '../../lib/record/batch-header';
import { FieldSlot, SeedFrame } from './fuzz-seeds';

/** mulberry32: small, fast and good enough to pick mutations; not for anything secret. */
export class Prng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }

  bytes(n: number): Buffer {
    const out = Buffer.allocUnsafe(n);
    for (let i = 0; i < n; i++) out[i] = this.int(256);
    return out;
  }
}

export const MUTATION_KINDS = ['valid', 'value', 'length', 'flip', 'truncate', 'junk', 'header', 'records', 'garbage', 'size'] as const;
export type MutationKind = typeof MUTATION_KINDS[number];

/** Relative weights of the kinds; structure-keeping mutations dominate so handlers, not only the framer, see odd input. */
const KIND_WEIGHTS: Readonly<Record<MutationKind, number>> = {
  valid: 15, value: 25, length: 12, flip: 12, truncate: 6, junk: 4, header: 8, records: 6, garbage: 6, size: 6,
};

export interface MutatedFrame {
  kind: MutationKind;
  /** The seed's API (for garbage: -1). */
  seedApiKey: number;
  bytes: Buffer;
}

export interface FrameMutatorOptions {
  /** socket.request.max.bytes of the broker under test; 'size' mutations go past it. */
  maxFrameBytes?: number;
}

const INT_EDGES = [0, 1, -1, 2, 0x7f, 0x80, 0xff, 0x7fff, -0x8000, 0xffff, 0x7fffffff, -0x80000000, 1000, 65536, 1 << 24];
const CONTROLLER_ONLY = new Set([Api.LeaderAndIsr.key, Api.StopReplica.key, Api.UpdateMetadata.key, Api.ControlledShutdown.key]);
const MIN_HEADER_BYTES = 10;

export class FrameMutator {
  private readonly prng: Prng;
  private readonly kindTable: MutationKind[] = [];
  private readonly produceSeed: SeedFrame;
  private readonly maxFrameBytes: number;
  private correlationId = 0;

  constructor(private readonly seeds: readonly SeedFrame[], seed: number, options: FrameMutatorOptions = {}) {
    this.prng = new Prng(seed);
    for (const kind of MUTATION_KINDS) for (let i = 0; i < KIND_WEIGHTS[kind]; i++) this.kindTable.push(kind);
    const produce = seeds.find((s) => s.batch !== null);
    if (!produce) throw new Error('the seeds need a Produce frame with a record batch');
    this.produceSeed = produce;
    this.maxFrameBytes = options.maxFrameBytes ?? 100 * 1024 * 1024;
  }

  next(kind: MutationKind = this.prng.pick(this.kindTable)): MutatedFrame {
    const seed = kind === 'records' ? this.produceSeed : this.prng.pick(this.seeds);
    const bytes = Buffer.from(seed.bytes);
    bytes.writeInt32BE(++this.correlationId | 0, 8);
    const out = this.mutate(kind, seed, bytes);
    closeControllerGate(out);
    return { kind, seedApiKey: kind === 'garbage' ? -1 : seed.apiKey, bytes: out };
  }

  private mutate(kind: MutationKind, seed: SeedFrame, bytes: Buffer): Buffer {
    const p = this.prng;
    switch (kind) {
      case 'valid':
        return bytes;
      case 'value': {
        for (let n = 1 + p.int(3); n > 0; n--) this.writeEdge(bytes, p.pick(seed.values));
        return bytes;
      }
      case 'length': {
        const slot = p.pick(seed.lengths);
        const current = slot.size === 2 ? bytes.readInt16BE(slot.at) : bytes.readInt32BE(slot.at);
        const choices = [current + 1, current - 1, current * 2 + 1, 0, -1, -2, ...INT_EDGES];
        writeSlot(bytes, slot, p.pick(choices));
        return bytes;
      }
      case 'flip': {
        // Mostly past the size prefix so the mutation reaches the decoders, not just the framer.
        const from = p.int(8) === 0 ? 0 : 4;
        for (let n = 1 + p.int(6); n > 0; n--) {
          const at = from + p.int(bytes.length - from);
          bytes[at] = p.int(2) === 0 ? bytes[at] ^ (1 << p.int(8)) : p.int(256);
        }
        return bytes;
      }
      // The payload only: keeping the old size prefix inside would shift the header by 4 bytes.
      case 'truncate':
        return withSize(bytes.subarray(4, 4 + p.int(bytes.length - 4)));
      case 'junk':
        return withSize(Buffer.concat([bytes.subarray(4), p.bytes(1 + p.int(16))]));
      case 'header': {
        const apiKey = p.int(3) === 0 ? p.int(65536) - 32768 : p.int(64) - 2;
        const version = p.int(3) === 0 ? p.int(65536) - 32768 : p.int(6) - 1;
        bytes.writeInt16BE(apiKey, 4);
        bytes.writeInt16BE(version, 6);
        if (p.int(4) === 0) bytes.writeInt16BE(p.pick([-1, -2, 0, 3, 5, 0x7fff, -0x8000]), 12);
        return bytes;
      }
      case 'records':
        return this.mutateBatch(bytes);
      case 'garbage':
        return withSize(p.bytes(p.int(300)));
      case 'size':
        return this.lieAboutSize(bytes);
    }
  }

  private writeEdge(bytes: Buffer, slot: FieldSlot): void {
    const p = this.prng;
    if (slot.size === 1) {
      bytes[slot.at] = p.pick([0, 1, 2, 0x7f, 0x80, 0xff]);
    } else if (slot.size === 8) {
      const high = p.pick([0, -1, 0x7fffffff, -0x80000000, 0x001fffff, 0x00200000, p.int(65536)]);
      bytes.writeInt32BE(high, slot.at);
      bytes.writeUInt32BE(p.pick([0, 1, 0xffffffff, p.int(1 << 30)]), slot.at + 4);
    } else {
      writeSlot(bytes, slot, p.int(4) === 0 ? p.int(1 << 30) * (p.int(2) ? 1 : -1) : p.pick(INT_EDGES));
    }
  }

  /** Bytes inside the record batch changed, then the CRC recomputed so validation gets past the checksum. */
  private mutateBatch(bytes: Buffer): Buffer {
    const p = this.prng;
    const batch = this.produceSeed.batch!;
    const crcCoveredFrom = 21;
    for (let n = 1 + p.int(4); n > 0; n--) {
      const at = batch.at + p.int(batch.size);
      bytes[at] = p.int(2) === 0 ? bytes[at] ^ (1 << p.int(8)) : p.pick([0, 0xff, 0x7f, 0x80, p.int(256)]);
    }
    if (p.int(5) !== 0) {
      const size = Math.min(batch.size, bytes.readInt32BE(batch.at + 8) + 12);
      if (size > crcCoveredFrom) bytes.writeUInt32BE(computeBatchCrc(bytes, batch.at, size), batch.at + 17);
    }
    return bytes;
  }

  private lieAboutSize(bytes: Buffer): Buffer {
    const p = this.prng;
    const payload = bytes.length - 4;
    const size = p.pick([
      this.maxFrameBytes + 1, 0x7fffffff, -1, -0x80000000, 0, 1, MIN_HEADER_BYTES - 1,
      Math.max(0, payload - 1 - p.int(8)), payload + 1 + p.int(8),
    ]);
    bytes.writeInt32BE(size, 0);
    return bytes;
  }
}

export function writeSlot(bytes: Buffer, slot: FieldSlot, value: number): void {
  if (slot.size === 2) bytes.writeInt16BE(((value << 16) >> 16), slot.at);
  else if (slot.size === 4) bytes.writeInt32BE(value | 0, slot.at);
  else if (slot.size === 1) bytes.writeInt8(((value << 24) >> 24), slot.at);
  else bytes.writeBigInt64BE(BigInt(value), slot.at);
}

export function withSize(payload: Buffer): Buffer {
  const out = Buffer.allocUnsafe(4 + payload.length);
  out.writeInt32BE(payload.length, 0);
  payload.copy(out, 4);
  return out;
}

/**
 * Finds the broker epoch where the broker would read it (after the header and, for the
 * LeaderAndIsr family, controllerId and controllerEpoch) and sets it to 0. See the module comment.
 */
function closeControllerGate(bytes: Buffer): void {
  if (bytes.length < 4 + MIN_HEADER_BYTES) return;
  if (!CONTROLLER_ONLY.has(bytes.readInt16BE(4))) return;
  const clientIdLength = bytes.readInt16BE(12);
  if (clientIdLength < -1) return;
  const bodyAt = 14 + Math.max(clientIdLength, 0);
  const epochAt = bodyAt + (bytes.readInt16BE(4) === Api.ControlledShutdown.key ? 4 : 8);
  if (epochAt + 8 <= bytes.length) bytes.writeBigInt64BE(0n, epochAt);
  else if (epochAt < bytes.length) bytes.fill(0, epochAt);
}
