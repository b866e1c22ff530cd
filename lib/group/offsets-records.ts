/**
 * Key and value formats of the records in `__consumer_offsets`, the compacted topic where the
 * group coordinator keeps committed offsets and group metadata.
 *
 * The layouts follow Kafka's GroupMetadataManager so that Kafka's own tools could read our topic:
 * every key and value is an int16 schema version followed by a struct. Key versions 0 and 1 are
 * an offset commit (group, topic, partition); key version 2 is group metadata (group). A null
 * value is a tombstone: compaction then deletes the offset or the group. We write the newest
 * versions (key 1 / 2, offset value 3, group value 3) and read every older one.
 *
 *   OffsetCommitKey (v0-1)     => group topic partition
 *   GroupMetadataKey (v2)      => group
 *   OffsetCommitValue (v0)     => offset metadata timestamp
 *   OffsetCommitValue (v1)     => offset metadata commit_timestamp expire_timestamp
 *   OffsetCommitValue (v2)     => offset metadata commit_timestamp
 *   OffsetCommitValue (v3)     => offset leader_epoch metadata commit_timestamp
 *   GroupMetadataValue (v0-1)  => protocol_type generation protocol? leader? [members]
 *   GroupMetadataValue (v2-3)  => protocol_type generation protocol? leader? current_state_timestamp [members]
 *     member (v0)   => member_id client_id client_host session_timeout subscription assignment
 *     member (v1-2) => member_id client_id client_host rebalance_timeout session_timeout subscription assignment
 *     member (v3)   => member_id group_instance_id? client_id client_host rebalance_timeout session_timeout
 *                      subscription assignment
 */
import { ProtocolError } from '../protocol/errors';
import { Reader } from '../protocol/reader';
import {
  array, between, bytes, int32, int64, nullableString, since, string, struct, Type,
} from '../protocol/schema';
import { Writer } from '../protocol/writer';

export const OFFSET_COMMIT_KEY_VERSION = 1;
export const GROUP_METADATA_KEY_VERSION = 2;
export const OFFSET_COMMIT_VALUE_VERSION = 3;
export const GROUP_METADATA_VALUE_VERSION = 3;

/** Kafka's RecordBatch.NO_PARTITION_LEADER_EPOCH, stored when the committer did not know the epoch. */
export const NO_LEADER_EPOCH = -1;
/** Stored by Kafka for "no timestamp" (expire timestamp absent, state timestamp unknown). */
export const NO_TIMESTAMP = -1;

const OffsetCommitKeySchema = struct({ group: string, topic: string, partition: int32 }, 'OffsetCommitKey');
const GroupMetadataKeySchema = struct({ group: string }, 'GroupMetadataKey');

const OffsetCommitValueSchema = struct({
  offset: int64,
  leaderEpoch: since(3, int32, NO_LEADER_EPOCH),
  metadata: string,
  commitTimestamp: int64,
  expireTimestamp: between(1, 1, int64, NO_TIMESTAMP),
}, 'OffsetCommitValue');

const MemberMetadataSchema = struct({
  memberId: string,
  groupInstanceId: since(3, nullableString, null),
  clientId: string,
  clientHost: string,
  // Version 0 had no rebalance timeout; decodeGroupMetadataValue fills it from the session timeout as Kafka does.
  rebalanceTimeout: since(1, int32, -1),
  sessionTimeout: int32,
  subscription: bytes,
  assignment: bytes,
}, 'MemberMetadata');

const GroupMetadataValueSchema = struct({
  protocolType: string,
  generation: int32,
  protocol: nullableString,
  leader: nullableString,
  currentStateTimestamp: since(2, int64, NO_TIMESTAMP),
  members: array(MemberMetadataSchema),
}, 'GroupMetadataValue');

export interface OffsetCommitKey {
  readonly type: 'offset';
  readonly version: number;
  readonly group: string;
  readonly topic: string;
  readonly partition: number;
}

export interface GroupMetadataKey {
  readonly type: 'group';
  readonly version: number;
  readonly group: string;
}

export type OffsetsRecordKey = OffsetCommitKey | GroupMetadataKey;

export interface OffsetCommitValue {
  /** The next offset the group will consume. */
  offset: number;
  leaderEpoch: number;
  metadata: string;
  commitTimestamp: number;
  /** Only version 1 stored it; NO_TIMESTAMP otherwise, and never written by us. */
  expireTimestamp: number;
}

