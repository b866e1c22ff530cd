/**
 * The bytes of the records the mirror maker writes to the target's internal topics, in MM2's
 * layout (Kafka's Struct serialization: INT16-length strings, big-endian integers), so tools that
 * read MM2's topics read ours:
 *
 *   Checkpoint key   => group:STRING topic:STRING partition:INT32
 *   Checkpoint value => version:INT16(0) upstream_offset:INT64 downstream_offset:INT64 metadata:STRING
 *   OffsetSync key   => topic:STRING partition:INT32
 *   OffsetSync value => upstream_offset:INT64 downstream_offset:INT64
 *
 * A checkpoint's topic is the target-side (renamed) topic; an offset sync's is the source topic.
 * docs/mirror-maker.md describes both topics.
 */
import { ProtocolError } from '../protocol/errors';
import { Reader } from '../protocol/reader';
import { Writer } from '../protocol/writer';

export interface Checkpoint {
  group: string;
  /** The topic on the target cluster. */
  topic: string;
  partition: number;
  /** The group's committed offset on the source. */
  upstreamOffset: number;
  /** Where the group resumes on the target without skipping records. */
  downstreamOffset: number;
  metadata: string;
}

export interface OffsetSync {
  /** The topic on the source cluster. */
  topic: string;
  partition: number;
  upstreamOffset: number;
  downstreamOffset: number;
}

const CHECKPOINT_VERSION = 0;

export function encodeCheckpoint(c: Checkpoint): { key: Buffer; value: Buffer } {
  const key = new Writer(64).writeString(c.group).writeString(c.topic).writeInt32(c.partition).toBuffer();
  const value = new Writer(32).writeInt16(CHECKPOINT_VERSION).writeInt64(c.upstreamOffset).writeInt64(c.downstreamOffset)
    .writeString(c.metadata).toBuffer();
  return { key, value };
}

export function decodeCheckpoint(key: Buffer | null, value: Buffer | null): Checkpoint {
  if (key === null || value === null) throw new ProtocolError('checkpoint record without a key or a value');
  const k = new Reader(key);
  const group = k.readString();
  const topic = k.readString();
  const partition = k.readInt32();
  finished(k, 'checkpoint key');
  const v = new Reader(value);
  const version = v.readInt16();
  if (version !== CHECKPOINT_VERSION) throw new ProtocolError(`unsupported checkpoint version ${version}`);
  const upstreamOffset = v.readInt64();
  const downstreamOffset = v.readInt64();
  const metadata = v.readString();
  finished(v, 'checkpoint value');
  return { group, topic, partition, upstreamOffset, downstreamOffset, metadata };
}

export function encodeOffsetSync(s: OffsetSync): { key: Buffer; value: Buffer } {
  return {
    key: new Writer(32).writeString(s.topic).writeInt32(s.partition).toBuffer(),
    value: new Writer(16).writeInt64(s.upstreamOffset).writeInt64(s.downstreamOffset).toBuffer(),
  };
}

export function decodeOffsetSync(key: Buffer | null, value: Buffer | null): OffsetSync {
  if (key === null || value === null) throw new ProtocolError('offset sync record without a key or a value');
  const k = new Reader(key);
  const topic = k.readString();
  const partition = k.readInt32();
  finished(k, 'offset sync key');
  const v = new Reader(value);
  const upstreamOffset = v.readInt64();
  const downstreamOffset = v.readInt64();
  finished(v, 'offset sync value');
  return { topic, partition, upstreamOffset, downstreamOffset };
}

function finished(r: Reader, what: string): void {
  if (r.remaining !== 0) throw new ProtocolError(`${r.remaining} unexpected trailing bytes in a ${what}`);
}
