/**
 * Seeds for fuzzing the Kafka listener: well-formed Kafka requests, encoded with a writer that
 * remembers where each fixed-size value, each int16/int32 length, each unsigned varint (compact
 * lengths, tagged-field counts, tags and sizes) and each bytes value sits, so
 * test/helpers/kafka-frame-mutator.ts can lie about exactly one of them.
 *
 * Three sources, so that Kafka APIs and fixture files added later are fuzzed without editing
 * this file:
 * - every request recorded from a real client in test/fixtures/kafka/*.json, as recorded;
 * - for every API in allKafkaApis(), at its lowest served version, its first flexible one and its
 *   highest: the body from TABLE_BODIES when the API has one (Produce with a real record batch,
 *   requests naming the fuzz topic), else a body synthesized from the API's own schema (every
 *   array one item, every string `<topic>-any`, numbers 0, bytes empty), which is valid by
 *   construction at every version.
 *
 * Shared by test/integration/kafka-fuzz-requests.test.ts and bench/fuzz.ts (`npm run fuzz`).
 */
import * as fs from 'fs';
import * as path from 'path';
import { AnyKafkaApiDef, isFlexible, KafkaApiDef } from '../../lib/protocol/kafka/kafka-api';
import { allKafkaApis, kafkaApiByKey } from '../../lib/protocol/kafka/kafka-apis';
import { readKafkaHeaderPrefix, readKafkaHeaderRest } from '../../lib/protocol/kafka/kafka-frame';
import { KafkaApiVersions, KafkaMetadata } from '../../lib/protocol/kafka/messages/metadata';
import { KafkaFetch, KafkaListOffsets, KafkaProduce } from '../../lib/protocol/kafka/messages/produce-fetch';
import { Reader } from '../../lib/protocol/reader';
import { encodeRecordBatch } from '../../lib/record/record-batch';
import { REPO_ROOT } from './cluster';
import { FieldSlot, SeedNames, SlotRecordingWriter } from './fuzz-seeds';

/** An unsigned varint in a frame: where it starts and how many bytes it takes. */
export interface VarintSlot {
  at: number;
  size: number;
}

export type KafkaSeedSource = 'fixture' | 'table' | 'synthesized' | 'raw';

export interface KafkaSeedFrame {
  readonly apiKey: number;
  readonly apiVersion: number;
  readonly name: string;
  /** Where the seed came from; 'raw' is a fixture request our definitions cannot decode (sent as recorded, without slots). */
  readonly source: KafkaSeedSource;
  readonly flexible: boolean;
  /** The whole frame, size prefix included; the correlation id is at offset 8. */
  readonly bytes: Buffer;
  /** Fixed-size values (ints, booleans, halves of UUIDs), header fields included. */
  readonly values: readonly FieldSlot[];
  /** int16 string lengths and int32 bytes/array lengths. */
  readonly lengths: readonly FieldSlot[];
  /** Compact lengths (N+1, 0 = null). */
  readonly compactLengths: readonly VarintSlot[];
  /** Tagged-field counts, tags and sizes (the count closing every flexible struct is one). */
  readonly tagVarints: readonly VarintSlot[];
  /** Bytes values (record batches among them): position of their content and size. */
  readonly blobs: readonly { at: number; size: number }[];
}

/**
 * A Writer that records field positions. Length prefixes are written through the same int and
 * varint writers, so a depth counter keeps them from also being recorded as plain values.
 */
class KafkaSlotRecordingWriter extends SlotRecordingWriter {
  readonly compactLengths: VarintSlot[] = [];
  readonly tagVarints: VarintSlot[] = [];
  readonly blobs: Array<{ at: number; size: number }> = [];
  /** Set while a compact string, bytes or array writes its length: the next varint is that length. */
  private compactLengthNext = false;

  private compact<T>(write: () => T): T {
    this.compactLengthNext = true;
    try {
      return write();
    } finally {
      this.compactLengthNext = false;
    }
  }

  private blob(v: Buffer | null): void {
    if (v !== null && v.length > 0) this.blobs.push({ at: this.length - v.length, size: v.length });
  }

  override writeUInt16(v: number): this { this.value(2); return super.writeUInt16(v); }
  override writeFloat64(v: number): this { this.value(8); return super.writeFloat64(v); }
  override writeUuid(v: string): this {
    this.value(8);
    this.values.push({ at: this.length + 8, size: 8 });
    return super.writeUuid(v);
  }