export interface GroupMemberRecord {
  memberId: string;
  groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  rebalanceTimeout: number;
  sessionTimeout: number;
  /** The member's metadata for the group's selected protocol (for consumers, its subscription). */
  subscription: Buffer;
  assignment: Buffer;
}

export interface GroupMetadataValue {
  protocolType: string;
  generation: number;
  protocol: string | null;
  leader: string | null;
  currentStateTimestamp: number;
  members: GroupMemberRecord[];
}

function withVersion<T>(version: number, type: Type<T>, value: T): Buffer {
  const w = new Writer();
  w.writeInt16(version);
  type.write(w, value, version);
  return w.toBuffer();
}

function readAll<T>(r: Reader, type: Type<T>, version: number): T {
  const value = type.read(r, version);
  if (r.remaining !== 0) throw new ProtocolError(`${r.remaining} unexpected trailing bytes after ${type.name} v${version}`);
  return value;
}

export function encodeOffsetCommitKey(group: string, topic: string, partition: number): Buffer {
  return withVersion(OFFSET_COMMIT_KEY_VERSION, OffsetCommitKeySchema, { group, topic, partition });
}

export function encodeGroupMetadataKey(group: string): Buffer {
  return withVersion(GROUP_METADATA_KEY_VERSION, GroupMetadataKeySchema, { group });
}

/** Decodes any `__consumer_offsets` key; the version tells an offset commit from group metadata. */
export function decodeOffsetsRecordKey(buf: Buffer): OffsetsRecordKey {
  const r = new Reader(buf);
  const version = r.readInt16();
  if (version === 0 || version === 1) {
    return { type: 'offset', version, ...readAll(r, OffsetCommitKeySchema, version) };
  }
  if (version === 2) return { type: 'group', version, ...readAll(r, GroupMetadataKeySchema, version) };
  throw new ProtocolError(`unknown __consumer_offsets key version ${version}`);
}

export function encodeOffsetCommitValue(value: Omit<OffsetCommitValue, 'expireTimestamp'>): Buffer {
  return withVersion(OFFSET_COMMIT_VALUE_VERSION, OffsetCommitValueSchema, { ...value, expireTimestamp: NO_TIMESTAMP });
}

/** Decodes an offset commit value of any version; null (a tombstone) means the offset was deleted. */
export function decodeOffsetCommitValue(buf: Buffer | null): OffsetCommitValue | null {
  if (buf === null) return null;
  const r = new Reader(buf);
  const version = r.readInt16();
  if (version < 0 || version > OFFSET_COMMIT_VALUE_VERSION) throw new ProtocolError(`unknown offset commit value version ${version}`);
  return readAll(r, OffsetCommitValueSchema, version);
}

export function encodeGroupMetadataValue(value: GroupMetadataValue): Buffer {
  return withVersion(GROUP_METADATA_VALUE_VERSION, GroupMetadataValueSchema, value);
}

/** Decodes a group metadata value of any version; null (a tombstone) means the group was deleted. */
export function decodeGroupMetadataValue(buf: Buffer | null): GroupMetadataValue | null {
  if (buf === null) return null;
  const r = new Reader(buf);
  const version = r.readInt16();
  if (version < 0 || version > GROUP_METADATA_VALUE_VERSION) throw new ProtocolError(`unknown group metadata value version ${version}`);
  const value = readAll(r, GroupMetadataValueSchema, version);
  for (const m of value.members) {
    if (version === 0) m.rebalanceTimeout = m.sessionTimeout;
    // The reader hands out views into the log's buffer; a loaded group outlives that buffer.
    m.subscription = Buffer.from(m.subscription);
    m.assignment = Buffer.from(m.assignment);
  }
  return value;
}

/** One decoded `__consumer_offsets` record, as a coordinator replays them when it loads a partition. */
export type OffsetsRecord =
  | { readonly key: OffsetCommitKey; readonly value: OffsetCommitValue | null }
  | { readonly key: GroupMetadataKey; readonly value: GroupMetadataValue | null };

/** Decodes a record's key and value together; a null value stays null and means "delete". */
export function decodeOffsetsRecord(key: Buffer, value: Buffer | null): OffsetsRecord {
  const k = decodeOffsetsRecordKey(key);
  if (k.type === 'offset') return { key: k, value: decodeOffsetCommitValue(value) };
  return { key: k, value: decodeGroupMetadataValue(value) };
}
