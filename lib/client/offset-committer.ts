/**
 * Committed offsets of a consumer group: OffsetCommit and OffsetFetch against the coordinator,
 * and what their error codes mean for the consumer.
 *
 * A committed offset is the *next* offset to consume. Commits carry the member's generation so
 * the coordinator can refuse one from a member that has been rebalanced out (ILLEGAL_GENERATION,
 * UNKNOWN_MEMBER_ID: Kafka's CommitFailedException); consumers that assign partitions themselves
 * commit with generation -1 and no member id. Errors that only mean "the coordinator moved or is
 * busy" are retried until the caller's deadline; everything else is thrown.
 */
import { Api } from '../protocol/api';
import { ErrorCode, SamsaError } from '../protocol/errors';
import { OffsetCommitRequestData, OffsetFetchResponseData } from '../protocol/messages/group';
import { ClientLogger, clientLogger } from './client-logger';
import { asSamsaError, authorizationError, GroupAuthorizationError, responseError, TopicAuthorizationError, userError } from './client-errors';
import { ConsumerMetricsRecorder } from './client-metrics';
import { commitFailedError } from './consumer-errors';
import { coordinatorMoved, CoordinatorChannel, retriableGroupError } from './coordinator-channel';
import { partitionKey } from './list-offsets';
import { TopicPartition } from './partition-state';
import { exponentialBackoffMs } from './retry-policy';
import { sleep } from '../util/time';

export interface OffsetAndMetadata {
  /** The next offset to consume. */
  offset: number;
  metadata: string | null;
}

export interface TopicPartitionOffset extends TopicPartition {
  offset: number;
  /** Free text stored with the offset (Kafka's OffsetAndMetadata.metadata); empty by default. */
  metadata?: string | null;
}

export interface Generation {
  generationId: number;
  memberId: string;
  /** A static member's group.instance.id, which the coordinator checks for fencing. */
  groupInstanceId?: string | null;
}

/** The generation of a consumer that is not a group member (manual assignment, admin tools). */
export const NO_GENERATION: Readonly<Generation> = { generationId: -1, memberId: '' };

export interface CommitterHooks {
  /** The coordinator no longer knows this member or generation: membership must be reset. */
  onGenerationInvalid(): void;
  /** The group is rebalancing: the member must rejoin. */
  onRebalanceNeeded(): void;
}

export interface CommitterOptions {
  requestTimeoutMs: number;
  retryBackoffMs: number;
  retryBackoffMaxMs: number;
  logger?: ClientLogger;
}

/** The OffsetCommit body for `offsets`, grouped by topic. */
export function offsetCommitRequest(groupId: string, offsets: readonly TopicPartitionOffset[], generation: Generation): OffsetCommitRequestData {
  const topics = new Map<string, OffsetCommitRequestData['topics'][number]>();
  for (const o of offsets) {
    const t = topics.get(o.topic) ?? { name: o.topic, partitions: [] };
    t.partitions.push({ partitionIndex: o.partition, committedOffset: o.offset, committedLeaderEpoch: -1, committedMetadata: o.metadata ?? '' });
    topics.set(o.topic, t);
  }
  return { groupId, generationId: generation.generationId, memberId: generation.memberId, groupInstanceId: generation.groupInstanceId ?? null, topics: [...topics.values()] };
}

/** OffsetFetch's `topics` for some partitions (null asks for every committed offset of the group). */
export function offsetFetchTopics(partitions: readonly TopicPartition[] | null): { name: string; partitionIndexes: number[] }[] | null {
  if (partitions === null) return null;
  const topics = new Map<string, number[]>();
  for (const tp of partitions) topics.set(tp.topic, [...(topics.get(tp.topic) ?? []), tp.partition]);
  return [...topics].map(([name, partitionIndexes]) => ({ name, partitionIndexes }));
}

export type OffsetFetchOutcome = { retryCode: number } | { offsets: Map<string, TopicPartition & OffsetAndMetadata> };

/**
 * Reads an OffsetFetch answer: committed offsets keyed by partitionKey (partitions without one are
 * left out), or the code to retry on. Per-partition UNKNOWN_TOPIC_OR_PARTITION means "nothing
 * committed"; other errors are thrown.
 */
export function readOffsetFetch(response: OffsetFetchResponseData, groupId?: string): OffsetFetchOutcome {
  if (response.errorCode !== 0) {
    if (retriableGroupError(response.errorCode)) return { retryCode: response.errorCode };
    throw authorizationError(response.errorCode, { group: groupId }) ?? responseError(response.errorCode, null);
  }
  const offsets = new Map<string, TopicPartition & OffsetAndMetadata>();
  for (const t of response.topics) {
    for (const p of t.partitions) {
      if (p.errorCode === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION.code) continue;
      if (p.errorCode !== 0) {
        if (retriableGroupError(p.errorCode) || p.errorCode === ErrorCode.UNSTABLE_OFFSET_COMMIT.code) return { retryCode: p.errorCode };
        throw authorizationError(p.errorCode, { topic: t.name }) ?? responseError(p.errorCode, null, `Fetching the committed offset of ${t.name}-${p.partitionIndex} failed.`);
      }
      if (p.committedOffset < 0) continue;
      offsets.set(partitionKey(t.name, p.partitionIndex), { topic: t.name, partition: p.partitionIndex, offset: p.committedOffset, metadata: p.metadata });
    }
  }
  return { offsets };
}

