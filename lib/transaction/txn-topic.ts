/**
 * FindCoordinator for transactional ids (key type 1), and the internal `__transaction_state`
 * topic it creates on first use, as lib/group/offsets-topic.ts does for `__consumer_offsets`.
 *
 * The coordinator of a transactional id is the leader of partition
 * abs(javaHashCode(transactionalId)) % partitions (Kafka's TransactionStateManager.partitionFor).
 * The first request in a cluster without the topic creates it (compacted, transaction.state.log.*
 * settings, replication factor capped at the live brokers and min.insync.replicas at that factor,
 * unclean election off) and answers COORDINATOR_NOT_AVAILABLE until a leader is elected.
 */
import { coordinatorPartition } from '../group/coordinator-partition';
import { OffsetsTopicMetadata, TopicCreator } from '../group/offsets-topic';
import { FindCoordinatorResult } from '../group/group-responses';
import { ErrorCode, toErrorCode } from '../protocol/errors';
import { Logger } from '../util/logger';
import { TxnCoordinatorConfig } from './txn-config';

export const TRANSACTION_STATE_TOPIC = '__transaction_state';

export class TxnTopic {
  private creating: Promise<void> | null = null;

  constructor(
    private readonly config: TxnCoordinatorConfig,
    private readonly metadata: OffsetsTopicMetadata,
    private readonly topics: TopicCreator,
    private readonly logger: Logger,
  ) {}

  /** The topic's real partition count once it exists; the configured one before. */
  partitionCount(): number {
    return this.metadata.partitions(TRANSACTION_STATE_TOPIC)?.length ?? this.config.numPartitions;
  }

  partitionFor(transactionalId: string): number {
    return coordinatorPartition(transactionalId, this.partitionCount());
  }

  async findCoordinator(transactionalId: string, listenerName: string): Promise<FindCoordinatorResult> {
    const fail = (code: number, message: string): FindCoordinatorResult => ({
      throttleTimeMs: 0, errorCode: code, errorMessage: message, nodeId: -1, host: '', port: -1,
    });
    if (transactionalId === '') return fail(ErrorCode.INVALID_REQUEST.code, 'The transactional id must not be empty.');
    const partitions = this.metadata.partitions(TRANSACTION_STATE_TOPIC);
    if (!partitions) {
      await this.ensureTopic();
      return fail(ErrorCode.COORDINATOR_NOT_AVAILABLE.code, `The ${TRANSACTION_STATE_TOPIC} topic is being created.`);
    }
    const partition = coordinatorPartition(transactionalId, partitions.length);
    const leader = partitions[partition].leader;
    const endpoint = leader >= 0 ? this.metadata.broker(leader, listenerName) : undefined;
    if (!endpoint) return fail(ErrorCode.COORDINATOR_NOT_AVAILABLE.code, `Partition ${partition} of ${TRANSACTION_STATE_TOPIC} has no live leader.`);
    return { throttleTimeMs: 0, errorCode: ErrorCode.NONE.code, errorMessage: null, nodeId: leader, host: endpoint.host, port: endpoint.port };
  }

  /** Creates the topic unless it exists; concurrent callers share one attempt, and failures are only logged. */
  private ensureTopic(): Promise<void> {
    if (!this.creating) this.creating = this.create().finally(() => { this.creating = null; });
    return this.creating;
  }

  private async create(): Promise<void> {
    const c = this.config;
    const replicationFactor = Math.min(c.replicationFactor, Math.max(1, this.metadata.liveBrokers().length));
    const minIsr = Math.min(c.minIsr, replicationFactor);
    try {
      const [result] = await this.topics.createTopics({
        topics: [{
          name: TRANSACTION_STATE_TOPIC,
          numPartitions: c.numPartitions,
          replicationFactor,
          assignments: [],
          configs: [
            { name: 'cleanup.policy', value: 'compact' },
            { name: 'segment.bytes', value: String(c.segmentBytes) },
            { name: 'min.insync.replicas', value: String(minIsr) },
            { name: 'unclean.leader.election.enable', value: 'false' },
            { name: 'compression.type', value: 'uncompressed' },
          ],
        }],
        timeoutMs: 0,
        validateOnly: false,
      });
      if (result.errorCode === ErrorCode.NONE.code) {
        this.logger.info(`Created ${TRANSACTION_STATE_TOPIC} with ${c.numPartitions} partitions, replication factor ${replicationFactor}, min.insync.replicas ${minIsr}`);
      } else if (result.errorCode !== ErrorCode.TOPIC_ALREADY_EXISTS.code) {
        this.logger.warn(`Could not create ${TRANSACTION_STATE_TOPIC}: ${result.errorMessage ?? `error ${result.errorCode}`}`);
      }
    } catch (err) {
      this.logger.warn(`Could not create ${TRANSACTION_STATE_TOPIC}: ${(err as Error).message} (error ${toErrorCode(err)})`);
    }
  }
}