  override writeNullableString(v: string | null): this { return this.lengthPrefix(2, () => super.writeNullableString(v)); }
  override writeNullableBytes(v: Buffer | null): this {
    this.lengthPrefix(4, () => super.writeNullableBytes(v));
    this.blob(v);
    return this;
  }
  override writeArrayLength(n: number | null): this { return this.lengthPrefix(4, () => super.writeArrayLength(n)); }

  override writeCompactNullableString(v: string | null): this { return this.compact(() => super.writeCompactNullableString(v)); }
  override writeCompactNullableBytes(v: Buffer | null): this {
    this.compact(() => super.writeCompactNullableBytes(v));
    this.blob(v);
    return this;
  }
  override writeCompactArrayLength(n: number | null): this { return this.compact(() => super.writeCompactArrayLength(n)); }

  /** Outside compact lengths, varints are tagged-field sections: counts, tags and sizes. */
  override writeUnsignedVarint(v: number): this {
    const at = this.length;
    super.writeUnsignedVarint(v);
    const slot = { at, size: this.length - at };
    if (this.compactLengthNext) {
      this.compactLengths.push(slot);
      this.compactLengthNext = false;
    } else if (this.inLength === 0) {
      this.tagVarints.push(slot);
    }
    return this;
  }
}

/**
 * A Reader that invents a value for everything asked of it instead of reading bytes: the schema
 * walks its own fields, so the result is a complete, valid body for any API, present or future.
 */
class SynthesizingReader extends Reader {
  constructor(private readonly text: string) {
    super(Buffer.alloc(0));
  }

  override readInt8(): number { return 0; }
  override readBoolean(): boolean { return false; }
  override readInt16(): number { return 0; }
  override readUInt16(): number { return 0; }
  override readInt32(): number { return 0; }
  override readInt64(): number { return 0; }
  override readBigInt64(): bigint { return 0n; }
  override readFloat64(): number { return 0; }
  override readUuid(): string { return '00000000000000000000000000000000'; }
  override readNullableString(): string { return this.text; }
  override readString(): string { return this.text; }
  override readNullableBytes(): Buffer { return Buffer.alloc(0); }
  override readBytes(): Buffer { return Buffer.alloc(0); }
  override readArrayLength(): number { return 1; }
  override readUnsignedVarint(): number { return 0; }
}

const CLIENT_ID = 'fuzz';

function encodeSeed(api: AnyKafkaApiDef, version: number, body: unknown, source: KafkaSeedSource, clientId: string | null): KafkaSeedFrame {
  const flexible = isFlexible(api, version);
  const w = new KafkaSlotRecordingWriter(512);
  w.writeInt16(api.key).writeInt16(version).writeInt32(0).writeNullableString(clientId);
  if (flexible) w.writeUnsignedVarint(0);
  api.request.write(w, body, version, flexible);
  const payload = w.toBuffer();
  const bytes = Buffer.alloc(4 + payload.length);
  bytes.writeInt32BE(payload.length, 0);
  payload.copy(bytes, 4);
  const shift = <S extends { at: number }>(s: S): S => ({ ...s, at: s.at + 4 });
  return {
    apiKey: api.key, apiVersion: version, name: api.name, source, flexible, bytes,
    values: w.values.map(shift), lengths: w.lengths.map(shift), compactLengths: w.compactLengths.map(shift),
    tagVarints: w.tagVarints.map(shift), blobs: w.blobs.map(shift),
  };
}

/**
 * A body for any API at `version`: the schema reads itself from a reader that invents every value.
 * Read at the version it will be written at, so fields only older versions carry get values too.
 */
export function synthesizeBody(api: AnyKafkaApiDef, version: number, text: string): unknown {
  return api.request.read(new SynthesizingReader(text), version, false);
}

/** Richer bodies than synthesized ones for the data-path APIs: the fuzz topic, a real record batch. Keyed by API key. */
function tableBodies({ topic }: SeedNames, records: Buffer): Map<number, unknown> {
  const entries: Array<[AnyKafkaApiDef, unknown]> = [
    [KafkaProduce, body(KafkaProduce, { transactionalId: null, acks: 1, timeoutMs: 1000, topics: [{ name: topic, partitions: [{ index: 0, records }] }] })],
    [KafkaFetch, body(KafkaFetch, {
      replicaId: -1, maxWaitMs: 10, minBytes: 0, maxBytes: 65536, isolationLevel: 0, sessionId: 0, sessionEpoch: -1,
      topics: [{ name: topic, partitions: [{ partition: 0, currentLeaderEpoch: -1, fetchOffset: 0, lastFetchedEpoch: -1, logStartOffset: -1, partitionMaxBytes: 65536 }] }],
      forgottenTopicsData: [], rackId: '',
    })],
    [KafkaListOffsets, body(KafkaListOffsets, { replicaId: -1, isolationLevel: 0, topics: [{ name: topic, partitions: [{ partitionIndex: 1, currentLeaderEpoch: -1, timestamp: -1 }] }] })],
    [KafkaMetadata, body(KafkaMetadata, { topics: [{ name: topic }], allowAutoTopicCreation: false, includeClusterAuthorizedOperations: false, includeTopicAuthorizedOperations: false })],
    [KafkaApiVersions, body(KafkaApiVersions, { clientSoftwareName: 'samsa-fuzz', clientSoftwareVersion: '1.0' })],
  ];
  return new Map(entries.map(([api, b]) => [api.key, b]));
}

