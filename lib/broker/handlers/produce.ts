/**
 * Produce: validate the request, hand each partition's bytes to the replica manager (which appends
 * as the leader and, for acks=all, waits for the ISR), answer per partition. acks=0 sends no
 * response.
 */
import { ErrorCode } from '../../protocol/errors';
import { ProduceRequestData, ProduceResponseData } from '../../protocol/messages/produce-fetch';
import { authorizedNames } from '../authorize';
import { BrokerContext } from '../broker-context';
import { Handler, RequestContext } from '../request-context';
import { ProducePartitionResult } from '../partition-results';

function failed(code: number, errorMessage: string): ProducePartitionResult {
  return { errorCode: code, errorMessage, baseOffset: -1, logAppendTimeMs: -1, logStartOffset: -1 };
}

/**
 * One partition's answer: at once when it fails a check, else the replica manager's promise. A
 * request's partitions share one Promise.all and no async function, since a hop costs µs each.
 */
function partitionResult(
  ctx: BrokerContext, req: ProduceRequestData, rc: RequestContext, writable: Set<string>, topic: string, index: number, records: Buffer | null,
): ProducePartitionResult | Promise<ProducePartitionResult> {
  const acks = req.acks;
  if (!writable.has(topic)) return failed(ErrorCode.TOPIC_AUTHORIZATION_FAILED.code, `Not authorized to write to topic ${topic}`);
  if (acks !== 0 && acks !== 1 && acks !== -1) return failed(ErrorCode.INVALID_REQUIRED_ACKS.code, `acks must be -1, 0 or 1, got ${acks}`);
  if (ctx.metadata.isInternal(topic)) return failed(ErrorCode.INVALID_TOPIC_EXCEPTION.code, `Cannot produce to internal topic ${topic}`);
  if (records === null || records.length === 0) return failed(ErrorCode.CORRUPT_MESSAGE.code, `Produce request for ${topic}-${index} carries no records`);
  if (!ctx.replicas.getPartition(topic, index) && !ctx.metadata.hasTopic(topic)) {
    return failed(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION.code, `${topic}-${index} is not hosted by broker ${ctx.brokerId}`);
  }
  return ctx.replicas.appendRecords(topic, index, records, acks as -1 | 0 | 1, req.timeoutMs, rc.timing);
}

/** The response in request order (acks=0: none, once every append settled). */
function respond(req: ProduceRequestData, results: readonly ProducePartitionResult[]): ProduceResponseData | null {
  if (req.acks === 0) return null;
  let i = 0;
  const topics = req.topics.map((topic) => ({
    name: topic.name,
    partitions: topic.partitions.map((p) => {
      const r = results[i++];
      return { index: p.index, errorCode: r.errorCode, errorMessage: r.errorMessage, baseOffset: r.baseOffset, logAppendTimeMs: r.logAppendTimeMs, logStartOffset: r.logStartOffset };
    }),
  }));
  return { topics, throttleTimeMs: 0 };
}

export function produceHandler(ctx: BrokerContext): Handler<ProduceRequestData, ProduceResponseData> {
  return (req, rc) => {
    // Kafka checks Write on each topic first: an unauthorized topic's partitions fail whatever else is wrong.
    const writable = authorizedNames(ctx, rc, 'Write', 'Topic', req.topics.flatMap((t) => t.partitions.map(() => t.name)));
    const results: Array<ProducePartitionResult | Promise<ProducePartitionResult>> = [];
    let pending = false;
    for (const topic of req.topics) {
      for (const p of topic.partitions) {
        const result = partitionResult(ctx, req, rc, writable, topic.name, p.index, p.records);
        if (result instanceof Promise) pending = true;
        results.push(result);
      }
    }
    if (!pending) return respond(req, results as ProducePartitionResult[]);
    return Promise.all(results).then((settled) => respond(req, settled));
  };
}
