/**
 * The settings and shared services the coordinator's parts (membership, offsets, admin) work
 * with. GroupCoordinator implements CoordinatorRuntime; each part receives it instead of the
 * whole coordinator, so the parts cannot reach into each other and each stays a small file.
 */
import { BrokerConfig } from '../config/broker-config';
import { Logger } from '../util/logger';
import { CoordinatorShard } from './coordinator-shard';
import { GroupClock } from './group-clock';
import { GroupConfig } from './group-decisions';
import { GroupEntry } from './group-entry';
import { GroupRecordWriter } from './group-record-writer';
import { ConsumerGroup } from './group-state';

/** Kafka's offsets.load.buffer.size: how much of `__consumer_offsets` one read brings in while loading. */
export const LOAD_BUFFER_BYTES = 5 * 1024 * 1024;

export interface GroupCoordinatorConfig {
  readonly offsetsTopicNumPartitions: number;
  readonly offsetsTopicReplicationFactor: number;
  readonly offsetsTopicSegmentBytes: number;
  /** offsets.retention.minutes, in ms. */
  readonly offsetsRetentionMs: number;
  readonly offsetsRetentionCheckIntervalMs: number;
  /** How long an offset commit (or group write) waits for the in-sync replicas. */
  readonly offsetsCommitTimeoutMs: number;
  /** Longest metadata string a commit may carry. */
  readonly offsetMetadataMaxBytes: number;
  readonly loadBufferBytes: number;
  readonly group: GroupConfig;
}

export function groupCoordinatorConfig(c: BrokerConfig): GroupCoordinatorConfig {
  return {
    offsetsTopicNumPartitions: c.offsetsTopicNumPartitions,
    offsetsTopicReplicationFactor: c.offsetsTopicReplicationFactor,
    offsetsTopicSegmentBytes: c.offsetsTopicSegmentBytes,
    offsetsRetentionMs: c.offsetsRetentionMinutes * 60_000,
    offsetsRetentionCheckIntervalMs: c.offsetsRetentionCheckIntervalMs,
    offsetsCommitTimeoutMs: c.offsetsCommitTimeoutMs,
    offsetMetadataMaxBytes: c.offsetMetadataMaxBytes,
    loadBufferBytes: LOAD_BUFFER_BYTES,
    group: {
      minSessionTimeoutMs: c.groupMinSessionTimeoutMs,
      maxSessionTimeoutMs: c.groupMaxSessionTimeoutMs,
      initialRebalanceDelayMs: c.groupInitialRebalanceDelayMs,
      maxSize: Number.MAX_SAFE_INTEGER,
    },
  };
}

/** Where a group's requests go: its shard, or the error that sends the client elsewhere or back later. */
export type Route = { readonly shard: CoordinatorShard } | { readonly errorCode: number };

export interface CoordinatorRuntime {
  readonly config: GroupCoordinatorConfig;
  readonly clock: GroupClock;
  readonly logger: Logger;
  readonly writer: GroupRecordWriter;
  /** NOT_COORDINATOR, COORDINATOR_LOAD_IN_PROGRESS or COORDINATOR_NOT_AVAILABLE unless this broker serves the group now. */
  route(groupId: string): Route;
  /** The shards this broker leads, loading ones included. */
  shards(): CoordinatorShard[];
  /** A new, empty group with the broker's group settings. */
  newGroup(groupId: string): ConsumerGroup;
  /** Re-arms the group's timer for its next deadline (session expiry, rebalance timeout, initial delay). */
  schedule(shard: CoordinatorShard, entry: GroupEntry): void;
  /** Whether the cluster metadata knows this topic partition. */
  partitionExists(topic: string, partition: number): boolean;
}