/** Checks a table body against its API's request type at compile time. */
function body<Req>(api: KafkaApiDef<Req, unknown>, value: Req): Req {
  void api;
  return value;
}

/** The versions worth a seed: the lowest served, the first flexible one (if served) and the highest. */
export function boundaryVersions(api: AnyKafkaApiDef): number[] {
  const versions = [api.minVersion, api.maxVersion];
  if (api.flexibleFrom > api.minVersion && api.flexibleFrom <= api.maxVersion) versions.push(api.flexibleFrom);
  return [...new Set(versions)].sort((a, b) => a - b);
}

/** One seed per API in allKafkaApis() and per boundary version. */
export function buildApiSeeds(names: SeedNames): KafkaSeedFrame[] {
  const records = encodeRecordBatch([{ key: Buffer.from('k'), value: Buffer.from('v'), headers: [{ key: 'h', value: Buffer.from('x') }] }], {});
  const table = tableBodies(names, records);
  return allKafkaApis().flatMap((api) => {
    const fromTable = table.get(api.key);
    return boundaryVersions(api).map((v) => (fromTable !== undefined
      ? encodeSeed(api, v, fromTable, 'table', CLIENT_ID)
      : encodeSeed(api, v, synthesizeBody(api, v, `${names.topic}-any`), 'synthesized', CLIENT_ID)));
  });
}

export const KAFKA_FIXTURE_DIR = path.join(REPO_ROOT, 'test', 'fixtures', 'kafka');

/** Every request recorded from a real client in test/fixtures/kafka/*.json, as frame payloads (no size prefix). */
export function fixtureRequests(dir = KAFKA_FIXTURE_DIR): Array<{ file: string; payload: Buffer }> {
  return fs.readdirSync(dir).filter((f) => f.endsWith('.json')).sort().flatMap((file) => {
    const exchanges = (JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as { exchanges?: Array<{ request?: string }> }).exchanges ?? [];
    return exchanges.filter((e) => typeof e.request === 'string').map((e) => ({ file, payload: Buffer.from(e.request!, 'hex') }));
  });
}

/**
 * A fixture request decoded with our definitions and re-encoded with slots; one the definitions
 * cannot decode (an API or version not defined yet) is kept as recorded, without slots.
 */
function fixtureSeed(payload: Buffer): KafkaSeedFrame {
  const r = new Reader(payload);
  const prefix = payload.length >= 8 ? readKafkaHeaderPrefix(r) : { apiKey: -1, apiVersion: -1, correlationId: 0 };
  const api = kafkaApiByKey(prefix.apiKey);
  if (api && prefix.apiVersion >= api.minVersion && prefix.apiVersion <= api.maxVersion) {
    try {
      const clientId = readKafkaHeaderRest(r, api, prefix.apiVersion);
      const decoded: unknown = api.request.read(r, prefix.apiVersion, isFlexible(api, prefix.apiVersion));
      if (r.remaining === 0) return encodeSeed(api, prefix.apiVersion, decoded, 'fixture', clientId);
    } catch {
      // Kept as recorded, below.
    }
  }
  const bytes = Buffer.alloc(4 + payload.length);
  bytes.writeInt32BE(payload.length, 0);
  payload.copy(bytes, 4);
  return {
    apiKey: prefix.apiKey, apiVersion: prefix.apiVersion, name: api?.name ?? `key ${prefix.apiKey}`, source: 'raw',
    flexible: api ? isFlexible(api, prefix.apiVersion) : false, bytes, values: [], lengths: [], compactLengths: [], tagVarints: [], blobs: [],
  };
}

/** Seeds from every source: fixtures first, then one per API and boundary version. */
export function buildKafkaSeedFrames(names: SeedNames, fixtureDir = KAFKA_FIXTURE_DIR): KafkaSeedFrame[] {
  return [...fixtureRequests(fixtureDir).map((f) => fixtureSeed(f.payload)), ...buildApiSeeds(names)];
}
