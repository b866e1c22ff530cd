/**
 * Fetch: read whole batches below the high watermark from each requested partition, within the
 * request's and each partition's byte limits; park in the purgatory until `minBytes` arrive or
 * `maxWaitMs` passes.
 */
import { SamsaError, toErrorCode } from '../../protocol/errors';
import { FetchRequestData, FetchResponseData } from '../../protocol/messages/produce-fetch';
import { BrokerContext } from '../broker-context';
import { partitionKey } from '../partition';
import { Handler } from '../request-context';

type FetchTopicResponse = FetchResponseData['topics'][number];

export function fetchHandler(ctx: BrokerContext): Handler<FetchRequestData, FetchResponseData> {
  return async (req) => {
    const maxBytes = Math.min(req.maxBytes > 0 ? req.maxBytes : ctx.config.fetchMaxBytes, ctx.config.fetchMaxBytes);
    let first = await readAll(ctx, req, maxBytes);
    if (first.bytes >= req.minBytes || first.errors > 0 || req.maxWaitMs <= 0) {
      return response(first.topics);
    }
    const keys = req.topics.flatMap((t) => t.partitions.map((p) => partitionKey(t.name, p.partition)));
    await ctx.purgatory.wait(keys, Math.max(1, req.minBytes - first.bytes), Math.min(req.maxWaitMs, 5 * 60 * 1000));
    first = await readAll(ctx, req, maxBytes);
    return response(first.topics);
  };
}

function response(topics: FetchTopicResponse[]): FetchResponseData {
  return { throttleTimeMs: 0, errorCode: 0, topics };
}

async function readAll(ctx: BrokerContext, req: FetchRequestData, maxBytes: number): Promise<{ topics: FetchTopicResponse[]; bytes: number; errors: number }> {
  let remaining = maxBytes;
  let bytes = 0;
  let errors = 0;
  const topics: FetchTopicResponse[] = [];
  // Partitions are read in order so the response limit is shared fairly by position, as in Kafka.
  for (const topic of req.topics) {
    const partitions: FetchTopicResponse['partitions'] = [];
    for (const p of topic.partitions) {
      try {
        const partition = ctx.replicas.leaderPartition(topic.name, p.partition, ctx.metadata.hasTopic(topic.name));
        const limit = Math.max(0, Math.min(p.partitionMaxBytes, remaining));
        const result = await ctx.replicas.read(partition, p.fetchOffset, limit, bytes === 0);
        const size = result.records?.length ?? 0;
        bytes += size;
        remaining = Math.max(0, remaining - size);
        partitions.push({ partitionIndex: p.partition, errorCode: 0, highWatermark: result.highWatermark,
          lastStableOffset: result.highWatermark, logStartOffset: result.logStartOffset, records: result.records });
      } catch (err) {
        errors++;
        if (!(err instanceof SamsaError)) ctx.logger.error(`Fetch from ${topic.name}-${p.partition} failed: ${(err as Error).stack}`);
        partitions.push({ partitionIndex: p.partition, errorCode: toErrorCode(err), highWatermark: -1,
          lastStableOffset: -1, logStartOffset: -1, records: null });
      }
    }
    topics.push({ name: topic.name, partitions });
  }
  return { topics, bytes, errors };
}
