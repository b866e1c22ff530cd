/**
 * DeleteRecords: each partition's leader moves its log start offset (record-deletion.ts). As in
 * Kafka, a topic the principal may not Delete answers TOPIC_AUTHORIZATION_FAILED, a topic the
 * cluster does not know UNKNOWN_TOPIC_OR_PARTITION, and a broker that does not lead the partition
 * NOT_LEADER_FOR_PARTITION; every failure carries low watermark -1.
 */
import { ErrorCode, SamsaError, toErrorCode } from '../../protocol/errors';
import { DeleteRecordsRequestData, DeleteRecordsResponseData } from '../../protocol/messages/delete-records';
import { authorizedNames } from '../authorize';
import { BrokerContext } from '../broker-context';
import { Handler } from '../request-context';

/** Kafka bounds the wait by the request's timeout; a broker bound keeps a bad client from parking forever. */
const MAX_TIMEOUT_MS = 5 * 60 * 1000;

export function deleteRecordsHandler(ctx: BrokerContext): Handler<DeleteRecordsRequestData, DeleteRecordsResponseData> {
  return async (req, rc) => {
    const deletable = authorizedNames(ctx, rc, 'Delete', 'Topic', req.topics.flatMap((t) => t.partitions.map(() => t.name)));
    const timeoutMs = Math.max(0, Math.min(req.timeoutMs, MAX_TIMEOUT_MS));
    return {
      throttleTimeMs: 0,
      topics: await Promise.all(req.topics.map(async (topic) => ({
        name: topic.name,
        partitions: await Promise.all(topic.partitions.map(async (p) => {
          try {
            if (!deletable.has(topic.name)) throw new SamsaError(ErrorCode.TOPIC_AUTHORIZATION_FAILED);
            if (!ctx.metadata.hasTopic(topic.name)) throw new SamsaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
            const partition = ctx.replicas.leaderPartition(topic.name, p.partitionIndex, true);
            const outcome = await ctx.replicas.recordDeletion.deleteOnLeader(partition, p.offset, timeoutMs);
            return { partitionIndex: p.partitionIndex, ...outcome };
          } catch (err) {
            return { partitionIndex: p.partitionIndex, errorCode: toErrorCode(err), lowWatermark: -1 };
          }
        })),
      }))),
    };
  };
}
