/**
 * Produce: validate acks, route each partition's bytes to its log, answer per partition.
 * acks=0 sends no response; acks=-1 (all) behaves as acks=1 until replication exists.
 */
import { ErrorCode, SamsaError, toErrorCode } from '../../protocol/errors';
import { ProduceRequestData, ProduceResponseData } from '../../protocol/messages/produce-fetch';
import { BrokerContext } from '../broker-context';
import { Handler } from '../request-context';
import { ProducePartitionResult } from '../replica-manager';

function failed(err: unknown): ProducePartitionResult {
  const errorMessage = err instanceof SamsaError ? err.message : 'Unexpected error appending to the log';
  return { errorCode: toErrorCode(err), errorMessage, baseOffset: -1, logAppendTimeMs: -1, logStartOffset: -1 };
}

export function produceHandler(ctx: BrokerContext): Handler<ProduceRequestData, ProduceResponseData> {
  return async (req) => {
    const validAcks = req.acks === 0 || req.acks === 1 || req.acks === -1;
    const topics = await Promise.all(req.topics.map(async (topic) => ({
      name: topic.name,
      partitions: await Promise.all(topic.partitions.map(async (p) => {
        let result: ProducePartitionResult;
        try {
          if (!validAcks) throw new SamsaError(ErrorCode.INVALID_REQUIRED_ACKS, `acks must be -1, 0 or 1, got ${req.acks}`);
          result = await appendPartition(ctx, topic.name, p.index, p.records);
        } catch (err) {
          if (!(err instanceof SamsaError)) ctx.logger.error(`Produce to ${topic.name}-${p.index} failed: ${(err as Error).stack}`);
          result = failed(err);
        }
        return { index: p.index, ...result };
      })),
    })));
    if (req.acks === 0) return null;
    return { topics, throttleTimeMs: 0 };
  };
}

async function appendPartition(ctx: BrokerContext, topic: string, index: number, records: Buffer | null): Promise<ProducePartitionResult> {
  if (ctx.metadata.isInternal(topic)) {
    throw new SamsaError(ErrorCode.INVALID_TOPIC_EXCEPTION, `Cannot produce to internal topic ${topic}`);
  }
  if (records === null || records.length === 0) {
    throw new SamsaError(ErrorCode.CORRUPT_MESSAGE, `Produce request for ${topic}-${index} carries no records`);
  }
  const partition = ctx.replicas.leaderPartition(topic, index, ctx.metadata.hasTopic(topic));
  return ctx.replicas.appendToLeader(partition, records);
}
