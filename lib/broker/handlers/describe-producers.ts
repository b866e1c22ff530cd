/**
 * DescribeProducers (KIP-664): the active producers of each partition this broker leads, from the
 * log's producer state (lib/storage/producer-state.ts), for `samsa-transactions --describe-producers`
 * and for finding hanging transactions. As Kafka: Read on the topic (else
 * TOPIC_AUTHORIZATION_FAILED), UNKNOWN_TOPIC_OR_PARTITION / NOT_LEADER_FOR_PARTITION from the
 * leader lookup, and currentTxnStartOffset -1 for a producer without an open transaction.
 */
import { ErrorCode, SamsaError, toErrorCode } from '../../protocol/errors';
import { DescribeProducersRequest, DescribeProducersResponse } from '../../protocol/messages/transactions';
import { Infer } from '../../protocol/schema';
import { authorizedNames } from '../authorize';
import { BrokerContext } from '../broker-context';
import { Handler } from '../request-context';

export type DescribeProducersRequestData = Infer<typeof DescribeProducersRequest>;
export type DescribeProducersResponseData = Infer<typeof DescribeProducersResponse>;

type PartitionAnswer = DescribeProducersResponseData['topics'][number]['partitions'][number];

export function describeProducersHandler(ctx: BrokerContext): Handler<DescribeProducersRequestData, DescribeProducersResponseData> {
  return (req, rc) => {
    const readable = authorizedNames(ctx, rc, 'Read', 'Topic', req.topics.map((t) => t.name));
    return {
      throttleTimeMs: 0,
      topics: req.topics.map((topic) => ({
        name: topic.name,
        partitions: topic.partitionIndexes.map((partitionIndex) => describePartition(ctx, topic.name, partitionIndex, readable.has(topic.name))),
      })),
    };
  };
}

function describePartition(ctx: BrokerContext, topic: string, partitionIndex: number, readable: boolean): PartitionAnswer {
  try {
    if (!readable) throw new SamsaError(ErrorCode.TOPIC_AUTHORIZATION_FAILED);
    const partition = ctx.replicas.leaderPartition(topic, partitionIndex, ctx.metadata.hasTopic(topic));
    const activeProducers = [...partition.log.producerStates()].map(([producerId, entry]) => ({
      producerId,
      producerEpoch: entry.epoch,
      lastSequence: entry.batches.length > 0 ? entry.batches[entry.batches.length - 1].lastSeq : -1,
      lastTimestamp: entry.lastTimestamp,
      coordinatorEpoch: entry.coordinatorEpoch,
      currentTxnStartOffset: entry.currentTxnFirstOffset,
    }));
    return { partitionIndex, errorCode: 0, errorMessage: null, activeProducers };
  } catch (err) {
    return { partitionIndex, errorCode: toErrorCode(err), errorMessage: err instanceof SamsaError ? err.message : null, activeProducers: [] };
  }
}
