/**
 * FindCoordinator, and the internal `__consumer_offsets` topic it creates on first use.
 *
 * Any broker answers FindCoordinator from its metadata cache: the coordinator of a group is the
 * leader of partition abs(javaHashCode(groupId)) % partitions. The first request in a cluster
 * without the topic creates it (compacted, offsets.topic.* settings, replication factor capped at
 * the live brokers) and, like Kafka, answers COORDINATOR_NOT_AVAILABLE until a leader is elected;
 * clients retry.
 */
import { ErrorCode, toErrorCode } from '../protocol/errors';
import { CreateTopicsRequestData } from '../protocol/messages/admin';
import { Logger } from '../util/logger';
import { coordinatorPartition } from './coordinator-partition';
import { GroupCoordinatorConfig } from './coordinator-runtime';
import { FindCoordinatorResult } from './group-responses';
import { OFFSETS_TOPIC } from './offsets-log';

/** FindCoordinator's key types; Samsa has no transaction coordinator. */
export const COORDINATOR_TYPE_GROUP = 0;

export interface OffsetsTopicMetadata {
  partitions(topic: string): ReadonlyArray<{ readonly leader: number }> | undefined;
  /** The broker's endpoint on `listenerName`; undefined when it is not live or lacks that listener. */
  broker(id: number, listenerName: string): { readonly host: string; readonly port: number } | undefined;
  liveBrokers(): readonly unknown[];
}

export interface TopicCreator {
  createTopics(req: CreateTopicsRequestData): Promise<ReadonlyArray<{ readonly errorCode: number; readonly errorMessage: string | null }>>;
}

export class OffsetsTopic {
  private creating: Promise<void> | null = null;

  constructor(
    private readonly config: GroupCoordinatorConfig,
    private readonly metadata: OffsetsTopicMetadata,
    private readonly topics: TopicCreator,
    private readonly logger: Logger,
  ) {}

  /** The topic's real partition count once it exists; the configured one before. */
  partitionCount(): number {
    return this.metadata.partitions(OFFSETS_TOPIC)?.length ?? this.config.offsetsTopicNumPartitions;
  }

  partitionFor(groupId: string): number {
    return coordinatorPartition(groupId, this.partitionCount());
  }

  /** `listenerName`: the listener the request came in on; the answer is the coordinator's endpoint there. */
  async findCoordinator(key: string, keyType: number, listenerName: string): Promise<FindCoordinatorResult> {
    const fail = (code: number, message?: string): FindCoordinatorResult => ({
      throttleTimeMs: 0, errorCode: code, errorMessage: message ?? null, nodeId: -1, host: '', port: -1,
    });
    if (keyType !== COORDINATOR_TYPE_GROUP) return fail(ErrorCode.INVALID_REQUEST.code, `Unsupported coordinator key type ${keyType}; only groups (0) have coordinators.`);
    if (key === '') return fail(ErrorCode.INVALID_GROUP_ID.code, 'The group id must not be empty.');
    const partitions = this.metadata.partitions(OFFSETS_TOPIC);
    if (!partitions) {
      await this.ensureTopic();
      return fail(ErrorCode.COORDINATOR_NOT_AVAILABLE.code, `The ${OFFSETS_TOPIC} topic is being created.`);
    }
    const partition = coordinatorPartition(key, partitions.length);
    const leader = partitions[partition].leader;
    const endpoint = leader >= 0 ? this.metadata.broker(leader, listenerName) : undefined;
    if (!endpoint) return fail(ErrorCode.COORDINATOR_NOT_AVAILABLE.code, `Partition ${partition} of ${OFFSETS_TOPIC} has no live leader.`);
    return { throttleTimeMs: 0, errorCode: ErrorCode.NONE.code, errorMessage: null, nodeId: leader, host: endpoint.host, port: endpoint.port };
  }

  /** Creates the topic unless it exists; concurrent callers share one attempt, and failures are only logged. */
  private ensureTopic(): Promise<void> {
    if (!this.creating) {
      this.creating = this.create().finally(() => { this.creating = null; });
    }
    return this.creating;
  }

  private async create(): Promise<void> {
    const c = this.config;
    const replicationFactor = Math.min(c.offsetsTopicReplicationFactor, Math.max(1, this.metadata.liveBrokers().length));
    try {
      const [result] = await this.topics.createTopics({
        topics: [{
          name: OFFSETS_TOPIC,
          numPartitions: c.offsetsTopicNumPartitions,
          replicationFactor,
          assignments: [],
          configs: [
            { name: 'cleanup.policy', value: 'compact' },
            { name: 'segment.bytes', value: String(c.offsetsTopicSegmentBytes) },
            { name: 'compression.type', value: 'producer' },
          ],
        }],
        timeoutMs: 0,
        validateOnly: false,
      });
      if (result.errorCode === ErrorCode.NONE.code) {
        this.logger.info(`Created ${OFFSETS_TOPIC} with ${c.offsetsTopicNumPartitions} partitions, replication factor ${replicationFactor}`);
      } else if (result.errorCode !== ErrorCode.TOPIC_ALREADY_EXISTS.code) {
        this.logger.warn(`Could not create ${OFFSETS_TOPIC}: ${result.errorMessage ?? `error ${result.errorCode}`}`);
      }
    } catch (err) {
      this.logger.warn(`Could not create ${OFFSETS_TOPIC}: ${(err as Error).message} (error ${toErrorCode(err)})`);
    }
  }
}
