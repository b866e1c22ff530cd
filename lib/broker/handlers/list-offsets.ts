/**
 * ListOffsets: earliest (-2), latest (-1: the high watermark, or under read_committed the last
 * stable offset, as Kafka) or the first record at or after a timestamp (below the same bound).
 */
import { ErrorCode, SamsaError, toErrorCode } from '../../protocol/errors';
import { EARLIEST_TIMESTAMP, LATEST_TIMESTAMP, ListOffsetsRequestData, ListOffsetsResponseData } from '../../protocol/messages/produce-fetch';
import { authorizedNames } from '../authorize';
import { BrokerContext } from '../broker-context';
import { Handler } from '../request-context';
import { recordAtTimestamp } from '../timestamp-lookup';

/** Kafka's IsolationLevel.READ_COMMITTED. */
const READ_COMMITTED = 1;

export function listOffsetsHandler(ctx: BrokerContext): Handler<ListOffsetsRequestData, ListOffsetsResponseData> {
  return async (req, rc) => {
    // Kafka: Describe on each topic, else TOPIC_AUTHORIZATION_FAILED for its partitions.
    const describable = authorizedNames(ctx, rc, 'Describe', 'Topic', req.topics.flatMap((t) => t.partitions.map(() => t.name)));
    return {
      throttleTimeMs: 0,
      topics: await Promise.all(req.topics.map(async (topic) => ({
        name: topic.name,
        partitions: await Promise.all(topic.partitions.map(async (p) => {
          try {
            if (!describable.has(topic.name)) throw new SamsaError(ErrorCode.TOPIC_AUTHORIZATION_FAILED);
            const partition = ctx.replicas.leaderPartition(topic.name, p.partitionIndex, ctx.metadata.hasTopic(topic.name));
            let offset: number;
            let timestamp = -1;
            const bound = req.isolationLevel === READ_COMMITTED ? partition.lastStableOffset : partition.highWatermark;
            if (p.timestamp === LATEST_TIMESTAMP) offset = bound;
            else if (p.timestamp === EARLIEST_TIMESTAMP) offset = partition.log.logStartOffset;
            else {
              // Kafka's answer: the first record at or after the timestamp, with its own timestamp.
              const found = await recordAtTimestamp(partition.log, p.timestamp, bound);
              offset = found?.offset ?? -1;
              timestamp = found?.timestamp ?? -1;
            }
            return { partitionIndex: p.partitionIndex, errorCode: 0, timestamp, offset, leaderEpoch: partition.leaderEpoch };
          } catch (err) {
            if (!(err instanceof SamsaError)) ctx.logger.error(`ListOffsets for ${topic.name}-${p.partitionIndex} failed: ${(err as Error).stack}`);
            return { partitionIndex: p.partitionIndex, errorCode: toErrorCode(err), timestamp: -1, offset: -1, leaderEpoch: -1 };
          }
        })),
      }))),
    };
  };
}
