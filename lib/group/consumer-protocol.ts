/**
 * Kafka's ConsumerProtocol: the bytes a consumer puts in JoinGroup's protocol metadata (its
 * Subscription) and the bytes the group leader hands back through SyncGroup (each member's
 * Assignment). The broker treats both as opaque; only clients read them, so a Samsa client and a
 * Java client in the same group must agree on them byte for byte.
 *
 * Both payloads are an INT16 version followed by a non-flexible struct:
 *
 *   Subscription => version topics user_data [owned_partitions] generation_id rack_id
 *     topics => [STRING]                              (v0+)
 *     user_data => NULLABLE_BYTES                     (v0+)
 *     owned_partitions => [topic [partition]]         (v1+)  topic => STRING, partition => INT32
 *     generation_id => INT32                          (v2+, -1 when unknown)
 *     rack_id => NULLABLE_STRING                      (v3+)
 *
 *   Assignment => version [assigned_partitions] user_data
 *     assigned_partitions => [topic [partition]]      (v0+)
 *     user_data => NULLABLE_BYTES                     (v0+)
 *
 * Like Kafka, a version newer than we know is read with the newest format we know and the bytes
 * after it are ignored: later versions may only append fields.
 */
import { ProtocolError } from '../protocol/errors';
import { Reader } from '../protocol/reader';
import { array, int32, nullableBytes, nullableString, since, string, struct, Type } from '../protocol/schema';
import { Writer } from '../protocol/writer';
import { flattenTopicPartitions, groupByTopic, TopicPartition } from '../util/topic-partition';

/** JoinGroup's protocol_type for consumers. */
export const CONSUMER_PROTOCOL_TYPE = 'consumer';

export const SUBSCRIPTION_VERSION_MAX = 3;
export const ASSIGNMENT_VERSION_MAX = 3;

/** Generation carried by subscriptions that do not know theirs (v0/v1, or a member that never joined). */
export const UNKNOWN_GENERATION_ID = -1;

export interface Subscription {
  topics: string[];
  userData: Buffer | null;
  /** The partitions the member held before this rebalance; what lets the sticky assignor stay sticky. */
  ownedPartitions: TopicPartition[];
  generationId: number;
  rackId: string | null;
}

export interface Assignment {
  partitions: TopicPartition[];
  userData: Buffer | null;
}

/** What decoding returns: the payload plus the version the sender wrote. */
export type Versioned<T> = T & { version: number };

// Topic => STRING, Partitions => [INT32]
const TopicPartitionsSchema = struct({ topic: string, partitions: array(int32) }, 'TopicPartitions');

// Subscription (v0-3) => topics user_data owned_partitions(v1+) generation_id(v2+) rack_id(v3+)
const SubscriptionSchema = struct({
  topics: array(string),
  userData: nullableBytes,
  ownedPartitions: since(1, array(TopicPartitionsSchema), []),
  generationId: since(2, int32, UNKNOWN_GENERATION_ID),
  rackId: since(3, nullableString, null),
}, 'ConsumerProtocolSubscription');

// Assignment (v0-3) => assigned_partitions user_data
const AssignmentSchema = struct({
  assignedPartitions: array(TopicPartitionsSchema),
  userData: nullableBytes,
}, 'ConsumerProtocolAssignment');

function checkEncodeVersion(kind: string, version: number, max: number): void {
  if (!Number.isInteger(version) || version < 0 || version > max) {
    throw new RangeError(`${kind} version ${version} is not one Samsa can write (0-${max})`);
  }
}

function withVersionHeader<T>(type: Type<T>, value: T, version: number): Buffer {
  const w = new Writer();
  w.writeInt16(version);
  type.write(w, value, version);
  return w.toBuffer();
}

/**
 * Reads the version header and the struct. Known versions must fill the buffer exactly; newer
 * versions are read as `max` and their extra fields skipped, as Kafka does.
 */
function readVersioned<T>(kind: string, type: Type<T>, buf: Buffer, max: number): { version: number; value: T } {
  const r = new Reader(buf);
  const version = r.readInt16();
  if (version < 0) throw new ProtocolError(`unsupported ${kind} version ${version}`);
  const value = type.read(r, Math.min(version, max));
  if (version <= max && r.remaining !== 0) {
    throw new ProtocolError(`${r.remaining} unexpected trailing bytes after ${kind} v${version}`);
  }
  return { version, value };
}

export function encodeSubscription(subscription: Partial<Subscription> & { topics: string[] }, version = SUBSCRIPTION_VERSION_MAX): Buffer {
  checkEncodeVersion('subscription', version, SUBSCRIPTION_VERSION_MAX);
  return withVersionHeader(SubscriptionSchema, {
    topics: subscription.topics,
    userData: subscription.userData ?? null,
    ownedPartitions: groupByTopic(subscription.ownedPartitions ?? []),
    generationId: subscription.generationId ?? UNKNOWN_GENERATION_ID,
    rackId: subscription.rackId ?? null,
  }, version);
}

export function decodeSubscription(buf: Buffer): Versioned<Subscription> {
  const { version, value } = readVersioned('subscription', SubscriptionSchema, buf, SUBSCRIPTION_VERSION_MAX);
  return {
    version,
    topics: value.topics,
    userData: value.userData,
    ownedPartitions: flattenTopicPartitions(value.ownedPartitions),
    generationId: value.generationId,
    rackId: value.rackId,
  };
}

export function encodeAssignment(assignment: Partial<Assignment> & { partitions: TopicPartition[] }, version = ASSIGNMENT_VERSION_MAX): Buffer {
  checkEncodeVersion('assignment', version, ASSIGNMENT_VERSION_MAX);
  return withVersionHeader(AssignmentSchema, {
    assignedPartitions: groupByTopic(assignment.partitions),
    userData: assignment.userData ?? null,
  }, version);
}

/**
 * An empty buffer decodes as an empty assignment: the coordinator sends zero bytes to a member
 * the leader left out of SyncGroup, and that member simply owns nothing this generation.
 */
export function decodeAssignment(buf: Buffer): Versioned<Assignment> {
  if (buf.length === 0) return { version: 0, partitions: [], userData: null };
  const { version, value } = readVersioned('assignment', AssignmentSchema, buf, ASSIGNMENT_VERSION_MAX);
  return { version, partitions: flattenTopicPartitions(value.assignedPartitions), userData: value.userData };
}