export class OffsetCommitter {
  private readonly log: ClientLogger;
  constructor(
    private readonly channel: CoordinatorChannel,
    private readonly options: CommitterOptions,
    private readonly hooks: CommitterHooks,
    private readonly metrics?: ConsumerMetricsRecorder,
  ) {
    this.log = clientLogger(options.logger, 'consumer');
  }

  /**
   * Commits `offsets` with `generation`. With `retry`, retriable failures are retried until
   * `deadlineMs` (commitSync); without, the first failure is thrown (commitAsync, as Kafka does).
   */
  async commit(offsets: readonly TopicPartitionOffset[], generation: Generation, deadlineMs: number, retry: boolean): Promise<void> {
    if (offsets.length === 0) return;
    const body = offsetCommitRequest(this.channel.groupId, offsets, generation);
    for (let attempt = 0; ; attempt++) {
      let failure: SamsaError;
      try {
        const sentMs = this.metrics?.now() ?? 0;
        const response = await this.channel.send(Api.OffsetCommit, body, this.options.requestTimeoutMs, deadlineMs);
        if (this.metrics) this.metrics.committed(this.metrics.now() - sentMs);
        const code = firstPartitionError(response.topics);
        if (code === 0) return;
        const denied = response.topics.filter((t) => t.partitions.some((p) => p.errorCode === ErrorCode.TOPIC_AUTHORIZATION_FAILED.code)).map((t) => t.name);
        failure = code === ErrorCode.GROUP_AUTHORIZATION_FAILED.code ? new GroupAuthorizationError(this.channel.groupId)
          : denied.length > 0 ? new TopicAuthorizationError(denied) : this.commitError(code);
      } catch (err) {
        failure = asSamsaError(err);
      }
      if (!retry || !isRetriable(failure)) throw failure;
      await this.backoff(attempt, deadlineMs, failure, 'committing offsets');
    }
  }

  /** Committed offsets of `partitions`, keyed by partitionKey; partitions without one are absent. */
  async fetchCommitted(partitions: readonly TopicPartition[], deadlineMs: number): Promise<Map<string, TopicPartition & OffsetAndMetadata>> {
    // requireStable (KIP-447, as Kafka's consumer since 2.5): an offset a transaction is still
    // committing answers UNSTABLE_OFFSET_COMMIT, retried, so a consume-transform-produce app
    // never restarts from an offset about to be replaced.
    const body = { groupId: this.channel.groupId, topics: offsetFetchTopics(partitions), requireStable: true };
    for (let attempt = 0; ; attempt++) {
      let failure: SamsaError;
      try {
        const outcome = readOffsetFetch(await this.channel.send(Api.OffsetFetch, body, this.options.requestTimeoutMs, deadlineMs), this.channel.groupId);
        if ('offsets' in outcome) return outcome.offsets;
        if (coordinatorMoved(outcome.retryCode)) this.channel.markUnknown(ErrorCode.NOT_COORDINATOR.name);
        failure = responseError(outcome.retryCode, null);
      } catch (err) {
        failure = asSamsaError(err);
      }
      if (!isRetriable(failure)) throw failure;
      await this.backoff(attempt, deadlineMs, failure, 'fetching committed offsets');
    }
  }

  private commitError(code: number): SamsaError {
    if (coordinatorMoved(code)) this.channel.markUnknown(responseError(code, null).errorName);
    if (code === ErrorCode.UNKNOWN_MEMBER_ID.code || code === ErrorCode.ILLEGAL_GENERATION.code) {
      this.hooks.onGenerationInvalid();
      return commitFailedError();
    }
    if (code === ErrorCode.REBALANCE_IN_PROGRESS.code) {
      this.hooks.onRebalanceNeeded();
      return userError(ErrorCode.REBALANCE_IN_PROGRESS, 'Offset commit cannot be completed since the consumer group is executing a rebalance at the moment. ' +
        'You can try completing the rebalance by calling poll() and then retry commit again');
    }
    return responseError(code, null);
  }

  private async backoff(attempt: number, deadlineMs: number, failure: SamsaError, what: string): Promise<void> {
    const waitMs = exponentialBackoffMs(attempt, this.options.retryBackoffMs, this.options.retryBackoffMaxMs);
    if (Date.now() + waitMs >= deadlineMs) {
      throw userError(ErrorCode.REQUEST_TIMED_OUT, `Timeout expired while ${what} for group ${this.channel.groupId}: ${failure.message}`, failure);
    }
    this.log.debug(`${what} for group ${this.channel.groupId} failed (${failure.message}); retrying in ${waitMs} ms`);
    await sleep(waitMs);
  }
}

function firstPartitionError(topics: readonly { partitions: readonly { errorCode: number }[] }[]): number {
  for (const t of topics) for (const p of t.partitions) if (p.errorCode !== 0) return p.errorCode;
  return 0;
}

/**
 * Retried: the coordinator moved, is loading or timed out, the socket died, or a transactional
 * offset commit is pending (UNSTABLE_OFFSET_COMMIT). Not UNKNOWN_TOPIC_OR_PARTITION.
 */
function isRetriable(err: SamsaError): boolean {
  return retriableGroupError(err.code) || err.code === ErrorCode.NETWORK_EXCEPTION.code || err.code === ErrorCode.UNSTABLE_OFFSET_COMMIT.code;
}
