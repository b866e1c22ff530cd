/**
 * OffsetForLeaderEpoch: a follower of a new leader asks, for the latest epoch in its own log, where
 * that epoch ends in the leader's log, and truncates there (KIP-101/279) instead of to its high
 * watermark. Only the current leader answers, and only for callers on its leader epoch.
 */
import { ErrorCode, SamsaError, toErrorCode } from '../../protocol/errors';
import {
  OffsetForLeaderEpochRequestData, OffsetForLeaderEpochResponseData, UNDEFINED_EPOCH, UNDEFINED_EPOCH_OFFSET,
} from '../../protocol/messages/replication';
import { authorizeCluster, authorizedNames } from '../authorize';
import { BrokerContext } from '../broker-context';
import { Handler } from '../request-context';
import { checkLeaderEpoch } from './fetch';

export function offsetForLeaderEpochHandler(ctx: BrokerContext): Handler<OffsetForLeaderEpochRequestData, OffsetForLeaderEpochResponseData> {
  return (req, rc) => {
    // Kafka (KIP-320): brokers come with ClusterAction; clients checking for truncation need Describe on the topic.
    const names = req.topics.flatMap((t) => t.partitions.map(() => t.name));
    const describable = authorizeCluster(ctx, rc, 'ClusterAction', { logIfDenied: false })
      ? new Set(names) : authorizedNames(ctx, rc, 'Describe', 'Topic', names);
    return {
      throttleTimeMs: 0,
      topics: req.topics.map((topic) => ({
        name: topic.name,
        partitions: topic.partitions.map((p) => {
          try {
            if (!describable.has(topic.name)) throw new SamsaError(ErrorCode.TOPIC_AUTHORIZATION_FAILED);
            const partition = ctx.replicas.leaderPartition(topic.name, p.partition, ctx.metadata.hasTopic(topic.name));
            checkLeaderEpoch(partition, p.currentLeaderEpoch);
            const answer = partition.log.endOffsetForEpoch(p.leaderEpoch);
            return { errorCode: 0, partition: p.partition, leaderEpoch: answer.leaderEpoch, endOffset: answer.endOffset };
          } catch (err) {
            if (!(err instanceof SamsaError)) ctx.logger.error(`OffsetForLeaderEpoch for ${topic.name}-${p.partition} failed: ${(err as Error).stack}`);
            return { errorCode: toErrorCode(err), partition: p.partition, leaderEpoch: UNDEFINED_EPOCH, endOffset: UNDEFINED_EPOCH_OFFSET };
          }
        }),
      })),
    };
  };
}
