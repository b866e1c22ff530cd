/**
 * Produce: validate the request, hand each partition's bytes to the replica manager (which appends
 * as the leader and, for acks=all, waits for the ISR), answer per partition. acks=0 sends no
 * response.
 */
import { ErrorCode } from '../../protocol/errors';
import { ProduceRequestData, ProduceResponseData } from '../../protocol/messages/produce-fetch';
import { authorizedNames } from '../authorize';
import { BrokerContext } from '../broker-context';
import { Handler } from '../request-context';
import { ProducePartitionResult } from '../partition-results';

function failed(code: number, errorMessage: string): ProducePartitionResult {
  return { errorCode: code, errorMessage, baseOffset: -1, logAppendTimeMs: -1, logStartOffset: -1 };
}

export function produceHandler(ctx: BrokerContext): Handler<ProduceRequestData, ProduceResponseData> {
  return async (req, rc) => {
    const acks = req.acks;
    const validAcks = acks === 0 || acks === 1 || acks === -1;
    // Kafka checks Write on each topic first: an unauthorized topic's partitions fail whatever else is wrong.
    const writable = authorizedNames(ctx, rc, 'Write', 'Topic', req.topics.flatMap((t) => t.partitions.map(() => t.name)));
    const topics = await Promise.all(req.topics.map(async (topic) => ({
      name: topic.name,
      partitions: await Promise.all(topic.partitions.map(async (p) => {
        let result: ProducePartitionResult;
        if (!writable.has(topic.name)) {
          result = failed(ErrorCode.TOPIC_AUTHORIZATION_FAILED.code, `Not authorized to write to topic ${topic.name}`);
        } else if (!validAcks) {
          result = failed(ErrorCode.INVALID_REQUIRED_ACKS.code, `acks must be -1, 0 or 1, got ${acks}`);
        } else if (ctx.metadata.isInternal(topic.name)) {
          result = failed(ErrorCode.INVALID_TOPIC_EXCEPTION.code, `Cannot produce to internal topic ${topic.name}`);
        } else if (p.records === null || p.records.length === 0) {
          result = failed(ErrorCode.CORRUPT_MESSAGE.code, `Produce request for ${topic.name}-${p.index} carries no records`);
        } else if (!ctx.replicas.getPartition(topic.name, p.index) && !ctx.metadata.hasTopic(topic.name)) {
          result = failed(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION.code, `${topic.name}-${p.index} is not hosted by broker ${ctx.brokerId}`);
        } else {
          result = await ctx.replicas.appendRecords(topic.name, p.index, p.records, acks as -1 | 0 | 1, req.timeoutMs, rc.timing);
        }
        return { index: p.index, ...result };
      })),
    })));
    if (acks === 0) return null;
    return { topics, throttleTimeMs: 0 };
  };
}
