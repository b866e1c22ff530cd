/**
 * Kafka's Produce, Fetch, ListOffsets and DeleteRecords over the native handlers: the same appends, reads and
 * purgatories serve both listeners. What differs is Kafka's and is handled here: a client's
 * replica id is ignored (only brokers replicate, and they use the native listener), there are no
 * fetch sessions (sessionId 0 tells the client so), and record sets in the old message formats
 * (magic 0 and 1) are refused per partition with UNSUPPORTED_VERSION and a log line.
 */
import { Api } from '../../protocol/api';
import { ErrorCode } from '../../protocol/errors';
import { KafkaDeleteRecords } from '../../protocol/kafka/messages/delete-records';
import { KafkaFetch, KafkaListOffsets, KafkaProduce, KafkaProduceResponseData } from '../../protocol/kafka/messages/produce-fetch';
import { CONSUMER_REPLICA_ID, ProduceRequestData, ProduceResponseData } from '../../protocol/messages/produce-fetch';
import { CURRENT_MAGIC, MAGIC_OFFSET } from '../../record/batch-header';
import { Logger } from '../../util/logger';
import { ApiDispatcher } from '../api-dispatcher';
import { AccessControl, authorize } from '../authorize';
import { Handler, RequestContext } from '../request-context';
import { KafkaDispatcher } from './kafka-dispatcher';
import { callNative, nativeHandler } from './native-handlers';

const EMPTY = Buffer.alloc(0);

type ProducePartitionAnswer = KafkaProduceResponseData['topics'][number]['partitions'][number];

/** The magic byte of the first batch, or null when the bytes are too short to have one. */
function recordsMagic(records: Buffer | null): number | null {
  return records !== null && records.length > MAGIC_OFFSET ? records.readInt8(MAGIC_OFFSET) : null;
}

function produceFailure(index: number, errorCode: number, errorMessage: string | null): ProducePartitionAnswer {
  return { index, errorCode, baseOffset: -1, logAppendTimeMs: -1, logStartOffset: -1, recordErrors: [], errorMessage };
}

function produceHandler(native: Handler<ProduceRequestData, ProduceResponseData>, logger: Logger, access: AccessControl) {
  return async (req: ProduceRequestData, ctx: RequestContext): Promise<KafkaProduceResponseData | null> => {
    const refused = new Map<string, ProducePartitionAnswer>();
    // As in Kafka, authorization comes before any look at the records: the native handler denies
    // (and audits) a topic the principal may not write, whatever format its records are in.
    const writable = (topic: string) => authorize(access, ctx, 'Write', 'Topic', topic, { logIfDenied: false });
    const accepted = req.topics.map((topic) => ({
      name: topic.name,
      partitions: topic.partitions.filter((p) => {
        const magic = recordsMagic(p.records);
        if (magic === null || magic === CURRENT_MAGIC || !writable(topic.name)) return true;
        const message = `message format v${magic} is not supported: Samsa stores record batches v2 (magic 2) only`;
        logger.warn(`Refusing Produce to ${topic.name}-${p.index} from ${ctx.remoteAddress} (client ${ctx.header.clientId ?? '?'}): ${message}`);
        refused.set(`${topic.name}\u0000${p.index}`, produceFailure(p.index, ErrorCode.UNSUPPORTED_VERSION.code, message));
        return false;
      }),
    })).filter((t) => t.partitions.length > 0);
    const answered = accepted.length > 0 ? await native({ ...req, topics: accepted }, ctx) : null;
    if (req.acks === 0) return null;
    const fromNative = new Map<string, ProducePartitionAnswer>();
    for (const t of answered?.topics ?? []) {
      for (const p of t.partitions) fromNative.set(`${t.name}\u0000${p.index}`, { ...p, recordErrors: [] });
    }
    return {
      throttleTimeMs: 0,
      topics: req.topics.map((t) => ({
        name: t.name,
        partitions: t.partitions.map((p) => {
          const key = `${t.name}\u0000${p.index}`;
          return refused.get(key) ?? fromNative.get(key) ?? produceFailure(p.index, ErrorCode.UNKNOWN_SERVER_ERROR.code, null);
        }),
      })),
    };
  };
}

export function registerDataApis(kafka: KafkaDispatcher, native: ApiDispatcher, logger: Logger, access: AccessControl): void {
  const fetch = nativeHandler(native, Api.Fetch);
  const listOffsets = nativeHandler(native, Api.ListOffsets);
  const deleteRecords = nativeHandler(native, Api.DeleteRecords);
  kafka
    .register(KafkaProduce, produceHandler(nativeHandler(native, Api.Produce), logger, access), (req, errorCode) => ({
      throttleTimeMs: 0,
      topics: req.topics.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => produceFailure(p.index, errorCode, null)) })),
    }))
    .register(KafkaFetch, async (req, ctx) => {
      // Replica ids from clients are ignored, as Kafka's brokers ignore them from non-brokers.
      const answer = await callNative(fetch, { ...req, replicaId: CONSUMER_REPLICA_ID }, ctx);
      return {
        throttleTimeMs: answer.throttleTimeMs,
        errorCode: answer.errorCode,
        sessionId: 0,
        topics: answer.topics.map((t) => ({
          name: t.name,
          partitions: t.partitions.map((p) => ({
            ...p, divergingEpoch: null, currentLeader: null, snapshotId: null, preferredReadReplica: -1,
            // librdkafka refuses a negative record-set size: an error partition carries an empty set.
            records: p.records ?? EMPTY,
          })),
        })),
      };
    }, (req, errorCode) => ({
      throttleTimeMs: 0, errorCode: 0, sessionId: 0,
      topics: req.topics.map((t) => ({
        name: t.name,
        partitions: t.partitions.map((p) => ({
          partitionIndex: p.partition, errorCode, highWatermark: -1, lastStableOffset: -1, logStartOffset: -1,
          divergingEpoch: null, currentLeader: null, snapshotId: null, abortedTransactions: null, preferredReadReplica: -1, records: EMPTY,
        })),
      })),
    }))
    .register(KafkaListOffsets, (req, ctx) => callNative(listOffsets, { ...req, replicaId: CONSUMER_REPLICA_ID }, ctx), (req, errorCode) => ({
      throttleTimeMs: 0,
      topics: req.topics.map((t) => ({
        name: t.name,
        partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode, timestamp: -1, offset: -1, leaderEpoch: -1 })),
      })),
    }))
    .register(KafkaDeleteRecords, (req, ctx) => callNative(deleteRecords, req, ctx), (req, errorCode) => ({
      throttleTimeMs: 0,
      topics: req.topics.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, lowWatermark: -1, errorCode })) })),
    }));
}
